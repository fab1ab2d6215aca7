"""Which questions a member sees: those of the channels they may read, filtered
by status, tag, défi, "unanswered" and "routed to me"; and a question as the
API and the pages show it."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import aliased, selectinload

from app.channels.models import PUBLIC_KINDS, Channel, ChannelMember, Message
from app.defis.models import Defi
from app.errors import Invalid
from app.extensions import db
from app.members.models import Member, Skill
from app.questions.models import Question, QuestionRoute, question_tags
from app.questions.routing import describe
from app.text import fold

STATUSES = ("open", "solved", "unanswered")


@dataclass(frozen=True)
class QuestionFilters:
    status: str = ""  # "", open, solved or unanswered (open, no answer yet)
    tag: str = ""
    defi: str = ""  # a défi's slug
    routed_to_me: bool = False


def question_filters(
    status: str = "", tag: str = "", defi: str = "", routed: str = ""
) -> QuestionFilters:
    """Filters from a query string; Invalid for a status or routed value it
    does not know."""
    if status not in ("", *STATUSES):
        raise Invalid(_("Le statut vaut open, solved ou unanswered."))
    if routed not in ("", "me"):
        raise Invalid(_("Le paramètre routed ne vaut que «\u00a0me\u00a0»."))
    return QuestionFilters(status, tag.strip()[:60], defi.strip()[:80], routed == "me")


def _readable(viewer: Member):
    seats = select(ChannelMember.channel_id).where(ChannelMember.member_id == viewer.id)
    return or_(Channel.kind.in_(PUBLIC_KINDS), Channel.id.in_(seats))


def _answered():
    reply = aliased(Message)  # the outer query joins Message already
    return exists().where(
        reply.parent_id == Question.message_id,
        reply.author_id.is_distinct_from(Question.asker_id),
        reply.deleted_at.is_(None),
    )


def questions_query(viewer: Member, filters: QuestionFilters) -> Select:
    stmt = (
        select(Question)
        .join(Message, Message.id == Question.message_id)
        .join(Channel, Channel.id == Message.channel_id)
        .where(_readable(viewer), Message.deleted_at.is_(None))
        .options(  # what a list shows of each, in a few queries
            selectinload(Question.message).selectinload(Message.channel),
            selectinload(Question.asker),
            selectinload(Question.defi),
            selectinload(Question.tags),
            selectinload(Question.routes).selectinload(QuestionRoute.member),
        )
    )
    if filters.status == "solved":
        stmt = stmt.where(Question.accepted_message_id.is_not(None))
    elif filters.status in ("open", "unanswered"):
        stmt = stmt.where(Question.accepted_message_id.is_(None))
    if filters.status == "unanswered":
        stmt = stmt.where(~_answered())
    if filters.tag:
        tagged = (
            select(question_tags.c.question_id)
            .join(Skill, Skill.id == question_tags.c.skill_id)
            .where(Skill.key == fold(filters.tag))
        )
        stmt = stmt.where(Question.id.in_(tagged))
    if filters.defi:
        stmt = stmt.join(Defi, Defi.id == Question.defi_id).where(
            Defi.slug == filters.defi
        )
    if filters.routed_to_me:
        mine = select(QuestionRoute.question_id).where(
            QuestionRoute.member_id == viewer.id
        )
        stmt = stmt.where(Question.id.in_(mine))
    return stmt.order_by(Question.created_at.desc(), Question.id.desc())


def list_questions(viewer: Member, filters: QuestionFilters, page=1, per_page=20):
    return db.paginate(
        questions_query(viewer, filters), page=page, per_page=per_page, error_out=False
    )


def question_url(question: Question) -> str:
    """Its thread, where answers are written and accepted."""
    channel = question.message.channel
    return f"/channels/{channel.slug}?thread={question.message_id}"


def routed_to(viewer: Member, question: Question) -> list[dict] | None:
    """Who the question was sent to and why: for its asker and the staff only."""
    if viewer.id != question.asker_id and not viewer.is_staff:
        return None
    return [
        {
            "username": route.member.username,
            "reason": ", ".join(describe(r) for r in route.reasons),
            "passed": route.passed_at is not None,
        }
        for route in question.routes
    ]


def question_payload(viewer: Member, question: Question) -> dict:
    return {
        "id": question.id,
        "title": question.title,
        "status": question.status,
        "tags": [tag.name for tag in question.tags],
        "defi": question.defi.slug if question.defi else None,
        "channel": question.message.channel.slug,
        "message_id": question.message_id,
        "accepted_message_id": question.accepted_message_id,
        "asker": question.asker.username if question.asker else None,
        "routed_to": routed_to(viewer, question),
        "url": question_url(question),
    }


@dataclass
class QuestionMarks:
    """What a channel page shows of the questions among its messages."""

    roots: dict[int, Question]  # thread root id -> its question
    accepted: dict[int, Question]  # accepted answer id -> its question
    thread: Question | None  # the question of the thread shown, if any
    can_accept: bool  # the viewer may choose the thread's accepted answer
    can_mark: bool = False  # the viewer may make the thread's root a question
    routed: QuestionRoute | None = None  # the thread's question was sent to them


def question_marks(
    viewer: Member, messages: list[Message], thread: int | None
) -> QuestionMarks:
    ids = [m.id for m in messages]
    found = (
        db.session.scalars(
            select(Question).where(
                or_(Question.message_id.in_(ids), Question.accepted_message_id.in_(ids))
            )
        ).all()
        if ids
        else []
    )
    roots = {q.message_id: q for q in found}
    current = roots.get(thread) if thread is not None else None
    root = next((m for m in messages if m.id == thread), None)
    return QuestionMarks(
        roots,
        {q.accepted_message_id: q for q in found if q.accepted_message_id},
        current,
        current is not None
        and (viewer.id == current.asker_id or viewer.is_staff)
        and not current.message.channel.archived,
        root is not None and current is None and _may_mark(viewer, root),
        next((r for r in current.routes if r.member_id == viewer.id), None)
        if current is not None
        else None,
    )


def _may_mark(viewer: Member, root: Message) -> bool:
    channel = root.channel
    return (
        (root.author_id == viewer.id or viewer.is_staff)
        and root.parent_id is None
        and not root.deleted
        and not channel.archived
        and channel.kind != "direct"
    )


def solved_among(message_ids: list[int]) -> set[int]:
    """Of these messages, the solved questions and the accepted answers."""
    if not message_ids:
        return set()
    rows = db.session.execute(
        select(Question.message_id, Question.accepted_message_id).where(
            Question.accepted_message_id.is_not(None),
            or_(
                Question.message_id.in_(message_ids),
                Question.accepted_message_id.in_(message_ids),
            ),
        )
    )
    return {i for row in rows for i in row} & set(message_ids)


def waiting_for(member: Member, limit: int = 5) -> list[Question]:
    """Open questions sent to the member that they have not passed on."""
    mine = select(QuestionRoute.question_id).where(
        QuestionRoute.member_id == member.id, QuestionRoute.passed_at.is_(None)
    )
    stmt = questions_query(member, QuestionFilters(status="open")).where(
        Question.id.in_(mine)
    )
    return list(db.session.scalars(stmt.limit(limit)))


def accepted_by_tag(member: Member) -> list[tuple[str, int]]:
    """How many of the member's answers were accepted, per tag of the question
    (the most first): in open channels only, as a profile is seen by all."""
    rows = db.session.execute(
        select(Skill.name, func.count(Question.id))
        .select_from(Question)
        .join(Message, Message.id == Question.accepted_message_id)
        .join(Channel, Channel.id == Message.channel_id)
        .join(question_tags, question_tags.c.question_id == Question.id)
        .join(Skill, Skill.id == question_tags.c.skill_id)
        .where(
            Message.author_id == member.id,
            Message.deleted_at.is_(None),
            Channel.kind.in_(PUBLIC_KINDS),
        )
        .group_by(Skill.name)
    )
    return sorted(((name, count) for name, count in rows), key=lambda r: (-r[1], r[0]))
