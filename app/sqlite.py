"""SQLite, the embedded default: settings for every connection, and one writer.

The driver opens a transaction at the first write, not at a read, so a request
that reads then writes waits for the lock instead of failing. While one thread
writes, SQLite makes the others poll with sleeps of up to 100 ms: under a burst
of messages that adds seconds. So writers of this process queue on a lock of
their own, which wakes the next one as soon as a transaction ends; SQLite's busy
timeout still arbitrates between processes.

With WAL, `synchronous=FULL` syncs the log to disk at every commit: once a
message is acked and broadcast, it survives a crash of the app, of the OS, or a
power cut. (`NORMAL` would sync at checkpoints only, and a power cut could lose
the last acked commits.)
"""

import logging
import sqlite3
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from app import collation

log = logging.getLogger(__name__)
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
LOCK_WAIT_SECONDS = 15
_writer = threading.RLock()  # re-entrant: one thread, two connections


@event.listens_for(Engine, "connect")
def _pragmas(dbapi_connection, _record) -> None:
    """WAL, a busy timeout, foreign keys and the French collation for every
    SQLite connection."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_collation(collation.SQLITE_COLLATION, collation.compare)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")  # an ack means durable
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


@event.listens_for(Engine, "before_cursor_execute")
def _queue_writers(conn: Connection, _cursor, statement: str, *_args) -> None:
    if conn.dialect.name != "sqlite" or conn.info.get("writing"):
        return
    if statement.lstrip()[:7].upper().startswith(WRITES):
        if _writer.acquire(timeout=LOCK_WAIT_SECONDS):
            conn.info["writing"] = True
        else:  # never block for good: SQLite's own lock still protects the data
            log.warning("SQLite writer lock not obtained; writing anyway")


def _released_after(end_transaction: Callable[[Any], None]) -> Callable[[Any], None]:
    """The dialect's commit or rollback, then the lock released: the "commit"
    event comes before the driver's commit, and a writer let in then would find
    SQLite still locked and poll, holding the lock while it sleeps."""

    def wrapper(dbapi_connection: Any) -> None:
        try:
            end_transaction(dbapi_connection)
        finally:
            info = getattr(dbapi_connection, "info", None)  # the pool's proxy
            if info is not None and info.pop("writing", False):
                _writer.release()

    return wrapper


@event.listens_for(Engine, "engine_connect")
def _release_at_transaction_end(conn: Connection) -> None:
    dialect = conn.dialect
    if dialect.name == "sqlite" and not getattr(dialect, "_writer_lock", False):
        # Methods replaced on this dialect instance, on purpose (hence the ignores);
        # the rollback too, as the pool resets connections with it.
        commit, rollback = dialect.do_commit, dialect.do_rollback
        dialect.do_commit = _released_after(commit)  # type: ignore[method-assign,assignment]
        dialect.do_rollback = _released_after(rollback)  # type: ignore[method-assign,assignment]
        dialect._writer_lock = True  # type: ignore[attr-defined]  # our own marker
