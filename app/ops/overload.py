"""Past capacity, answer "come back in a moment" fast instead of queueing.

A process on one core renders pages one after another: when more arrive than it
can render, each new one waits behind all the others, and under a burst every
member waits seconds, then minutes (measured at N = 400: page p95 8 s, sockets
dropped). Shedding the excess with a 503 and Retry-After keeps the pages that
are served fast, and lets a browser or the load balancer come back later.

Three things shed. This WSGI middleware counts the requests in progress
(Socket.IO's long-lived ones and static files apart). It also reads when nginx
received the request (`X-Request-Start: t=<seconds>`, from the site template): a
request that already queued longer than MAX_QUEUE_SECONDS before a thread took
it is answered 503 at once. A gthread worker queues connections before the app
sees them, so its in-progress count never passes its thread count; the queue
time is what grows (Discourse rejects on the same header). Last, the error
handler below answers a request that waited its DATABASE_POOL_TIMEOUT for a
database connection.
"""

import json
import threading
import time
from pathlib import Path

from flask import Flask, Response, g
from sqlalchemy.exc import TimeoutError as PoolTimeout

from app.extensions import login

UNCOUNTED = ("/socket.io/", "/static/")
MESSAGE = "Le service est très sollicité : réessayez dans quelques secondes."
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


def queued_seconds(environ, now: float) -> float:
    """How long the request waited since the proxy got it (0 without the header).
    nginx's $msec is seconds with milliseconds; milli- and microseconds as others
    send them are read too."""
    raw = environ.get("HTTP_X_REQUEST_START", "").removeprefix("t=")
    try:
        start = float(raw)
    except ValueError:
        return 0.0
    while start > 1e11:  # ms or µs since the epoch
        start /= 1000
    return max(now - start, 0.0) if start > 0 else 0.0


def shed_past(wsgi_app, limit: int, retry_after: int, max_queue: float = 0.0):
    """WSGI middleware: at most `limit` counted requests at once (0: no limit),
    none that queued longer than `max_queue` seconds before reaching it (0: no
    limit)."""
    if limit <= 0 and max_queue <= 0:
        return wsgi_app
    in_flight = InFlight(limit if limit > 0 else 1 << 30)

    def app(environ, start_response):
        if environ.get("PATH_INFO", "").startswith(UNCOUNTED):
            return wsgi_app(environ, start_response)
        waited = queued_seconds(environ, time.time()) if max_queue > 0 else 0.0
        if waited > max_queue > 0 or not in_flight.enter():
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
            g._login_user = login.anonymous_user()  # must not wait again
        headers = {"Retry-After": str(app.config["OVERLOAD_RETRY_AFTER"])}
        from app.errors import json_error, wants_json

        if wants_json():
            body, _ = json_error(503, "overloaded", MESSAGE)
            return body, 503, headers
        return Response(PAGE, 503, headers, mimetype="text/html")
