"""The search interface every backend implements, and the values it exchanges.

No Flask here: the app turns its models into `Document`s (app/search/documents.py)
and reads `Page`s back.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

PUBLIC = "public"


@dataclass(frozen=True, eq=False)
class Document:
    """One searchable item. `key` = "kind:id" identifies it in every backend."""

    kind: str  # "member", "defi", "resource", "message"
    id: int
    title: str
    body: str = ""
    # Skills, themes, expertises, tags: matched like the title, above the body.
    tags: Sequence[str] = ()
    url: str = ""
    # Filterable values, e.g. {"promotion": ["2019"], "skill": ["NLP"], "tag": []}.
    facets: dict[str, Sequence[str]] = field(default_factory=dict)
    # Who may see it: "public" (every member) or keys like "channel:12".
    access: Sequence[str] = (PUBLIC,)
    # Ranking nudge for recent and richer items; 1.0 is neutral, kept in [0.5, 2].
    boost: float = 1.0
    updated_at: datetime | None = None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class Query:
    """What a member asked for, already reduced to what they may see."""

    text: str
    kinds: Sequence[str] = ()  # empty: every kind
    filters: dict[str, str] = field(default_factory=dict)  # facet name -> value, ANDed
    access: Sequence[str] = (PUBLIC,)  # the searcher's keys; a document needs one
    page: int = 1
    per_page: int = 20
    # Facet names to count over all matches. "kind" counts every kind, `kinds`
    # or not: the type tabs of a search restricted to one kind show them all.
    facets: Sequence[str] = ("kind",)


@dataclass(frozen=True)
class Hit:
    kind: str
    id: int
    title: str
    url: str
    snippet: str  # HTML-safe: escaped text with <mark>…</mark> around matched words
    score: float


@dataclass(frozen=True)
class Page:
    hits: list[Hit]
    total: int  # may be an estimate when `exact` is False
    page: int
    per_page: int
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    exact: bool = True


class SearchIndex(Protocol):
    """The one interface of every backend (Whoosh on disk, in memory, PostgreSQL)."""

    def add(self, docs: Iterable[Document]) -> None:
        """Insert or replace documents (by key)."""

    def remove(self, kind: str, ids: Iterable[int]) -> None:
        """Forget documents; unknown ids are ignored."""

    def replace_all(self, docs: Iterable[Document]) -> int:
        """Swap every document for these at once (a full rebuild); returns how many.

        One writer or transaction for the whole set: much faster than `clear()`
        then `add()` in batches, and searches see the old documents until the end.
        """

    def search(self, query: Query) -> Page:
        """One page of matches, best first, with facet counts."""

    def suggest(
        self,
        prefix: str,
        *,
        access: Sequence[str] = (PUBLIC,),
        kinds: Sequence[str] = (),
        limit: int = 8,
    ) -> list[Hit]:
        """Titles for as-you-type suggestions; the last word may be incomplete."""

    def count(self) -> int:
        """How many documents the index holds."""

    def clear(self) -> None:
        """Remove every document."""

    def compact(self) -> None:
        """Tidy up after a rebuild (merge segments, refresh statistics)."""

    def close(self) -> None:
        """Release files, connections and cached searchers."""


class SearchError(Exception):
    """The backend could not answer (missing or unreadable index, database down)."""


_REGISTRY: dict[str, Callable[[str], SearchIndex]] = {}


def register(scheme: str, opener: Callable[[str], SearchIndex]) -> None:
    """Make `open_index("<scheme>:...")` use this opener."""
    _REGISTRY[scheme] = opener


def open_index(url: str) -> SearchIndex:
    """Open the backend named by a URL: "whoosh:PATH", "memory:", "postgresql…://…"."""
    scheme = url.split(":", 1)[0].split("+", 1)[0]
    if scheme not in _REGISTRY:
        known = ", ".join(sorted(_REGISTRY)) or "none"
        raise ValueError(f"unknown search backend {scheme!r} (known: {known})")
    return _REGISTRY[scheme](url)
