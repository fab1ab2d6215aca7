"""Per-member pace of the socket events that cost CPU but store nothing to count.

`send_message` counts the member's stored messages (services._retry_or_flood);
`preview` and `edit_message` store no new row, so they are counted here, with
the same CHAT_FLOOD_LIMIT, in the rate-limit storage (RATELIMIT_STORAGE_URI:
memory:// counts per process, a shared redis:// counts across processes).
"""

from flask import current_app
from limits import RateLimitItemPerSecond
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from app.errors import Invalid
from app.members.models import Member

TOO_FAST = "Vous allez trop vite : patientez quelques secondes avant de recommencer."


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
        raise Invalid(TOO_FAST)
