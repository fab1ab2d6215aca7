"""Search results as JSON: the header box's suggestions and the API share them."""

from app.search.services import Suggestion
from app.timeutil import isoformat


def suggestion_json(found: Suggestion) -> dict:
    """One as-you-type suggestion: enough to show it and open it; a message
    also says who wrote it, where and when."""
    shown: dict[str, str | None] = {
        "type": found.kind,
        "title": found.title,
        "url": found.url,
    }
    if found.kind == "message":
        shown["author"] = found.author
        shown["created_at"] = isoformat(found.created_at)
    return shown
