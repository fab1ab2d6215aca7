from flask import Blueprint, current_app, request

from app.auth.identity import authenticated_by_token
from app.extensions import csrf, limiter, member_or_address

bp = Blueprint("api", __name__)
csrf.exempt(bp)  # checked below: valid Bearer tokens need no CSRF token, cookies do
# Every write (messages, resources, ...) counts against one budget per member.
limiter.limit(
    lambda: current_app.config["API_WRITE_RATE_LIMIT"],
    methods=["POST", "PUT", "PATCH", "DELETE"],
    key_func=member_or_address,
)(bp)


@bp.before_request
def _check_csrf_for_cookie_sessions() -> None:
    """A write with the session cookie must carry the X-CSRFToken header."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if not authenticated_by_token():
        csrf.protect()
