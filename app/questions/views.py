"""The questions pages: the list with its filters, asking, accepting an answer
(and undoing it), passing."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from app.channels import services as channels
from app.channels.models import Message
from app.defis import services as defis
from app.defis.models import Defi
from app.errors import DomainError, Invalid, NotFound, about_field
from app.extensions import db
from app.form_errors import refuse
from app.inputs import INT_MAX, message_number
from app.listing import page_number
from app.questions import bp, services
from app.questions.forms import AcceptForm, ActionForm, AskForm, MarkForm
from app.questions.listing import list_questions, question_filters, question_url
from app.questions.routing import describe
from app.text import split_tags

TABS = (
    ("", _l("Toutes")),
    ("open", _l("Ouvertes")),
    ("unanswered", _l("Sans réponse")),
    ("solved", _l("Résolues")),
)
DEFAULT_CHANNEL = "entraide"


@bp.app_template_filter("question_reason")
def question_reason(reason: dict) -> str:
    """One reason a question was sent to someone, in the reader's language."""
    return describe(reason)


@bp.get("/")
def index():
    args = request.args
    filters = question_filters(
        args.get("status", ""),
        args.get("tag", ""),
        args.get("defi", ""),
        args.get("routed", ""),
    )
    found = list_questions(current_user, filters, page_number(), 20)
    return render_template(
        "questions/index.html",
        questions=found,
        filters=filters,
        tabs=TABS,
        defi_choices=defis.defi_titles(),
        replies=channels.reply_counts([q.message for q in found.items]),
        question_url=question_url,
    )


def _channel_choices() -> list[tuple[str, str]]:
    """The channels the member can ask in: theirs (not archived, not direct
    conversations), then the open topic channels."""
    mine = [
        channel
        for channel, _unread in channels.member_channels(current_user)
        if not channel.archived and channel.kind != "direct"
    ]
    others = [
        c
        for c in channels.public_channels(current_user)
        if c.kind == "topic" and not c.archived
    ]
    return [(c.slug, f"# {c.name}") for c in [*mine, *others]]


def _ask_form() -> AskForm:
    form = AskForm()
    form.channel.choices = _channel_choices()
    form.defi.choices = [("", _("Aucun")), *defis.defi_titles()]
    if not form.is_submitted():
        slugs = [slug for slug, _name in form.channel.choices]
        wanted = request.args.get("channel") or DEFAULT_CHANNEL
        form.channel.data = wanted if wanted in slugs else None
        form.defi.data = request.args.get("defi", "")
    return form


@bp.route("/new", methods=["GET", "POST"])
def ask():
    form = _ask_form()
    if form.validate_on_submit():
        try:
            question = _ask(form)
        except DomainError as error:
            refuse(form, error)
        else:
            _say_routed(len(question.routes))
            return redirect(question_url(question))
    status = 400 if form.is_submitted() else 200
    return render_template("questions/ask.html", form=form), status


def _ask(form: AskForm):
    with about_field("channel"):
        channel = channels.readable_channel(current_user, form.channel.data or "")
    return services.ask(
        current_user,
        channel,
        form.title.data,
        form.body.data,
        split_tags(form.tags.data or "", max_tags=services.MAX_TAGS + 1),
        _defi(form.defi.data),
    )


def _defi(slug: str) -> Defi | None:
    if not slug:
        return None
    defi = db.session.scalar(select(Defi).where(Defi.slug == slug[:80]))
    if defi is None:
        with about_field("defi"):
            raise NotFound(_("Ce défi n’existe pas."))
    return defi


def _say_routed(count: int) -> None:
    if count:
        flash(
            ngettext(
                "Votre question est posée\u00a0: elle a été envoyée à %(num)s membre "
                "qui s’y connaît.",
                "Votre question est posée\u00a0: elle a été envoyée à %(num)s membres "
                "qui s’y connaissent.",
                count,
            ),
            "success",
        )
    else:
        flash(_("Votre question est posée."), "success")


def _back_to(question) -> str:
    slug = question.message.channel.slug
    return url_for("channels.detail", slug=slug, thread=question.message_id)


@bp.post("/<int:question_id>/accept")
def accept(question_id: int):
    form = AcceptForm()
    question = services.get_question(current_user, question_id)
    if not form.validate_on_submit():
        raise Invalid(_("Choisissez la réponse à accepter."))
    services.accept(current_user, question, message_number(form.message_id.data))
    flash(_("Réponse acceptée\u00a0: la question est résolue."), "success")
    return redirect(_back_to(question))


@bp.post("/<int:question_id>/reopen")
def reopen(question_id: int):
    question = services.get_question(current_user, question_id)
    if not ActionForm().validate_on_submit():
        raise Invalid(_("Le formulaire a expiré\u00a0: rechargez la page."))
    services.undo_accept(current_user, question)
    flash(_("La question est de nouveau ouverte."), "success")
    return redirect(_back_to(question))


@bp.post("/<int:question_id>/pass")
def pass_question(question_id: int):
    question = services.get_question(current_user, question_id)
    if not ActionForm().validate_on_submit():
        raise Invalid(_("Le formulaire a expiré\u00a0: rechargez la page."))
    services.pass_question(current_user, question)
    flash(
        _("C’est noté\u00a0: on ne vous enverra plus de question semblable."), "success"
    )
    return redirect(url_for("questions.index", routed="me"))


@bp.post("/mark/<int(signed=True):message_id>")
def mark(message_id: int):
    """The author (or the staff) makes a thread's first message a question."""
    form = MarkForm()
    message = (
        db.session.get(Message, message_id) if abs(message_id) <= INT_MAX else None
    )
    if message is None or not channels.can_read(current_user, message.channel):
        raise NotFound(_("Ce message n’existe pas."))
    if not form.validate_on_submit():
        raise Invalid(_("Donnez un titre à votre question."))
    tags = split_tags(form.tags.data or "", max_tags=services.MAX_TAGS + 1)
    question = services.mark(current_user, message, form.title.data, tags)
    _say_routed(len(question.routes))
    return redirect(_back_to(question))


@bp.post("/<int:question_id>/unmark")
def unmark(question_id: int):
    question = services.get_question(current_user, question_id)
    if not ActionForm().validate_on_submit():
        raise Invalid(_("Le formulaire a expiré\u00a0: rechargez la page."))
    back = _back_to(question)
    services.unmark(current_user, question)
    flash(_("Ce fil n’est plus une question."), "success")
    return redirect(back)
