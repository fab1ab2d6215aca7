"""The OpenAPI pieces of the questions routes."""

from app.questions.listing import STATUSES
from app.questions.services import MAX_TAG, MAX_TAGS, MAX_TITLE

STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}  # as in openapi.py
MESSAGE_ID = {"type": "integer", "minimum": -(2**31 - 1), "maximum": 2**31 - 1}
REF = "#/components/schemas/"


def _object(properties: dict, required=None) -> dict:
    return {
        "type": "object",
        "required": list(required if required is not None else properties),
        "properties": properties,
    }


ROUTE = _object(
    {
        "username": STRING,
        "reason": {**STRING, "description": "Why them, in the reader's language."},
        "passed": {"type": "boolean", "description": "They passed on it."},
    }
)
QUESTION = _object(
    {
        "id": ID,
        "title": STRING,
        "status": {"type": "string", "enum": ["open", "solved"]},
        "tags": {"type": "array", "items": STRING},
        "defi": {**NULLABLE_STRING, "description": "The défi's slug, if any."},
        "channel": {**STRING, "description": "Slug of its channel."},
        "message_id": {
            **MESSAGE_ID,
            "description": "Its thread's first message: answers are posted "
            "with parent_id = message_id.",
        },
        "accepted_message_id": {"type": ["integer", "null"]},
        "asker": NULLABLE_STRING,
        "routed_to": {
            "description": "Who it was sent to and why: for the asker and the "
            "staff only (null for the others).",
            "oneOf": [
                {"type": "array", "items": {"$ref": REF + "QuestionRoute"}},
                {"type": "null"},
            ],
        },
        "url": {**STRING, "description": "Its thread, a path inside the site."},
    }
)
NEW_QUESTION = _object(
    {
        "title": {**STRING, "minLength": 1, "maxLength": MAX_TITLE},
        "body": {**STRING, "minLength": 1, "description": "Markdown."},
        "tags": {
            "type": "array",
            "maxItems": MAX_TAGS,
            "items": {**STRING, "maxLength": MAX_TAG},
            "description": "Skills it is about.",
        },
        "defi": {**NULLABLE_STRING, "description": "A défi's slug."},
        "channel": {
            **NULLABLE_STRING,
            "description": "The channel to ask in (its slug); by default the "
            "défi's channel.",
        },
    },
    required=["title", "body"],
)
ACCEPT = _object(
    {
        "message_id": {
            "type": ["integer", "null"],
            "minimum": MESSAGE_ID["minimum"],
            "maximum": MESSAGE_ID["maximum"],
            "description": "A reply of the question's thread; null undoes it.",
        }
    }
)
SCHEMAS = {
    "Question": QUESTION,
    "QuestionRoute": ROUTE,
    "NewQuestion": NEW_QUESTION,
    "AcceptAnswer": ACCEPT,
}
FILTERS = [
    ("status", "open, solved, or unanswered (open, nobody answered yet).", STATUSES),
    ("routed", "me: only the questions sent to me.", ("me",)),
    ("tag", "Only the questions with this tag (a skill).", None),
    ("defi", "Only the questions about this défi (its slug).", None),
]
