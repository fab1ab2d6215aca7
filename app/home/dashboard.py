"""What the home page shows a logged-in member: what is new for them, what
waits for them, their first steps, and for staff the programme's figures.

Each part is one bounded query (a few rows at most): the home page is the
most visited page and stays as light as the directory's.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.auth.models import Invitation
from app.channels.models import Channel, ChannelMember, Message
from app.channels.services import direct_names, unread_counts
from app.collation import french_key
from app.defis.models import DefiMembership
from app.extensions import db
from app.members.models import (
    ROLE_LABELS,
    Member,
    Skill,
    member_promotions,
    member_skills,
)
from app.mentoring.models import MentoringRequest
from app.mentoring.services import expire_pending
from app.notifications.models import Notification
from app.questions.listing import waiting_for
from app.questions.models import Question
from app.resources.models import Resource, ResourceTag, resource_tag_links
from app.timeutil import utcnow

SHOWN = 5  # rows per part
RECENT = timedelta(days=30)  # what counts as new
WEEK = timedelta(days=7)
PERSONAL_KINDS = ("mention", "reply", "direct_message")  # "for you" notifications
TOPICS_TO_FOLLOW = 2


@dataclass
class Step:
    """One onboarding step: done or not, and where to do it."""

    label: str
    done: bool
    url: str


@dataclass
class Dashboard:
    unread: list[tuple[Channel, str, int]] = field(default_factory=list)
    mentions: list[Notification] = field(default_factory=list)
    asked: list[MentoringRequest] = field(default_factory=list)
    to_answer: list[MentoringRequest] = field(default_factory=list)
    resources: list[Resource] = field(default_factory=list)
    newcomers: list[Member] = field(default_factory=list)
    activity: list[Message] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    figures: dict | None = None

    @property
    def onboarding(self) -> bool:
        return any(not step.done for step in self.steps)


def dashboard_for(member: Member, steps: list[Step]) -> Dashboard:
    """The member's dashboard; `steps` are the onboarding steps, labelled and
    linked by the view, ticked here."""
    board = Dashboard(
        unread=unread_channels(member),
        mentions=unread_mentions(member),
        resources=resources_in_skills(member),
        newcomers=newcomers_near(member),
        activity=defi_activity(member),
        questions=waiting_for(member),
        steps=steps,
    )
    board.asked, board.to_answer = open_requests(member)
    if member.is_staff:
        board.figures = programme_figures()
    return board


# Unread ---------------------------------------------------------------------------


def unread_channels(member: Member) -> list[tuple[Channel, str, int]]:
    """The member's channels with unread messages: direct conversations
    first, then the most unread."""
    counts = unread_counts(member)
    if not counts:
        return []
    channels = db.session.scalars(select(Channel).where(Channel.id.in_(counts)))
    names = direct_names(member)
    rows = [(c, names.get(c.id, c.name), counts[c.id]) for c in channels]
    rows.sort(key=lambda row: (row[0].kind != "direct", -row[2], french_key(row[1])))
    return rows


def unread_mentions(member: Member) -> list[Notification]:
    """Unread mentions, replies and direct messages, newest first."""
    return list(
        db.session.scalars(
            select(Notification)
            .where(
                Notification.recipient_id == member.id,
                Notification.read_at.is_(None),
                Notification.shown.is_(True),
                Notification.kind.in_(PERSONAL_KINDS),
            )
            .order_by(Notification.created_at.desc())
            .limit(SHOWN)
        )
    )


# Mentoring ------------------------------------------------------------------------


def open_requests(
    member: Member,
) -> tuple[list[MentoringRequest], list[MentoringRequest]]:
    """(requests the member made that are pending or accepted, requests made to
    them that wait for their answer)."""
    expire_pending()
    mine = (MentoringRequest.asker_id == member.id) & MentoringRequest.status.in_(
        ("pending", "accepted")
    )
    theirs = (MentoringRequest.mentor_id == member.id) & (
        MentoringRequest.status == "pending"
    )
    rows = db.session.scalars(
        select(MentoringRequest)
        .where(mine | theirs)
        .options(
            selectinload(MentoringRequest.asker), selectinload(MentoringRequest.mentor)
        )
        .order_by(MentoringRequest.created_at.desc())
        .limit(2 * SHOWN)
    )
    asked: list[MentoringRequest] = []
    to_answer: list[MentoringRequest] = []
    for request in rows:
        (asked if request.asker_id == member.id else to_answer).append(request)
    return asked[:SHOWN], to_answer[:SHOWN]


# What is new ----------------------------------------------------------------------


def resources_in_skills(member: Member) -> list[Resource]:
    """Resources shared lately by others, tagged with one of the member's skills."""
    keys = (
        select(Skill.key)
        .join(member_skills)
        .where(member_skills.c.member_id == member.id)
    )
    tagged = (
        select(resource_tag_links.c.resource_id)
        .join(ResourceTag)
        .where(ResourceTag.key.in_(keys))
    )
    return list(
        db.session.scalars(
            select(Resource)
            .where(
                Resource.id.in_(tagged),
                Resource.hidden_at.is_(None),
                Resource.created_at > utcnow() - RECENT,
                Resource.author_id.is_distinct_from(member.id),
            )
            .order_by(Resource.created_at.desc())
            .limit(SHOWN)
        )
    )


def newcomers_near(member: Member) -> list[Member]:
    """Members who joined lately in the member's promotions or défis."""
    promotions = select(member_promotions.c.promotion_id).where(
        member_promotions.c.member_id == member.id
    )
    defis = select(DefiMembership.defi_id).where(DefiMembership.member_id == member.id)
    same_promotion = select(member_promotions.c.member_id).where(
        member_promotions.c.promotion_id.in_(promotions)
    )
    same_defi = select(DefiMembership.member_id).where(
        DefiMembership.defi_id.in_(defis)
    )
    return list(
        db.session.scalars(
            select(Member)
            .where(
                Member.id.in_(same_promotion) | Member.id.in_(same_defi),
                Member.id != member.id,
                Member.active.is_(True),
                Member.created_at > utcnow() - RECENT,
            )
            .order_by(Member.created_at.desc())
            .limit(SHOWN)
        )
    )


def defi_activity(member: Member) -> list[Message]:
    """The latest messages in the channels of the member's défis."""
    defis = select(DefiMembership.defi_id).where(DefiMembership.member_id == member.id)
    channels = select(Channel.id).where(Channel.defi_id.in_(defis))
    return list(
        db.session.scalars(
            select(Message)
            .where(
                Message.channel_id.in_(channels),
                Message.deleted_at.is_(None),
                Message.held.is_(False),
            )
            .options(
                selectinload(Message.author),
                selectinload(Message.imported_author),
                selectinload(Message.channel),
            )
            .order_by(Message.id.desc())
            .limit(SHOWN)
        )
    )


# Onboarding -----------------------------------------------------------------------


def profile_complete(member: Member) -> bool:
    return bool(member.headline and member.bio and member.skills)


def in_a_defi(member: Member) -> bool:
    return bool(member.defi_memberships)


def said_hello(member: Member) -> bool:
    """Wrote at least once in one of their défis' channels."""
    defis = select(DefiMembership.defi_id).where(DefiMembership.member_id == member.id)
    written = (
        select(Message.id)
        .join(Channel, Message.channel)
        .where(Message.author_id == member.id, Channel.defi_id.in_(defis))
        .limit(1)
    )
    return db.session.scalar(written) is not None


def topics_followed(member: Member) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(ChannelMember)
            .join(Channel, ChannelMember.channel)
            .where(ChannelMember.member_id == member.id, Channel.kind == "topic")
        )
        or 0
    )


# Staff ----------------------------------------------------------------------------


def programme_figures() -> dict:
    """Members by role, who was active this week, what waits for an answer."""
    by_role = dict(
        db.session.execute(
            select(Member.role, func.count(Member.id))
            .where(Member.active.is_(True))
            .group_by(Member.role)
        ).all()
    )
    week_ago = utcnow() - WEEK
    writers = select(Message.author_id).where(Message.created_at > week_ago)
    sharers = select(Resource.author_id).where(Resource.created_at > week_ago)
    active = db.session.scalar(
        select(func.count(Member.id)).where(
            Member.id.in_(writers) | Member.id.in_(sharers)
        )
    )
    unanswered = db.session.scalar(
        select(func.count(MentoringRequest.id)).where(
            MentoringRequest.status == "pending"
        )
    )
    invited = db.session.scalar(
        select(func.count(Invitation.id)).where(
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
    )
    return {
        "by_role": [(label, by_role.get(r, 0)) for r, label in ROLE_LABELS.items()],
        "active": active or 0,
        "unanswered": unanswered or 0,
        "invited": invited or 0,
    }
