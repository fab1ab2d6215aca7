"""Mentoring: mentors' offers, requests and their life, figures for the staff.

A pending request expires 14 days after it was made. No scheduler is needed:
every function that reads or changes requests first applies the expiry, and
`flask send-digest` sweeps too.
"""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app import timeutil
from app.errors import Invalid, NotAllowed, NotFound
from app.extensions import db
from app.members import services as members
from app.members.models import Member
from app.mentoring import suggestions
from app.mentoring.models import (
    MENTOR_ROLES,
    PENDING_FOR,
    MentoringRequest,
    MentorProfile,
)
from app.notifications import services as notifications
from app.text import clean_spaces, split_tags

ASKER_ROLES = ("eig",)
MAX_CAPACITY = 10
MAX_TOPICS = 15
MAX_MESSAGE = 1000
OPEN_STATUSES = ("pending", "accepted")


def can_mentor(member: Member) -> bool:
    return member.active and member.role in MENTOR_ROLES


def can_ask(member: Member) -> bool:
    return member.active and member.role in ASKER_ROLES


def mentor_profile(member: Member) -> MentorProfile | None:
    return db.session.get(MentorProfile, member.id)


def save_mentor_profile(
    member: Member, *, available: bool, topics: str, capacity: object
) -> MentorProfile:
    """An alumni or mentor says whether, on what, and for how many they mentor."""
    if not can_mentor(member):
        raise NotAllowed(_("Seuls les alumni et les mentors proposent du mentorat."))
    if not isinstance(capacity, int) or not 1 <= capacity <= MAX_CAPACITY:
        raise Invalid(
            _(
                "La capacité va de 1 à %(most)s personnes suivies.",
                most=MAX_CAPACITY,
            ),
            field="capacity",
        )
    names = split_tags(topics, max_tags=MAX_TOPICS + 1)
    if len(names) > MAX_TOPICS:
        raise Invalid(
            _("Indiquez %(most)s sujets au plus.", most=MAX_TOPICS),
            field="topics",
        )
    profile = mentor_profile(member) or MentorProfile(member_id=member.id)
    profile.capacity = capacity
    profile.topics = members.get_or_create_skills(names)
    member.open_to_mentoring = bool(available)
    db.session.add(profile)
    db.session.commit()
    return profile


# Expiry -----------------------------------------------------------------------------


def expire_pending() -> int:
    """Pending requests older than 14 days become expired; their askers are told."""
    cutoff = timeutil.utcnow() - PENDING_FOR
    stale = list(
        db.session.scalars(
            select(MentoringRequest)
            .where(
                MentoringRequest.status == "pending",
                MentoringRequest.created_at < cutoff,
            )
            .options(selectinload(MentoringRequest.asker))
        )
    )
    for request in stale:
        request.status, request.closed_at = "expired", timeutil.utcnow()
    if not stale:
        return 0
    db.session.commit()
    for request in stale:
        notifications.notify(
            "mentoring_answer",
            request.asker,
            actor=None,
            url=_request_path(request),
            params={"topic": request.topic, "answer": "expired"},
        )
    return len(stale)


# Asking -----------------------------------------------------------------------------


def _clean_topic(topic: object) -> str:
    topic = clean_spaces(str(topic or ""))
    if not 2 <= len(topic) <= 80:
        raise Invalid(_("Le sujet fait de 2 à 80 caractères."), field="topic")
    return topic


def _clean_message(message: object) -> str:
    message = str(message or "").strip()
    if len(message) > MAX_MESSAGE:
        raise Invalid(
            _(
                "Le message fait %(most)s caractères au plus.",
                most=MAX_MESSAGE,
            ),
            field="message",
        )
    return message


def _check_mentor_has_room(mentor: Member) -> None:
    if not can_mentor(mentor) or not mentor.open_to_mentoring:
        raise Invalid(_("Ce membre ne propose pas de mentorat en ce moment."))
    capacity = suggestions.capacity_of(mentor_profile(mentor))
    if suggestions.active_mentees([mentor.id]).get(mentor.id, 0) >= capacity:
        raise Invalid(_("Ce mentor suit déjà autant de personnes qu’il le peut."))


def _open_between(asker: Member, mentor: Member) -> MentoringRequest | None:
    return db.session.scalar(
        select(MentoringRequest).where(
            MentoringRequest.asker_id == asker.id,
            MentoringRequest.mentor_id == mentor.id,
            MentoringRequest.status.in_(OPEN_STATUSES),
        )
    )


def ask_for_mentoring(
    asker: Member, mentor: Member, *, topic: object, message: object = ""
) -> MentoringRequest:
    """An EIG asks a mentor for help on a topic; the mentor is notified."""
    expire_pending()
    if not can_ask(asker):
        raise NotAllowed(_("Seuls les EIG en cours de défi demandent du mentorat."))
    if mentor.id == asker.id:
        raise Invalid(_("Vous ne pouvez pas vous demander du mentorat à vous-même."))
    topic, message = _clean_topic(topic), _clean_message(message)
    _check_mentor_has_room(mentor)
    if _open_between(asker, mentor) is not None:
        raise Invalid(_("Vous avez déjà une demande en cours auprès de ce mentor."))
    request = MentoringRequest(
        asker=asker,
        mentor=mentor,
        topic=topic,
        message=message,
        created_at=timeutil.utcnow(),
    )
    db.session.add(request)
    db.session.commit()
    notifications.notify(
        "mentoring_request",
        mentor,
        actor=asker,
        url=_request_path(request),
        params={"actor": asker.display_name, "topic": topic},
    )
    return request


def _request_path(request: MentoringRequest) -> str:
    return f"/mentoring/requests/{request.id}"


# Answering and closing --------------------------------------------------------------


def visible_request(member: Member, request_id: object) -> MentoringRequest:
    """A request, for its asker or its mentor; to anyone else it does not exist."""
    expire_pending()
    request = None
    if isinstance(request_id, int) and not isinstance(request_id, bool):
        request = db.session.get(MentoringRequest, request_id)
    if request is None or member.id not in (request.asker_id, request.mentor_id):
        raise NotFound(_("Cette demande de mentorat n’existe pas."))
    return request


def answer_request(
    mentor: Member, request_id: object, *, accept: bool, message: object = ""
) -> MentoringRequest:
    """The mentor accepts or declines a pending request; the asker is notified."""
    request = visible_request(mentor, request_id)
    if request.mentor_id != mentor.id:
        raise NotAllowed(_("Seul le mentor sollicité répond à cette demande."))
    if request.status != "pending":
        raise Invalid(str(_STATE_ERRORS.get(request.status, _STATE_ERRORS["closed"])))
    message = _clean_message(message)
    if accept:
        _check_mentor_has_room(mentor)
    request.status = "accepted" if accept else "declined"
    request.answer, request.answered_at = message, timeutil.utcnow()
    db.session.commit()
    notifications.notify(
        "mentoring_answer",
        request.asker,
        actor=mentor,
        url=_request_path(request),
        params={
            "actor": mentor.display_name,
            "topic": request.topic,
            "answer": request.status,
        },
    )
    return request


_STATE_ERRORS = {
    "accepted": _l("Cette demande a déjà été acceptée."),
    "declined": _l("Cette demande a déjà été déclinée."),
    "expired": _l("Cette demande a expiré : elle n’attend plus de réponse."),
    "closed": _l("Cette demande est close."),
}


def close_request(member: Member, request_id: object) -> MentoringRequest:
    """Either side ends an accepted mentoring; the mentor has room again."""
    request = visible_request(member, request_id)
    if request.status != "accepted":
        raise Invalid(_("Seul un mentorat en cours peut être terminé."))
    request.status, request.closed_at = "closed", timeutil.utcnow()
    db.session.commit()
    return request


# Reading ----------------------------------------------------------------------------


def requests_of(
    member: Member,
) -> tuple[list[MentoringRequest], list[MentoringRequest]]:
    """(the requests the member made, the requests made to them), newest first."""
    expire_pending()
    rows = db.session.scalars(
        select(MentoringRequest)
        .where(
            or_(
                MentoringRequest.asker_id == member.id,
                MentoringRequest.mentor_id == member.id,
            )
        )
        .options(
            selectinload(MentoringRequest.asker), selectinload(MentoringRequest.mentor)
        )
        .order_by(MentoringRequest.id.desc())
    )
    asked: list[MentoringRequest] = []
    received: list[MentoringRequest] = []
    for request in rows:
        (asked if request.asker_id == member.id else received).append(request)
    return asked, received


def figures(staff: Member) -> dict:
    """Aggregate figures for the programme team: no names, no messages."""
    if not staff.is_staff:
        raise NotAllowed(_("Réservé à l’équipe du programme."))
    expire_pending()
    rows = db.session.execute(
        select(
            MentoringRequest.status,
            MentoringRequest.created_at,
            MentoringRequest.answered_at,
        )
    ).all()
    by_status = {status: 0 for status in _STATUS_ORDER}
    hours: list[float] = []
    for status, created_at, answered_at in rows:
        by_status[status] = by_status.get(status, 0) + 1
        if answered_at is not None:
            hours.append((answered_at - created_at).total_seconds() / 3600)
    accepted = (
        len(rows) - by_status["pending"] - by_status["declined"] - by_status["expired"]
    )
    answered = accepted + by_status["declined"]
    return {
        "requests": len(rows),
        "by_status": by_status,
        "acceptance_rate": round(accepted / answered, 3) if answered else None,
        "answer_hours_median": _median(hours),
        "answer_hours_mean": round(sum(hours) / len(hours), 1) if hours else None,
    }


_STATUS_ORDER = ("pending", "accepted", "declined", "closed", "expired")


def _median(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return round(ordered[middle], 1)
    return round((ordered[middle - 1] + ordered[middle]) / 2, 1)
