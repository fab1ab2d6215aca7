"""Staff pages: invitations, members, audit log."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.admin import bp, services
from app.auth import services as auth
from app.auth.forms import EmptyForm, InvitationForm
from app.auth.models import Invitation
from app.defis.models import Promotion
from app.errors import Invalid, NotAllowed
from app.extensions import db
from app.form_errors import refuse
from app.listing import page_number
from app.members.models import ROLE_LABELS, ROLES, Member


@bp.before_request
def staff_only():
    if not current_user.is_authenticated:
        return None  # the app-wide check sends them to the login page
    if not current_user.is_staff:
        raise NotAllowed(_("Cette page est réservée à l'équipe du programme."))
    return None


def _invitation_form() -> InvitationForm:
    form = InvitationForm()
    promotions = db.session.scalars(select(Promotion).order_by(Promotion.year.desc()))
    no_promotion = (0, _("Aucune"))
    form.promotion_id.choices = [no_promotion] + [(p.id, p.label) for p in promotions]
    return form


@bp.route("/")
def index():
    return _index_page(_invitation_form())


def _index_page(form: InvitationForm, status: int = 200):
    """The invitations page; a refused invitation shows its form with the errors."""
    invitations = db.session.scalars(
        select(Invitation).order_by(Invitation.created_at.desc()).limit(50)
    )
    return render_template(
        "admin/index.html",
        form=form,
        invitations=list(invitations),
        audit=services.recent_audit(current_user, limit=20),
    ), status


@bp.route("/invitations", methods=["POST"])
def invite():
    form = _invitation_form()
    if form.validate_on_submit():
        try:
            _invitation, link = auth.invite(
                current_user,
                form.email.data,
                form.role.data,
                form.promotion_id.data or None,
            )
        except Invalid as error:
            refuse(form, error)
        else:
            flash(
                _(
                    "Invitation envoyée à %(email)s. Lien : %(link)s",
                    email=form.email.data,
                    link=link,
                ),
                "success",
            )
            return redirect(url_for("admin.index"))
    return _index_page(form, 400)


@bp.route("/members")
def members():
    stmt = select(Member).order_by(Member.display_name)
    pagination = db.paginate(stmt, page=page_number(), per_page=50, error_out=False)
    return render_template(
        "admin/members.html",
        pagination=pagination,
        roles=[(r, ROLE_LABELS[r]) for r in ROLES],
        form=EmptyForm(),
    )


@bp.route("/members/<username>/active", methods=["POST"])
def set_active(username: str):
    member = services.get_member_by_username(username)
    if EmptyForm().validate_on_submit():
        active = request.form.get("active") == "1"
        services.set_active(current_user, member, active)
        name = member.display_name
        if active:
            flash(_("%(name)s est réactivé.", name=name), "success")
        else:
            flash(_("%(name)s est désactivé.", name=name), "success")
    return redirect(url_for("admin.members", page=request.args.get("page", 1)))


@bp.route("/members/<username>/role", methods=["POST"])
def set_role(username: str):
    member = services.get_member_by_username(username)
    if EmptyForm().validate_on_submit():
        services.set_role(current_user, member, request.form.get("role", ""))
        flash(_("Rôle de %(name)s changé.", name=member.display_name), "success")
    return redirect(url_for("admin.members", page=request.args.get("page", 1)))


@bp.route("/audit")
def audit_log():
    return render_template(
        "admin/audit.html", entries=services.recent_audit(current_user, 500)
    )
