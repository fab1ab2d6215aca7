"""The questions API: list, ask, read, accept an answer, pass."""

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.api import bp
from app.api.paging import known_fields, page_json, paging, query_args
from app.channels import services as channels
from app.defis.models import Defi
from app.errors import Invalid, NotFound
from app.extensions import db
from app.questions import services
from app.questions.listing import list_questions, question_filters, question_payload

FIELDS = ("title", "body", "tags", "defi", "channel")


def _json_body(allowed: tuple[str, ...]) -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid(_("Corps JSON attendu."))
    return known_fields(data, allowed)


def _defi(slug: object) -> Defi | None:
    if slug in (None, ""):
        return None
    defi = (
        db.session.scalar(select(Defi).where(Defi.slug == slug[:80]))
        if isinstance(slug, str)
        else None
    )
    if defi is None:
        raise NotFound(_("Ce défi n’existe pas."))
    return defi


def _channel(slug: object, defi: Defi | None):
    if isinstance(slug, str) and slug:
        return channels.readable_channel(current_user, slug)
    if slug not in (None, ""):
        raise Invalid(_("Le canal est le nom court (slug) d’un canal."))
    if defi is not None:
        return channels.defi_channel(defi) or channels.ensure_defi_channel(defi)
    raise Invalid(_("Choisissez le canal ou le défi de la question."))


@bp.get("/questions")
def questions_list():
    """Questions of the channels one may read, newest first, filtered."""
    args = query_args({"status", "tag", "defi", "routed"})
    filters = question_filters(
        args.get("status", ""),
        args.get("tag", ""),
        args.get("defi", ""),
        args.get("routed", ""),
    )
    page, per_page = paging(20)
    found = list_questions(current_user, filters, page, per_page)
    return page_json(found, lambda q: question_payload(current_user, q))


@bp.post("/questions")
def questions_ask():
    """Ask: {"title", "body", "tags", "defi", "channel"}; routed at once."""
    data = _json_body(FIELDS)
    defi = _defi(data.get("defi"))
    channel = _channel(data.get("channel"), defi)
    question = services.ask(
        current_user,
        channel,
        data.get("title"),
        data.get("body"),
        data.get("tags"),
        defi,
    )
    return jsonify(question_payload(current_user, question)), 201


@bp.get("/questions/<int:question_id>")
def questions_one(question_id: int):
    query_args(set())
    question = services.get_question(current_user, question_id)
    return question_payload(current_user, question)


@bp.post("/questions/<int:question_id>/accept")
def questions_accept(question_id: int):
    """The asker (or staff) accepts an answer: {"message_id"}; null undoes it."""
    data = _json_body(("message_id",))
    if "message_id" not in data:
        raise Invalid(
            _("Indiquez message_id, la réponse acceptée (null pour annuler).")
        )
    question = services.get_question(current_user, question_id)
    if data["message_id"] is None:
        services.undo_accept(current_user, question)
    else:
        services.accept(current_user, question, data["message_id"])
    return question_payload(current_user, question)


@bp.post("/questions/<int:question_id>/pass")
def questions_pass(question_id: int):
    """A member the question was routed to passes on it."""
    question = services.get_question(current_user, question_id)
    services.pass_question(current_user, question)
    return question_payload(current_user, question)
