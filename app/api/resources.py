"""GET|POST /api/v1/resources and GET /api/v1/resources/<id>: resources as JSON."""

from flask import current_app, jsonify, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.api import bp
from app.api.paging import known_fields, page_json, paging, query_args
from app.errors import Invalid
from app.resources import queries, services
from app.resources.fields import FIELDS
from app.resources.models import Resource
from app.resources.uploads import Upload
from app.resources.vocabulary import licence_label
from app.timeutil import isoformat
from app.uris import to_uri

FILTERS = {"q", "kind", "tag", "defi", "licence", "author", "sort", "bookmarked"}


def _person(member) -> dict | None:
    if member is None or not member.active:
        return None
    return {"username": member.username, "display_name": member.display_name}


def resource_json(resource: Resource) -> dict:
    """A resource as the API shows it: its file by download link, never by path."""
    repository = resource.repository
    file = None
    if resource.file_key:
        file = {
            "name": resource.file_name,
            "type": resource.file_type,
            "size": resource.file_size,
            "url": url_for("resources.download", resource_id=resource.id),
        }
    return {
        "id": resource.id,
        "kind": resource.kind,
        "title": resource.title,
        "url": resource.url and to_uri(resource.url),
        "file": file,
        "description": resource.description,
        "description_html": resource.description_html,
        "tags": [tag.name for tag in resource.tags],
        "licence": resource.licence or None,
        "licence_label": licence_label(resource.licence),
        "defi": resource.defi
        and {"slug": resource.defi.slug, "title": resource.defi.title},
        "author": _person(resource.author),
        "repository": repository
        and {
            "forge": repository.forge,
            "owner": repository.owner,
            "name": repository.name,
        },
        "bookmarks": resource.bookmark_count or 0,
        "comments": resource.comment_count or 0,
        "hidden": resource.hidden,
        "created_at": isoformat(resource.created_at),
        "updated_at": isoformat(resource.updated_at),
        "page": url_for("resources.detail", resource_id=resource.id),
    }


@bp.get("/resources")
def resources_index():
    """One page of resources, filtered and sorted like /resources/."""
    filters = queries.resource_filters(**query_args(FILTERS))
    page, per_page = paging(current_app.config["RESOURCES_PER_PAGE"])
    pagination = queries.list_resources(current_user, filters, page, per_page)
    return page_json(pagination, resource_json)


def _submitted() -> tuple[dict, Upload | None]:
    """The fields of a JSON body, or of a multipart form with its file."""
    if request.mimetype == "multipart/form-data":
        fields = known_fields(request.form.to_dict(), FIELDS)
        sent = request.files.get("file")
        upload = Upload(sent.filename or "", sent.stream) if sent else None
        unknown = set(request.files) - {"file"}
        if unknown:
            raise Invalid(_("Un seul fichier, dans le champ « file »."))
        return fields, upload
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid(_('Corps JSON attendu : {"kind", "title", "url", …}.'))
    return known_fields(data, FIELDS), None


@bp.post("/resources")
def resources_create():
    """Share a resource (JSON, or multipart/form-data with a file)."""
    fields, upload = _submitted()
    resource = services.share_resource(current_user, upload=upload, **fields)
    resource = queries.get_resource(current_user, resource.id)
    return jsonify(resource_json(resource)), 201


@bp.get("/resources/<int:resource_id>")
def resource_detail(resource_id: int):
    """One resource the member may see."""
    return resource_json(queries.get_resource(current_user, resource_id))
