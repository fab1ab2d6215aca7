"""Domain errors raised by services, and how each edge answers them."""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """Base of the errors a service raises; `status` is the HTTP answer."""

    status = 400
    code = "invalid"

    def __init__(self, message: str = "", field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field  # the form field at fault, if any: shown under it


class Invalid(DomainError):
    """The request breaks a rule; the message says which, in the request's
    language (services translate it with gettext when they raise)."""


@contextmanager
def about_field(name: str) -> Iterator[None]:
    """Within the block, an Invalid is about the form field `name`."""
    try:
        yield
    except Invalid as error:
        if error.field is not None:
            raise
        raise Invalid(error.message, field=name) from None


class NotFound(DomainError):
    status = 404
    code = "not_found"


class NotAllowed(DomainError):
    status = 403
    code = "forbidden"


def wants_json() -> bool:
    """API calls get JSON errors; pages get HTML ones."""
    return request.path.startswith("/api/")


def json_error(status: int, code: str, message: str):
    """The one shape of every API error."""
    return jsonify({"error": {"code": code, "message": message}}), status


HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "too_many_requests",
}


def _page_message(status: int) -> str:
    messages = {
        400: _("La requête est invalide."),
        403: _("Vous n’avez pas accès à cette page."),
        404: _("Cette page n’existe pas ou a été déplacée."),
        405: _("Cette action n’est pas permise ici."),
        413: _("Le fichier envoyé est trop volumineux."),
        429: _("Trop de tentatives. Réessayez dans une minute."),
    }
    return messages.get(status, _("Une erreur inattendue est survenue."))


def _rollback() -> None:
    """End a failed transaction, so later queries of this request can run."""
    from app.extensions import db

    try:
        db.session.rollback()
    except Exception:  # the connection itself may be gone
        current_app.logger.exception("Rollback after an error failed")


def _kept_headers(error: HTTPException) -> list[tuple[str, str]]:
    """The headers an HTTP error carries (Allow, Retry-After…), but its body's type."""
    return [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]


def register_error_handlers(app: Flask) -> None:
    """Map domain errors and HTTP errors to JSON (API) or friendly pages."""

    @app.errorhandler(DomainError)
    def on_domain_error(error: DomainError):
        if wants_json():
            return json_error(error.status, error.code, error.message)
        template = "errors/404.html" if error.status == 404 else "errors/error.html"
        body = render_template(template, status=error.status, message=error.message)
        return body, error.status

    @app.errorhandler(HTTPException)
    def on_http_error(error: HTTPException):
        status = error.code or 500
        headers = _kept_headers(error)  # e.g. a 405's Allow
        if wants_json():
            message = error.description or _page_message(status)
            body, _ = json_error(status, HTTP_CODES.get(status, "error"), message)
            return body, status, headers
        template = "errors/404.html" if status == 404 else "errors/error.html"
        page = render_template(template, status=status, message=_page_message(status))
        return page, status, headers

    @app.errorhandler(Exception)
    def on_unexpected(error: Exception):
        app.logger.exception("Unhandled error on %s", request.path)
        _rollback()  # the request log and the error page may still query
        if wants_json():
            return json_error(500, "server_error", _("Erreur interne du serveur."))
        return render_template("errors/500.html", status=500), 500
