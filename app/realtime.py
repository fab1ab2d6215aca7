"""Real-time events: the only caller of socketio.emit, and who is connected.

Services publish after their commit. Open sockets are rows of `socket_sessions`,
so any process (through the message queue when there are several) can close the
sockets of a member whose session ended: a socket keeps the copy of the session
it was given at connect time, so a logout alone would not reach it.
"""

import logging
from datetime import datetime

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface
from sqlalchemy import ForeignKey, String, delete, event, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.dbtypes import UTCDateTime
from app.extensions import Model, db, socketio
from app.timeutil import utcnow

log = logging.getLogger(__name__)


ASYNC_MODES = ("threading", "gevent")


class SocketSession(Model):
    """An open Socket.IO connection: who is online, and whose sockets to close."""

    __tablename__ = "socket_sessions"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    connected_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def async_mode(name: str) -> str:
    """The Socket.IO async mode, checked: gevent only where gevent runs the
    process (its greenlets need the patched standard library)."""
    if name not in ASYNC_MODES:
        raise RuntimeError(f"EIG_ASYNC_MODE must be one of {', '.join(ASYNC_MODES)}")
    if name == "gevent" and not gevent_patched():
        raise RuntimeError(
            "EIG_ASYNC_MODE=gevent needs gevent's monkey patching: start the app "
            "with `python wsgi.py` or `gunicorn -k gevent`"
        )
    return name


def gevent_patched() -> bool:
    """True when gevent has patched this process's sockets."""
    try:
        from gevent import monkey
    except ImportError:
        return False
    return monkey.is_module_patched("socket")


def publish(
    room: str | list[str],
    event_name: str,
    payload: dict,
    skip_sid: str | None = None,
):
    """Send an event to every socket in a room, or in any of several rooms
    (once per socket), on every process."""
    socketio.emit(event_name, payload, to=room, skip_sid=skip_sid)


def member_room(member_id: int) -> str:
    return f"member:{member_id}"


def channel_room(channel_id: int) -> str:
    return f"channel:{channel_id}"


def track_socket(sid: str, member_id: int) -> bool:
    """Remember an open socket; True when it is the member's first one."""
    others = db.session.scalar(
        select(func.count()).where(SocketSession.member_id == member_id)
    )
    db.session.merge(SocketSession(sid=sid, member_id=member_id))
    db.session.commit()
    return not others


def forget_socket(sid: str) -> int | None:
    """Forget a closed socket; returns its member's id when they are now offline.

    A socket closes inside another session's after_commit when a logout closes
    it, so this uses a session of its own.
    """
    with Session(db.engine, expire_on_commit=False) as session:
        row = session.get(SocketSession, sid)
        if row is None:
            return None
        member_id = row.member_id
        session.delete(row)
        session.commit()
        left = session.scalar(
            select(func.count()).where(SocketSession.member_id == member_id)
        )
        return None if left else member_id


def online_member_ids() -> set[int]:
    """Members with at least one open socket."""
    return set(db.session.scalars(select(SocketSession.member_id).distinct()))


def disconnect_member(member_id: int) -> None:
    """Close every socket of a member, wherever it is connected (after a commit:
    its own session, since the committed one may not run SQL any more)."""
    with Session(db.engine) as session:
        sids = list(
            session.scalars(
                select(SocketSession.sid).where(SocketSession.member_id == member_id)
            )
        )
        session.execute(delete(SocketSession).where(SocketSession.sid.in_(sids)))
        session.commit()
    disconnect_sockets(sids)


def member_sids(member_id: int) -> list[str]:
    """The open sockets of a member, on every process (its own session, as
    callers run after a commit)."""
    with Session(db.engine) as session:
        return list(
            session.scalars(
                select(SocketSession.sid).where(SocketSession.member_id == member_id)
            )
        )


def leave_room_everywhere(member_id: int, room: str) -> None:
    """Take every socket of a member out of a room, on whichever process holds
    it: with a message queue the server forwards the request to the others."""
    for sid in member_sids(member_id):
        socketio.server.leave_room(sid, room, namespace="/")


def disconnect_sockets(sids: list[str]) -> None:
    """Close these sockets, on whichever process holds them."""
    for sid in sids:
        socketio.server.disconnect(sid, namespace="/")


def forget_stale_sockets() -> None:
    """At the start of a lone process, no socket of a previous run is open."""
    try:
        with Session(db.engine) as session:
            session.execute(delete(SocketSession))
            session.commit()
    except SQLAlchemyError:
        log.info("Socket sessions not cleared (database not migrated yet?)")


# A member whose session ended (app/members/sessions.py) loses their sockets.


def close_sockets_after_commit(session: Session, member_id: int) -> None:
    """Close the member's sockets once this session commits, not if it rolls back."""
    session.info.setdefault("sockets_to_close", set()).add(member_id)


def _close_after_commit(session) -> None:
    for member_id in session.info.pop("sockets_to_close", ()):
        try:
            disconnect_member(member_id)
        except Exception:  # a dead socket must not undo a logout
            log.exception("Could not close the sockets of member %s", member_id)


def _forget_on_rollback(session, _previous_transaction) -> None:
    session.info.pop("sockets_to_close", None)


class SocketSessionInterface(SecureCookieSessionInterface):
    """Cookie sessions, except that a socket's events reuse the copy that
    Flask-SocketIO keeps for that socket (it replaces the session of each event
    with it anyway) instead of verifying and decoding the cookie every time; and
    static files answered without the session's cookie."""

    def open_session(self, app, request):
        saved = request.environ.get("saved_session")  # set at the first event
        return saved if saved is not None else super().open_session(app, request)

    def save_session(self, app, session, response):
        """Nothing for a static file: a Set-Cookie or a `Vary: Cookie` would make
        browsers fetch the stylesheets again whenever the session changes."""
        if request.endpoint != "static":
            super().save_session(app, session, response)


def without_compression(wsgi_app):
    """WSGI middleware: websockets without permessage-deflate.

    Browsers offer it and simple-websocket accepts it: each socket then keeps a
    zlib compressor and decompressor (about 100 kB a socket once used: 39.5 MB
    for 200 server and client pairs with wsproto, against 2.1 MB without), and
    each event is compressed once per recipient (7 µs a frame against 4 µs), for
    messages of a few hundred bytes. Hiding the offer from the server turns it
    off; Node.js's `ws` leaves it off by default for the same reasons.
    """

    def app(environ, start_response):
        environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
        return wsgi_app(environ, start_response)

    return app


def use_socket_sessions(app: Flask) -> None:
    if type(app.session_interface) is SecureCookieSessionInterface:
        app.session_interface = SocketSessionInterface()


def install() -> None:
    """Listen to the app's session (once per process)."""
    if not event.contains(db.session, "after_commit", _close_after_commit):
        event.listen(db.session, "after_commit", _close_after_commit)
        event.listen(db.session, "after_soft_rollback", _forget_on_rollback)
