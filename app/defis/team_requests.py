"""Asking to join a défi's team: the member asks, the team or the staff answer.

A member who is not in the team asks as EIG or mentor, with a word for the team.
The team and the staff are told; one of them accepts (the member joins the team
and its channel) or declines. Each answer is in the audit log.
"""

from flask_babel import gettext as _
from sqlalchemy import select

from app.audit import audit
from app.defis.models import TEAM_ROLES, Defi, TeamRequest
from app.defis.services import can_edit_defi, set_team_member
from app.errors import Invalid, NotAllowed, NotFound
from app.extensions import db
from app.members.models import Member
from app.notifications import hooks as notifications
from app.text import clean_spaces
from app.timeutil import utcnow

MAX_MESSAGE = 500


def pending_request(member: Member, defi: Defi) -> TeamRequest | None:
    """The member's request to join this défi still waiting, if any."""
    return db.session.scalar(
        select(TeamRequest).where(
            TeamRequest.defi_id == defi.id,
            TeamRequest.member_id == member.id,
            TeamRequest.status == "pending",
        )
    )


def pending_requests(actor: Member, defi: Defi) -> list[TeamRequest]:
    """The requests the actor may answer on this défi, oldest first."""
    if not can_edit_defi(actor, defi):
        return []
    stmt = (
        select(TeamRequest)
        .where(TeamRequest.defi_id == defi.id, TeamRequest.status == "pending")
        .order_by(TeamRequest.created_at, TeamRequest.id)
    )
    return list(db.session.scalars(stmt))


def can_ask(member: Member, defi: Defi) -> bool:
    """Members outside the team may ask; staff add people themselves."""
    in_team = any(m.member_id == member.id for m in defi.team)
    return member.is_authenticated and not member.is_staff and not in_team


def ask_to_join(member: Member, defi: Defi, role: str, message: str) -> TeamRequest:
    """Ask to join the team; the team and the staff are told."""
    if not can_ask(member, defi):
        raise NotAllowed(_("Vous faites déjà partie de l’équipe de ce défi."))
    if role not in TEAM_ROLES:
        raise Invalid(_("Le rôle dans l’équipe doit être EIG ou mentor."), field="role")
    message = clean_spaces(message or "").strip()
    if len(message) > MAX_MESSAGE:
        raise Invalid(
            _(
                "Le mot pour l’équipe fait au plus %(most)s caractères.",
                most=MAX_MESSAGE,
            ),
            field="message",
        )
    if pending_request(member, defi) is not None:
        raise Invalid(_("Votre demande attend déjà la réponse de l’équipe."))
    request = TeamRequest(defi=defi, member=member, role=role, message=message)
    db.session.add(request)
    db.session.commit()
    notifications.notify_team_request(member, defi, request.role, _deciders(defi))
    return request


def _deciders(defi: Defi) -> list[Member]:
    """Who answers a request: the défi's team and the active staff."""
    team = [m.member for m in defi.team if m.member.active]
    staff = db.session.scalars(
        select(Member).where(Member.role == "staff", Member.active.is_(True))
    )
    return list({m.id: m for m in [*team, *staff]}.values())


def get_request(defi: Defi, request_id: int) -> TeamRequest:
    request = db.session.get(TeamRequest, request_id)
    if request is None or request.defi_id != defi.id:
        raise NotFound(_("Demande introuvable."))
    return request


def answer(actor: Member, request: TeamRequest, accept: bool) -> None:
    """Accept (the member joins the team and its channel) or decline a request."""
    defi = request.defi
    if not can_edit_defi(actor, defi):
        raise NotAllowed(
            _("Seuls l’équipe du défi et l’équipe du programme répondent aux demandes.")
        )
    if request.status != "pending":
        raise Invalid(_("Quelqu’un a déjà répondu à cette demande."))
    request.status = "accepted" if accept else "declined"
    request.decided_at = utcnow()
    request.decided_by = actor
    action = "defi.team.accept" if accept else "defi.team.decline"
    details = {"member": request.member.username, "role": request.role}
    audit(actor, action, defi.slug, details)
    if accept:  # commits, and tells the member they are in the team
        set_team_member(actor, defi, request.member, request.role)
        return
    db.session.commit()
    notifications.notify_team_declined(actor, defi, request.member)


def withdraw(member: Member, request: TeamRequest) -> None:
    """The member takes back a request still waiting."""
    if request.member_id != member.id:
        raise NotAllowed(_("Seul l’auteur d’une demande peut la retirer."))
    if request.status != "pending":
        raise Invalid(_("Cette demande a déjà reçu une réponse."))
    request.status = "withdrawn"
    request.decided_at = utcnow()
    db.session.commit()
