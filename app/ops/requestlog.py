"""Structured request logs: one JSON line per request, with a request id."""

import json
import logging
import os
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, g, request
from flask_login import current_user

log = logging.getLogger("eiglink.request")
# nginx sends its $request_id; anything else is replaced by a fresh id.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def request_id() -> str:
    """The id of this request: the proxy's X-Request-ID, or a new one."""
    given = request.headers.get("X-Request-ID", "")
    return given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def record(response: Response, seconds: float) -> dict:
    """What the log says about one request (route patterns: no token in a path)."""
    rule = request.url_rule.rule if request.url_rule else None
    member = current_user.get_id() if current_user.is_authenticated else None
    return {
        "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "event": "request",
        "request_id": g.request_id,
        "method": request.method,
        "route": rule,
        "path": None if rule else request.path[:200],
        "status": response.status_code,
        "ms": round(seconds * 1000, 1),
        "member": member.partition(":")[0] if member else None,
        "ip": request.remote_addr,
        "pid": os.getpid(),
    }


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is at the time of each line (a test runner
    swaps it per test; a handler bound to the first one would write to a closed
    stream)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def _log_to_stderr() -> None:
    """Bare JSON lines on standard error (gunicorn and systemd collect them)."""
    if not log.handlers:
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False


def install(app: Flask) -> None:
    """Time every request, answer with its id, and log it when REQUEST_LOG is on."""
    enabled = app.config["REQUEST_LOG"]
    if enabled:
        _log_to_stderr()

    @app.before_request
    def start_timer() -> None:
        g.request_id = request_id()
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response: Response) -> Response:
        if "request_id" not in g:  # a before_request hook answered first
            start_timer()
        response.headers["X-Request-ID"] = g.request_id
        if enabled:
            seconds = time.perf_counter() - g.request_started
            log.info(json.dumps(record(response, seconds), ensure_ascii=False))
        return response
