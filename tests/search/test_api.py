"""GET /api/v1/search and /api/v1/search/suggest."""

import pytest
from openapi_schema_validator import OAS31Validator

from tests.factories import make_defi, make_member, make_promotion

REF = "#/components/schemas/"


def check_against(api, schema_name: str, instance) -> None:
    """Validate an answer against a schema of the API's OpenAPI document."""
    spec = api.get("/api/v1/openapi.json").get_json()
    schema = {"components": spec["components"], "$ref": REF + schema_name}
    OAS31Validator(schema).validate(instance)


def titles(response) -> list[str]:
    return [result["title"] for result in response.get_json()["results"]]


def test_member_with_a_skill_is_found_with_the_documented_shape(api):
    ada = make_member(display_name="Ada Lovelace", skills=["NLP"])
    response = api.get("/api/v1/search?q=nlp")
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"query", "total", "exact", "results", "facets"}
    assert body["exact"] is True
    assert body["query"] == "nlp" and body["total"] == 1
    [result] = body["results"]
    assert set(result) == {"type", "id", "title", "url", "snippet", "score"}
    assert result["type"] == "member" and result["id"] == ada.id
    assert result["title"] == "Ada Lovelace"
    assert result["url"] == f"/members/{ada.username}"
    assert isinstance(result["score"], float) and result["score"] > 0
    assert body["facets"]["kind"] == {"member": 1}
    assert body["facets"]["skill"] == {"NLP": 1}
    check_against(api, "SearchResults", body)


def test_session_login_works_too(client, auth):
    make_member(display_name="Ada Lovelace", skills=["NLP"])
    auth.login(make_member())
    assert titles(client.get("/api/v1/search?q=nlp")) == ["Ada Lovelace"]


def test_type_and_facet_filters(api):
    p2019 = make_promotion(number=3, year=2019)
    make_member(display_name="Paul Pseudo", skills=["Pseudonymisation"])
    make_member(
        display_name="Pia Pseudo", skills=["Pseudonymisation"], promotions=[p2019]
    )
    make_defi(title="Pseudonymisation des décisions", promotion=p2019)
    assert len(titles(api.get("/api/v1/search?q=pseudonymisation"))) == 3
    only_defis = api.get("/api/v1/search?q=pseudonymisation&type=defi").get_json()
    assert [r["title"] for r in only_defis["results"]] == [
        "Pseudonymisation des décisions"
    ]
    assert only_defis["facets"]["kind"] == {"member": 2, "defi": 1}
    in_2019 = api.get("/api/v1/search?q=pseudonymisation&promotion=2019&type=member")
    assert titles(in_2019) == ["Pia Pseudo"]


def test_paging(api):
    for n in range(5):
        make_member(display_name=f"Data Person {n}", skills=["Dataviz"], password=None)
    body = api.get("/api/v1/search?q=dataviz&per_page=2&page=3").get_json()
    assert body["total"] == 5 and len(body["results"]) == 1


def test_empty_query_is_an_empty_answer(api):
    body = api.get("/api/v1/search?q=").get_json()
    assert body["total"] == 0 and body["results"] == []


@pytest.mark.parametrize(
    "query",
    [
        "q=nlp&type=planete",
        "q=nlp&page=0",
        "q=nlp&page=abc",
        "q=nlp&per_page=1000",
        "q=nlp&couleur=bleu",
        "q=" + "a" * 2000,
    ],
)
def test_bad_input_is_a_400_json_error(api, query):
    response = api.get(f"/api/v1/search?{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid" and error["message"]
    check_against(api, "Error", response.get_json())


def test_over_long_query_message_says_why(api):
    response = api.get("/api/v1/search?q=" + "a" * 2000)
    assert "trop longue" in response.get_json()["error"]["message"]


def test_anonymous_gets_401(client):
    for path in ("/api/v1/search?q=nlp", "/api/v1/search/suggest?q=nl"):
        response = client.get(path)
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthorized"


def test_suggest(api):
    nadia = make_member(display_name="Nadia Lambert")
    response = api.get("/api/v1/search/suggest?q=nad")
    assert response.status_code == 200
    assert response.get_json() == [
        {
            "type": "member",
            "title": "Nadia Lambert",
            "url": f"/members/{nadia.username}",
        }
    ]
    check_against(api, "Suggestion", response.get_json()[0])
    assert api.get("/api/v1/search/suggest?q=").get_json() == []
    assert api.get("/api/v1/search/suggest?x=1").status_code == 400
