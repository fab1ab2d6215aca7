"""Mentoring for the demo community (`flask seed-demo`): alumni and mentors who
offer it, on topics from their skills, and EIGs' requests in every state."""

import random
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.members.demo import demo_members
from app.members.models import Member
from app.mentoring.models import MENTOR_ROLES, MentoringRequest, MentorProfile
from app.timeutil import utcnow

MENTORS = 20
# How many requests end in each state: every page of the feature has some.
PLAN = {"pending": 6, "accepted": 5, "declined": 3, "closed": 4, "expired": 3}
ASKING = (
    "Bonjour, je démarre sur {topic} dans mon défi et j'aimerais vos conseils "
    "pour éviter les pièges classiques.",
    "Nous devons choisir une architecture autour de {topic} : auriez-vous une "
    "heure pour en parler ?",
    "J'ai vu que vous aviez travaillé sur {topic}. Pourriez-vous m'aider à "
    "préparer notre démo ?",
)
ANSWERS = {
    "accepted": "Avec plaisir ! Je vous propose un premier échange en visio "
    "la semaine prochaine.",
    "declined": "Je suis très pris ce mois-ci, désolé. Essayez auprès d'une "
    "autre personne de la promotion.",
}


def seed_demo_mentoring(seed: int = 2017) -> int:
    """Mentoring offers and requests, once; returns how many requests."""
    mentors, askers = _people()
    if not mentors or not askers or _already_seeded(mentors):
        return 0
    rng = random.Random(seed)
    mentors = rng.sample(mentors, min(MENTORS, len(mentors)))
    for mentor in mentors:
        _offer(rng, mentor)
    statuses = [status for status, count in PLAN.items() for _ in range(count)]
    for index, status in enumerate(statuses):
        mentor, asker = mentors[index % len(mentors)], askers[index % len(askers)]
        db.session.add(_request(rng, asker, mentor, status))
    db.session.commit()
    return len(statuses)


def _people() -> tuple[list[Member], list[Member]]:
    people = demo_members()
    mentors = [m for m in people if m.role in MENTOR_ROLES]
    return mentors, [m for m in people if m.role == "eig"]


def _already_seeded(mentors: list[Member]) -> bool:
    ids = [m.id for m in mentors]
    offered = select(MentorProfile.member_id).where(MentorProfile.member_id.in_(ids))
    return db.session.scalar(offered.limit(1)) is not None


def _offer(rng: random.Random, mentor: Member) -> None:
    topics = rng.sample(mentor.skills, min(3, len(mentor.skills)))
    profile = MentorProfile(member_id=mentor.id, capacity=rng.randint(2, 4))
    profile.topics = topics
    mentor.open_to_mentoring = True
    db.session.add(profile)


def _request(rng, asker: Member, mentor: Member, status: str) -> MentoringRequest:
    """A request as it would be after its life so far, dated to match."""
    topics = [skill.name for skill in mentor.skills] or ["Direction de produit"]
    topic = rng.choice(topics)
    now = utcnow()
    if status == "pending":
        created = now - timedelta(days=rng.randint(1, 10), hours=rng.randint(0, 23))
    elif status == "expired":
        created = now - timedelta(days=rng.randint(16, 40))
    else:
        created = now - timedelta(days=rng.randint(12, 60))
    request = MentoringRequest(
        asker=asker,
        mentor=mentor,
        topic=topic,
        message=rng.choice(ASKING).format(topic=topic),
        status=status,
        answer=ANSWERS.get(status, ANSWERS["accepted"]),
        created_at=created,
    )
    if status in ("pending", "expired"):
        request.answer = ""
        return request
    answered = created + timedelta(days=rng.randint(1, 3))
    request.answered_at = answered
    if status == "closed":
        request.closed_at = answered + timedelta(days=rng.randint(5, 9))
    return request
