"""GET /api/v1/search and /api/v1/search/suggest: full-text search as JSON."""

from flask import jsonify
from flask_login import current_user

from app.api import bp
from app.api.paging import paging, query_args
from app.search import services
from app.search.payloads import suggestion_json
from search_index import Hit, Page

PARAMS = {"q", "type", *services.FILTERS}
PER_PAGE = 20
SUGGESTIONS = 8


def hit_json(hit: Hit) -> dict:
    """One search result as the API shows it."""
    return {
        "type": hit.kind,
        "id": hit.id,
        "title": hit.title,
        "url": hit.url,
        "snippet": hit.snippet,
        "score": hit.score,
    }


def results_json(text: str, found: Page) -> dict:
    """A page of results in DESIGN's shape: query, total, results, facets (and
    exact, False when the total is an estimate)."""
    return {
        "query": text,
        "total": found.total,
        "exact": found.exact,  # False: `total` is an estimate
        "results": [hit_json(hit) for hit in found.hits],
        "facets": found.facets,
    }


@bp.get("/search")
def search_results():
    """One page of results over members, défis, resources and messages."""
    args = query_args(PARAMS)
    page, per_page = paging(PER_PAGE)
    text, kind = args.get("q", ""), args.get("type", "")
    filters = {name: args[name] for name in services.FILTERS if args.get(name)}
    found = services.search(
        current_user, text, kind=kind, filters=filters, page=page, per_page=per_page
    )
    return results_json(text, found)


@bp.get("/search/suggest")
def search_suggest():
    """At most 8 titles for what the member is typing."""
    text = query_args({"q"}).get("q", "")
    hits = services.suggest(current_user, text, SUGGESTIONS) if text.strip() else []
    return jsonify([suggestion_json(hit) for hit in hits[:SUGGESTIONS]])
