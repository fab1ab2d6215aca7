"""The edge: what any input must be before a view or a socket handler reads it.

Checked once for every request (path, query string, form, JSON body) and every
Socket.IO payload: no NUL byte (PostgreSQL refuses it in text), no lone
surrogate (no encoder accepts it), JSON at most MAX_JSON_DEPTH deep, and no
JSON number a database column cannot hold. Ids and numbers read from strings go
through `whole_number`: ASCII digits only, in the column's range.
"""

import math

from flask import Flask, request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter

from app.errors import Invalid

# The largest value of a 32-bit signed column: ids and counts on SQLite and PostgreSQL.
INT_MAX = 2**31 - 1
# JSON bodies and socket payloads nest a few levels; deeper is refused (400).
MAX_JSON_DEPTH = 20


def _bad_text_in(where: str) -> str:
    return _(
        "Requête refusée : caractère nul ou invalide dans « %(where)s ».", where=where
    )


def whole_number(raw: str | None, low: int = 0, high: int = INT_MAX) -> int | None:
    """`raw` as an int when it is ASCII digits in [low, high]; None otherwise."""
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > 10:
        return None
    value = int(raw)
    return value if low <= value <= high else None


def message_number(raw: str | None) -> int | None:
    """A message id from a query string or a form: imported messages have ids
    below zero (see app/slack/importer.py), so a leading minus is allowed."""
    if raw and raw.startswith("-"):
        value = whole_number(raw[1:], 1, INT_MAX + 1)
        return -value if value is not None else None
    return whole_number(raw)


def bad_text(text: str) -> bool:
    """A NUL byte or a lone surrogate (a str that cannot be encoded to UTF-8)."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def check_value(value: object, where: str, depth: int = 0) -> None:
    """Invalid if a decoded JSON value (or a socket payload) holds bad text,
    nests too deep, or holds a number no column can store."""
    if depth > MAX_JSON_DEPTH:
        raise Invalid(
            _(
                "Requête refusée : « %(where)s » est imbriqué trop profondément.",
                where=where,
            )
        )
    if isinstance(value, str):
        if bad_text(value):
            raise Invalid(_bad_text_in(where))
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int):
        if abs(value) > INT_MAX:
            raise Invalid(
                _(
                    "Requête refusée : nombre hors limites dans « %(where)s ».",
                    where=where,
                )
            )
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise Invalid(
                _("Requête refusée : nombre invalide dans « %(where)s ».", where=where)
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            check_value(key, where, depth + 1)
            check_value(item, str(key)[:40], depth + 1)
    elif isinstance(value, list | tuple):
        for item in value:
            check_value(item, where, depth + 1)


def _check_pairs(pairs, where: str) -> None:
    for key, value in pairs:
        if bad_text(key) or bad_text(value):
            raise Invalid(_bad_text_in(key[:40] if not bad_text(key) else where))


def _json_body() -> object:
    """The request's JSON, parsed once (Flask caches it for the view)."""
    try:
        return request.get_json(silent=True)
    except RecursionError:
        raise Invalid(_("Requête refusée : JSON imbriqué trop profondément.")) from None


def check_request() -> None:
    """before_request: refuse bad text and deep JSON anywhere in the request."""
    if bad_text(request.path):
        raise Invalid(_bad_text_in(_("chemin")))
    _check_pairs(request.args.items(multi=True), _("paramètres"))
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        _check_pairs(request.form.items(multi=True), _("formulaire"))
        for name, upload in request.files.items(multi=True):
            _check_pairs([(name, upload.filename or "")], _("fichier"))
        if request.is_json:
            check_value(_json_body(), "corps JSON")


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in URLs: ASCII digits, and an id past the column range (or a
    number thousands of digits long) matches no route: 404."""

    regex = r"[0-9]{1,10}"

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", INT_MAX)
        super().__init__(map, *args, **kwargs)


def install(app: Flask) -> None:
    """Check every request before any view; bounded ids in URL paths."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(check_request)
