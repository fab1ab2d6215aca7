"""Privacy pages: one's data settings, export, deletion; the public notices."""

import json

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, logout_user

from app.auth import services as auth
from app.errors import Invalid
from app.members.services import get_member_by_username, require_staff
from app.privacy import bp, services
from app.privacy.forms import (
    DeleteAccountForm,
    EraseImportedForm,
    StaffDeleteForm,
    VisibilityForm,
)
from app.timeutil import utcnow


@bp.route("/donnees-personnelles")
def policy():
    return render_template("privacy/policy.html")


@bp.route("/mentions-legales")
def legal():
    return render_template("privacy/legal.html")


def _settings_page(visibility=None, deletion=None, erasure=None, status=200):
    if visibility is None:
        visibility = VisibilityForm(
            email=current_user.email_visibility, city=current_user.city_visibility
        )
    return (
        render_template(
            "privacy/settings.html",
            visibility=visibility,
            deletion=deletion or DeleteAccountForm(),
            erasure=erasure or EraseImportedForm(),
            imported=services.imported_messages(current_user),
        ),
        status,
    )


@bp.route("/auth/account/privacy")
@login_required
def settings():
    return _settings_page()


@bp.route("/auth/account/privacy/visibility", methods=["POST"])
@login_required
def set_visibility():
    form = VisibilityForm()
    if not form.validate_on_submit():
        return _settings_page(visibility=form, status=400)
    services.set_visibility(
        current_user, current_user, email=form.email.data, city=form.city.data
    )
    flash(_("Vos choix de visibilité sont enregistrés."), "success")
    return redirect(url_for("privacy.settings"))


def _download(data: dict, username: str) -> Response:
    day = utcnow().strftime("%Y-%m-%d")
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": (
                f'attachment; filename="eig-link-{username}-{day}.json"'
            ),
            "Cache-Control": "no-store",
        },
    )


@bp.route("/auth/account/export")
@login_required
def export():
    data = services.export_data(current_user, current_user)
    return _download(data, current_user.username)


@bp.route("/auth/account/privacy/slack", methods=["POST"])
@login_required
def erase_imported():
    form = EraseImportedForm()
    if not form.validate_on_submit():
        return _settings_page(erasure=form, status=400)
    member = current_user._get_current_object()
    count = services.erase_imported(member, member)
    flash(
        ngettext(
            "%(num)s message importé de Slack est effacé.",
            "%(num)s messages importés de Slack sont effacés.",
            count,
        ),
        "success",
    )
    return redirect(url_for("privacy.settings"))


@bp.route("/auth/account/delete", methods=["POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    if not form.validate_on_submit():
        return _settings_page(deletion=form, status=400)
    try:
        auth.check_current_password(current_user, form.password.data)
        member = current_user._get_current_object()
        services.delete_account(member, member, erase=form.erase.data)
    except Invalid as error:
        form.password.errors.append(error.message)
        return _settings_page(deletion=form, status=400)
    logout_user()
    flash(_("Votre compte et vos données personnelles sont supprimés."), "success")
    return redirect(url_for("home.index"))


@bp.route("/admin/members/<username>/privacy")
@login_required
def staff_page(username: str):
    require_staff(current_user)
    member = get_member_by_username(username)
    return render_template("privacy/staff.html", member=member, form=StaffDeleteForm())


@bp.route("/admin/members/<username>/export")
@login_required
def staff_export(username: str):
    require_staff(current_user)
    member = get_member_by_username(username)
    return _download(services.export_data(current_user, member), member.username)


@bp.route("/admin/members/<username>/delete", methods=["POST"])
@login_required
def staff_delete(username: str):
    require_staff(current_user)
    member = get_member_by_username(username)
    form = StaffDeleteForm()
    if not form.validate_on_submit():
        page = render_template("privacy/staff.html", member=member, form=form)
        return page, 400
    try:
        services.delete_account(current_user, member, erase=form.erase.data)
    except Invalid as error:
        flash(error.message, "error")
        return redirect(url_for("privacy.staff_page", username=username))
    flash(_("Le compte de %(name)s est supprimé.", name=member.display_name), "success")
    return redirect(url_for("admin.members"))
