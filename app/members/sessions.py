"""A changed session token (logout, password change, deactivation) ends the
member's sessions: their cookies stop working, and their open sockets close."""

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app import realtime
from app.extensions import db
from app.members.models import Member


def _note_ended_sessions(session: Session, _flush_context: object) -> None:
    for obj in session.dirty:
        if isinstance(obj, Member) and inspect(obj).attrs.session_token.history.deleted:
            realtime.close_sockets_after_commit(session, obj.id)


def install() -> None:
    """Listen to the app's session (once per process)."""
    if not event.contains(db.session, "after_flush", _note_ended_sessions):
        event.listen(db.session, "after_flush", _note_ended_sessions)
