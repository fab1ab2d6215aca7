"""GET /api/v1/openapi.json: a valid document that matches the routes."""

import re

from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from tests.factories import make_defi, make_member, make_promotion

PREFIX = "/api/v1"
REF = "#/components/schemas/"


def document(api) -> dict:
    response = api.get(f"{PREFIX}/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_document_is_valid_openapi_3_1(api):
    spec = document(api)
    assert spec["openapi"].startswith("3.1")
    validate(spec)


def api_routes(app) -> set[tuple[str, str]]:
    """(OpenAPI path, method) of every /api/v1 route the app serves."""
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX + "/"):
            continue
        path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule[len(PREFIX) :])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((path, method.lower()))
    return routes


def test_document_describes_exactly_the_routes(app, api):
    spec = document(api)
    assert spec["servers"] == [{"url": PREFIX}]
    described = {
        (path, method) for path, item in spec["paths"].items() for method in item
    }
    assert described == api_routes(app)


def test_bearer_scheme_and_error_schema(api):
    spec = document(api)
    schemes = spec["components"]["securitySchemes"]
    assert schemes["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["bearerAuth"]["description"],
    }
    error = spec["components"]["schemas"]["Error"]["properties"]["error"]
    assert set(error["required"]) == {"code", "message"}


def test_member_schema_says_the_email_follows_the_members_choice(api):
    email = document(api)["components"]["schemas"]["Member"]["properties"]["email"]
    assert "null" in email["type"]
    assert "unless the member shows it" in email["description"]


def test_document_needs_authentication(client):
    assert client.get(f"{PREFIX}/openapi.json").status_code == 401


def check_against(spec: dict, schema_name: str, instance) -> None:
    """Validate an answer against one of the document's schemas."""
    schema = {"components": spec["components"], "$ref": REF + schema_name}
    OAS31Validator(schema).validate(instance)


def test_answers_match_their_schemas(api):
    member = make_member(
        username="ada", promotions=[make_promotion()], github_url="https://github.com/a"
    )
    make_defi(slug="lab", team=[(member, "eig")], links={"page": None})
    spec = document(api)
    check_against(spec, "Member", api.get(f"{PREFIX}/members/ada").get_json())
    check_against(spec, "MemberPage", api.get(f"{PREFIX}/members").get_json())
    check_against(spec, "Defi", api.get(f"{PREFIX}/defis/lab").get_json())
    check_against(spec, "DefiPage", api.get(f"{PREFIX}/defis").get_json())
    error = api.get(f"{PREFIX}/defis?year=abc").get_json()
    check_against(spec, "Error", error)
