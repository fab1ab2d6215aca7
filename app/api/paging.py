"""Query-string and body checks, and the page envelope shared by the API's lists."""

from collections.abc import Callable

from flask import request
from flask_babel import gettext as _

from app.errors import Invalid
from app.inputs import whole_number
from app.listing import page_number

MAX_PER_PAGE = 100
# Accepted on every list: paging, and the site-wide language switch.
COMMON_PARAMS = {"page", "per_page", "lang"}


def query_args(filters: set[str]) -> dict[str, str]:
    """The query string as a dict; Invalid if it names an unknown parameter."""
    unknown = sorted(set(request.args) - filters - COMMON_PARAMS)
    if unknown:
        names = ", ".join(name[:40] for name in unknown[:5])
        raise Invalid(_("Paramètre inconnu : %(names)s.", names=names))
    return request.args.to_dict()


def known_fields(data: dict, allowed: set[str] | tuple[str, ...]) -> dict:
    """The body's fields; Invalid naming any other key, so none reaches a service
    as a keyword argument (`author`, `upload`...)."""
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        names = ", ".join(str(name)[:40] for name in unknown[:5])
        raise Invalid(_("Champs inconnus : %(names)s.", names=names))
    return data


def per_page_number(default: int) -> int:
    """The ?per_page= of the request; Invalid unless between 1 and 100."""
    raw = request.args.get("per_page", "")
    if not raw:
        return min(default, MAX_PER_PAGE)
    number = whole_number(raw, 1, MAX_PER_PAGE)
    if number is None:
        raise Invalid(
            _(
                "per_page doit être un nombre entre 1 et %(most)s, par exemple 20.",
                most=MAX_PER_PAGE,
            )
        )
    return number


def paging(default_per_page: int) -> tuple[int, int]:
    """(page, per_page) read from the query string."""
    return page_number(), per_page_number(default_per_page)


def page_json(pagination, item_json: Callable) -> dict:
    """One page of results in the API's list envelope."""
    return {
        "items": [item_json(item) for item in pagination.items],
        "page": pagination.page,
        "per_page": pagination.per_page,
        "total": pagination.total,
        "pages": pagination.pages,
    }
