"""Resource pages: the list, sharing, one resource, its file, bookmarks, comments."""

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.forms import EmptyForm
from app.defis import services as defis
from app.errors import Invalid, NotAllowed, NotFound
from app.form_errors import refuse
from app.listing import page_number
from app.resources import bp, queries, services, uploads
from app.resources.forms import (
    BookmarkForm,
    CommentForm,
    EditResourceForm,
    HideForm,
    ResourceForm,
)
from app.resources.models import KINDS
from app.resources.vocabulary import KIND_LABELS, LICENCES, licence_label


def _labels() -> dict:
    return {
        "kind_labels": KIND_LABELS,
        "licence_label": licence_label,
        "size_label": uploads.readable_size,
    }


@bp.get("/")
def index():
    error, pagination = None, None
    try:
        filters = queries.resource_filters(**request.args.to_dict())
        pagination = queries.list_resources(
            current_user,
            filters,
            page_number(),
            current_app.config["RESOURCES_PER_PAGE"],
        )
    except Invalid as err:
        error, filters = err.message, queries.ResourceFilters()
    return render_template(
        "resources/index.html",
        pagination=pagination,
        filters=filters,
        error=error,
        kinds=[(k, KIND_LABELS[k]) for k in KINDS],
        licences=LICENCES,
        tags=[(t, t) for t in queries.popular_tags()],
        defi_choices=defis.defi_titles(),
        **_labels(),
    ), (400 if error else 200)


def _with_defi_choices(form: ResourceForm) -> ResourceForm:
    form.defi.choices = [("", _("Aucun")), *defis.defi_titles()]
    return form


def _form_page(form: ResourceForm, resource, save, done: str):
    """Save a valid form through `save()`, or show it again with the reason."""
    if form.validate_on_submit():
        try:
            resource = save()
        except Invalid as error:
            refuse(form, error)
        else:
            flash(done, "success")
            return redirect(url_for("resources.detail", resource_id=resource.id))
    return render_template("resources/form.html", form=form, resource=resource), (
        400 if form.is_submitted() else 200
    )


@bp.route("/new", methods=["GET", "POST"])
def create():
    form = _with_defi_choices(ResourceForm())
    if request.method == "GET" and request.args.get("defi"):
        form.defi.data = request.args["defi"]
    return _form_page(
        form,
        None,
        lambda: services.share_resource(
            current_user, upload=form.upload(), **form.values()
        ),
        _("Ressource partagée."),
    )


@bp.get("/<int:resource_id>")
def detail(resource_id: int):
    resource = queries.get_resource(current_user, resource_id)
    return _detail_page(resource, CommentForm())


def _detail_page(resource, comment_form: CommentForm, status: int = 200):
    """A resource's page; a refused comment shows its form with the errors."""
    return render_template(
        "resources/detail.html",
        resource=resource,
        can_edit=services.can_edit_resource(current_user, resource),
        bookmarked=bool(queries.bookmarked_ids(current_user, [resource])),
        comment_form=comment_form,
        **_labels(),
    ), status


def _editable(resource_id: int):
    resource = queries.get_resource(current_user, resource_id)
    if not services.can_edit_resource(current_user, resource):
        raise NotAllowed(
            _("Seuls son auteur et l’équipe du programme modifient une ressource.")
        )
    return resource


@bp.route("/<int:resource_id>/edit", methods=["GET", "POST"])
def edit(resource_id: int):
    resource = _editable(resource_id)
    form = _with_defi_choices(EditResourceForm(obj=resource))
    if request.method == "GET":
        form.tags.data = ", ".join(t.name for t in resource.tags)
        form.defi.data = resource.defi.slug if resource.defi else ""
    return _form_page(
        form,
        resource,
        lambda: services.update_resource(
            current_user,
            resource,
            upload=form.upload(),
            remove_file=form.remove_file.data,
            **form.values(),
        ),
        _("Ressource enregistrée."),
    )


@bp.post("/<int:resource_id>/delete")
def delete(resource_id: int):
    resource = _editable(resource_id)
    if EmptyForm().validate_on_submit():
        services.delete_resource(current_user, resource)
        flash(_("Ressource supprimée."), "success")
        return redirect(url_for("resources.index"))
    return redirect(url_for("resources.detail", resource_id=resource_id))


@bp.post("/<int:resource_id>/hide")
def hide(resource_id: int):
    resource = queries.get_resource(current_user, resource_id)
    form = HideForm()
    if form.validate_on_submit():
        services.set_hidden(current_user, resource, form.hidden.data)
        flash(_("Ressource masquée.") if form.hidden.data else _("Ressource rétablie."))
    return redirect(url_for("resources.detail", resource_id=resource_id))


@bp.post("/<int:resource_id>/bookmark")
def bookmark(resource_id: int):
    resource = queries.get_resource(current_user, resource_id)
    form = BookmarkForm()
    if form.validate_on_submit():
        services.set_bookmark(current_user, resource, form.bookmarked.data)
        flash(
            _("Ajoutée à vos favoris.")
            if form.bookmarked.data
            else _("Retirée de vos favoris."),
            "success",
        )
    return redirect(url_for("resources.detail", resource_id=resource_id))


@bp.post("/<int:resource_id>/comments")
def comment(resource_id: int):
    resource = queries.get_resource(current_user, resource_id)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            posted = services.add_comment(current_user, resource, form.body.data)
        except Invalid as error:
            refuse(form, error)
        else:
            return redirect(
                url_for("resources.detail", resource_id=resource_id)
                + f"#comment-{posted.id}"
            )
    return _detail_page(resource, form, 400)


@bp.post("/<int:resource_id>/comments/<int:comment_id>/delete")
def delete_comment(resource_id: int, comment_id: int):
    if EmptyForm().validate_on_submit():
        services.delete_comment(current_user, comment_id)
        flash(_("Commentaire supprimé."), "success")
    return redirect(url_for("resources.detail", resource_id=resource_id) + "#comments")


# An uploaded file never runs anything, even if a browser opened it in place.
FILE_POLICY = "default-src 'none'; frame-ancestors 'none'; sandbox"


@bp.get("/<int:resource_id>/file")
def download(resource_id: int):
    """The uploaded file, as an attachment the browser never renders."""
    resource = queries.get_resource(current_user, resource_id)
    path = uploads.path_of(resource.file_key) if resource.file_key else None
    if path is None or not path.is_file():
        raise NotFound(_("Cette ressource n’a pas de fichier joint."))
    response = send_file(
        path,
        mimetype=resource.file_type,
        as_attachment=True,
        download_name=resource.file_name,
        conditional=True,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = FILE_POLICY
    response.headers["Cache-Control"] = "private, no-store"
    return response
