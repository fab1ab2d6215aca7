"""The bell's pages: the list, opening one, preferences, unsubscribing."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.errors import DomainError
from app.notifications import bp, links, services, texts
from app.notifications.forms import ActionForm, preferences_form
from app.notifications.models import KINDS
from app.questions.services import take_questions


@bp.app_context_processor
def inject_unread_count() -> dict:
    """The number on the bell, on every page of a logged-in member."""
    if not (current_user and current_user.is_authenticated):
        return {}  # also e-mails rendered outside a request
    return {"unread_notifications": services.unread_count(current_user)}


@bp.app_template_filter("notification_text")
def notification_text(notification) -> str:
    """A notification's sentence in the language of the page (or e-mail)."""
    return texts.render(notification)


@bp.after_app_request
def remember_language(response):
    """A member who switches language gets their e-mails in it too."""
    lang = request.args.get("lang")
    if lang and current_user and current_user.is_authenticated:
        services.remember_locale(current_user, lang)
    return response


@bp.get("/")
def index():
    return render_template(
        "notifications/index.html",
        notifications=services.list_notifications(current_user),
        form=ActionForm(),
    )


@bp.get("/<int:notification_id>")
def go(notification_id: int):
    """Follow a notification from the list: it is read, its page opens."""
    notification = services.mark_read(current_user, notification_id)
    return redirect(notification.url)


@bp.post("/<int:notification_id>/read")
def read(notification_id: int):
    if ActionForm().validate_on_submit():
        services.mark_read(current_user, notification_id)
    return redirect(url_for("notifications.index"))


@bp.post("/read-all")
def read_all():
    if ActionForm().validate_on_submit():
        services.mark_all_read(current_user)
        flash(_("Toutes vos notifications sont lues."), "success")
    return redirect(url_for("notifications.index"))


@bp.get("/open/<token>")
def open_link(token: str):
    """The link of a notification e-mail: works once, for its recipient only."""
    return redirect(services.open_from_email(current_user, token))


def _current_choices() -> dict[str, str | bool]:
    choices: dict[str, str | bool] = {**services.preferences(current_user)}
    shown = services.in_app_preferences(current_user)
    choices.update({f"{kind}_in_app": shown[kind] for kind in KINDS})
    choices["password_reset"] = not links.opted_out(
        current_user.email, "password_reset"
    )
    choices["takes_questions"] = current_user.receives_questions
    return choices


@bp.route("/preferences", methods=["GET", "POST"])
def preferences():
    form = preferences_form(
        services.KIND_LABELS, services.MODE_LABELS, **_current_choices()
    )
    if form.validate_on_submit():
        services.set_preferences(
            current_user,
            {k: form[k].data for k in KINDS},
            {k: form[f"{k}_in_app"].data for k in KINDS},
        )
        links.set_account_email(
            current_user.email, "password_reset", form.password_reset.data
        )
        take_questions(current_user, form.takes_questions.data)
        flash(_("Vos préférences sont enregistrées."), "success")
        return redirect(url_for("notifications.preferences"))
    return render_template(
        "notifications/preferences.html",
        form=form,
        kinds=KINDS,
        labels=services.KIND_LABELS,
    )


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    """Stop one kind of e-mail, without logging in: a button, never a mere visit."""
    form = ActionForm()
    try:
        kind, _member, _email = links.read_unsubscribe(token)
    except DomainError as error:
        return render_template(
            "notifications/link_invalid.html", message=error.message
        ), 400
    done = form.validate_on_submit()
    if done:
        links.unsubscribe(token)
    label = services.KIND_LABELS.get(kind) or services.ACCOUNT_KIND_LABELS[kind]
    return render_template(
        "notifications/unsubscribe.html", form=form, label=label, done=done
    )
