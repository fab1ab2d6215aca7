"""How much one socket or member may make the others receive, or cost the server.

`send_message` counts the member's stored messages (services._retry_or_flood);
`preview` and `edit_message` store no new row, so `check_pace` counts them with
the same CHAT_FLOOD_LIMIT in the rate-limit storage (RATELIMIT_STORAGE_URI:
memory:// counts per process, a shared redis:// counts across processes). Like
the flood control, that pace holds even with the HTTP rate limits off.
"""

import threading
import time

from flask import current_app
from flask_babel import lazy_gettext as _l
from limits import RateLimitItemPerSecond, parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from app.errors import Invalid
from app.extensions import limiter
from app.members.models import Member

TOO_FAST = _l(
    "Vous allez trop vite : patientez quelques secondes avant de recommencer."
)


def hit_or_refuse(name: str, member_id: int, rate: str, message: str) -> None:
    """Count one action of a member against `rate` ("30 per minute"), in the
    limiter's storage (shared by the processes when it is Redis); past the
    limit, refuse it with `message`. Off with the limiter (RATELIMIT_ENABLED)."""
    if not limiter.enabled:
        return
    if not limiter.limiter.hit(parse(rate), name, f"member:{member_id}"):
        raise Invalid(str(message))


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


def _limiter() -> MovingWindowRateLimiter:
    """One limiter per app, on the storage the HTTP rate limits use."""
    extensions = current_app.extensions
    if "socket_throttle" not in extensions:
        storage = storage_from_string(current_app.config["RATELIMIT_STORAGE_URI"])
        extensions["socket_throttle"] = MovingWindowRateLimiter(storage)
    return extensions["socket_throttle"]


def check_pace(member: Member, action: str) -> None:
    """Count one `action` of this member; Invalid past CHAT_FLOOD_LIMIT."""
    count, seconds = current_app.config["CHAT_FLOOD_LIMIT"]
    limit = RateLimitItemPerSecond(count, seconds)
    prefix = current_app.config["RATELIMIT_KEY_PREFIX"]
    if not _limiter().hit(limit, prefix, "socket", action, str(member.id)):
        raise Invalid(str(TOO_FAST))
