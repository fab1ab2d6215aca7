"""Staff pages: invitations, members, audit log."""

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.admin import bp, journal, services
from app.auth import services as auth
from app.auth.forms import EmptyForm, InvitationForm
from app.auth.models import Invitation
from app.collation import french
from app.defis.models import Defi, Promotion
from app.errors import Invalid, NotAllowed
from app.extensions import db
from app.form_errors import refuse
from app.listing import page_number
from app.members.models import ROLE_LABELS, ROLES
from app.members.services import get_member_by_username


@bp.before_request
def staff_only():
    if not current_user.is_authenticated:
        return None  # the app-wide check sends them to the login page
    if not current_user.is_staff:
        raise NotAllowed(_("Cette page est réservée à l’équipe du programme."))
    return None


def _invitation_form() -> InvitationForm:
    form = InvitationForm()
    promotions = db.session.scalars(select(Promotion).order_by(Promotion.year.desc()))
    no_promotion = (0, _("Aucune"))
    form.promotion_id.choices = [no_promotion] + [(p.id, p.label) for p in promotions]
    defis = db.session.execute(
        select(Defi.id, Defi.title, Defi.year).order_by(
            Defi.year.desc(), french(Defi.title), Defi.id
        )
    )
    no_defi = (0, _("Aucun"))
    form.defi_id.choices = [no_defi] + [(i, f"{t} ({y})") for i, t, y in defis]
    return form


@bp.route("/")
def index():
    return _index_page(_invitation_form())


def _index_page(form: InvitationForm, status: int = 200, waiting=None):
    """The invitations page; a refused invitation shows its form with the errors,
    and the invitation already waiting for that address, to resend."""
    invitations = db.session.scalars(
        select(Invitation).order_by(Invitation.created_at.desc()).limit(50)
    )
    return render_template(
        "admin/index.html",
        form=form,
        waiting=waiting,
        roles=ROLE_LABELS,
        invitations=list(invitations),
        audit=services.recent_audit(current_user, limit=20),
    ), status


@bp.route("/invitations", methods=["POST"])
def invite():
    form = _invitation_form()
    waiting = None
    if form.validate_on_submit():
        try:
            _invitation, link = auth.invite(
                current_user,
                form.email.data,
                form.role.data,
                form.promotion_id.data or None,
                form.defi_id.data or None,
            )
        except Invalid as error:
            refuse(form, error)
            waiting = getattr(error, "invitation", None)
        else:
            _flash_sent(form.email.data, link)
            return redirect(url_for("admin.index"))
    return _index_page(form, 400, waiting)


@bp.route("/invitations/<int:invitation_id>/resend", methods=["POST"])
def resend(invitation_id: int):
    invitation = auth.get_invitation(invitation_id)
    if EmptyForm().validate_on_submit():
        try:
            _invitation, link = auth.resend_invitation(current_user, invitation)
        except Invalid as error:
            flash(error.message, "error")
        else:
            _flash_sent(invitation.email, link)
    return redirect(url_for("admin.index"))


def _flash_sent(email: str, link: str) -> None:
    flash(
        _("Invitation envoyée à %(email)s. Lien : %(link)s", email=email, link=link),
        "success",
    )


@bp.route("/members")
def members():
    q = request.args.get("q", "").strip()[:200]
    role = request.args.get("role", "")
    state = request.args.get("state", "")
    stmt = services.member_query(current_user, q, role, state)
    pagination = db.paginate(stmt, page=page_number(), per_page=50, error_out=False)
    return render_template(
        "admin/members.html",
        pagination=pagination,
        roles=[(r, ROLE_LABELS[r]) for r in ROLES],
        states=[("active", _("Actifs")), ("inactive", _("Désactivés"))],
        filters=(filters := {"q": q, "role": role, "state": state}),
        kept={key: value for key, value in filters.items() if value},
        form=EmptyForm(),
    )


@bp.route("/members/<username>/deactivate")
def confirm_deactivation(username: str):
    """Deactivating ends the member's sessions: staff confirm it on a page."""
    member = get_member_by_username(username)
    return render_template(
        "admin/deactivate.html",
        member=member,
        form=EmptyForm(),
        back=_back_to_members(),
    )


@bp.route("/members/<username>/active", methods=["POST"])
def set_active(username: str):
    member = get_member_by_username(username)
    if EmptyForm().validate_on_submit():
        active = request.form.get("active") == "1"
        try:
            services.set_active(current_user, member, active)
        except Invalid as error:
            flash(error.message, "error")
            return redirect(_back_to_members())
        name = member.display_name
        if active:
            flash(_("%(name)s est réactivé.", name=name), "success")
        else:
            flash(_("%(name)s est désactivé.", name=name), "success")
    return redirect(_back_to_members())


def _back_to_members() -> str:
    """The members page the staff member came from: its page and filters."""
    keep = ("q", "role", "state", "page")
    args: dict[str, Any] = {  # url_for's values: Any, beside its typed _options
        k: v for k in keep if (v := (request.values.get(k) or "").strip())
    }
    return url_for("admin.members", **args)


@bp.route("/members/<username>/role", methods=["POST"])
def set_role(username: str):
    member = get_member_by_username(username)
    if EmptyForm().validate_on_submit():
        try:
            services.set_role(current_user, member, request.form.get("role", ""))
        except Invalid as error:
            flash(error.message, "error")
        else:
            flash(_("Rôle de %(name)s changé.", name=member.display_name), "success")
    return redirect(_back_to_members())


@bp.route("/audit")
def audit_log():
    return render_template(
        "admin/audit.html",
        entries=services.recent_audit(current_user, 500),
        journal=journal,
    )
