"""Past capacity, answer "come back in a moment" fast instead of queueing.

A process on one core renders pages one after another: when more arrive than it
can render, each new one waits behind all the others, and under a burst every
member waits seconds, then minutes (measured at N = 400: page p95 8 s, sockets
dropped). Shedding the excess with a 503 and Retry-After keeps the pages that
are served fast, and lets a browser or the load balancer come back later.

Two places shed: this WSGI middleware, which counts the requests in progress
(Socket.IO's long-lived ones and static files apart), and the error handler
below for a request that waited its DATABASE_POOL_TIMEOUT for a connection.
"""

import json
import threading
from pathlib import Path

from flask import Flask, Response, g
from sqlalchemy.exc import TimeoutError as PoolTimeout

UNCOUNTED = ("/socket.io/", "/static/")
MESSAGE = "Le service est très sollicité : réessayez dans quelques secondes."
# A static page, bilingual: rendering base.html reads the member and their
# unread counts, which would wait for a database connection again.
PAGE = (Path(__file__).parent / "busy.html").read_text(encoding="utf-8")


class InFlight:
    """How many requests this process is working on, with a ceiling."""

    def __init__(self, limit: int) -> None:
        self.limit, self.count = limit, 0
        self._lock = threading.Lock()

    def enter(self) -> bool:
        with self._lock:
            if self.count >= self.limit:
                return False
            self.count += 1
            return True

    def leave(self) -> None:
        with self._lock:
            self.count -= 1


def _busy_response(environ, start_response, retry_after: int):
    """The 503 of a shed request, built without the app: it must cost nothing."""
    if environ.get("PATH_INFO", "").startswith("/api/"):
        body = json.dumps({"error": {"code": "overloaded", "message": MESSAGE}})
        kind = "application/json"
    else:
        body, kind = PAGE, "text/html; charset=utf-8"
    data = body.encode()
    start_response(
        "503 Service Unavailable",
        [
            ("Content-Type", kind),
            ("Content-Length", str(len(data))),
            ("Retry-After", str(retry_after)),
            ("Cache-Control", "no-store"),
        ],
    )
    return [data]


def shed_past(wsgi_app, limit: int, retry_after: int):
    """WSGI middleware: at most `limit` counted requests at once (0: no limit)."""
    if limit <= 0:
        return wsgi_app
    in_flight = InFlight(limit)

    def app(environ, start_response):
        if environ.get("PATH_INFO", "").startswith(UNCOUNTED):
            return wsgi_app(environ, start_response)
        if not in_flight.enter():
            return _busy_response(environ, start_response, retry_after)
        try:
            return wsgi_app(environ, start_response)
        finally:
            in_flight.leave()

    app.in_flight = in_flight  # type: ignore[attr-defined]
    return app


def register(app: Flask) -> None:
    """A request that found no free database connection in time: 503, not 500."""

    @app.errorhandler(PoolTimeout)
    def on_pool_timeout(_error: PoolTimeout):
        app.logger.warning("No database connection free: answered 503")
        if "_login_user" not in g:  # the member never loaded: the request log
            g._login_user = app.login_manager.anonymous_user()  # must not wait again
        headers = {"Retry-After": str(app.config["OVERLOAD_RETRY_AFTER"])}
        from app.errors import json_error, wants_json

        if wants_json():
            body, _ = json_error(503, "overloaded", MESSAGE)
            return body, 503, headers
        return Response(PAGE, 503, headers, mimetype="text/html")
