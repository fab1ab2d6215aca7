"""A form's errors where the member sees them: under each field, and in a
summary at the top of the page that links to each field (GOV.UK and DSFR).

Views put a service's refusal on the form with `refuse()`; base.html finds the
forms of its context with `failed_forms()`, prefixes the page title and shows
the summary, whatever page the form is on.
"""

from dataclasses import dataclass

from flask import Flask
from flask_wtf import FlaskForm
from jinja2 import pass_context

from app.errors import DomainError

# Fields a member never sees: an error there has no field to link to.
HIDDEN_TYPES = {"HiddenField", "CSRFTokenField"}


@dataclass(frozen=True)
class ErrorLink:
    message: str
    target: str | None = None  # the id of the field to focus, if there is one
    label: str = ""  # that field's label, which the summary names


def refuse(form: FlaskForm, error: DomainError) -> None:
    """Show a service's refusal on the form: under its field if it names one of
    this form's fields, at the top of the form otherwise."""
    field = form._fields.get(error.field) if error.field else None
    if field is not None and field.type not in HIDDEN_TYPES:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def error_links(form: FlaskForm) -> list[ErrorLink]:
    """The form's errors in the order of its fields; its own errors first."""
    links = [ErrorLink(message) for message in form.form_errors]
    for field in form:
        hidden = field.type in HIDDEN_TYPES
        for message in _messages(field.errors):
            if hidden:
                links.append(ErrorLink(message))
            else:
                links.append(ErrorLink(message, _target(field), str(field.label.text)))
    return links


def _target(field) -> str:
    """The element a summary link focuses: a radio group's first button."""
    if field.type == "RadioField":
        return next((option.id for option in field), field.id)
    return field.id


def _messages(errors) -> list[str]:
    """A field's messages; a field list or form field nests them."""
    if isinstance(errors, dict):
        return [m for sub in errors.values() for m in _messages(sub)]
    return [m for e in errors for m in ([e] if isinstance(e, str) else _messages(e))]


@pass_context
def failed_forms(context) -> list[ErrorLink]:
    """Every error of the forms the page was given, in the order of the context."""
    links: list[ErrorLink] = []
    seen: set[int] = set()
    for value in context.get_all().values():
        if isinstance(value, FlaskForm) and id(value) not in seen:
            seen.add(id(value))
            links.extend(error_links(value))
    return links


def install(app: Flask) -> None:
    app.jinja_env.globals["form_error_links"] = failed_forms
