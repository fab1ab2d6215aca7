"""Everything EIG Link holds about one member, as one JSON document (RGPD art. 15, 20).

Each section reads one kind of data; `COVERED_TABLES` names the tables they
read, so a test can check that no table pointing at members is forgotten.
"""

from collections.abc import Callable
from typing import Any

from sqlalchemy import or_, select

from app.audit import AuditEntry
from app.auth.models import ApiToken, Invitation
from app.channels.models import Channel, ChannelMember, Message, Reaction
from app.defis.models import DefiMembership, TeamRequest
from app.extensions import db
from app.members.models import Member
from app.privacy import export_community
from app.questions.models import Question, QuestionRoute
from app.slack.models import SlackAuthor
from app.timeutil import isoformat as _when
from app.timeutil import utcnow

FORMAT = "eig-link-export/1"


def _profile(member: Member) -> dict[str, Any]:
    return {
        "username": member.username,
        "email": member.email,
        "display_name": member.display_name,
        "role": member.role,
        "active": member.active,
        "headline": member.headline,
        "bio": member.bio,
        "city": member.city,
        "open_to_mentoring": member.open_to_mentoring,
        "organisation": member.organisation,
        "organisation_siret": member.organisation_siret,
        "organisation_from_proconnect": member.proconnect_sync,
        "links": dict(member.links()),
        "skills": [skill.name for skill in member.skills],
        "promotions": [promotion.label for promotion in member.promotions],
        "visibility": {
            "email": member.email_visibility,
            "city": member.city_visibility,
        },
        "created_at": _when(member.created_at),
        "updated_at": _when(member.updated_at),
    }


def _defis(member: Member) -> list[dict]:
    rows = db.session.scalars(
        select(DefiMembership).where(DefiMembership.member_id == member.id)
    )
    return [{"slug": m.defi.slug, "title": m.defi.title, "role": m.role} for m in rows]


def _team_requests(member: Member) -> list[dict]:
    """The member's requests to join a défi's team, and those they answered."""
    rows = db.session.scalars(
        select(TeamRequest)
        .where(
            or_(
                TeamRequest.member_id == member.id,
                TeamRequest.decided_by_id == member.id,
            )
        )
        .order_by(TeamRequest.id)
    )
    return [
        {
            "defi": r.defi.slug,
            "role": r.role,
            "message": r.message if r.member_id == member.id else "",
            "status": r.status,
            "mine": r.member_id == member.id,
            "created_at": _when(r.created_at),
            "decided_at": _when(r.decided_at),
        }
        for r in rows
    ]


def _channels(member: Member) -> list[dict]:
    rows = db.session.scalars(
        select(ChannelMember).where(ChannelMember.member_id == member.id)
    )
    return [
        {
            "slug": m.channel.slug,
            "name": m.channel.name,
            "kind": m.channel.kind,
            "joined_at": _when(m.joined_at),
            "last_read_id": m.last_read_id,
        }
        for m in rows
    ]


def _channels_created(member: Member) -> list[dict]:
    rows = db.session.scalars(select(Channel).where(Channel.created_by_id == member.id))
    return [{"slug": c.slug, "name": c.name, "kind": c.kind} for c in rows]


def _messages(member: Member) -> list[dict]:
    rows = db.session.scalars(
        select(Message).where(Message.author_id == member.id).order_by(Message.id)
    )
    return [
        {
            "id": m.id,
            "channel": m.channel.slug,
            "parent_id": m.parent_id,
            "body": m.body,
            "created_at": _when(m.created_at),
            "edited_at": _when(m.edited_at),
            "deleted_at": _when(m.deleted_at),
            "imported_from_slack": m.imported_author_id is not None,
        }
        for m in rows
    ]


def _slack_identities(member: Member) -> list[dict]:
    """The Slack accounts whose history was imported as this member's."""
    rows = db.session.scalars(
        select(SlackAuthor).where(SlackAuthor.member_id == member.id)
    )
    return [
        {"workspace": a.workspace, "slack_id": a.slack_id, "name": a.name} for a in rows
    ]


def _moderated(member: Member) -> list[int]:
    stmt = select(Message.id).where(Message.deleted_by_id == member.id)
    return list(db.session.scalars(stmt.order_by(Message.id)))


def _reactions(member: Member) -> list[dict]:
    rows = db.session.scalars(select(Reaction).where(Reaction.member_id == member.id))
    return [
        {
            "message_id": r.message_id,
            "emoji": r.emoji,
            "created_at": _when(r.created_at),
        }
        for r in rows
    ]


def _api_tokens(member: Member) -> list[dict]:
    """Names and dates only: a token's hash is a secret, even to its owner."""
    rows = db.session.scalars(select(ApiToken).where(ApiToken.member_id == member.id))
    return [
        {
            "name": t.name,
            "prefix": t.prefix,
            "created_at": _when(t.created_at),
            "last_used_at": _when(t.last_used_at),
            "revoked_at": _when(t.revoked_at),
        }
        for t in rows
    ]


def _invitations(member: Member) -> list[dict]:
    """The invitations this member received or sent."""
    rows = db.session.scalars(
        select(Invitation).where(
            or_(
                Invitation.member_id == member.id,
                Invitation.email == member.email,
                Invitation.invited_by_id == member.id,
            )
        )
    )
    return [
        {
            "email": i.email,
            "role": i.role,
            "sent_by_me": i.invited_by_id == member.id,
            "created_at": _when(i.created_at),
            "accepted_at": _when(i.accepted_at),
        }
        for i in rows
    ]


def _staff_actions(member: Member) -> list[dict]:
    rows = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.actor_id == member.id)
        .order_by(AuditEntry.id)
    )
    return [
        {
            "action": e.action,
            "target": e.target,
            "details": e.details,
            "created_at": _when(e.created_at),
        }
        for e in rows
    ]


def _questions(member: Member) -> list[dict]:
    """The questions the member asked (their text is in `messages`)."""
    rows = db.session.scalars(
        select(Question).where(Question.asker_id == member.id).order_by(Question.id)
    )
    return [
        {
            "title": q.title,
            "message_id": q.message_id,
            "tags": [tag.name for tag in q.tags],
            "status": q.status,
            "accepted_message_id": q.accepted_message_id,
            "created_at": _when(q.created_at),
        }
        for q in rows
    ]


def _questions_routed(member: Member) -> list[dict]:
    """The questions sent to the member, why, and whether they passed."""
    rows = db.session.scalars(
        select(QuestionRoute)
        .where(QuestionRoute.member_id == member.id)
        .order_by(QuestionRoute.routed_at)
    )
    return [
        {
            "question": r.question.title,
            "reasons": r.reasons,
            "round": r.round,
            "routed_at": _when(r.routed_at),
            "passed_at": _when(r.passed_at),
        }
        for r in rows
    ]


SECTIONS: dict[str, Callable[[Member], Any]] = {
    "profile": _profile,
    "defis": _defis,
    "team_requests": _team_requests,
    "channels": _channels,
    "channels_created": _channels_created,
    "messages": _messages,
    "slack_identities": _slack_identities,
    "questions": _questions,
    "questions_routed": _questions_routed,
    "messages_moderated": _moderated,
    "reactions": _reactions,
    "api_tokens": _api_tokens,
    "invitations": _invitations,
    "staff_actions": _staff_actions,
    **export_community.SECTIONS,
}

# The tables the sections read; socket_sessions only lists open connections.
# mentor_topics and email_opt_outs are read too, through their parents/e-mail.
COVERED_TABLES = {
    "members",
    "member_skills",
    "member_promotions",
    "defi_memberships",
    "team_requests",
    "channel_members",
    "channels",
    "messages",
    "reactions",
    "api_tokens",
    "invitations",
    "audit_entries",
    "slack_authors",
    "questions",
    "question_routes",
    *export_community.COVERED_TABLES,
}
TRANSIENT_TABLES = {"socket_sessions"}


def export_member(member: Member) -> dict[str, Any]:
    """The whole export of one member."""
    data: dict[str, Any] = {"format": FORMAT, "exported_at": utcnow().isoformat()}
    for name, read in SECTIONS.items():
        data[name] = read(member)
    return data
