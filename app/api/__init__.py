from flask import Blueprint, request

from app.extensions import csrf

bp = Blueprint("api", __name__)
csrf.exempt(bp)  # checked below: Bearer tokens need no CSRF token, cookies do


@bp.before_request
def _check_csrf_for_cookie_sessions() -> None:
    """A write with the session cookie must carry the X-CSRFToken header."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if not request.headers.get("Authorization", "").startswith("Bearer "):
        csrf.protect()
