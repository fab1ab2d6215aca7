"""Who a question goes to: up to three members whose work shows they know.

The evidence is "Qui s'y connaît ?"'s (skills, profile, défis, shared
resources, messages, see `app.search.services.expertise`), asked for each tag
and each meaningful word of the title, plus the answers accepted on questions
with the same tags. Each chosen member gets the reasons that chose them, as
data (`{"kind": "defi", "title": …}`) written in the reader's language when
shown (`describe`).

Not chosen: the asker; the teams of the question's défi and of the asker's
défis (they are in the channel already); deactivated members; members who do not
take questions; members already asked this week as often as the cap allows; and
members who passed on a similar question (a shared tag or défi). A member asked
recently counts for less, so the same top expert is not asked every time.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext, ngettext
from sqlalchemy import ColumnElement, func, or_, select

from app.channels.models import ChannelMember
from app.defis.models import DefiMembership
from app.extensions import db
from app.members.models import Member
from app.questions.models import Question, QuestionRoute, question_tags
from app.search.services import expertise
from app.text import fold

ROUTED = 3  # members asked per round
WEEK = timedelta(days=7)
MAX_TERMS = 8
# Words of a question that say nothing of its subject.
_QUESTION_TEXT = """quelqu quelquun deja comment pourquoi quand quel quelle quels
quelles connait connaissez connais sait savez savoir aurait auriez avez avait besoin
cherche recherche faire fait peut peux pouvez utiliser utilise quoi bonjour merci
aide aider idee idees conseil conseils retour retours experience travaille travailler
qui que quoi des les une pour dans sur avec someone anyone already"""
QUESTION_WORDS = frozenset(_QUESTION_TEXT.split())


@dataclass
class Candidate:
    member_id: int
    score: float = 0.0
    reasons: list[dict] = field(default_factory=list)

    def add(self, reason: dict) -> None:
        if reason not in self.reasons:
            self.reasons.append(reason)


def topic_terms(title: str, tags: list[str]) -> list[str]:
    """The tags, then the title's words that can say what it is about."""
    words = [
        word
        for word in re.findall(r"\w+", fold(title))
        if len(word) >= 3 and word not in QUESTION_WORDS and not word.isdigit()
    ]
    return list(dict.fromkeys([*tags, *words]))[:MAX_TERMS]


def _gather(asker: Member, terms: list[str]) -> dict[int, Candidate]:
    found: dict[int, Candidate] = {}

    def candidate(member_id: int) -> Candidate:
        return found.setdefault(member_id, Candidate(member_id))

    for term in terms:
        result = expertise(asker, term)
        if result is None:
            continue
        scores, evidence, _words = result
        for member_id, score in scores.items():
            candidate(member_id).score += score
        for defi_id, team in evidence.teams.items():
            for member_id in team:
                candidate(member_id).add(
                    {"kind": "defi", "title": evidence.defi_titles[defi_id]}
                )
        for kind, counts in (
            ("resources", evidence.shared),
            ("messages", evidence.written),
        ):
            for member_id, count in counts.items():
                candidate(member_id).add({"kind": kind, "topic": term, "count": count})
        for member_id, tags in evidence.accepted.items():
            for tag, count in tags.items():
                candidate(member_id).add(
                    {"kind": "accepted", "topic": tag, "count": count}
                )
    return found


def _skills(found: dict[int, Candidate], members: dict[int, Member], terms) -> None:
    keys = {fold(term) for term in terms}
    words = {word for key in keys for word in key.split()}
    for member_id, member in members.items():
        for skill in member.skills:
            reason = {"kind": "skill", "name": skill.name}
            matches = skill.key in keys or words & set(skill.key.split())
            if matches and reason not in found[member_id].reasons:
                found[member_id].reasons.insert(0, reason)


def _teams(question: Question) -> set[int]:
    """The members of the question's défi and of the asker's défis."""
    defi_ids = select(DefiMembership.defi_id).where(
        DefiMembership.member_id == question.asker_id
    )
    condition: ColumnElement[bool] = DefiMembership.defi_id.in_(defi_ids)
    if question.defi_id is not None:
        condition = or_(condition, DefiMembership.defi_id == question.defi_id)
    return set(db.session.scalars(select(DefiMembership.member_id).where(condition)))


def _recent_routes(now: datetime) -> dict[int, int]:
    rows = db.session.execute(
        select(QuestionRoute.member_id, func.count())
        .where(QuestionRoute.routed_at > now - WEEK)
        .group_by(QuestionRoute.member_id)
    )
    return {member_id: count for member_id, count in rows}


def _passed_similar(question: Question) -> set[int]:
    """Members who passed on a question sharing a tag or the défi."""
    similar: list[ColumnElement[bool]] = [Question.id.in_(_sharing_a_tag(question))]
    if question.defi_id is not None:
        similar.append(Question.defi_id == question.defi_id)
    return set(
        db.session.scalars(
            select(QuestionRoute.member_id)
            .join(Question, Question.id == QuestionRoute.question_id)
            .where(QuestionRoute.passed_at.is_not(None), or_(*similar))
        )
    )


def _sharing_a_tag(question: Question):
    tag_ids = [tag.id for tag in question.tags]
    return select(question_tags.c.question_id).where(
        question_tags.c.skill_id.in_(tag_ids)
    )


def _excluded(question: Question) -> set[int]:
    already = {route.member_id for route in question.routes}
    asker = {question.asker_id} if question.asker_id else set()
    return asker | already | _teams(question) | _passed_similar(question)


def choose(question: Question, now: datetime, count: int = ROUTED) -> list[Candidate]:
    """The members to ask, best first, each with the reasons that chose them."""
    terms = topic_terms(question.title, [tag.name for tag in question.tags])
    found = _gather(question.asker, terms) if question.asker else {}
    for member_id in _excluded(question):
        found.pop(member_id, None)
    members = _willing(list(found), now)
    readers = _readers(question)
    if readers is not None:  # a private channel: only its members may be asked
        members = {i: m for i, m in members.items() if i in readers}
    found = {member_id: found[member_id] for member_id in members}
    _skills(found, members, terms)
    recent = _recent_routes(now)
    for member_id, candidate in found.items():
        candidate.score /= 1 + recent.get(member_id, 0)  # spread the load
    ranked = sorted(
        (c for c in found.values() if c.reasons),
        key=lambda c: (-c.score, members[c.member_id].display_name, c.member_id),
    )
    return ranked[:count]


def _readers(question: Question) -> set[int] | None:
    """Who may read the question: None for everyone (a public channel)."""
    channel = question.message.channel
    if channel.is_public:
        return None
    seats = select(ChannelMember.member_id).where(
        ChannelMember.channel_id == channel.id
    )
    return set(db.session.scalars(seats))


def _willing(member_ids: list[int], now: datetime) -> dict[int, Member]:
    """Of these members, the active ones who take questions and are under the
    weekly cap."""
    if not member_ids:
        return {}
    cap = current_app.config["QUESTIONS_WEEKLY_CAP"]
    recent = _recent_routes(now)
    members = db.session.scalars(
        select(Member).where(Member.id.in_(member_ids), Member.active.is_(True))
    )
    return {
        member.id: member
        for member in members
        if member.receives_questions and recent.get(member.id, 0) < cap
    }


def describe(reason: dict) -> str:
    """One reason, in the reader's language."""
    kind = reason.get("kind")
    if kind == "skill":
        return gettext("compétence : %(name)s", name=reason["name"])
    if kind == "defi":
        return gettext("a travaillé sur le défi %(title)s", title=reason["title"])
    if kind == "accepted":
        return ngettext(
            "%(num)s réponse acceptée sur %(topic)s",
            "%(num)s réponses acceptées sur %(topic)s",
            reason["count"],
            topic=reason["topic"],
        )
    if kind == "resources":
        return ngettext(
            "%(num)s ressource sur %(topic)s",
            "%(num)s ressources sur %(topic)s",
            reason["count"],
            topic=reason["topic"],
        )
    return ngettext(
        "%(num)s message sur %(topic)s",
        "%(num)s messages sur %(topic)s",
        reason.get("count", 1),
        topic=reason.get("topic", ""),
    )
