"""Sign in with ProConnect, beside e-mail login: accounts stay invitation-only.

A ProConnect login whose e-mail is an active member's signs them in; one that
matches a pending invitation completes that registration (the person chooses a
username); anything else gets a page saying so, and nothing is created.
"""

import logging

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.auth import bp, forms, proconnect, services
from app.auth.identity import start_session
from app.auth.views import _login_limit
from app.errors import Invalid
from app.extensions import limiter
from app.form_errors import refuse

log = logging.getLogger(__name__)
PENDING = "proconnect_pending"  # the identity of a registration to complete
ORGANISATION = "proconnect_organisation"  # what the consent page would record


@bp.before_request
def _proconnect_off_means_no_routes():
    if (request.endpoint or "").startswith("auth.proconnect_") and not (
        proconnect.enabled()
    ):
        abort(404)


def _refused(reason: str, status: int):
    contact = current_app.config["PROGRAMME_CONTACT"]
    return render_template(
        "auth/proconnect_refused.html", reason=reason, contact=contact
    ), status


@bp.route("/proconnect/login")
def proconnect_login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    try:
        return proconnect.start(url_for("auth.proconnect_callback", _external=True))
    except proconnect.ProConnectError as error:
        log.warning("ProConnect unreachable: %s", error)
        return _refused("unreachable", 502)


@bp.route("/proconnect/callback")
@limiter.limit(_login_limit)
def proconnect_callback():
    try:
        identity = proconnect.finish()
    except proconnect.ProConnectError as error:
        log.warning("ProConnect answer refused: %s", error)
        return _refused("failed", 400)
    member = services.member_with_email(identity.email)
    if member is not None:
        return _sign_in(member, identity)
    if services.pending_invitation(identity.email) is not None:
        session[PENDING] = _pending(identity)
        return redirect(url_for("auth.proconnect_register"))
    return _refused("not_invited", 403)


def _sign_in(member, identity: proconnect.Identity):
    if not member.active:
        return _refused("deactivated", 403)
    session.pop(PENDING, None)
    start_session(member)
    session[proconnect.ID_TOKEN] = identity.id_token
    services.update_organisation(member, identity.siret, identity.organizational_unit)
    flash(_("Bienvenue, %(name)s\u202f!", name=member.display_name), "success")
    if member.proconnect_sync is None:
        session[ORGANISATION] = _organisation(identity)
        return redirect(url_for("auth.proconnect_consent"))
    return redirect(url_for("home.index"))


def _organisation(identity: proconnect.Identity) -> dict:
    return {"siret": identity.siret, "unit": identity.organizational_unit}


def _pending(identity: proconnect.Identity) -> dict:
    return {
        "email": identity.email,
        "name": identity.display_name,
        "siret": identity.siret,
        "unit": identity.organizational_unit,
        "id_token": identity.id_token,
    }


@bp.route("/proconnect/register", methods=["GET", "POST"])
def proconnect_register():
    pending = session.get(PENDING)
    invitation = pending and services.pending_invitation(pending["email"])
    if not pending or not invitation:
        session.pop(PENDING, None)
        return _refused("not_invited", 403)
    form = forms.ProConnectRegisterForm(
        display_name=pending["name"] if request.method == "GET" else None
    )
    if form.validate_on_submit():
        try:
            member = services.register_invited(
                invitation,
                username=form.username.data,
                display_name=form.display_name.data,
                password=None,
            )
        except Invalid as error:
            refuse(form, error)
        else:
            session.pop(PENDING, None)
            start_session(member)
            session[proconnect.ID_TOKEN] = pending["id_token"]
            session[ORGANISATION] = {
                "siret": pending["siret"],
                "unit": pending["unit"],
            }
            flash(_("Votre compte est créé. Complétez votre profil\u202f!"), "success")
            return redirect(url_for("auth.proconnect_consent"))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "auth/proconnect_register.html", form=form, email=pending["email"]
    ), status


@bp.route("/proconnect/consent", methods=["GET", "POST"])
@login_required
def proconnect_consent():
    """Asked once: may each ProConnect login update the member's administration?"""
    form = forms.ProConnectConsentForm()
    if form.validate_on_submit():
        first_time = current_user.proconnect_sync is None
        organisation = session.pop(ORGANISATION, None) or {}
        services.set_proconnect_sync(
            current_user,
            form.allow.data,
            organisation.get("siret", ""),
            organisation.get("unit", ""),
        )
        if not first_time:
            flash(_("Votre choix est enregistré."), "success")
            return redirect(url_for("auth.account"))
        return redirect(url_for("members.edit", username=current_user.username))
    return render_template("auth/proconnect_consent.html", form=form)


@bp.route("/proconnect/logout")
def proconnect_logout():
    """Where ProConnect sends the browser back after its logout."""
    expected = session.pop(proconnect.LOGOUT_STATE, None)
    if not expected or request.args.get("state") != expected:
        abort(400)
    return redirect(url_for("home.index"))
