"""The search pages: results, "who knows X", and suggestions for the header box."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from flask import jsonify, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.errors import Invalid
from app.listing import page_number
from app.members.models import ROLE_LABELS
from app.questions.listing import solved_among
from app.search import bp, services
from app.search.payloads import suggestion_json

PER_PAGE = 20
SUGGESTIONS = 8
FACET_LABELS = {
    "promotion": _l("Promotion"),
    "skill": _l("Compétence"),
    "tag": _l("Thème ou mot-clé"),
    "role": _l("Rôle"),
    "resource_kind": _l("Type de ressource"),
}


@dataclass(frozen=True)
class ResultPages:
    """A search page seen with Flask-SQLAlchemy's Pagination names (for _macros)."""

    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(0, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    def iter_pages(
        self, *, left_edge=2, left_current=2, right_current=4, right_edge=2
    ) -> Iterator[int | None]:
        """Page numbers around the current one and at both ends; None for a gap."""
        shown = {
            *range(1, left_edge + 1),
            *range(self.page - left_current, self.page + right_current + 1),
            *range(self.pages - right_edge + 1, self.pages + 1),
        }
        previous = 0
        for number in sorted(n for n in shown if 1 <= n <= self.pages):
            if number > previous + 1:
                yield None
            yield number
            previous = number


def _search_args() -> dict:
    """The text, type and facet filters of the query string."""
    filters = {name: request.args.get(name, "") for name in services.FILTERS}
    return {
        "text": request.args.get("q", ""),
        "kind": request.args.get("type", ""),
        "filters": {name: value for name, value in filters.items() if value},
    }


def search_link(**changes: str) -> str:
    """This search with some parameters changed ("" drops one), from page 1."""
    args = request.args.to_dict() | changes
    args.pop("page", None)
    # url_for takes any value; typed Any so "_external: bool" is not checked
    values: dict[str, Any] = {k: v for k, v in args.items() if v}
    return url_for("search.results", **values)


def _page_context(found) -> dict:
    """What the results page shows besides the hits: labels, links, paging."""
    return {
        "found": found,
        "pages": found and ResultPages(found.page, found.per_page, found.total),
        "link": search_link,
        "kind_labels": services.KIND_LABELS,
        "role_labels": ROLE_LABELS,
        "facet_labels": FACET_LABELS,
        "degraded": services.index_status() == "fallback",
    }


@bp.get("/search")
def results():
    """One page of results for everything, with type tabs and facet filters."""
    args, error, found = _search_args(), None, None
    try:
        found = services.search(
            current_user, **args, page=page_number(), per_page=PER_PAGE
        )
    except Invalid as err:
        error = err.message
    messages = [h.id for h in found.hits if h.kind == "message"] if found else []
    return render_template(
        "search/results.html",
        **args,
        **_page_context(found),
        error=error,
        solved=solved_among(messages),
    ), (400 if error else 200)


@bp.get("/search/people")
def people():
    """Who knows X: members ranked for a topic, each with the reasons why."""
    topic, error, matches = request.args.get("q", ""), None, []
    try:
        matches = services.who_knows(current_user, topic)
    except Invalid as err:
        error = err.message
    return render_template(
        "search/people.html", topic=topic, matches=matches, error=error
    ), (400 if error else 200)


@bp.get("/search/suggest")
def suggest():
    """Suggestions for the header box, as JSON: at most 8 type/title/url items."""
    text = request.args.get("q", "")
    hits = services.suggest(current_user, text, SUGGESTIONS) if text.strip() else []
    return jsonify([suggestion_json(hit) for hit in hits[:SUGGESTIONS]])
