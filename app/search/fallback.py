"""Answers from the database while the search index is missing: slower, plainer."""

from collections.abc import Iterable, Sequence
from html import escape

from sqlalchemy import select

from app.defis.models import Defi
from app.extensions import db
from app.members.models import Member
from app.resources.models import Resource
from app.text import fold
from search_index import PUBLIC, Document, Hit, Page, Query
from search_index.query import parse

LIMIT = 200


def _matches(model, words: Sequence[str]) -> list:
    stmt = select(model)
    if model is Member:
        stmt = stmt.where(Member.active.is_(True))
    if model is Resource:
        stmt = stmt.where(Resource.hidden_at.is_(None))
    for word in words:
        stmt = stmt.where(model.search_text.contains(fold(word), autoescape=True))
    return list(db.session.scalars(stmt.limit(LIMIT)))


def _hit(obj) -> Hit:
    if isinstance(obj, Member):
        url, title, text = f"/members/{obj.username}", obj.display_name, obj.headline
        return Hit("member", obj.id, title, url, escape(text or ""), 1.0)
    if isinstance(obj, Resource):
        text = escape(obj.description[:200])
        return Hit("resource", obj.id, obj.title, f"/resources/{obj.id}", text, 1.0)
    return Hit(
        "defi", obj.id, obj.title, f"/defis/{obj.slug}", escape(obj.tagline), 1.0
    )


class DatabaseSearch:
    """The SearchIndex interface over the folded text columns of members, défis
    and resources (messages wait for the index)."""

    def search(self, query: Query) -> Page:
        words = list(parse(query.text).words)
        found: list[Hit] = []
        if words:
            for model in (Member, Defi, Resource):
                found += [_hit(obj) for obj in _matches(model, words)]
        counts: dict[str, int] = {}
        for hit in found:  # every kind, as the type tabs show them
            counts[hit.kind] = counts.get(hit.kind, 0) + 1
        hits = [hit for hit in found if not query.kinds or hit.kind in query.kinds]
        start = (query.page - 1) * query.per_page
        return Page(
            hits[start : start + query.per_page],
            len(hits),
            query.page,
            query.per_page,
            {"kind": counts},
            exact=len(hits) < LIMIT,
        )

    def suggest(
        self,
        prefix: str,
        *,
        access: Sequence[str] = (PUBLIC,),
        kinds: Sequence[str] = (),
        limit: int = 8,
    ) -> list[Hit]:
        return self.search(Query(prefix, kinds=kinds, per_page=limit)).hits

    def add(self, docs: Iterable[Document]) -> None:
        """Nothing to do: the database is the source."""

    def remove(self, kind: str, ids: Iterable[int]) -> None:
        """Nothing to do: the database is the source."""

    def replace_all(self, docs: Iterable[Document]) -> int:
        """Nothing to store: the database is the source, and it holds none."""
        return 0

    def count(self) -> int:
        return 0

    def compact(self) -> None:
        """Nothing to tidy: the database is the source."""

    def clear(self) -> None:
        """Nothing to clear."""

    def close(self) -> None:
        """Nothing to release."""
