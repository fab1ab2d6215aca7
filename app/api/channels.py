"""GET /api/v1/channels and GET|POST /api/v1/channels/<slug>/messages."""

from flask import jsonify, request
from flask_login import current_user

from app.api import bp
from app.api.paging import known_fields, query_args
from app.channels import payloads, services
from app.errors import Invalid
from app.inputs import whole_number


@bp.get("/channels")
def channels_list():
    """The member's channels with unread counts, then the open ones."""
    query_args(set())
    mine = services.member_channels(current_user)
    others = services.public_channels(current_user)
    return {
        "channels": [payloads.channel_payload(c, unread) for c, unread in mine],
        "open": [payloads.channel_payload(c) for c in others],
    }


def _int_arg(args: dict, name: str) -> int | None:
    raw = args.get(name)
    if raw is None:
        return None
    number = whole_number(raw)
    if number is None:
        raise Invalid(f"Le paramètre {name} doit être un entier positif.")
    return number


@bp.get("/channels/<slug>/messages")
def channel_messages(slug: str):
    """Messages in id order: after=<id> to catch up, before=<id> for history."""
    args = query_args({"after", "before", "limit", "thread"})
    channel = services.readable_channel(current_user, slug)
    limit = _int_arg(args, "limit")
    messages = services.list_messages(
        current_user,
        channel,
        after=_int_arg(args, "after"),
        before=_int_arg(args, "before"),
        limit=services.HISTORY_LIMIT if limit is None else limit,
        thread=_int_arg(args, "thread"),
    )
    return {
        "channel": payloads.channel_payload(channel),
        "messages": [payloads.message_payload(m) for m in messages],
    }


@bp.post("/channels/<slug>/messages")
def channel_post(slug: str):
    """Post a message: {"body", "client_id", "parent_id"}; a retry is stored once."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid('Corps JSON attendu : {"body": "…"}.')
    known_fields(data, ("body", "client_id", "parent_id"))
    channel = services.readable_channel(current_user, slug)
    message = services.post_message(
        current_user,
        channel,
        data.get("body"),
        data.get("client_id"),
        data.get("parent_id"),
    )
    return jsonify(payloads.message_payload(message)), 201
