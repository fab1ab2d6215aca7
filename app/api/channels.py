"""The channels API: list, create, open a direct conversation, join, leave,
and GET|POST /api/v1/channels/<slug>/messages."""

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from app.api import bp
from app.api.paging import known_fields, query_args
from app.channels import payloads, services
from app.channels.models import Channel
from app.errors import Invalid, NotFound
from app.inputs import message_number
from app.members.services import active_members

MAX_DIRECT_OTHERS = 8  # a direct conversation reunites at most 9 members


@bp.get("/channels")
def channels_list():
    """The member's channels with unread counts, then the open ones."""
    query_args(set())
    mine = services.member_channels(current_user)
    others = services.public_channels(current_user)
    names = services.direct_names(current_user)
    return {
        "channels": [_channel_json(c, unread, names) for c, unread in mine],
        "open": [payloads.channel_payload(c) for c in others],
    }


def _channel_json(channel: Channel, unread=None, names=None) -> dict:
    """A channel as the member sees it: a direct one named after the others."""
    if names is None:
        names = services.direct_names(current_user)
    payload = payloads.channel_payload(channel, unread)
    payload["name"] = names.get(channel.id, channel.name)
    return payload


def _json_object(allowed: tuple[str, ...], example: str) -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid(_("Corps JSON attendu : %(example)s.", example=example))
    return known_fields(data, allowed)


def _text(data: dict, name: str, required: bool = False) -> str:
    value = data.get(name)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise Invalid(_("Le champ %(name)s doit être un texte.", name=name))
    return value


@bp.post("/channels")
def channel_create():
    """Create a topic channel, or a private one with "private": true."""
    data = _json_object(("name", "description", "private"), '{"name": "…"}')
    private = data.get("private", False)
    if not isinstance(private, bool):
        raise Invalid(_("Le champ private vaut true ou false."))
    channel = services.create_channel(
        current_user,
        name=_text(data, "name", required=True),
        description=_text(data, "description"),
        private=private,
    )
    return jsonify(_channel_json(channel)), 201


def _usernames(data: dict) -> list[str]:
    usernames = data.get("usernames")
    if (
        not isinstance(usernames, list)
        or not 1 <= len(usernames) <= MAX_DIRECT_OTHERS
        or not all(
            isinstance(name, str) and 0 < len(name.strip()) <= 40 for name in usernames
        )
    ):
        raise Invalid(
            _(
                "usernames est une liste de 1 à 8 identifiants de membres, "
                'par exemple ["prenom.nom"].'
            )
        )
    return [name.strip().lstrip("@").lower() for name in usernames]


@bp.post("/channels/direct")
def channel_direct():
    """Open the direct conversation with {"usernames": [...]}: 201 if new."""
    usernames = _usernames(_json_object(("usernames",), '{"usernames": ["…"]}'))
    others = active_members(usernames)
    missing = sorted(set(usernames) - {m.username for m in others})
    if missing:
        names = ", ".join(missing[:5])
        raise NotFound(
            _("Aucun membre actif ne porte cet identifiant : %(names)s.", names=names)
        )
    channel, created = services.open_direct(current_user, others)
    return jsonify(_channel_json(channel)), 201 if created else 200


@bp.post("/channels/<slug>/join")
def channel_join(slug: str):
    """Join an open channel (a private one only by invitation)."""
    channel = services.readable_channel(current_user, slug)
    services.join_channel(current_user, channel)
    return _channel_json(channel)


@bp.post("/channels/<slug>/leave")
def channel_leave(slug: str):
    """Leave a channel; nothing said there is lost."""
    channel = services.readable_channel(current_user, slug)
    payload = _channel_json(channel)
    services.leave_channel(current_user, channel)
    return payload


def _int_arg(args: dict, name: str) -> int | None:
    raw = args.get(name)
    if raw is None:
        return None
    number = message_number(raw)
    if number is None:
        raise Invalid(_("Le paramètre %(name)s doit être un nombre entier.", name=name))
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
        raise Invalid(_('Corps JSON attendu : {"body": "…"}.'))
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
