"""The API's answers keep the promises of its OpenAPI document, formats included,
and the document states the limits the API enforces (what schemathesis checks)."""

from datetime import datetime, timedelta

import jsonschema_rs
import pytest

from app.extensions import db
from app.resources.models import Resource
from tests.api.test_openapi import PREFIX, REF, document
from tests.factories import make_member, make_resource


def violations(spec: dict, schema_name: str, instance) -> list[str]:
    """What breaks the schema, with `format` (date-time, uri) checked too."""
    schema = {"components": spec["components"], "$ref": REF + schema_name}
    validator = jsonschema_rs.validator_for(schema, validate_formats=True)
    return [error.message for error in validator.iter_errors(instance)]


def has_utc_offset(value: str) -> bool:
    return datetime.fromisoformat(value).utcoffset() == timedelta(0)


def test_resource_times_carry_their_utc_offset(api):
    resource = make_resource()
    spec = document(api)
    listed = api.get(f"{PREFIX}/resources").get_json()
    shown = api.get(f"{PREFIX}/resources/{resource.id}").get_json()
    posted = api.post(
        f"{PREFIX}/resources",
        json={"kind": "link", "title": "Guide", "url": "https://exemple.fr/guide"},
    ).get_json()
    for item in (listed["items"][0], shown, posted):
        assert has_utc_offset(item["created_at"]), item["created_at"]
        assert has_utc_offset(item["updated_at"]), item["updated_at"]
    assert violations(spec, "ResourcePage", listed) == []
    assert violations(spec, "Resource", posted) == []


def test_a_shared_address_comes_back_as_a_uri(api):
    response = api.post(
        f"{PREFIX}/resources",
        json={"kind": "link", "title": "Défi", "url": "https://exé.fr/défi?q=<x>"},
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["url"] == "https://xn--ex-cja.fr/d%C3%A9fi?q=%3Cx%3E"
    assert violations(document(api), "Resource", body) == []


def test_a_stored_address_that_is_no_uri_is_shown_as_one(api):
    """Addresses saved before the check (or by the site's forms) are encoded on the
    way out: the document promises `format: uri`."""
    make_member(username="ada", website_url="https://exemple.fr/à propos")
    resource = make_resource()
    resource.url = "https://exemple.fr/données[1]"
    db.session.commit()
    member = api.get(f"{PREFIX}/members/ada").get_json()
    shown = api.get(f"{PREFIX}/resources/{resource.id}").get_json()
    assert member["links"]["website"] == "https://exemple.fr/%C3%A0%20propos"
    assert shown["url"] == "https://exemple.fr/donn%C3%A9es%5B1%5D"
    spec = document(api)
    assert violations(spec, "Member", member) == []
    assert violations(spec, "Resource", shown) == []


def test_an_address_with_a_bad_port_is_refused(api):
    response = api.post(
        f"{PREFIX}/resources",
        json={"kind": "link", "title": "X", "url": "https://exemple.fr:http/"},
    )
    assert response.status_code == 400
    assert "port" in response.get_json()["error"]["message"]
    assert Resource.query.count() == 0


def test_405_keeps_its_allow_header(api, client):
    response = api.delete(f"{PREFIX}/resources")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST"}
    assert response.get_json()["error"]["code"] == "method_not_allowed"
    page = client.put("/auth/login")
    assert page.status_code == 405
    assert "POST" in page.headers["Allow"]
    assert page.mimetype == "text/html"


def parameter(spec: dict, path: str, name: str, method: str = "get") -> dict:
    operation = spec["paths"][path][method]
    return next(p for p in operation["parameters"] if p["name"] == name)


@pytest.mark.parametrize(
    ("path", "name", "keyword", "limit", "too_much"),
    [
        ("/members", "q", "maxLength", 200, "a" * 201),
        ("/defis", "q", "maxLength", 200, "a" * 201),
        ("/resources", "q", "maxLength", 200, "a" * 201),
        ("/search", "q", "maxLength", 500, "a" * 501),
        ("/members", "page", "maximum", 100_000, "100001"),
        ("/search", "page", "maximum", 500, "501"),
        ("/members", "per_page", "maximum", 100, "101"),
        ("/mentoring/suggestions", "topic", "maxLength", 80, "a" * 81),
        ("/mentoring/suggestions", "topic", "minLength", 2, "a"),
    ],
)
def test_the_document_declares_each_limit_the_api_enforces(
    api, path, name, keyword, limit, too_much
):
    declared = parameter(document(api), path, name)["schema"]
    assert declared[keyword] == limit
    response = api.get(f"{PREFIX}{path}", query_string={name: too_much})
    assert response.status_code == 400


def test_required_topic_and_bounded_ids_are_declared(api):
    spec = document(api)
    assert parameter(spec, "/mentoring/suggestions", "topic")["required"] is True
    assert api.get(f"{PREFIX}/mentoring/suggestions").status_code == 400
    ids = [
        ("/resources/{resource_id}", "resource_id", "get"),
        ("/notifications/{notification_id}/read", "notification_id", "post"),
        ("/mentoring/requests/{request_id}/answer", "request_id", "post"),
    ]
    for path, name, method in ids:
        schema = parameter(spec, path, name, method)["schema"]
        assert schema["type"] == "integer" and schema["maximum"] == 2**31 - 1
    assert "url" in spec["components"]["schemas"]["NewResource"]["required"]


def test_every_write_declares_its_429(api):
    spec = document(api)
    writes = [item["post"] for item in spec["paths"].values() if "post" in item]
    assert writes
    for operation in writes:
        assert operation["responses"]["429"] == {
            "$ref": "#/components/responses/TooManyRequests"
        }
