"""Fragments every member sees alike, rendered once a process and data version.

The directory's member cards, the défi list's cards and the filter menus of both
read five to seven tables and took most of those pages' time (benchmarks/pages.py:
directory 28 ms of CPU with 16 queries against 5 ms for an empty logged-in page).
What they show changes when a profile or a défi is edited, seldom. A transaction
that changes it also bumps a version row (content_versions, "catalog") just
before it commits; a request reads that version once and only uses fragments
cached under it. So each web process of each host sees an edit at its next request,
with no cache server and no stale card after a commit. A new schema starts at a
random version: a process never mistakes a recreated database for the old one.
"""

import secrets
import threading
from collections import OrderedDict
from itertools import chain
from typing import cast

from flask import current_app, has_request_context, request
from flask_babel import get_locale
from markupsafe import Markup
from sqlalchemy import BigInteger, String, Table, event, insert, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.orm.attributes import instance_state

from app.defis.models import Administration, Defi, DefiMembership, Promotion, Theme
from app.extensions import Model, db
from app.members.models import Member, Skill

CATALOG = "catalog"
CATALOG_MODELS = (Skill, Promotion, Defi, DefiMembership, Administration, Theme)
# What a member card or a menu shows of a member; a new password or language
# leaves the fragments alone.
MEMBER_FIELDS = (
    "username",
    "display_name",
    "headline",
    "role",
    "active",
    "skills",
    "promotions",
    "defi_memberships",
)
# On the request, not on g: an app context (and its g) may outlive a request.
VERSION_ATTRIBUTE = "eig_catalog_version"
CACHE_SIZE = 5000  # fragments a process keeps, about 1 kB each


class ContentVersion(Model):
    """A number that changes with every change to what the fragments show."""

    __tablename__ = "content_versions"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)


def first_version() -> int:
    return secrets.randbelow(1 << 40)


@event.listens_for(ContentVersion.__table__, "after_create")
def _first_row(table, connection, **_kw) -> None:
    connection.execute(insert(table).values(name=CATALOG, version=first_version()))


# Bumping, in the writer's transaction -------------------------------------------


def touches_catalog(session) -> bool:
    """Whether this flush changes something a fragment shows."""
    for obj in chain(session.new, session.deleted):
        if isinstance(obj, (Member, *CATALOG_MODELS)):
            return True
    for obj in session.dirty:
        if isinstance(obj, CATALOG_MODELS) and session.is_modified(obj):
            return True
        if isinstance(obj, Member):
            attrs = instance_state(obj).attrs  # what inspect(obj) gives, typed
            if any(attrs[name].history.has_changes() for name in MEMBER_FIELDS):
                return True
    return False


def _note(session, _flush_context) -> None:
    if touches_catalog(session):
        session.info["catalog_touched"] = True


def _bump(session) -> None:
    """Just before COMMIT: the version row is the last lock a writer takes, so two
    writers never wait for each other in a cycle (a deadlock on PostgreSQL)."""
    session.flush()  # commit's own flush comes after this hook
    if not session.info.pop("catalog_touched", False):
        return
    table = cast(Table, ContentVersion.__table__)  # a mapped class's own Table
    bumped: CursorResult = session.connection().execute(
        update(table).where(table.c.name == CATALOG).values(version=table.c.version + 1)
    )
    if bumped.rowcount == 0:  # a database made without the first row
        session.connection().execute(
            insert(table).values(name=CATALOG, version=first_version())
        )
    if has_request_context():
        vars(request).pop(VERSION_ATTRIBUTE, None)  # this request reads the new one


def _forget(session, _previous_transaction) -> None:
    session.info.pop("catalog_touched", None)


def install() -> None:
    """Listen to the app's session (once per process)."""
    if not event.contains(db.session, "after_flush", _note):
        event.listen(db.session, "after_flush", _note)
        event.listen(db.session, "before_commit", _bump)
        event.listen(db.session, "after_soft_rollback", _forget)


def current_version() -> int:
    """The catalog's version, read once a request (each time outside one)."""
    if not has_request_context():
        return _read_version()
    version = getattr(request, VERSION_ATTRIBUTE, None)
    if version is None:
        version = _read_version()
        setattr(request, VERSION_ATTRIBUTE, version)
    return version


def _read_version() -> int:
    stmt = select(ContentVersion.version).where(ContentVersion.name == CATALOG)
    return db.session.scalar(stmt) or 0


# The cache ------------------------------------------------------------------------


class FragmentCache:
    """Fragments of one version, least recently used dropped first; a new version
    empties it."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self.version: int | None = None
        self.entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def _at(self, version: int) -> None:
        if version != self.version:
            self.entries.clear()
            self.version = version

    def get(self, version: int, key):
        with self._lock:
            self._at(version)
            value = self.entries.get(key)
            if value is not None:
                self.entries.move_to_end(key)
            return value

    def put(self, version: int, key, value) -> None:
        with self._lock:
            self._at(version)
            self.entries[key] = value
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


def cache() -> FragmentCache:
    """This app's cache (each app its own: tests make many apps in one process)."""
    return current_app.extensions.setdefault("fragments", FragmentCache())


def cached(key, make):
    """The fragment under `key` for the current version, made by `make()` once."""
    version, store = current_version(), cache()
    value = store.get(version, key)
    if value is None:
        value = make()
        store.put(version, key, value)
    return value


def cached_many(keys: list, make_missing) -> list:
    """Fragments for `keys`, in order; `make_missing(missing_keys)` returns a dict
    for those not cached yet, made in one go (one query for all of them), and may
    leave out a key whose object is gone."""
    version, store = current_version(), cache()
    found = {key: store.get(version, key) for key in keys}
    missing = [key for key, value in found.items() if value is None]
    if missing:
        made = make_missing(missing)
        for key, value in made.items():
            store.put(version, key, value)
        found |= made
    return [found[key] for key in keys if found[key] is not None]


def cached_cards(template: str, kind: str, ids: list[int], load, flag=None) -> list:
    """The cards of these objects, in order: `template` rendered with the object
    as `kind` (what `load(ids)` returns by id), once per catalog version and
    language. `flag` = (name, function of the id) adds one viewer-dependent
    boolean to the key and the template (such as "is it me?")."""
    locale = str(get_locale())
    name, of = flag or ("flag", lambda _id: False)

    def render(keys: list) -> dict:
        found = load([key[1] for key in keys])
        card = current_app.jinja_env.get_template(template)
        return {
            key: Markup(card.render({kind: found[key[1]], name: key[3]}))
            for key in keys
            if key[1] in found  # gone since the page was counted: skipped
        }

    return cached_many([(kind, id_, locale, of(id_)) for id_ in ids], render)
