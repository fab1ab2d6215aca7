"""Readiness: can this process reach what it needs to serve members?"""

import logging
from collections.abc import Callable

from flask import current_app
from sqlalchemy import text

from app.extensions import db, limiter

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 2


def check_database() -> str:
    db.session.execute(text("SELECT 1"))
    db.session.rollback()
    return "ok"


def check_search() -> str:
    state = current_app.extensions["search"]
    if state.fallback:
        raise RuntimeError("index unusable: answering from the database")
    state.index.count()
    return "ok"


def check_message_queue() -> str:
    url = current_app.config.get("SOCKETIO_MESSAGE_QUEUE")
    if not url:
        return "none (one process)"
    if not url.startswith(("redis://", "rediss://", "unix://")):
        return "not checked"
    _redis(url).ping()
    return "ok"


def check_rate_limits() -> str:
    if current_app.config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        return "memory (this process only)"
    if not limiter.enabled or limiter.storage.check():
        return "ok"
    raise RuntimeError("rate-limit storage unreachable")


def _redis(url: str):
    """One Redis client per app, with short timeouts so a probe never hangs."""
    import redis

    clients = current_app.extensions.setdefault("ops_redis", {})
    if url not in clients:
        clients[url] = redis.Redis.from_url(
            url,
            socket_timeout=TIMEOUT_SECONDS,
            socket_connect_timeout=TIMEOUT_SECONDS,
        )
    return clients[url]


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "search": check_search,
    "message_queue": check_message_queue,
    "rate_limits": check_rate_limits,
}


def readiness() -> tuple[bool, dict[str, str]]:
    """Run every check; ready when none failed. Failures are logged, not shown."""
    results, ready = {}, True
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as error:  # any failure means not ready
            log.warning("Readiness check %s failed: %s", name, error)
            db.session.rollback()
            results[name], ready = "unavailable", False
    return ready, results
