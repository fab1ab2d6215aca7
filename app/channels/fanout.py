"""How much one socket or member may make the others receive."""

import threading
import time

from limits import parse

from app.errors import Invalid
from app.extensions import limiter


def hit_or_refuse(name: str, member_id: int, rate: str, message: str) -> None:
    """Count one action of a member against `rate` ("30 per minute"), in the
    limiter's storage (shared by the processes when it is Redis); past the
    limit, refuse it with `message`. Off with the limiter (RATELIMIT_ENABLED)."""
    if not limiter.enabled:
        return
    if not limiter.limiter.hit(parse(rate), name, f"member:{member_id}"):
        raise Invalid(message)


class PerSocket:
    """At most one event per socket and key every `interval` seconds.

    A socket lives in one process, so this process's memory is enough; what a
    socket used is forgotten when it closes."""

    def __init__(self) -> None:
        self._last: dict[str, dict[object, float]] = {}
        self._lock = threading.Lock()

    def allow(self, sid: str, key: object, interval: float) -> bool:
        now = time.monotonic()
        with self._lock:
            seen = self._last.setdefault(sid, {})
            if key in seen and now - seen[key] < interval:
                return False
            seen[key] = now
            return True

    def forget(self, sid: str) -> None:
        with self._lock:
            self._last.pop(sid, None)
