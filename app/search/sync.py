"""Keep the index in step with the database, from every writer.

A flush writes outbox rows in the same transaction as the change (so a rollback
leaves nothing behind); after the commit the rows are turned into index updates.
A process that stops in between leaves its rows, replayed by the next commit or
at start-up.
"""

import logging
from collections.abc import Callable, Sequence
from itertools import chain
from typing import Any, TypeVar, cast

from flask import current_app
from sqlalchemy import Table, delete, event, insert, inspect, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.base import ExecutableOption

from app.channels.models import Message
from app.defis.models import Defi, DefiMembership
from app.extensions import db
from app.members.models import Member
from app.questions.models import Question
from app.resources.models import Resource
from app.search.documents import (
    defi_document,
    member_document,
    message_document,
    resource_document,
)
from app.search.models import SearchOutbox
from app.timeutil import utcnow
from search_index import Document, SearchError, SearchIndex
from search_index.whoosh_backend import WhooshIndex

log = logging.getLogger(__name__)
BATCH = 500


def changed_keys(session) -> set[tuple[str, int]]:
    """The (kind, id) of every indexed object this flush touched."""
    keys: set[tuple[str, int]] = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Member):
            keys.add(("member", obj.id))
        elif isinstance(obj, Defi):
            keys.add(("defi", obj.id))
        elif isinstance(obj, Message):
            keys.add(("message", obj.id))
        elif isinstance(obj, Resource):
            keys.add(("resource", obj.id))
        elif isinstance(obj, DefiMembership):
            keys |= {("member", obj.member_id), ("defi", obj.defi_id)}
        elif isinstance(obj, Question):
            keys |= {("message", i) for i in _question_messages(obj)}
    return {(kind, id_) for kind, id_ in keys if id_ is not None}


def _question_messages(question: Question) -> set[int]:
    """A question's first message, and its accepted answer before and after
    (a question deleted takes its answer's rank along)."""
    history = inspect(question).attrs.accepted_message_id.history
    ids = {question.message_id, question.accepted_message_id}
    return {i for i in ids | {*history.added, *history.deleted} if i is not None}


def _record(session, _flush_context) -> None:
    keys = changed_keys(session)
    if not keys:
        return
    rows = [{"kind": k, "object_id": i, "created_at": utcnow()} for k, i in keys]
    table = cast(Table, SearchOutbox.__table__)  # a mapped class's own Table
    session.connection().execute(insert(table), rows)
    session.info["search_pending"] = True


def _after_commit(session) -> None:
    if session.info.pop("search_pending", False):
        worker = current_app.extensions.get("search_worker")
        if worker is None:  # SEARCH_SYNC = "inline": index before returning
            process_outbox()
        else:
            worker.notify()


def _after_rollback(session, _previous_transaction) -> None:
    session.info.pop("search_pending", None)


def install() -> None:
    """Listen to the app's session (once per process)."""
    if not event.contains(db.session, "after_flush", _record):
        event.listen(db.session, "after_flush", _record)
        event.listen(db.session, "after_commit", _after_commit)
        event.listen(db.session, "after_soft_rollback", _after_rollback)


# The models the index holds documents of.
Indexed = Member | Defi | Message | Resource
_Model = TypeVar("_Model", bound=Indexed)
# The model, the function making its document (None: not indexed), the loads.
Loader = tuple[
    type[Indexed], Callable[[Any], Document | None], tuple[ExecutableOption, ...]
]
LOADERS: dict[str, Loader] = {
    "member": (
        Member,
        member_document,
        (
            selectinload(Member.skills),
            selectinload(Member.promotions),
            selectinload(Member.defi_memberships).selectinload(DefiMembership.defi),
        ),
    ),
    "defi": (
        Defi,
        defi_document,
        (
            selectinload(Defi.administration),
            selectinload(Defi.themes),
            selectinload(Defi.expertises),
        ),
    ),
    "message": (
        Message,
        message_document,
        (
            selectinload(Message.channel),
            selectinload(Message.question).selectinload(Question.tags),
            selectinload(Message.answered),
        ),
    ),
    "resource": (
        Resource,
        resource_document,
        (
            selectinload(Resource.tags),
            selectinload(Resource.defi),
        ),
    ),
}


def _load(session: Session, kind: str, ids: set[int]) -> dict[int, Indexed]:
    model, _build, options = LOADERS[kind]
    return _by_id(session, model, ids, options)


def _by_id(
    session: Session,
    model: type[_Model],
    ids: set[int],
    options: Sequence[ExecutableOption],
) -> dict[int, _Model]:
    """These rows of one model, by id, typed as that model."""
    stmt = select(model).where(model.id.in_(ids)).options(*options)
    return {obj.id: obj for obj in session.scalars(stmt)}


def documents(
    session: Session, kind: str, ids: set[int]
) -> tuple[list[Document], set[int]]:
    """The documents of these ids as the database has them, and the ids to drop."""
    _model, build, _options = LOADERS[kind]
    objects = _load(session, kind, ids)
    docs = [doc for obj in objects.values() if (doc := build(obj)) is not None]
    return docs, ids - {doc.id for doc in docs}


def apply(session: Session, index: SearchIndex, kind: str, ids: set[int]) -> None:
    """Refresh these documents from the database: upsert the living, drop the rest."""
    docs, gone = documents(session, kind, ids)
    index.add(docs)
    index.remove(kind, gone)


def _affected(session: Session, rows: Sequence[SearchOutbox]) -> dict[str, set[int]]:
    """The documents to refresh: a défi's team shows its title in their profiles."""
    ids = {kind: {r.object_id for r in rows if r.kind == kind} for kind in LOADERS}
    if ids["defi"]:
        ids["member"] |= set(
            session.scalars(
                select(DefiMembership.member_id).where(
                    DefiMembership.defi_id.in_(ids["defi"])
                )
            )
        )
    return {kind: found for kind, found in ids.items() if found}


def _next_batch() -> tuple[list[int], dict]:
    """Outbox row ids and the documents they ask for, read in one short transaction."""
    with Session(db.engine) as session:
        rows = session.scalars(
            select(SearchOutbox).order_by(SearchOutbox.id).limit(BATCH)
        ).all()
        work = {
            kind: documents(session, kind, ids)
            for kind, ids in _affected(session, rows).items()
        }
        return [r.id for r in rows], work


def process_outbox() -> int:
    """Apply pending outbox rows to the index; returns how many were applied.

    The index is written outside any database transaction: a slow index never
    holds a database lock (SQLite's is the whole database).
    """
    index = current_app.extensions["search"].index
    done = 0
    while True:
        row_ids, work = _next_batch()
        if not row_ids:
            return done
        try:
            _write(index, work)
        except SearchError:
            log.exception("Search index update failed; will retry later")
            return done
        with Session(db.engine) as session:
            session.execute(delete(SearchOutbox).where(SearchOutbox.id.in_(row_ids)))
            session.commit()
        done += len(row_ids)


def _apply(index: SearchIndex, work: dict) -> None:
    for kind, (docs, gone) in work.items():
        index.add(docs)
        index.remove(kind, gone)


def _write(index: SearchIndex, work: dict) -> None:
    """Write to the index; under gevent, Whoosh's writes in a native thread.

    A Whoosh commit is pure Python: in the event loop's thread it holds every
    socket of the process for as long as it runs (indexing and search took about
    25% of the server's CPU under load, issue 19). In a native thread, the loop
    gets the interpreter back at every switch interval (5 ms) meanwhile.
    PostgreSQL writes wait on the network, which gevent already yields on."""
    if current_app.config["ASYNC_MODE"] == "gevent" and isinstance(index, WhooshIndex):
        import gevent

        gevent.get_hub().threadpool.apply(_apply, (index, work))
    else:
        _apply(index, work)


def replay_at_start() -> None:
    """Apply what a stopped process left in the outbox (if the schema exists)."""
    try:
        process_outbox()
    except SQLAlchemyError:
        log.info("Search outbox not replayed (database not migrated yet?)")
