"""Socket.IO handlers: check who sends what, call one service, ack the result."""

import functools
import logging
import threading

from flask import current_app, g, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room, leave_room
from sqlalchemy import inspect
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from app import inputs, realtime
from app.channels import fanout, payloads, services
from app.channels.models import Channel
from app.errors import DomainError
from app.extensions import db, socketio
from app.members.models import Member
from app.ops import overload

log = logging.getLogger(__name__)
_typing = fanout.PerSocket()  # when each socket last said it was typing


def _reload_member() -> None:
    """Load the member again from the session for this event (Flask-Login caches
    it in `g`, which outlives one event where an app context is already pushed)."""
    g.pop("_login_user", None)


def _socket_id() -> str:
    """The id of the socket this event came from."""
    # Flask-SocketIO sets request.sid at run time; Flask's Request does not declare it.
    return request.sid  # type: ignore[attr-defined]


def _channel(data: dict) -> Channel:
    """The channel an event names, if the member may read it."""
    slug = data.get("channel")
    return services.readable_channel(
        current_user, slug if isinstance(slug, str) else ""
    )


def _error(message: str) -> dict:
    return {"ok": False, "error": message}


def _stored_id(message) -> int:
    """A committed message's id, without reloading it (the commit expired it)."""
    return inspect(message).identity[0]


def handler(event: str):
    """Register an event that needs a logged-in member and a dict payload."""

    def decorate(function):
        @functools.wraps(function)
        def wrapper(data=None, *_extra):
            # Every failure is acked: a client waiting for an ack that never
            # comes shows its message as sending forever (at N = 400, a pool
            # timeout while loading the member left 35 messages unacked).
            try:
                return _checked(event, function, data)
            except DomainError as error:
                db.session.rollback()
                return _error(error.message)
            except PoolTimeout:
                db.session.rollback()
                log.warning("Socket event %s: no database connection free", event)
                return _error(overload.MESSAGE)
            except Exception:
                db.session.rollback()
                log.exception("Socket event %s failed", event)
                return _error(_("Erreur interne : réessayez."))

        return socketio.on(event)(wrapper)

    return decorate


def _checked(event: str, function, data):
    # The member is loaded again for each event: a session that ended
    # (logout, deactivation) leaves this socket unable to act.
    _reload_member()
    if not current_user.is_authenticated:
        return _error(_("Connectez-vous pour discuter."))
    if not isinstance(data, dict):
        return _error(_("Requête invalide : un objet JSON est attendu."))
    inputs.check_value(data, event)  # no NUL, surrogate, huge id
    return function(data)


@socketio.on("connect")
def on_connect(auth=None):
    """A browser opens its socket: only logged-in members may.

    The socket hears its member's room (notifications, mentions) and, for the
    unread badges, every channel of the member, unless it says it only watches
    notifications (`{"watch": "notifications"}`: a page without channels, which
    would otherwise receive every message of all of them)."""
    _reload_member()
    if not current_user.is_authenticated:
        raise ConnectionRefusedError(_("Connectez-vous pour discuter."))
    join_room(realtime.member_room(current_user.id))
    # Tracked before its channels are read: a leave committed meanwhile either
    # is seen by that read or finds this socket to take out of the room.
    first = realtime.track_socket(_socket_id(), current_user.id)
    watch = auth.get("watch") if isinstance(auth, dict) else None
    if watch != "notifications":
        for channel_id in services.member_channel_ids(current_user):
            join_room(realtime.channel_room(channel_id))
    if first:
        _announce_presence(current_user, True)


@socketio.on("disconnect")
def on_disconnect(*_reason):
    """The socket closed (tab closed, network lost, or session ended)."""
    _typing.forget(_socket_id())
    member_id = realtime.forget_socket(_socket_id())
    if member_id is not None:
        member = _offline_member(member_id)
        if member is not None:
            _announce_offline(member)


def _offline_member(member_id: int) -> Member | None:
    """The member, read in a session of its own: a socket closes inside another
    session's after_commit when a logout closes it."""
    with Session(db.engine, expire_on_commit=False) as session:
        return session.get(Member, member_id)


_closing = threading.local()  # per thread, or per greenlet under gevent


def _announce_offline(member) -> None:
    """Announce after the disconnects this one runs inside, not within them.

    Sending to a socket that missed its pings closes it, and closing runs
    on_disconnect, whose announcement sends to the next dead socket: when many
    die at once (overload), that nests once per socket until RecursionError
    (seen at N = 400; the members left shown online). The outermost call
    announces in a loop what the nested ones queue."""
    queued = getattr(_closing, "queue", None)
    if queued is not None:
        queued.append(member)
        return
    _closing.queue = queue = [member]
    try:
        while queue:
            try:
                _announce_presence(queue.pop(0), False)
            except Exception:  # one failure must not silence the others
                log.exception("Presence announcement failed")
    finally:
        _closing.queue = None


def _announce_presence(member, online: bool) -> None:
    """Tell the sockets that share a channel with the member, not every socket."""
    rooms = [realtime.channel_room(c) for c in services.member_channel_ids(member)]
    if rooms:
        payload = {"member": payloads.member_payload(member), "online": online}
        realtime.publish(rooms, "presence", payload)


@handler("join_channel")
def on_join_channel(data: dict) -> dict:
    """Sent when a channel page opens or the socket reconnects; `after` catches up."""
    channel = _channel(data)
    after = data.get("after")
    missed = []
    if isinstance(after, int) and not isinstance(after, bool):
        missed = services.list_messages(
            current_user, channel, after=after, limit=services.MAX_LIMIT
        )
    join_room(realtime.channel_room(channel.id))
    online = realtime.online_member_ids()
    members = services.channel_members(channel)
    return {
        "ok": True,
        "channel": payloads.channel_payload(channel),
        "messages": [payloads.message_payload(m) for m in missed],
        "online": [m.username for m in members if m.id in online],
    }


@handler("leave_channel")
def on_leave_channel(data: dict) -> dict:
    """Sent when the member stops watching a channel (not leaving it for good)."""
    channel = _channel(data)
    leave_room(realtime.channel_room(channel.id))
    return {"ok": True}


@handler("send_message")
def on_send_message(data: dict) -> dict:
    """Sent by a member posting; acks with the stored message id."""
    channel = _channel(data)
    message = services.post_message(
        current_user,
        channel,
        data.get("body"),
        data.get("client_id"),
        data.get("parent_id"),
    )
    return {"ok": True, "id": _stored_id(message)}


@handler("edit_message")
def on_edit_message(data: dict) -> dict:
    """Sent by an author rewriting their message (at CHAT_FLOOD_LIMIT's pace)."""
    fanout.check_pace(current_user, "edit_message")
    message = services.edit_message(current_user, data.get("id"), data.get("body"))
    return {"ok": True, "id": _stored_id(message)}


@handler("delete_message")
def on_delete_message(data: dict) -> dict:
    """Sent by an author, or staff moderating, to remove a message."""
    message = services.delete_message(current_user, data.get("id"))
    return {"ok": True, "id": _stored_id(message)}


@handler("react")
def on_react(data: dict) -> dict:
    """Sent when a member clicks an emoji under a message (again: takes it back)."""
    message = services.toggle_reaction(current_user, data.get("id"), data.get("emoji"))
    return {"ok": True, "id": _stored_id(message)}


@handler("preview")
def on_preview(data: dict) -> dict:
    """Sent when the member asks to see their message before sending it."""
    fanout.check_pace(current_user, "preview")
    return {"ok": True, "html": services.preview(data.get("body"))}


@handler("typing")
def on_typing(data: dict) -> dict:
    """Sent while the member types; one broadcast per socket and channel every
    CHAT_TYPING_INTERVAL seconds, the others dropped without a word."""
    channel = _channel(data)
    interval = current_app.config["CHAT_TYPING_INTERVAL"]
    if _typing.allow(_socket_id(), channel.id, interval):
        services.announce_typing(current_user, channel, skip_sid=_socket_id())
    return {"ok": True}


@handler("mark_read")
def on_mark_read(data: dict) -> dict:
    """Sent when the member has seen messages up to an id."""
    channel = _channel(data)
    unread = services.mark_read(current_user, channel, data.get("message_id"))
    return {"ok": True, "unread": unread}
