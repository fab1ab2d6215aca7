"""Who is asking: session cookies, Bearer tokens, and login required by default."""

from flask import Flask, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_user
from werkzeug.local import LocalProxy

from app.errors import json_error
from app.extensions import db
from app.members.models import Member

# Everything else needs a logged-in member: the community is closed.
PUBLIC_ENDPOINTS = {
    "static",
    "home.index",
    "auth.login",
    "auth.register",
    "auth.reset_request",
    "auth.reset_password",
    "auth.proconnect_login",
    "auth.proconnect_callback",
    "auth.proconnect_register",
    "auth.proconnect_logout",
    "privacy.policy",
    "privacy.legal",
    "ops.healthz",
    "ops.readyz",
    "notifications.unsubscribe",  # from an e-mail, without logging in
}


def start_session(member: Member, remember: bool = False) -> None:
    """Log this browser in as `member`.

    Flask-Login keeps what it is given as the request's member: given the
    `current_user` proxy, the next read of `current_user` would read itself
    until the stack overflows (it took the whole process down). So proxies are
    unwrapped here, for every caller.
    """
    if isinstance(member, LocalProxy):
        member = member._get_current_object()
    if not isinstance(member, Member):
        raise TypeError(f"start_session needs a Member, not {type(member).__name__}")
    login_user(member, remember=remember)


def init_login(login: LoginManager) -> None:
    """Load members from the session (id + session token) or a Bearer token."""
    login.login_view = "auth.login"
    login.login_message = _l("Connectez-vous pour accéder à cette page.")
    login.localize_callback = str  # in the language of the request
    login.login_message_category = "info"
    login.session_protection = "basic"

    @login.user_loader
    def load_from_session(identity: str) -> Member | None:
        if bearer_token(request) is not None:
            # The token decides, never the cookie: an invalid token must not
            # fall back on the session (and skip the CSRF check with it).
            return _member_for_bearer(request)
        member_id, _, token = identity.partition(":")
        if not member_id.isdigit():
            return None
        member = db.session.get(Member, int(member_id))
        if member is None or not member.active or member.session_token != token:
            return None
        return member

    login.request_loader(_member_for_bearer)


def bearer_token(req) -> str | None:
    """The token of an API call's `Authorization: Bearer` header, if it has one."""
    scheme, _, token = req.headers.get("Authorization", "").partition(" ")
    if not (req.path.startswith("/api/") and scheme.lower() == "bearer"):
        return None
    return token.strip()


def _member_for_bearer(req) -> Member | None:
    token = bearer_token(req)
    if token is None:
        return None
    from app.auth import services

    return services.member_for_api_token(token)


def authenticated_by_token() -> bool:
    """Whether a valid API token, not a cookie, says who makes this request.

    Such a request needs no CSRF token: a browser never adds the header itself.
    """
    return bearer_token(request) is not None and current_user.is_authenticated


def require_login_by_default(app: Flask) -> None:
    """Deny by default: anonymous visitors reach only the public endpoints."""

    @app.before_request
    def check_login():
        if bearer_token(request) is not None and not current_user.is_authenticated:
            return json_error(
                401, "unauthorized", _("Jeton d’API invalide ou révoqué.")
            )
        if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
            return None
        if current_user.is_authenticated:
            return None
        if request.path.startswith("/api/"):
            return json_error(401, "unauthorized", "Authentification requise.")
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
