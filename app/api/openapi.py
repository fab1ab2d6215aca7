"""GET /api/v1/openapi.json: the OpenAPI 3.1 description of the API."""

from app.api import bp, openapi_mentoring, openapi_questions, openapi_resources
from app.api.paging import MAX_PER_PAGE
from app.channels.models import KINDS as CHANNEL_KINDS
from app.channels.services import HISTORY_LIMIT, MAX_BODY, MAX_LIMIT, MAX_NAME
from app.listing import MAX_PAGE
from app.search.services import MAX_PAGE as MAX_SEARCH_PAGE
from app.search.services import MAX_QUERY_LENGTH

REF = "#/components/schemas/"
STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
STRINGS = {"type": "array", "items": STRING}
TEAM_ROLE = {"type": "string", "enum": ["eig", "mentor"]}
# The members, défis and resources lists refuse a longer ?q= (400).
LIST_QUERY = {"type": "string", "maxLength": 200}
# Ids are 32-bit on PostgreSQL: a larger one names nothing.
MAX_ID = 2**31 - 1
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}


def _object(properties: dict, description: str = "") -> dict:
    """An object schema whose properties are all present in every answer."""
    schema = {"type": "object", "required": list(properties), "properties": properties}
    return schema | ({"description": description} if description else {})


def _ref(name: str) -> dict:
    return {"$ref": REF + name}


def _array(items: dict) -> dict:
    return {"type": "array", "items": items}


PROMOTION = _object({"slug": STRING, "label": STRING, "year": {"type": "integer"}})
LINK = {**NULLABLE_STRING, "format": "uri"}
MEMBER_LINKS = ("github", "gitlab", "linkedin", "website")
MEMBER = _object(
    {
        "username": STRING,
        "display_name": STRING,
        "role": {"type": "string", "enum": ["eig", "alumni", "mentor", "staff"]},
        "headline": STRING,
        "city": {
            **NULLABLE_STRING,
            "description": "Null when the member shows it to staff only.",
        },
        "email": {
            **NULLABLE_STRING,
            "description": "Null unless the member shows it to every member "
            "(staff, and the member themself, always see it).",
        },
        "bio": {"type": "string", "description": "Markdown, as written."},
        "bio_html": {"type": "string", "description": "The bio as sanitised HTML."},
        "skills": STRINGS,
        "promotions": _array(_ref("Promotion")),
        "defis": _array(_object({"slug": STRING, "title": STRING, "role": TEAM_ROLE})),
        "links": _object({name: LINK for name in MEMBER_LINKS}),
        "open_to_mentoring": {"type": "boolean"},
        "url": {"type": "string", "description": "Path of the profile page."},
    },
    "A member's profile, as the asker may see it (visibility settings).",
)
DEFI_SUMMARY = _object(
    {
        "slug": STRING,
        "title": STRING,
        "tagline": STRING,
        "description": {**NULLABLE_STRING, "description": "Markdown."},
        "programme": {"type": "string", "examples": ["EIG", "DIG"]},
        "promotion": _ref("Promotion"),
        "year": {"type": "integer"},
        "administration": _object(
            {"slug": STRING, "name": STRING, "website": NULLABLE_STRING}
        ),
        "establishment": NULLABLE_STRING,
        "location": STRING,
        "themes": STRINGS,
        "expertises": STRINGS,
        "duration_months": {"type": ["integer", "null"]},
        "is_startup_etat": {"type": "boolean"},
        "links": {
            "type": "object",
            "description": "Named links: page, website, source_code…",
            "additionalProperties": NULLABLE_STRING,
        },
        "repositories": STRINGS,
        "key_figures": _array({"type": "object"}),
        "realisations": _array({"type": "object"}),
        "url": {"type": "string", "description": "Path of the défi page."},
    },
    "A défi as listed: everything but its team.",
)
TEAM_MEMBER = _object({"username": STRING, "display_name": STRING, "role": TEAM_ROLE})
DEFI = {
    "description": "A défi with its team of active members, EIG first.",
    "allOf": [_ref("DefiSummary"), _object({"team": _array(_ref("TeamMember"))})],
}
KIND = {"type": "string", "enum": ["member", "defi", "resource", "message"]}
SEARCH_HIT = _object(
    {
        "type": KIND,
        "id": {"type": "integer"},
        "title": STRING,
        "url": {"type": "string", "description": "Path of the item's page."},
        "snippet": {
            "type": "string",
            "description": "Escaped HTML; matched words are inside <mark>…</mark>.",
        },
        "score": {"type": "number", "description": "Relevance; higher is better."},
    }
)
COUNTS = {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}}
SEARCH_RESULTS = _object(
    {
        "query": STRING,
        "total": {
            "type": "integer",
            "minimum": 0,
            "description": "Matches over all pages (may be an estimate).",
        },
        "exact": {
            "type": "boolean",
            "description": "False when `total` is an estimate (say « environ »).",
        },
        "results": _array(_ref("SearchHit")),
        "facets": {
            "type": "object",
            "description": "Counts per value of kind, promotion, skill and tag.",
            "additionalProperties": COUNTS,
        },
    }
)
DATE_TIME = {"type": "string", "format": "date-time"}
SUGGESTION = _object({"type": KIND, "title": STRING, "url": STRING}) | {
    "description": "A message's title is the start of its text; it also has "
    "`author` (who wrote it, and in which channel) and `created_at`.",
}
SUGGESTION["properties"] |= {"author": STRING, "created_at": DATE_TIME}
NULLABLE_DATE_TIME = {"type": ["string", "null"], "format": "date-time"}
UNREAD = {
    "type": "integer",
    "minimum": 0,
    "description": "Messages of others after the last one the member read.",
}
CHANNEL = _object(
    {
        "slug": STRING,
        "name": STRING,
        "kind": {
            "type": "string",
            "enum": list(CHANNEL_KINDS),
            "description": "defi and topic channels are open to every member; "
            "private and direct ones to their members only.",
        },
        "description": STRING,
        "archived": {
            "type": "boolean",
            "description": "Read-only: its messages can be read, not written.",
        },
        "url": {"type": "string", "description": "Path of the channel page."},
    },
    "A discussion channel.",
)
CHANNEL["properties"]["unread"] = UNREAD  # only in the member's own channels
CHANNEL_LIST = _object(
    {
        "channels": _array({"allOf": [_ref("Channel"), _object({"unread": UNREAD})]}),
        "open": _array(_ref("Channel")),
    },
    "The member's channels (archived last, then by kind and name) with their "
    "unread counts; then the open channels they have not joined (at most 200).",
)
MESSAGE = _object(
    {
        "id": {
            "type": "integer",
            "description": "Only grows: after=<id> catches up in order. Messages "
            "imported from Slack have ids below zero, before any live message.",
        },
        "channel": {"type": "string", "description": "Slug of its channel."},
        "author": {
            "description": "Null when the author is no longer an active member.",
            "oneOf": [
                _object({"username": STRING, "display_name": STRING}),
                {"type": "null"},
            ],
        },
        "imported_author": {
            **NULLABLE_STRING,
            "description": "For a message imported from Slack whose author is "
            "not a member: the name they had there.",
        },
        "body": {
            "type": "string",
            "description": "Markdown, as written; empty once deleted.",
        },
        "html": {
            "type": "string",
            "description": "Sanitised HTML, @mentions linked; empty once deleted.",
        },
        "client_id": {
            **NULLABLE_STRING,
            "description": "The sender's own id for it, if given.",
        },
        "created_at": DATE_TIME,
        "edited_at": NULLABLE_DATE_TIME,
        "deleted": {"type": "boolean"},
        "parent_id": {
            "type": ["integer", "null"],
            "description": "The thread's first message, for a reply.",
        },
        "parent": {
            "oneOf": [
                {"type": "null"},
                _object(
                    {
                        "id": {"type": "integer"},
                        "author": {
                            "oneOf": [
                                _object({"username": STRING, "display_name": STRING}),
                                {"type": "null"},
                            ]
                        },
                        "imported_author": NULLABLE_STRING,
                        "excerpt": STRING,
                    },
                    "The message replied to: who wrote it and how it began.",
                ),
            ]
        },
        "reactions": _array(
            _object(
                {
                    "emoji": STRING,
                    "count": {"type": "integer", "minimum": 1},
                    "members": _array(STRING),
                },
                "One emoji, with the usernames who chose it.",
            )
        ),
    },
    "A message; a deleted one keeps only its place.",
)
MESSAGE_LIST = _object(
    {
        "channel": _ref("Channel"),
        "messages": {
            **_array(_ref("Message")),
            "description": "In id order (oldest first).",
        },
    }
)
NEW_MESSAGE = {
    "type": "object",
    "required": ["body"],
    "properties": {
        "body": {
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_BODY,
            "description": "Markdown, not only spaces; stored without the spaces "
            "around it.",
        },
        "client_id": {
            "type": ["string", "null"],
            "maxLength": 64,
            "description": "Chosen by the client: the same client_id sent again "
            "by the same member is stored once, and the stored message comes back.",
        },
        "parent_id": {
            "type": ["integer", "null"],
            "minimum": -MAX_ID,
            "maximum": MAX_ID,
            "description": "Reply in the thread of this message (of the same "
            "channel); a reply to a reply joins the same thread.",
        },
    },
}
NEW_CHANNEL = {
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {
            "type": "string",
            "minLength": 1,
            "maxLength": MAX_NAME,
            "description": "Not only spaces; runs of spaces become one.",
        },
        "description": {"type": "string", "maxLength": 300},
        "private": {
            "type": "boolean",
            "default": False,
            "description": "True: only the members invited can find and read it.",
        },
    },
}
DIRECT_REQUEST = {
    "type": "object",
    "required": ["usernames"],
    "properties": {
        "usernames": {
            **_array({"type": "string", "minLength": 1, "maxLength": 40}),
            "minItems": 1,
            "maxItems": 8,
            "description": "The other members (one's own username may be there).",
        }
    },
}
ERROR = _object(
    {
        "error": _object(
            {
                "code": {"type": "string", "examples": ["not_found", "invalid"]},
                "message": {"type": "string", "description": "In French."},
            }
        )
    }
)


def _page_of(item: str) -> dict:
    """The list envelope around items of one schema."""
    count = {"type": "integer", "minimum": 0}
    return _object(
        {
            "items": _array(_ref(item)),
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
            "total": count,
            "pages": count,
        }
    )


def _query(name: str, description: str, schema: dict | None = None) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema or STRING,
    }


YEAR = {"type": "integer", "minimum": 2000, "maximum": 2100}
PER_PAGE = _query(
    "per_page",
    f"Items per page, at most {MAX_PER_PAGE}.",
    {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE},
)


def _paging(last_page: int) -> list[dict]:
    page = {"type": "integer", "minimum": 1, "maximum": last_page}
    return [_query("page", f"Page number, from 1 to {last_page}.", page), PER_PAGE]


PAGING = _paging(MAX_PAGE)
MEMBER_PARAMS = [
    _query("q", "Words found in the name, headline, city or skills.", LIST_QUERY),
    _query("role", "Member role.", MEMBER["properties"]["role"]),
    _query("promotion", "Promotion slug, e.g. promotion-3."),
    _query("year", "Year of one of the member's promotions.", YEAR),
    _query("skill", "A skill name (case and accents ignored)."),
    _query("defi", "Slug of a défi the member worked on."),
    _query("administration", "Slug of an administration hosting their défi."),
    _query("mentoring", "1 or true: only members open to mentoring."),
    *PAGING,
]
DEFI_PARAMS = [
    _query("q", "Words found in the title, tagline, place or tags.", LIST_QUERY),
    _query("year", "Year of the promotion.", YEAR),
    _query("promotion", "Promotion slug, e.g. promotion-3."),
    _query("theme", "A theme name (case and accents ignored)."),
    _query("administration", "Administration slug."),
    _query("expertise", "An expertise name (case and accents ignored)."),
    *PAGING,
]

SEARCH_PARAMS = [
    _query(
        "q",
        f'Words to find ({MAX_QUERY_LENGTH} characters at most); "a phrase", '
        "-excluded.",
        {"type": "string", "maxLength": MAX_QUERY_LENGTH},
    ),
    _query("type", "Only this kind of result.", KIND),
    _query("promotion", "Year of a promotion, e.g. 2019."),
    _query("skill", "A skill or expertise name."),
    _query("tag", "A theme or resource tag."),
    _query("role", "Member role.", MEMBER["properties"]["role"]),
    _query("resource_kind", "Kind of resource.", openapi_resources.KIND),
    *_paging(MAX_SEARCH_PAGE),
]
RESOURCE_PARAMS = [
    *(_query(*param) for param in openapi_resources.RESOURCE_PARAMS),
    *PAGING,
]
# Messages imported from Slack have ids below zero (see app/slack/importer.py).
MESSAGE_ID = {"type": "integer", "minimum": -MAX_ID, "maximum": MAX_ID}
MESSAGE_PARAMS = [
    _query(
        "after",
        "Only the messages after this id, oldest first (to catch up); "
        "before is then ignored.",
        MESSAGE_ID,
    ),
    _query("before", "The latest messages before this id (older history).", MESSAGE_ID),
    _query(
        "limit",
        f"At most this many messages (default {HISTORY_LIMIT}).",
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
    ),
    _query("thread", "Only this message and the replies of its thread.", MESSAGE_ID),
]
CSRF_HEADER = {
    "name": "X-CSRFToken",
    "in": "header",
    "required": False,
    "description": "Required with the session cookie (the page's CSRF token); "
    "not with a Bearer token.",
    "schema": STRING,
}


def _error(description: str) -> dict:
    content = {"application/json": {"schema": _ref("Error")}}
    return {"description": description, "content": content}


def _ok(description: str, schema: dict) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": schema}},
    }


RESPONSES = {
    "400": "BadRequest",
    "401": "Unauthorized",
    "403": "Forbidden",
    "404": "NotFound",
    "429": "TooManyRequests",
}


def _operation(summary: str, ok: dict, parameters, errors) -> dict:
    """Its success and error responses; the errors refer to the shared ones."""
    responses = ok | {
        code: {"$ref": f"#/components/responses/{RESPONSES[code]}"} for code in errors
    }
    operation = {"summary": summary, "responses": responses}
    if parameters:
        operation["parameters"] = list(parameters)
    return operation


def _get(summary: str, ok: dict, parameters=(), errors=("401",)) -> dict:
    """One GET operation, answering 200."""
    return {"get": _operation(summary, {"200": ok}, parameters, errors)}


def _post(
    summary: str, body: dict, created: dict, parameters=(), errors=("401",)
) -> dict:
    """One POST operation with a JSON body, answering 201 (429: too many writes)."""
    operation = _operation(summary, {"201": created}, parameters, (*errors, "429"))
    operation["requestBody"] = {
        "required": True,
        "content": {"application/json": {"schema": body}},
    }
    return {"post": operation}


def _path_param(name: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": schema or STRING}


def _resource_paths() -> dict:
    share = _post(
        "Share a resource: a url, an uploaded file, or both",
        {},
        _ok("The resource shared.", _ref("Resource")),
        [CSRF_HEADER],
        ("400", "401"),
    )
    share["post"]["requestBody"] = openapi_resources.request_body()
    return {
        "/resources": _get(
            "List the resources the member may see",
            _ok("A page of resources.", _ref("ResourcePage")),
            RESOURCE_PARAMS,
            ("400", "401"),
        )
        | share,
        "/resources/{resource_id}": _get(
            "One resource",
            _ok("The resource.", _ref("Resource")),
            [_path_param("resource_id", ID)],
            ("401", "404"),
        ),
    }


def _answering_200(post: dict, body: bool = True) -> dict:
    """A POST that answers 200 (no creation); without a body if `body` is False."""
    operation = post["post"]
    operation["responses"]["200"] = operation["responses"].pop("201")
    if not body:
        del operation["requestBody"]
    return post


def _channel_paths() -> dict:
    slug = _path_param("slug")
    direct = _post(
        "Open the direct conversation with these members, created the first time",
        _ref("DirectRequest"),
        _ok("The conversation, just created.", _ref("Channel")),
        [CSRF_HEADER],
        ("400", "401", "404"),
    )
    direct["post"]["responses"]["200"] = _ok(
        "The conversation, which already existed.", _ref("Channel")
    )
    membership = {"type": "object"}
    return {
        "/channels": _get(
            "The member's channels with unread counts, then the open ones",
            _ok("The channels.", _ref("ChannelList")),
            errors=("400", "401"),
        )
        | _post(
            "Create a topic channel, or a private one; its creator joins it",
            _ref("NewChannel"),
            _ok("The channel created.", _ref("Channel")),
            [CSRF_HEADER],
            ("400", "401"),
        ),
        "/channels/direct": direct,
        "/channels/{slug}/join": _answering_200(
            _post(
                "Join an open channel (nothing changes if already in it)",
                membership,
                _ok("The channel joined.", _ref("Channel")),
                [slug, CSRF_HEADER],
                ("400", "401", "403", "404"),
            ),
            body=False,
        ),
        "/channels/{slug}/leave": _answering_200(
            _post(
                "Leave a channel (nothing changes if not in it)",
                membership,
                _ok("The channel left.", _ref("Channel")),
                [slug, CSRF_HEADER],
                ("400", "401", "404"),
            ),
            body=False,
        ),
    }


def _paths() -> dict:
    """Every route of the API, one entry each."""
    return {
        "/members": _get(
            "List active members",
            _ok("A page of members.", _ref("MemberPage")),
            MEMBER_PARAMS,
            ("400", "401"),
        ),
        "/members/{username}": _get(
            "One active member",
            _ok("The member.", _ref("Member")),
            [_path_param("username")],
            ("401", "404"),
        ),
        "/defis": _get(
            "List défis, newest promotion first",
            _ok("A page of défis.", _ref("DefiPage")),
            DEFI_PARAMS,
            ("400", "401"),
        ),
        "/defis/{slug}": _get(
            "One défi with its team",
            _ok("The défi.", _ref("Defi")),
            [_path_param("slug")],
            ("401", "404"),
        ),
        "/search": _get(
            "Search members, défis, resources and messages",
            _ok("A page of results, best first.", _ref("SearchResults")),
            SEARCH_PARAMS,
            ("400", "401"),
        ),
        "/search/suggest": _get(
            "Titles suggested as the member types (at most 8)",
            _ok("Suggestions, best first.", _array(_ref("Suggestion"))),
            [_query("q", "What the member has typed so far.")],
            ("400", "401"),
        ),
        **_channel_paths(),
        "/channels/{slug}/messages": _get(
            "Messages of a channel, in id order",
            _ok("The channel and its messages.", _ref("MessageList")),
            [_path_param("slug"), *MESSAGE_PARAMS],
            ("400", "401", "404"),
        )
        | _post(
            "Post a message (a retried client_id is stored once)",
            _ref("NewMessage"),
            _ok("The message stored (or stored before).", _ref("Message")),
            [_path_param("slug"), CSRF_HEADER],
            ("400", "401", "403", "404"),
        ),
        **_resource_paths(),
        **_question_paths(),
        "/openapi.json": _get(
            "This document", _ok("The OpenAPI document.", {"type": "object"})
        ),
    } | openapi_mentoring.paths(
        _get, _post, _ok, _ref, _path_param, _query, CSRF_HEADER
    )


def _question_paths() -> dict:
    question_id = _path_param("question_id", ID)
    answer = {"200": _ok("The question.", _ref("Question"))}
    accept = _operation(
        "The asker (or staff) accepts an answer, or undoes it",
        answer,
        [question_id, CSRF_HEADER],
        ("400", "401", "403", "404", "429"),
    )
    accept["requestBody"] = {
        "required": True,
        "content": {"application/json": {"schema": _ref("AcceptAnswer")}},
    }
    passing = _operation(
        "A member the question was sent to passes on it",
        answer,
        [question_id, CSRF_HEADER],
        ("400", "401", "404", "429"),
    )
    filters = [
        _query(name, text, {"type": "string", "enum": list(values)} if values else None)
        for name, text, values in openapi_questions.FILTERS
    ]
    return {
        "/questions": _get(
            "Questions of the channels one may read, newest first",
            _ok("One page of questions.", _ref("QuestionPage")),
            [*filters, *PAGING],
            ("400", "401"),
        )
        | _post(
            "Ask a question: posted in its channel, sent to up to three "
            "members who know",
            _ref("NewQuestion"),
            _ok("The question.", _ref("Question")),
            [CSRF_HEADER],
            ("400", "401", "403", "404"),
        ),
        "/questions/{question_id}": _get(
            "One question", answer["200"], [question_id], ("401", "404")
        ),
        "/questions/{question_id}/accept": {"post": accept},
        "/questions/{question_id}/pass": {"post": passing},
    }


def _components() -> dict:
    return {
        "schemas": {
            "Promotion": PROMOTION,
            "Member": MEMBER,
            "MemberPage": _page_of("Member"),
            "DefiSummary": DEFI_SUMMARY,
            "TeamMember": TEAM_MEMBER,
            "Defi": DEFI,
            "DefiPage": _page_of("DefiSummary"),
            "SearchHit": SEARCH_HIT,
            "SearchResults": SEARCH_RESULTS,
            "Suggestion": SUGGESTION,
            "Channel": CHANNEL,
            "ChannelList": CHANNEL_LIST,
            "Message": MESSAGE,
            "MessageList": MESSAGE_LIST,
            "NewMessage": NEW_MESSAGE,
            "NewChannel": NEW_CHANNEL,
            "DirectRequest": DIRECT_REQUEST,
            **openapi_resources.SCHEMAS,
            "ResourcePage": _page_of("Resource"),
            "Error": ERROR,
            **openapi_mentoring.SCHEMAS,
            **openapi_questions.SCHEMAS,
            "QuestionPage": _page_of("Question"),
        },
        "responses": {
            "BadRequest": _error(
                "A parameter or the body is invalid, a parameter is unknown, "
                "messages are sent too fast, or (with the session cookie) "
                "the X-CSRFToken header is missing."
            ),
            "Unauthorized": _error("No session, or a missing or revoked token."),
            "Forbidden": _error(
                "Not allowed: the channel is archived (read-only), or private "
                "(joined by invitation only); only a question's asker and the "
                "staff accept its answer."
            ),
            "TooManyRequests": _error(
                "Too many writes by this member (API_WRITE_RATE_LIMIT, 60 a "
                "minute by default): wait for the Retry-After seconds."
            ),
            "NotFound": _error(
                "No such member, défi, channel or resource (a private channel "
                "is not found by those outside it, nor a hidden resource by "
                "others than its author and staff)."
            ),
        },
        "securitySchemes": {
            "bearerAuth": {
                "type": "http",
                "scheme": "bearer",
                "description": "A personal API token (eig_…).",
            },
            "sessionCookie": {"type": "apiKey", "in": "cookie", "name": "session"},
        },
    }


def openapi_document() -> dict:
    """The OpenAPI 3.1 document of the members, défis, search and channels API."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "EIG Link API",
            "version": "1.0.0",
            "description": "Read access to the members, défis and search; "
            "channels to read and write in; resources to list and share.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}, {"sessionCookie": []}],
        "paths": _paths(),
        "components": _components(),
    }


@bp.get("/openapi.json")
def openapi_json():
    """The OpenAPI document, for tools and client generators."""
    return openapi_document()
