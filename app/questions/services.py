"""Questions: ask one (a thread root with a title and tags), route it to the
members who know, accept an answer (and undo it), pass, and route once more
what stays unanswered.

Every function that writes commits once, then publishes and notifies: a
refused input changes nothing. `now` is the clock, for tests and the CLI.
"""

import logging
from contextvars import ContextVar
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import exists, select

from app import realtime
from app.channels import services as channels
from app.channels.models import Channel, Message
from app.defis.models import Defi
from app.errors import Invalid, NotAllowed, NotFound, about_field
from app.extensions import db
from app.inputs import INT_MAX
from app.members.models import Member
from app.members.services import get_or_create_skills
from app.notifications.services import notify
from app.questions.listing import question_url
from app.questions.models import Question, QuestionRoute
from app.questions.routing import choose
from app.text import clean_spaces, fold, html_excerpt
from app.timeutil import utcnow
from search_index import SearchError

MAX_TITLE = 200
MAX_TAGS = 5
MAX_TAG = 60
REROUTE_AFTER = timedelta(hours=48)
_asking: ContextVar[bool] = ContextVar("asking", default=False)
log = logging.getLogger(__name__)


def clean_title(title: object) -> str:
    text = clean_spaces(title) if isinstance(title, str) else ""
    with about_field("title"):
        if not text:
            raise Invalid(_("Donnez un titre à votre question."))
        if len(text) > MAX_TITLE:
            raise Invalid(_("Le titre fait au plus %(max)s caractères.", max=MAX_TITLE))
    return text


def clean_tags(tags: object) -> list[str]:
    """Tag names, each once whatever its case or accents; at most MAX_TAGS."""
    with about_field("tags"):
        if tags is None:
            return []
        if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
            raise Invalid(_("Les tags sont une liste de compétences."))
        names = {fold(clean_spaces(t)): clean_spaces(t) for t in tags if t.strip()}
        if len(names) > MAX_TAGS:
            raise Invalid(_("Une question porte au plus %(max)s tags.", max=MAX_TAGS))
        if any(len(name) > MAX_TAG for name in names.values()):
            raise Invalid(_("Un tag fait au plus %(max)s caractères.", max=MAX_TAG))
    return list(names.values())


def ask(
    asker: Member,
    channel: Channel,
    title: object,
    body: object,
    tags: object = None,
    defi: Defi | None = None,
    now: datetime | None = None,
) -> Question:
    """Post a question in a channel the asker can write to, then route it."""
    title, names = clean_title(title), clean_tags(tags)
    channels.check_can_post(asker, channel)  # before anything is written
    token = _asking.set(True)  # not also a question by default (entraide)
    try:
        message = channels.post_message(asker, channel, body)
    finally:
        _asking.reset(token)
    return _make_question(asker, message, title, names, defi, now)


def mark(
    actor: Member, message: Message, title: object, tags: object = None
) -> Question:
    """Make a thread's first message a question: its author or the staff."""
    title, names = clean_title(title), clean_tags(tags)
    if message.author_id != actor.id and not actor.is_staff:
        raise NotAllowed(_("Seul son auteur fait d’un message une question."))
    if message.parent_id is not None or message.deleted:
        raise Invalid(_("Seul le premier message d’un fil peut être une question."))
    channels.check_can_post(actor, message.channel)
    if message.channel.kind == "direct":
        raise Invalid(_("Une conversation directe n’a pas de question."))
    if message.question is not None:
        raise Invalid(_("Ce message est déjà une question."))
    return _make_question(message.author or actor, message, title, names, None)


def _make_question(asker, message, title, names, defi, now=None) -> Question:
    now = now or utcnow()
    defi = defi or message.channel.defi
    question = Question(
        message=message,
        message_id=message.id,
        title=title,
        asker=asker,
        asker_id=asker.id,
        defi=defi,
        defi_id=defi.id if defi else None,
        tags=get_or_create_skills(names),
        created_at=now,
    )
    with db.session.no_autoflush:  # chosen before the first write: no lock held
        chosen = _choose(question, now)
    db.session.add(question)
    routes = _routes(question, chosen, 1, now)
    db.session.commit()
    _tell_routed(question, routes)
    return question


def _choose(question: Question, now: datetime) -> list:
    """The members to ask; nobody, and a line in the log, if search fails."""
    try:
        return choose(question, now)
    except SearchError:
        log.exception("Question %s: no member chosen, search failed", question.title)
        return []


def _by_default(author: Member, message: Message) -> None:
    """A new thread in a question channel is a question, titled by how it
    begins. The message is stored already: a failure here is logged, not
    passed on to its author."""
    if _asking.get():
        return
    title = html_excerpt(message.html, 120) or _("Question")
    try:
        _make_question(author, message, title, [], None)
    except Exception:
        db.session.rollback()
        log.exception("Message %s stored, but not made a question", message.id)


channels.on_question_root.append(_by_default)


def unmark(actor: Member, question: Question) -> None:
    """It was not a question after all: the asker or the staff say so."""
    _check_may_accept(actor, question)
    db.session.delete(question)
    db.session.commit()


def _routes(
    question: Question, chosen: list, round_: int, now: datetime
) -> list[QuestionRoute]:
    routes = [
        QuestionRoute(
            question=question,
            member_id=candidate.member_id,
            reasons=candidate.reasons[:3],
            round=round_,
            routed_at=now,
        )
        for candidate in chosen
    ]
    db.session.add_all(routes)
    db.session.flush()
    return routes


def _tell_routed(question: Question, routes: list[QuestionRoute]) -> None:
    url = question_url(question)
    for route in routes:
        notify(
            "question",
            route.member,
            actor=question.asker,
            url=url,
            params={
                "actor": question.asker.display_name if question.asker else "",
                "title": question.title,
            },
        )
        payload = {"id": question.id, "title": question.title, "url": url}
        realtime.publish(
            realtime.member_room(route.member_id), "question_routed", payload
        )


def take_questions(member: Member, wanted: bool) -> None:
    """The member's choice to be sent questions (or not), whatever their role;
    saved only when it differs from what they get now, so that an untouched
    choice keeps following their role."""
    if bool(wanted) != member.receives_questions:
        member.takes_questions = bool(wanted)
        db.session.commit()


def get_question(viewer: Member, question_id: object) -> Question:
    """A question whose channel the viewer may read."""
    question = (
        db.session.get(Question, question_id)
        if isinstance(question_id, int)
        and not isinstance(question_id, bool)
        and 0 < question_id <= INT_MAX
        else None
    )
    if (
        question is None
        or question.message.deleted
        or not channels.can_read(viewer, question.message.channel)
    ):
        raise NotFound(_("Cette question n’existe pas ou ne vous est pas ouverte."))
    return question


def _check_may_accept(actor: Member, question: Question) -> None:
    if question.message.channel.archived:
        raise NotAllowed(
            _("Ce canal est archivé\u00a0: on peut le lire, plus y écrire.")
        )
    if actor.id != question.asker_id and not actor.is_staff:
        raise NotAllowed(
            _(
                "Seuls l’auteur de la question et l’équipe du programme "
                "choisissent la réponse acceptée."
            )
        )


def accept(actor: Member, question: Question, message_id: object) -> Question:
    """Mark a reply of the question's thread as its accepted answer."""
    _check_may_accept(actor, question)
    answer = (
        db.session.get(Message, message_id)
        if isinstance(message_id, int)
        and not isinstance(message_id, bool)
        and abs(message_id) <= INT_MAX
        else None
    )
    if answer is None or answer.parent_id != question.message_id or answer.deleted:
        raise Invalid(_("Cette réponse n’appartient pas au fil de la question."))
    question.accepted_message_id, question.solved_at = answer.id, utcnow()
    db.session.commit()
    _announce_solved(question)
    return question


def undo_accept(actor: Member, question: Question) -> Question:
    """The question is open again."""
    _check_may_accept(actor, question)
    question.accepted_message_id, question.solved_at = None, None
    db.session.commit()
    _announce_solved(question)
    return question


def _announce_solved(question: Question) -> None:
    realtime.publish(
        realtime.channel_room(question.message.channel_id),
        "question_solved",
        {
            "id": question.id,
            "message_id": question.message_id,
            "accepted_message_id": question.accepted_message_id,
            "status": question.status,
        },
    )


def pass_question(actor: Member, question: Question, now: datetime | None = None):
    """The routed member passes: they will not be asked similar questions."""
    route = db.session.get(QuestionRoute, (question.id, actor.id))
    if route is None:
        raise Invalid(_("Cette question ne vous a pas été adressée."))
    route.passed_at = route.passed_at or now or utcnow()
    db.session.commit()
    return route


def _answered(question: Question) -> bool:
    """Someone other than the asker replied in its thread."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Message.parent_id == question.message_id,
                    Message.author_id.is_distinct_from(question.asker_id),
                    Message.deleted_at.is_(None),
                )
            )
        )
    )


def route_unanswered(now: datetime | None = None) -> int:
    """Questions unanswered after 48 hours go to the next members, once.
    Returns how many questions were routed again."""
    now = now or utcnow()
    due = db.session.scalars(
        select(Question).where(
            Question.accepted_message_id.is_(None),
            Question.rerouted_at.is_(None),
            Question.created_at <= now - REROUTE_AFTER,
        )
    ).all()
    done = 0
    for question in due:
        question.rerouted_at = now
        if _answered(question) or question.message.deleted:
            continue
        routes = _routes(question, _choose(question, now), 2, now)
        db.session.commit()
        _tell_routed(question, routes)
        done += 1
    db.session.commit()
    return done
