"""Asking to join a défi's team, and answering the requests (team and staff)."""

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.forms import EmptyForm
from app.defis import bp, team_requests
from app.defis.forms import JoinTeamForm
from app.defis.services import get_defi
from app.errors import Invalid, NotFound


def _defi(slug: str):
    defi = get_defi(slug)
    if defi is None:
        raise NotFound(_("Défi introuvable."))
    return defi


def _back(defi) -> str:
    return url_for("defis.detail", slug=defi.slug, _anchor="defi-team-title")


@bp.route("/<slug>/join", methods=["POST"])
def ask_to_join(slug: str):
    defi = _defi(slug)
    form = JoinTeamForm(prefix="join")
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(" ".join(errors), "error")
        return redirect(_back(defi))
    try:
        team_requests.ask_to_join(
            current_user, defi, form.role.data, form.message.data or ""
        )
    except Invalid as error:
        flash(error.message, "error")
    else:
        flash(
            _(
                "Demande envoyée : l’équipe du défi et l’équipe du programme "
                "vont y répondre."
            ),
            "success",
        )
    return redirect(_back(defi))


@bp.route("/<slug>/requests/<int:request_id>/<choice>", methods=["POST"])
def answer_request(slug: str, request_id: int, choice: str):
    defi = _defi(slug)
    if choice not in ("accept", "decline", "withdraw"):
        raise NotFound(_("Page introuvable."))
    request = team_requests.get_request(defi, request_id)
    if not EmptyForm().validate_on_submit():
        return redirect(_back(defi))
    name = request.member.display_name
    try:
        if choice == "withdraw":
            team_requests.withdraw(current_user, request)
            flash(_("Votre demande est retirée."), "success")
        elif choice == "accept":
            team_requests.answer(current_user, request, accept=True)
            flash(_("%(name)s fait partie de l’équipe.", name=name), "success")
        else:
            team_requests.answer(current_user, request, accept=False)
            flash(_("La demande de %(name)s est déclinée.", name=name), "success")
    except Invalid as error:
        flash(error.message, "error")
    return redirect(_back(defi))
