"""The app's search index: opened from SEARCH_URL, or the database fallback."""

import logging
import time
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from app.search.fallback import DatabaseSearch
from search_index import SearchError, SearchIndex, open_index

log = logging.getLogger(__name__)


RETRY_SECONDS = 30


@dataclass
class SearchState:
    index: SearchIndex
    url: str
    fallback: bool = False
    last_try: float = 0.0

    @property
    def status(self) -> str:
        return "fallback" if self.fallback else "ok"

    def current(self) -> SearchIndex:
        """The index to search; in fallback, look now and then for a rebuilt one."""
        if self.fallback and time.monotonic() - self.last_try > RETRY_SECONDS:
            self.last_try = time.monotonic()
            try:
                index = open_index(self.url)
            except (SearchError, OSError, ValueError):
                return self.index
            if index.count():
                log.info("Search index %s is back: searching it again.", self.url)
                self.index, self.fallback = index, False
            else:
                index.close()
        return self.index


def search_url(app: Flask) -> str:
    return (
        app.config.get("SEARCH_URL") or f"whoosh:{Path(app.instance_path) / 'search'}"
    )


def init_search(app: Flask) -> None:
    """Open the index; if it is missing or unreadable, answer from the database."""
    url = search_url(app)
    try:
        state = SearchState(open_index(url), url)
    except (SearchError, OSError, ValueError) as error:
        log.warning(
            "Search index %s unusable (%s): answering from the database "
            "until `flask reindex` rebuilds it.",
            url,
            error,
        )
        state = SearchState(
            DatabaseSearch(), url, fallback=True, last_try=time.monotonic()
        )
    app.extensions["search"] = state
    with app.app_context():
        _warn_if_empty(state)


def _warn_if_empty(state: SearchState) -> None:
    """An empty index over a full database means a lost index: fall back and say so."""
    from app.defis.models import Defi
    from app.extensions import db

    if state.fallback or state.url.startswith("memory:") or state.index.count():
        return
    try:
        has_data = db.session.scalar(select(func.count(Defi.id)))
    except SQLAlchemyError:
        db.session.rollback()
        return  # not migrated yet
    finally:
        db.session.remove()
    if has_data:
        log.warning(
            "Search index %s is empty: answering from the database until "
            "`flask reindex` rebuilds it.",
            state.url,
        )
        state.index.close()
        state.index, state.fallback = DatabaseSearch(), True
        state.last_try = time.monotonic()
