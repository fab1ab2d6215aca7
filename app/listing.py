"""Reading the page number of a paginated list."""

from flask import request

from app.errors import Invalid

MAX_PAGE = 100_000  # a larger ?page= is refused (400)


def page_number() -> int:
    """The ?page= of the request, 1 by default; Invalid unless a positive number."""
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise Invalid("Numéro de page invalide.")
    return int(raw)
