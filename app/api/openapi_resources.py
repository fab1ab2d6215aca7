"""The resources part of the OpenAPI document (see openapi.py)."""

from typing import Any

from app.resources.models import KINDS
from app.resources.vocabulary import LICENCE_LABELS

STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
REF = "#/components/schemas/"
KIND = {"type": "string", "enum": list(KINDS)}
LICENCE = {
    "type": ["string", "null"],
    "enum": [*LICENCE_LABELS, None],
    "description": "SPDX identifier (etalab-2.0 is the Licence Ouverte 2.0); "
    "null when not stated.",
}


def _object(properties: dict, description: str = "") -> dict:
    schema = {"type": "object", "required": list(properties), "properties": properties}
    return schema | ({"description": description} if description else {})


def _nullable(schema: dict, description: str) -> dict:
    return {"description": description, "oneOf": [schema, {"type": "null"}]}


RESOURCE = _object(
    {
        "id": {"type": "integer"},
        "kind": KIND,
        "title": STRING,
        "url": {**NULLABLE_STRING, "format": "uri"},
        "file": _nullable(
            _object(
                {
                    "name": STRING,
                    "type": {"type": "string", "description": "Read from the bytes."},
                    "size": {"type": "integer", "minimum": 1},
                    "url": {
                        "type": "string",
                        "description": "Download path (members only, as attachment).",
                    },
                }
            ),
            "The uploaded file, if any.",
        ),
        "description": {"type": "string", "description": "Markdown, as written."},
        "description_html": {"type": "string", "description": "Sanitised HTML."},
        "tags": {"type": "array", "items": STRING},
        "licence": LICENCE,
        "licence_label": STRING,
        "defi": _nullable(
            _object({"slug": STRING, "title": STRING}), "The défi it came from."
        ),
        "author": _nullable(
            _object({"username": STRING, "display_name": STRING}),
            "Null for the défi data set's repositories and former members.",
        ),
        "repository": _nullable(
            _object(
                {
                    "forge": {
                        "type": "string",
                        "enum": ["GitHub", "GitLab", "SourceHut"],
                    },
                    "owner": STRING,
                    "name": NULLABLE_STRING,
                }
            ),
            "For GitHub, GitLab and SourceHut URLs: the forge, owner and repository.",
        ),
        "bookmarks": {"type": "integer", "minimum": 0},
        "comments": {"type": "integer", "minimum": 0},
        "hidden": {
            "type": "boolean",
            "description": "Hidden by staff: only its author and staff see it.",
        },
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": {"type": "string", "format": "date-time"},
        "page": {"type": "string", "description": "Path of the resource page."},
    },
    "A shared resource.",
)
NEW_RESOURCE: dict[str, Any] = {
    "type": "object",
    "required": ["kind", "title", "url"],
    "description": "A url is required here; a file comes as multipart/form-data.",
    "properties": {
        "kind": KIND,
        "title": {"type": "string", "minLength": 1, "maxLength": 160},
        "url": {
            "type": "string",
            "minLength": 1,
            "maxLength": 500,
            "description": "An http(s) address (stored as a URI).",
        },
        "description": {"type": "string", "maxLength": 20000},
        "tags": {
            "description": "A list, or one text separated by commas.",
            "oneOf": [{"type": "array", "items": STRING}, STRING],
        },
        "licence": LICENCE,
        "defi": {"type": ["string", "null"], "description": "Slug of its défi."},
    },
}
NEW_RESOURCE_UPLOAD = {
    "type": "object",
    "required": ["kind", "title"],
    "properties": {
        **{k: v for k, v in NEW_RESOURCE["properties"].items() if k != "tags"},
        "url": {
            "type": "string",
            "maxLength": 500,
            "description": "An http(s) address: a url, a file, or both.",
        },
        "tags": {"type": "string", "description": "Separated by commas."},
        "file": {
            "type": "string",
            "contentMediaType": "application/octet-stream",
            "description": "PDF, office document, image, CSV or archive; its type "
            "is read from its content; 20 MB at most by default.",
        },
    },
}
RESOURCE_PARAMS: list[tuple[str, str, dict]] = [
    (
        "q",
        "Words found in the title, tags or description.",
        {"type": "string", "maxLength": 200},
    ),
    ("kind", "Kind of resource.", KIND),
    ("tag", "A tag (case and accents ignored).", STRING),
    ("defi", "Slug of the défi it came from.", STRING),
    ("licence", "SPDX identifier of its licence.", STRING),
    ("author", "Username of the member who shared it.", STRING),
    ("bookmarked", "1 or true: only the member's own bookmarks.", STRING),
    (
        "sort",
        "newest (default) or bookmarks (most bookmarked first).",
        {"type": "string", "enum": ["newest", "bookmarks"]},
    ),
]
SCHEMAS = {
    "Resource": RESOURCE,
    "NewResource": NEW_RESOURCE,
    "NewResourceUpload": NEW_RESOURCE_UPLOAD,
}


def request_body() -> dict:
    """POST /resources takes JSON, or a form with the file."""
    return {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": REF + "NewResource"}},
            "multipart/form-data": {"schema": {"$ref": REF + "NewResourceUpload"}},
        },
    }
