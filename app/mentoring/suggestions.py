"""Which mentors to suggest for a topic, and why: overlap of skills and expertises.

Every point of a score comes with the sentence that explains it, so the page
shows the reason for each suggestion. Mentors who are unavailable or at capacity
are never suggested.
"""

import re
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.collation import french_key
from app.defis.models import Defi, DefiMembership
from app.extensions import db
from app.members.models import Member, Skill
from app.mentoring.models import MENTOR_ROLES, MentoringRequest, MentorProfile
from app.questions.answers import accepted_answers
from app.text import fold

DEFAULT_CAPACITY = 2
MAX_SHARED = 3  # points from what the asker and the mentor share, per kind
WEIGHTS = {"topic": 3, "skill": 2, "expertise": 2, "accepted": 2, "shared": 1}


@dataclass
class Suggestion:
    mentor: Member
    free_places: int
    score: int = 0
    reasons: list[str] = field(default_factory=list)

    def add(self, points: int, reason: str) -> None:
        self.score += points
        self.reasons.append(reason)


def matches(topic_key: str, tag_key: str) -> bool:
    """A tag fits the topic when one contains the other, as whole words."""
    if not topic_key or not tag_key:
        return False
    if re.search(rf"\b{re.escape(tag_key)}\b", topic_key):
        return True
    return len(topic_key) >= 3 and bool(
        re.search(rf"\b{re.escape(topic_key)}", tag_key)
    )


def active_mentees(mentor_ids: list[int]) -> dict[int, int]:
    """Accepted, not yet closed requests per mentor: their active mentees."""
    if not mentor_ids:
        return {}
    rows = db.session.execute(
        select(MentoringRequest.mentor_id, func.count(MentoringRequest.id))
        .where(
            MentoringRequest.mentor_id.in_(mentor_ids),
            MentoringRequest.status == "accepted",
        )
        .group_by(MentoringRequest.mentor_id)
    )
    return dict(rows.all())


def capacity_of(profile: MentorProfile | None) -> int:
    return profile.capacity if profile is not None else DEFAULT_CAPACITY


def _candidates(asker: Member) -> list[tuple[Member, MentorProfile | None]]:
    rows = db.session.execute(
        select(Member, MentorProfile)
        .outerjoin(MentorProfile, MentorProfile.member_id == Member.id)
        .where(
            Member.active.is_(True),
            Member.open_to_mentoring.is_(True),
            Member.role.in_(MENTOR_ROLES),
            Member.id != asker.id,
        )
        .options(
            selectinload(Member.skills),
            selectinload(Member.defi_memberships)
            .selectinload(DefiMembership.defi)
            .selectinload(Defi.expertises),
            selectinload(MentorProfile.topics),
        )
    )
    return [(member, profile) for member, profile in rows.all()]


def _defi_expertises(member: Member) -> list[tuple[Defi, Skill]]:
    return [
        (m.defi, skill) for m in member.defi_memberships for skill in m.defi.expertises
    ]


def _score_accepted(suggestion: Suggestion, tags: dict[str, int]) -> None:
    """Answers of the mentor accepted on questions tagged like the topic."""
    for name, count in sorted(tags.items())[:MAX_SHARED]:
        suggestion.add(
            WEIGHTS["accepted"],
            ngettext(
                "%(num)s réponse acceptée sur «\u00a0%(name)s\u00a0»",
                "%(num)s réponses acceptées sur «\u00a0%(name)s\u00a0»",
                count,
                name=name,
            ),
        )


def _score(
    suggestion: Suggestion,
    topic_key: str,
    asker: Member,
    profile: MentorProfile | None,
) -> None:
    mentor = suggestion.mentor
    for skill in profile.topics if profile is not None else ():
        if matches(topic_key, skill.key):
            suggestion.add(
                WEIGHTS["topic"],
                _("Propose du mentorat sur « %(name)s »", name=skill.name),
            )
    for skill in mentor.skills:
        if matches(topic_key, skill.key):
            suggestion.add(
                WEIGHTS["skill"], _("Compétence « %(name)s »", name=skill.name)
            )
    for defi, skill in _defi_expertises(mentor):
        if matches(topic_key, skill.key):
            suggestion.add(
                WEIGHTS["expertise"],
                _(
                    "Expertise « %(name)s » du défi « %(defi)s »",
                    name=skill.name,
                    defi=defi.title,
                ),
            )
    _score_shared(suggestion, asker)


def _score_shared(suggestion: Suggestion, asker: Member) -> None:
    mentor = suggestion.mentor
    mine = {s.key for s in asker.skills}
    shared = [s.name for s in mentor.skills if s.key in mine][:MAX_SHARED]
    for name in shared:
        suggestion.add(
            WEIGHTS["shared"],
            _("Compétence en commun avec vous : « %(name)s »", name=name),
        )
    my_expertises = {skill.key for _defi, skill in _defi_expertises(asker)}
    theirs = {skill.key: skill.name for _defi, skill in _defi_expertises(mentor)}
    common = sorted(
        (name for key, name in theirs.items() if key in my_expertises), key=french_key
    )
    for name in common[:MAX_SHARED]:
        suggestion.add(
            WEIGHTS["shared"],
            _("Expertise commune à vos défis : « %(name)s »", name=name),
        )


def suggest_mentors(asker: Member, topic: str, limit: int = 10) -> list[Suggestion]:
    """Available mentors with room, best overlap first, each with its reasons."""
    topic_key = fold(topic or "")[:80]
    candidates = _candidates(asker)
    busy = active_mentees([member.id for member, _profile in candidates])
    accepted = accepted_answers({topic_key, *topic_key.split()})
    suggestions = []
    for member, profile in candidates:
        free = capacity_of(profile) - busy.get(member.id, 0)
        if free <= 0:
            continue
        suggestion = Suggestion(mentor=member, free_places=free)
        _score(suggestion, topic_key, asker, profile)
        _score_accepted(suggestion, accepted.get(member.id, {}))
        if suggestion.score > 0:
            suggestions.append(suggestion)
    suggestions.sort(
        key=lambda s: (-s.score, -s.free_places, french_key(s.mentor.display_name))
    )
    return suggestions[:limit]
