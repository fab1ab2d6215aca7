"""The directory and member profiles."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from app import fragments
from app.defis import services as defis
from app.errors import Invalid, NotAllowed
from app.form_errors import refuse
from app.listing import page_number
from app.members import bp, services
from app.members.forms import ProfileForm
from app.members.models import ROLE_LABELS, ROLES
from app.mentoring import services as mentoring
from app.questions.listing import accepted_by_tag
from app.resources.queries import member_resources
from app.resources.vocabulary import KIND_LABELS, licence_label


def member_cards(ids: list[int]) -> list[Markup]:
    """The directory cards of these members, in order (the viewer's own card has
    no message button)."""
    viewer = current_user.id
    is_self = ("is_self", lambda id_: id_ == viewer)
    load = services.members_for_cards
    return fragments.cached_cards("members/_card.html", "member", ids, load, is_self)


def _directory_choices() -> dict:
    """(value, label) pairs for the directory's filter menus."""
    return fragments.cached(("directory choices",), _read_directory_choices)


def _read_directory_choices() -> dict:
    options = defis.filter_options()
    return {
        "promotions": [
            (p.slug, f"{p.label} ({p.year})") for p in options["promotions"]
        ],
        "skills": [(name, name) for name in services.skill_suggestions(limit=500)],
        "defis": [(slug, title) for slug, title in defis.defi_titles()],
        "administrations": [(a.slug, a.name) for a in options["administrations"]],
    }


@bp.route("/")
def index():
    error, pagination = None, None
    try:
        filters = services.member_filters(**request.args.to_dict())
        pagination = services.directory_page(
            filters, page_number(), current_app.config["MEMBERS_PER_PAGE"]
        )
    except Invalid as err:
        error, filters = err.message, services.MemberFilters()
    return render_template(
        "members/index.html",
        pagination=pagination,
        cards=member_cards(pagination.items) if pagination else [],
        filters=filters,
        error=error,
        roles=[(r, ROLE_LABELS[r]) for r in ROLES],
        choices=_directory_choices(),
    ), (400 if error else 200)


@bp.route("/<username>")
def detail(username: str):
    member = services.get_member(username)
    if member is None or (not member.active and not current_user.is_staff):
        abort(404)
    return render_template(
        "members/detail.html",
        member=member,
        can_edit=services.can_edit_member(current_user, member),
        can_ask_mentoring=member.open_to_mentoring
        and mentoring.can_mentor(member)
        and mentoring.can_ask(current_user),
        resources=member_resources(current_user, member),
        accepted=accepted_by_tag(member),
        kind_labels=KIND_LABELS,
        licence_label=licence_label,
    )


@bp.route("/<username>/edit", methods=["GET", "POST"])
def edit(username: str):
    member = services.get_member(username)
    if member is None:
        abort(404)
    if not services.can_edit_member(current_user, member):
        raise NotAllowed(_("Vous ne pouvez modifier que votre propre profil."))
    form = ProfileForm(obj=member)
    if request.method == "GET":
        form.skills.data = ", ".join(skill.name for skill in member.skills)
    if form.validate_on_submit():
        try:
            services.update_profile(current_user, member, **form.values())
        except Invalid as error:
            refuse(form, error)
        else:
            flash(_("Profil enregistré."), "success")
            return redirect(url_for("members.detail", username=member.username))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "members/edit.html",
        form=form,
        member=member,
        skill_suggestions=services.skill_suggestions(),
    ), status
