"""The mentoring pages: requests of both sides, asking, answering, offering."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.errors import DomainError, Invalid, NotAllowed
from app.form_errors import refuse
from app.members.services import get_member
from app.mentoring import bp, services, suggestions
from app.mentoring.forms import ActionForm, AnswerForm, AskForm, MentorProfileForm

STATUS_LABELS = {
    "pending": _l("En attente"),
    "accepted": _l("Acceptée"),
    "declined": _l("Déclinée"),
    "closed": _l("Terminée"),
    "expired": _l("Expirée"),
}


@bp.context_processor
def inject_labels() -> dict:
    return {"status_labels": STATUS_LABELS}


@bp.get("/")
def index():
    asked, received = services.requests_of(current_user)
    return render_template(
        "mentoring/index.html",
        asked=asked,
        received=received,
        can_ask=services.can_ask(current_user),
        can_mentor=services.can_mentor(current_user),
        figures=services.figures(current_user) if current_user.is_staff else None,
    )


@bp.get("/ask")
def ask():
    """Suggested mentors for a topic, each with the reasons it was chosen."""
    if not services.can_ask(current_user):
        raise NotAllowed(_("Seuls les EIG en cours de défi demandent du mentorat."))
    topic = (request.args.get("topic") or "").strip()[:80]
    mentor = _chosen_mentor(request.args.get("mentor") or "")
    found = suggestions.suggest_mentors(current_user, topic) if topic else []
    return render_template(
        "mentoring/ask.html",
        topic=topic,
        mentor=mentor,
        suggestions=found,
        form=AskForm(topic=topic),
    )


def _chosen_mentor(username: str):
    """The mentor named by ?mentor= (from their profile), if they mentor now."""
    mentor = get_member(username[:40]) if username else None
    if mentor is None or mentor.id == current_user.id:
        return None
    if not (services.can_mentor(mentor) and mentor.open_to_mentoring):
        return None
    return mentor


@bp.post("/requests")
def create():
    """Ask a mentor; a refused request shows that mentor's form again, each
    error under its field (or back to the suggestions, if they cannot be asked)."""
    form = AskForm()
    mentor = get_member(form.mentor.data or "")
    chosen = _chosen_mentor(form.mentor.data or "")
    valid = form.validate_on_submit()
    if mentor is None or (not valid and chosen is None):
        raise Invalid(_("Choisissez un mentor parmi les suggestions."))
    if valid:
        try:
            created = services.ask_for_mentoring(
                current_user, mentor, topic=form.topic.data, message=form.message.data
            )
        except Invalid as error:
            if chosen is None:  # oneself, or no longer mentoring: no form to show
                flash(error.message, "error")
                return redirect(url_for("mentoring.ask", topic=form.topic.data))
            refuse(form, error)
        else:
            flash(
                _("Votre demande est envoyée à %(name)s.", name=mentor.display_name),
                "success",
            )
            return redirect(url_for("mentoring.detail", request_id=created.id))
    return render_template(
        "mentoring/ask.html",
        topic=(form.topic.data or "")[:80],
        mentor=chosen,
        suggestions=[],
        form=form,
    ), 400


@bp.get("/requests/<int:request_id>")
def detail(request_id: int):
    return _detail_page(request_id, AnswerForm())


def _detail_page(request_id: int, form: AnswerForm, status: int = 200):
    mentoring = services.visible_request(current_user, request_id)
    return render_template(
        "mentoring/detail.html",
        mentoring=mentoring,
        form=form,
        action=ActionForm(),
    ), status


def _answer(request_id: int, accept: bool):
    """Accept or decline; a refused message shows the page again, the reason
    under the field (a request no longer pending: a banner, as the form is gone)."""
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            services.answer_request(
                current_user, request_id, accept=accept, message=form.message.data
            )
        except Invalid as error:
            if error.field is None:
                flash(error.message, "error")
                return redirect(url_for("mentoring.detail", request_id=request_id))
            refuse(form, error)
        else:
            return redirect(url_for("mentoring.detail", request_id=request_id))
    return _detail_page(request_id, form, 400)


@bp.post("/requests/<int:request_id>/accept")
def accept(request_id: int):
    return _answer(request_id, True)


@bp.post("/requests/<int:request_id>/decline")
def decline(request_id: int):
    return _answer(request_id, False)


@bp.post("/requests/<int:request_id>/close")
def close(request_id: int):
    if not ActionForm().validate_on_submit():
        raise Invalid(_("La requête est invalide."))
    try:
        services.close_request(current_user, request_id)
    except Invalid as error:
        flash(error.message, "error")
    return redirect(url_for("mentoring.detail", request_id=request_id))


@bp.route("/profile", methods=["GET", "POST"])
def profile():
    """An alumni or mentor offers mentoring: availability, topics, capacity."""
    if not services.can_mentor(current_user):
        raise NotAllowed(_("Seuls les alumni et les mentors proposent du mentorat."))
    current = services.mentor_profile(current_user)
    form = MentorProfileForm(
        available=current_user.open_to_mentoring,
        topics=", ".join(t.name for t in current.topics) if current else "",
        capacity=current.capacity if current else suggestions.DEFAULT_CAPACITY,
    )
    if form.validate_on_submit():
        try:
            services.save_mentor_profile(
                current_user,
                available=form.available.data,
                topics=form.topics.data or "",
                capacity=form.capacity.data,
            )
        except DomainError as error:
            refuse(form, error)
        else:
            flash(_("Votre offre de mentorat est enregistrée."), "success")
            return redirect(url_for("mentoring.index"))
    status = 400 if form.is_submitted() else 200
    return render_template("mentoring/profile.html", form=form), status
