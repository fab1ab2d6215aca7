"""The mentoring API: suggestions, one's requests, asking and answering."""

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from app.api import bp
from app.api.paging import known_fields, query_args
from app.errors import Invalid, NotFound
from app.members.services import get_member
from app.mentoring import services, suggestions
from app.mentoring.models import MentoringRequest
from app.timeutil import isoformat


def request_payload(mentoring: MentoringRequest) -> dict:
    """A request as both of its sides see it."""
    return {
        "id": mentoring.id,
        "asker": mentoring.asker.username,
        "mentor": mentoring.mentor.username,
        "topic": mentoring.topic,
        "message": mentoring.message,
        "status": mentoring.status,
        "answer": mentoring.answer,
        "created_at": isoformat(mentoring.created_at),
        "expires_at": mentoring.expires_at.isoformat(),
    }


def _json_body(allowed: tuple[str, ...]) -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid(_("Corps JSON attendu."))
    return known_fields(data, allowed)


@bp.get("/mentoring/suggestions")
def mentoring_suggestions():
    """Mentors suggested for ?topic=, best first, each with its reasons."""
    topic = query_args({"topic"}).get("topic", "").strip()
    if not 2 <= len(topic) <= 80:
        raise Invalid(_("Le sujet fait de 2 à 80 caractères."))
    found = suggestions.suggest_mentors(current_user, topic)
    return {
        "topic": topic,
        "suggestions": [
            {
                "mentor": s.mentor.username,
                "display_name": s.mentor.display_name,
                "score": s.score,
                "reasons": s.reasons,
                "free_places": s.free_places,
            }
            for s in found
        ],
    }


@bp.get("/mentoring/requests")
def mentoring_requests():
    """The requests one made and the ones made to one, newest first."""
    query_args(set())
    asked, received = services.requests_of(current_user)
    return {
        "asked": [request_payload(r) for r in asked],
        "received": [request_payload(r) for r in received],
    }


@bp.post("/mentoring/requests")
def mentoring_ask():
    """Ask a mentor: {"mentor": username, "topic", "message"}."""
    data = _json_body(("mentor", "topic", "message"))
    mentor = get_member(str(data.get("mentor") or "")[:40])
    if mentor is None or not mentor.active:
        raise NotFound(_("Ce mentor n’existe pas."))
    created = services.ask_for_mentoring(
        current_user, mentor, topic=data.get("topic"), message=data.get("message")
    )
    return jsonify(request_payload(created)), 201


@bp.post("/mentoring/requests/<int:request_id>/answer")
def mentoring_answer(request_id: int):
    """The mentor answers: {"decision": "accept" | "decline", "message"}."""
    data = _json_body(("decision", "message"))
    decision = data.get("decision")
    if decision not in ("accept", "decline"):
        raise Invalid(_('La décision vaut "accept" ou "decline".'))
    answered = services.answer_request(
        current_user,
        request_id,
        accept=decision == "accept",
        message=data.get("message"),
    )
    return request_payload(answered)
