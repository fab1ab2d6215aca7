"""Reading the page number of a paginated list."""

from flask import request
from flask_babel import gettext as _

from app.errors import Invalid
from app.inputs import whole_number

MAX_PAGE = 100_000  # a larger ?page= is refused (400)


def page_number() -> int:
    """The ?page= of the request, 1 by default; Invalid unless a positive number."""
    page = whole_number(request.args.get("page", "1"), 1, MAX_PAGE)
    if page is None:
        raise Invalid(_("Numéro de page invalide."))
    return page
