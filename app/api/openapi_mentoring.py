"""The OpenAPI pieces of the notifications and mentoring routes."""

from app.mentoring.models import STATUSES
from app.notifications.models import KINDS as NOTIFICATION_KINDS

STRING = {"type": "string"}
TIME = {"type": "string", "format": "date-time"}
INTEGER = {"type": "integer"}
ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}  # as in openapi.py
TOPIC = {**STRING, "minLength": 2, "maxLength": 80}


def _object(properties: dict, required=None) -> dict:
    return {
        "type": "object",
        "required": list(required if required is not None else properties),
        "properties": properties,
    }


def _array(items: dict) -> dict:
    return {"type": "array", "items": items}


NOTIFICATION = _object(
    {
        "id": INTEGER,
        "kind": {"type": "string", "enum": list(NOTIFICATION_KINDS)},
        "text": {
            **STRING,
            "description": "Written when asked, in the reader's language.",
        },
        "url": {**STRING, "description": "A path inside the site."},
        "created_at": TIME,
        "read": {"type": "boolean"},
        "count": {
            **INTEGER,
            "minimum": 1,
            "description": "How many events a grouped notification gathers "
            "(messages of one person, reactions to one message).",
        },
        "actor": {
            "type": ["string", "null"],
            "description": "The username of who did it, if anyone.",
        },
    }
)
MENTORING_REQUEST = _object(
    {
        "id": INTEGER,
        "asker": STRING,
        "mentor": STRING,
        "topic": STRING,
        "message": STRING,
        "status": {"type": "string", "enum": list(STATUSES)},
        "answer": STRING,
        "created_at": TIME,
        "expires_at": {**TIME, "description": "When a pending request expires."},
    }
)
SCHEMAS = {
    "Notification": NOTIFICATION,
    "NotificationList": _object(
        {
            "unread": INTEGER,
            "notifications": _array({"$ref": "#/components/schemas/Notification"}),
        }
    ),
    "MentoringRequest": MENTORING_REQUEST,
    "MentoringRequests": _object(
        {
            "asked": _array({"$ref": "#/components/schemas/MentoringRequest"}),
            "received": _array({"$ref": "#/components/schemas/MentoringRequest"}),
        }
    ),
    "MentorSuggestions": _object(
        {
            "topic": STRING,
            "suggestions": _array(
                _object(
                    {
                        "mentor": STRING,
                        "display_name": STRING,
                        "score": INTEGER,
                        "reasons": _array(STRING),
                        "free_places": INTEGER,
                    }
                )
            ),
        }
    ),
    "NewMentoringRequest": _object(
        {
            "mentor": STRING,
            "topic": TOPIC,
            "message": {**STRING, "maxLength": 1000},
        },
        required=["mentor", "topic"],
    ),
    "MentoringAnswer": _object(
        {
            "decision": {"type": "string", "enum": ["accept", "decline"]},
            "message": {**STRING, "maxLength": 1000},
        },
        required=["decision"],
    ),
}


def paths(get, post, ok, ref, path_param, query, csrf_header) -> dict:
    """The routes, built with openapi.py's helpers so that they look the same."""
    answer = post(
        "The mentor accepts or declines a pending request",
        ref("MentoringAnswer"),
        ok("The request answered.", ref("MentoringRequest")),
        [path_param("request_id", ID), csrf_header],
        ("400", "401", "403", "404"),
    )
    answer["post"]["responses"]["200"] = answer["post"]["responses"].pop("201")
    read = post(
        "Mark one of one's notifications as read",
        {"type": "object"},
        ok("The notification.", ref("Notification")),
        [path_param("notification_id", ID), csrf_header],
        ("401", "404"),
    )
    read["post"]["responses"]["200"] = read["post"]["responses"].pop("201")
    del read["post"]["requestBody"]
    return {
        "/notifications": get(
            "The member's latest notifications and unread count",
            ok("The notifications, newest first.", ref("NotificationList")),
            errors=("400", "401"),
        ),
        "/notifications/{notification_id}/read": read,
        "/mentoring/suggestions": get(
            "Mentors suggested for a topic, with the reason of each",
            ok("Suggestions, best first.", ref("MentorSuggestions")),
            [
                query("topic", "What the asker needs help on (2 to 80 characters).")
                | {"required": True, "schema": TOPIC}
            ],
            ("400", "401"),
        ),
        "/mentoring/requests": get(
            "The requests one made and received",
            ok("Both lists, newest first.", ref("MentoringRequests")),
            errors=("400", "401"),
        )
        | post(
            "Ask a mentor for help on a topic",
            ref("NewMentoringRequest"),
            ok("The request, pending.", ref("MentoringRequest")),
            [csrf_header],
            ("400", "401", "403", "404"),
        ),
        "/mentoring/requests/{request_id}/answer": answer,
    }
