"""Every route, fed the inputs that once gave a 500: each gets a 4xx instead.

The table walks `app.url_map`: API routes with a member's Bearer token, pages
and forms with the member's session cookie and a real CSRF token. In the API a
refusal has the `{"error": {...}}` shape.
"""

import json
import re

import pytest

from app.auth.services import create_api_token
from app.channels import services as channels
from app.extensions import db
from app.mentoring import services as mentoring
from tests.factories import make_defi, make_member, make_resource
from tests.security.conftest import BrowserClient, csrf_token

BIG = "9" * 5000
BAD_NUMBERS = ["²", "٣", BIG, str(2**63), str(2**31), "-1", "1.5"]
# Raw (already encoded) query and form values: NUL, a lone surrogate's UTF-8
# bytes (not valid UTF-8), and the numbers above.
BAD_RAW = ["a%00b", "%ED%A0%80", "%C3"] + [
    v.replace("²", "%C2%B2") for v in BAD_NUMBERS
]
BAD_RAW = [v.replace("٣", "%D9%A3") for v in BAD_RAW]
QUERY_NAMES = ["page", "per_page", "year", "before", "after", "thread", "limit", "q"]
FORM_NAMES = [
    "title", "body", "name", "description", "url", "kind", "tags", "defi", "parent_id",
    "client_id", "username", "email", "password", "current", "display_name",
    "promotion_id", "capacity", "topic", "message", "role", "active", "confirm",
]  # fmt: skip
JSON_NAMES = ["body", "client_id", "parent_id", "mentor", "topic", "message",
              "decision", "kind", "title", "url", "description", "tags"]  # fmt: skip
BAD_JSON_VALUES = ["\ud800", "a\x00b", 2**63, 2**31, -(2**63), BIG, "²", {"a": [1]}]
DEEP_JSON = "[" * 100_000 + "]" * 100_000
BAD_PATH_INTS = ["%C2%B2", "%D9%A3", BIG, str(2**63), str(2**31)]
BAD_PATH_STRINGS = ["a%00b", "%ED%A0%80"]
SKIPPED = {"auth.logout", "static"}  # logout ends the session the table needs


@pytest.fixture
def world(app, tmp_path):
    """A member with a channel, a défi, a resource, a mentoring request: the ids
    and slugs valid paths use."""
    app.config["WTF_CSRF_ENABLED"] = True
    member = make_member(username="testeuse", open_to_mentoring=True)
    mentor = make_member(username="mentor", role="mentor", open_to_mentoring=True)
    room = channels.create_channel(member, name="Salon")
    channels.post_message(member, room, "Bonjour")
    make_defi(slug="defi-cible", team=[(member, "eig")])
    make_resource(author=member)
    mentoring.ask_for_mentoring(member, mentor, topic="Données", message="Aide")
    _, raw = create_api_token(member, "fuzz")
    db.session.commit()
    return {"member": member, "channel": room.slug, "token": raw}


ARGUMENT = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def _valid(rule, world) -> dict[str, str]:
    """A valid value for each argument of the rule: the world's ids and slugs."""
    on_channel = rule.rule.startswith(("/channels", "/api/v1/channels"))
    known = {"slug": world["channel"] if on_channel else "defi-cible"}
    known["username"] = "testeuse"
    return {
        name: "1" if converter == "int" else known.get(name, "x")
        for converter, name in ARGUMENT.findall(rule.rule)
    }


def _bad_paths(rule, world) -> list[str]:
    """The rule's path with each bad value in each place of an argument."""
    valid, paths = _valid(rule, world), []
    for converter, name in ARGUMENT.findall(rule.rule):
        bad = BAD_PATH_INTS if converter == "int" else BAD_PATH_STRINGS
        paths += [_build(rule.rule, valid | {name: value}) for value in bad]
    return paths


def _build(pattern: str, values: dict[str, str]) -> str:
    return ARGUMENT.sub(lambda match: values[match.group(2)], pattern)


def _rules(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in SKIPPED:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def assert_handled(response, path: str) -> None:
    response.close()  # a download holds its file open until then
    where = f"{response.request.method} {path} -> {response.status_code}"
    assert response.status_code < 500, where
    if path.startswith("/api/") and response.status_code >= 400:
        body = response.get_json(silent=True) or {}
        assert set(body) == {"error"}, where
        assert {"code", "message"} <= set(body["error"]), where


def test_every_route_answers_bad_inputs_with_a_4xx(app, world):
    api = app.test_client(use_cookies=False)
    api.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {world['token']}"
    browser = BrowserClient(app, app.response_class)
    assert browser.login(world["member"]).status_code == 302
    token = csrf_token(browser, "/channels/")
    checked = 0
    for rule, method in _rules(app):
        client = api if rule.rule.startswith("/api/") else browser
        path = _build(rule.rule, _valid(rule, world))
        for response in _requests(client, method, path, token):
            assert_handled(response, path)
            checked += 1
        for path in _bad_paths(rule, world):
            response = client.open(path, method=method, headers={"X-CSRFToken": token})
            assert_handled(response, path)
            assert response.status_code in (302, 400, 403, 404), path
            checked += 1
    assert browser.is_logged_in(), "the table's session ended early"
    assert checked > 2000


def _requests(client, method: str, path: str, token: str):
    headers = {"X-CSRFToken": token}
    if method == "GET":
        for name in QUERY_NAMES:
            for value in BAD_RAW:
                yield client.get(f"{path}?{name}={value}")
        return
    send = getattr(client, method.lower())
    if path.startswith("/api/"):
        yield from _json_requests(send, path, headers)
        return
    for value in BAD_RAW:
        form = "&".join(f"{name}={value}" for name in FORM_NAMES)
        yield send(
            path,
            data=f"csrf_token={token}&{form}",
            content_type="application/x-www-form-urlencoded",
            headers=headers,
        )


def _json_requests(send, path: str, headers: dict):
    def post_json(text: str):
        return send(path, data=text, content_type="application/json", headers=headers)

    for value in BAD_JSON_VALUES:
        yield post_json(json.dumps(dict.fromkeys(JSON_NAMES, value)))
        for name in JSON_NAMES[:3]:
            yield post_json(json.dumps({name: value}))
    yield post_json(DEEP_JSON)
    yield post_json(json.dumps({"author": 1, "upload": "x", "title": "t"}))
    yield post_json('{"body": "a", "body\\u0000": 1}')
