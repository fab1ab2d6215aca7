"""Login, logout, registration by invitation, password reset, account settings."""

import math
import time

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user
from limits import parse

from app.auth import bp, forms, proconnect, services
from app.auth.identity import start_session
from app.errors import Invalid
from app.extensions import limiter, member_or_address
from app.form_errors import refuse


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _login_identifier() -> str:
    """Who the login attempts aim at: the member, whether named by username or
    e-mail (both count against one limit), else the name as typed."""
    name = (request.form.get("username") or "").strip().lower()
    member = services.find_login_member(name)
    return f"login:member:{member.id}" if member else f"login:name:{name}"


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect a member to another site after login."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        # Browsers drop tabs and newlines: "/\t/evil.example" would become "//evil…".
        and not any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in target)
    ):
        return target
    return url_for("home.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_login_identifier)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = forms.LoginForm()
    if form.validate_on_submit():
        try:
            member = services.authenticate(form.username.data, form.password.data)
        except Invalid as error:
            form.password.errors.append(error.message)
        else:
            start_session(member, remember=form.remember.data)
            flash(_("Bienvenue, %(name)s !", name=member.display_name), "success")
            return redirect(_safe_next(request.args.get("next")))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "auth/login.html", form=form, proconnect_enabled=proconnect.enabled()
    ), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    id_token = session.pop(proconnect.ID_TOKEN, None)
    services.end_sessions(current_user)
    logout_user()
    flash(_("Vous êtes déconnecté."), "info")
    if id_token and proconnect.enabled():
        return proconnect.end_session_redirect(id_token)
    return redirect(url_for("home.index"))


@bp.route("/register/<token>", methods=["GET", "POST"])
def register(token: str):
    try:
        invitation = services.load_invitation(token)
    except Invalid as error:
        return render_template(
            "auth/invitation_invalid.html", message=error.message
        ), 400
    form = forms.RegisterForm()
    if form.validate_on_submit():
        try:
            member = services.register(
                token,
                username=form.username.data,
                display_name=form.display_name.data,
                password=form.password.data,
            )
        except Invalid as error:
            refuse(form, error)
        else:
            logout_user()
            start_session(member)
            flash(_("Votre compte est créé. Complétez votre profil !"), "success")
            return redirect(url_for("members.edit", username=member.username))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "auth/register.html", form=form, invitation=invitation
    ), status


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def reset_request():
    form = forms.ResetRequestForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        flash(
            _(
                "Si un compte actif utilise cette adresse, un lien de "
                "réinitialisation vient d’y être envoyé."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    try:
        services.member_for_reset(token)
    except Invalid as error:
        return render_template(
            "auth/invitation_invalid.html", message=error.message
        ), 400
    form = forms.ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except Invalid as error:
            form.password.errors.append(error.message)
        else:
            logout_user()
            flash(_("Mot de passe changé. Connectez-vous avec le nouveau."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


def _account_page(password_form=None, token_form=None, new_token=None, status=200):
    body = render_template(
        "auth/account.html",
        password_form=password_form or forms.ChangePasswordForm(prefix="pw"),
        token_form=token_form or forms.ApiTokenForm(prefix="token"),
        revoke_form=forms.EmptyForm(),
        tokens=services.list_api_tokens(current_user),
        new_token=new_token,
        proconnect_form=forms.ProConnectConsentForm() if proconnect.enabled() else None,
    )
    return body, status


@bp.route("/account")
@login_required
def account():
    return _account_page()


def _password_change_wait() -> int:
    """Count one more password change by this member: 0 if allowed, else the
    minutes to wait (every try counts: each one costs two password hashes)."""
    if not (limiter.enabled and limiter.initialized):
        return 0
    limit = parse(current_app.config["PASSWORD_CHANGE_RATE_LIMIT"])
    keys: tuple[str, ...] = (
        current_app.config["RATELIMIT_KEY_PREFIX"],
        "password-change",
    )
    keys += (f"member:{current_user.id}",)
    if limiter.limiter.hit(limit, *keys):
        return 0
    reset_at = limiter.limiter.get_window_stats(limit, *keys).reset_time
    return max(1, math.ceil((reset_at - time.time()) / 60))


def _too_many_changes(minutes: int) -> str:
    return _(
        "Trop de changements de mot de passe. Réessayez dans %(minutes)d min.",
        minutes=minutes,
    )


@bp.route("/account/password", methods=["POST"])
@login_required
def change_password():
    form = forms.ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        if wait := _password_change_wait():
            form.password.errors.append(_too_many_changes(wait))
            return _account_page(password_form=form, status=429)
        try:
            services.change_password(
                current_user, form.current.data, form.password.data
            )
        except Invalid as error:
            form.password.errors.append(error.message)
        else:
            start_session(current_user)  # keep this session; the others ended
            flash(
                _("Mot de passe changé. Vos autres sessions sont fermées."), "success"
            )
            return redirect(url_for("auth.account"))
    return _account_page(password_form=form, status=400)


@bp.route("/account/tokens", methods=["POST"])
@login_required
@limiter.limit(
    lambda: current_app.config["API_TOKEN_RATE_LIMIT"], key_func=member_or_address
)
def create_token():
    form = forms.ApiTokenForm(prefix="token")
    if form.validate_on_submit():
        try:
            _token, raw = services.create_api_token(current_user, form.name.data)
        except Invalid as error:
            form.name.errors.append(error.message)
        else:
            return _account_page(new_token=raw)
    return _account_page(token_form=form, status=400)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int):
    if forms.EmptyForm().validate_on_submit():
        services.revoke_api_token(current_user, token_id)
        flash(_("Jeton révoqué."), "success")
    return redirect(url_for("auth.account"))
