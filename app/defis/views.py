"""Défi list and pages."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from app import fragments
from app.auth.forms import EmptyForm
from app.channels.services import defi_channel
from app.collation import french_key
from app.defis import bp, services, team_requests
from app.defis.forms import DefiForm, JoinTeamForm, NewDefiForm, TeamForm
from app.errors import Invalid, NotAllowed
from app.form_errors import refuse
from app.listing import page_number
from app.members import services as members
from app.resources.queries import defi_resources
from app.resources.vocabulary import KIND_LABELS, licence_label


def defi_cards(ids: list[int]) -> list[Markup]:
    """The cards of these défis, in order."""
    load = services.defis_for_cards
    return fragments.cached_cards("defis/_card.html", "defi", ids, load)


def _filter_choices() -> dict:
    """(value, label) pairs for the défi list's filter menus."""
    return fragments.cached(("defi choices",), _read_filter_choices)


def _read_filter_choices() -> dict:
    options = services.filter_options()
    return {
        "year_choices": [(y, str(y)) for y in options["years"]],
        "theme_choices": [(t.name, t.name) for t in options["themes"]],
        "expertise_choices": [(s.name, s.name) for s in options["expertises"]],
        "promotion_choices": [
            (p.slug, f"{p.label} ({p.year})") for p in options["promotions"]
        ],
        "administration_choices": [
            (a.slug, a.name) for a in options["administrations"]
        ],
    }


@bp.route("/")
def index():
    error, pagination = None, None
    try:
        filters = services.defi_filters(**request.args.to_dict())
        pagination = services.list_page(
            filters, page_number(), current_app.config["DEFIS_PER_PAGE"]
        )
    except Invalid as err:
        error, filters = err.message, services.DefiFilters()
    return render_template(
        "defis/index.html",
        pagination=pagination,
        cards=defi_cards(pagination.items) if pagination else [],
        filters=filters,
        error=error,
        **_filter_choices(),
    ), (400 if error else 200)


def _defi_or_404(slug: str):
    defi = services.get_defi(slug)
    if defi is None:
        abort(404)
    return defi


@bp.route("/<slug>")
def detail(slug: str):
    defi = _defi_or_404(slug)
    team = sorted(
        defi.team, key=lambda m: (m.role != "eig", french_key(m.member.display_name))
    )
    return render_template(
        "defis/detail.html",
        defi=defi,
        team=[m for m in team if m.member.active],
        can_edit=services.can_edit_defi(current_user, defi),
        channel=defi_channel(defi),
        resources=defi_resources(current_user, defi),
        kind_labels=KIND_LABELS,
        licence_label=licence_label,
        **_team_requests(defi),
    )


def _team_requests(defi) -> dict:
    """What the défi page shows about joining its team, for this member."""
    can_ask = team_requests.can_ask(current_user, defi)
    return {
        "join_form": JoinTeamForm(prefix="join") if can_ask else None,
        "my_request": team_requests.pending_request(current_user, defi)
        if can_ask
        else None,
        "team_requests": team_requests.pending_requests(current_user, defi),
        "answer_form": EmptyForm(),
    }


@bp.route("/<slug>/edit", methods=["GET", "POST"])
def edit(slug: str):
    defi = _defi_or_404(slug)
    if not services.can_edit_defi(current_user, defi):
        raise NotAllowed(
            _("Seuls l’équipe du défi et l’équipe du programme peuvent le modifier.")
        )
    form = DefiForm(obj=defi)
    if request.method == "GET":
        form.themes.data = ", ".join(t.name for t in defi.themes)
        form.expertises.data = ", ".join(s.name for s in defi.expertises)
        form.repositories.data = "\n".join(defi.repositories or [])
    if form.validate_on_submit():
        try:
            services.update_defi(current_user, defi, **form.values())
        except Invalid as error:
            refuse(form, error)
        else:
            flash(_("Défi enregistré."), "success")
            return redirect(url_for("defis.detail", slug=defi.slug))
    return render_template(
        "defis/edit.html",
        form=form,
        defi=defi,
        team_form=TeamForm(),
        remove_form=EmptyForm(),
    ), (400 if form.is_submitted() else 200)


@bp.route("/<slug>/team", methods=["POST"])
def add_team_member(slug: str):
    defi = _defi_or_404(slug)
    form = TeamForm()
    if form.validate_on_submit():
        member = members.get_member(form.username.data.strip())
        if member is None:
            flash(_("Aucun membre n’a cet identifiant."), "error")
        else:
            services.set_team_member(current_user, defi, member, form.role.data)
            flash(
                _("%(name)s fait partie de l’équipe.", name=member.display_name),
                "success",
            )
    return redirect(url_for("defis.edit", slug=slug))


@bp.route("/<slug>/team/<username>/remove", methods=["POST"])
def remove_team_member(slug: str, username: str):
    defi = _defi_or_404(slug)
    member = members.get_member(username)
    if member is None:
        abort(404)
    if EmptyForm().validate_on_submit():
        services.remove_team_member(current_user, defi, member)
        flash(
            _("%(name)s ne fait plus partie de l’équipe.", name=member.display_name),
            "success",
        )
    return redirect(url_for("defis.edit", slug=slug))


@bp.route("/new", methods=["GET", "POST"])
def create():
    if not current_user.is_staff:
        raise NotAllowed(_("Seule l’équipe du programme peut créer un défi."))
    form = NewDefiForm()
    form.promotion_id.choices = [
        (p.id, f"{p.label} ({p.year})") for p in services.filter_options()["promotions"]
    ]
    if form.validate_on_submit():
        try:
            defi = services.create_defi(
                current_user,
                title=form.title.data,
                promotion_id=form.promotion_id.data,
                administration_name=form.administration.data,
                tagline=form.tagline.data or "",
                description=form.description.data or "",
            )
        except Invalid as error:
            refuse(form, error)
        else:
            flash(_("Défi créé."), "success")
            return redirect(url_for("defis.detail", slug=defi.slug))
    return render_template("defis/new.html", form=form), (
        400 if form.is_submitted() else 200
    )
