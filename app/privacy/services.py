"""Privacy: visibility settings, data export and account deletion (RGPD).

A member acts on their own data; staff act on anyone's on request, and each
such act is written to the audit log.
"""

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from app import realtime
from app.audit import audit
from app.auth.models import Invitation
from app.channels.models import Channel, Message
from app.errors import Invalid, NotAllowed
from app.extensions import db
from app.members.models import VISIBILITIES, Member
from app.members.services import refresh_search_text
from app.privacy import erase_community
from app.privacy.export import export_member
from app.realtime import SocketSession
from app.resources import uploads
from app.timeutil import utcnow


def _require_self_or_staff(actor: Member, member: Member) -> None:
    if actor.id != member.id and not actor.is_staff:
        raise NotAllowed(_("Seul le membre lui-même ou l’équipe du programme le peut."))


def set_visibility(actor: Member, member: Member, *, email: str, city: str) -> None:
    """Choose who sees one's e-mail address and city."""
    _require_self_or_staff(actor, member)
    if email not in VISIBILITIES or city not in VISIBILITIES:
        raise Invalid(_("Choix de visibilité inconnu."))
    member.email_visibility, member.city_visibility = email, city
    refresh_search_text(member)
    db.session.commit()


def export_data(actor: Member, member: Member) -> dict[str, Any]:
    """All of a member's data; staff exports are audited."""
    _require_self_or_staff(actor, member)
    data = export_member(member)
    if actor.id != member.id:
        audit(actor, "member.export", member.username)
        db.session.commit()
    return data


def _check_not_last_staff(member: Member) -> None:
    if not member.is_staff:
        return
    staff = db.session.execute(
        select(func.count(Member.id)).where(Member.role == "staff", Member.active)
    ).scalar_one()
    if staff <= 1:
        raise Invalid(
            _(
                "Ce compte est le dernier de l’équipe du programme : "
                "donnez ce rôle à quelqu’un d’autre avant de le supprimer."
            )
        )


def _release_messages(member: Member, remove: bool) -> None:
    """Messages stay, signed "Ancien membre"; or their text is erased too."""
    messages = db.session.scalars(select(Message).where(Message.author_id == member.id))
    for message in messages:
        message.author_id = None
        message.client_id = None
        if remove:
            message.body, message.html = "", ""
            message.deleted_at = message.deleted_at or utcnow()


def imported_messages(member: Member) -> list[tuple[Channel, int]]:
    """The channels holding the member's messages imported from Slack, with
    how many of them are still there, by channel name."""
    rows = db.session.execute(
        select(Channel, func.count(Message.id))
        .join(Message, Message.channel_id == Channel.id)
        .where(
            Message.author_id == member.id,
            Message.imported_author_id.is_not(None),
            Message.deleted_at.is_(None),
        )
        .group_by(Channel.id)
        .order_by(Channel.name)
    )
    return [(channel, count) for channel, count in rows]


def erase_imported(actor: Member, member: Member) -> int:
    """Erase the text of a member's messages imported from Slack; their places
    stay, as a deleted message's do. Returns how many were erased."""
    _require_self_or_staff(actor, member)
    messages = db.session.scalars(
        select(Message).where(
            Message.author_id == member.id,
            Message.imported_author_id.is_not(None),
            Message.deleted_at.is_(None),
        )
    ).all()
    now = utcnow()
    for message in messages:
        message.body, message.html, message.deleted_at = "", "", now
    if actor.id != member.id:
        audit(actor, "member.erase_imported", member.username, {"count": len(messages)})
    db.session.commit()
    return len(messages)


def _open_sockets(member: Member) -> list[str]:
    stmt = select(SocketSession.sid).where(SocketSession.member_id == member.id)
    return list(db.session.scalars(stmt))


def delete_account(actor: Member, member: Member, *, erase: bool) -> None:
    """Remove a member and their personal data, in one transaction.

    Their profile, skills, team places, channel memberships, reactions,
    bookmarks, notifications, mentoring, tokens, invitations and uploaded files
    go; their messages, comments and links stay as "Ancien membre" unless they
    ask to `erase` them too. The search index follows through the outbox.
    """
    _require_self_or_staff(actor, member)
    _check_not_last_staff(member)
    sockets = _open_sockets(member)
    username = member.username
    _release_messages(member, erase)
    files = erase_community.release(member, erase)
    db.session.execute(delete(Invitation).where(Invitation.email == member.email))
    db.session.delete(member)
    if actor.id != member.id:
        audit(actor, "member.delete", username, {"contributions_erased": erase})
    db.session.commit()
    for key in files:
        uploads.delete(key)
    realtime.disconnect_sockets(sockets)
