"""GET|POST /api/v1/resources and GET /api/v1/resources/<id>."""

import io

import pytest

from app.resources import services
from app.resources.models import Resource
from tests.api.test_openapi import check_against, document
from tests.factories import make_defi, make_member, make_resource
from tests.resources import files
from tests.security.conftest import BrowserClient, csrf_token

URL = "/api/v1/resources"


@pytest.fixture(autouse=True)
def upload_folder(app, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    return tmp_path / "uploads"


def stored(folder) -> list:
    return list(folder.iterdir()) if folder.exists() else []


def assert_error(response, status: int, code: str, message: str = "") -> None:
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] == code and message in error["message"]


def test_anonymous_visitor_gets_401(client):
    resource = make_resource()
    for path in (URL, f"{URL}/{resource.id}"):
        assert_error(client.get(path), 401, "unauthorized")
    assert_error(client.post(URL, json={}), 401, "unauthorized")


def test_list_filters_sorts_and_pages(api):
    make_defi(slug="open-justice")
    make_resource(title="Pseudonymiseur", tags=["NLP"], defi="open-justice")
    guide = make_resource(title="Guide RGAA", kind="guide", licence="etalab-2.0")
    services.set_bookmark(make_member(), guide, True)
    body = api.get(URL + "?per_page=1").get_json()
    assert (body["total"], body["pages"], len(body["items"])) == (2, 2, 1)
    assert body["items"][0]["title"] == "Guide RGAA"

    def titles(query: str) -> list[str]:
        return [item["title"] for item in api.get(URL + query).get_json()["items"]]

    assert titles("?tag=nlp") == ["Pseudonymiseur"]
    assert titles("?defi=open-justice") == ["Pseudonymiseur"]
    assert titles("?kind=guide&licence=etalab-2.0") == ["Guide RGAA"]
    assert titles("?sort=bookmarks")[0] == "Guide RGAA"


@pytest.mark.parametrize(
    ("query", "message"),
    [("?kind=virus", "Type"), ("?couleur=rouge", "Paramètre inconnu"), ("?page=0", "")],
)
def test_bad_query_is_a_400_in_the_error_format(api, query, message):
    assert_error(api.get(URL + query), 400, "invalid", message)


def test_post_json_shares_a_resource(api, reader):
    make_defi(slug="open-justice", title="Open Justice")
    response = api.post(
        URL,
        json={
            "kind": "code",
            "title": "Pseudonymiseur",
            "url": "https://github.com/etalab/pseudo",
            "description": "**Rapide**",
            "tags": ["NLP", "Justice"],
            "licence": "etalab-2.0",
            "defi": "open-justice",
        },
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["author"] == {"username": "lectrice", "display_name": "Lectrice Api"}
    assert body["repository"] == {
        "forge": "GitHub",
        "owner": "etalab",
        "name": "pseudo",
    }
    assert body["defi"] == {"slug": "open-justice", "title": "Open Justice"}
    assert body["description_html"] == "<p><strong>Rapide</strong></p>\n"
    assert body["tags"] == ["Justice", "NLP"] and body["file"] is None
    assert api.get(f"{URL}/{body['id']}").get_json() == body


def test_post_multipart_uploads_a_file(api, upload_folder):
    response = api.post(
        URL,
        data={
            "kind": "dataset",
            "title": "Populations",
            "tags": "Open data, INSEE",
            "file": (io.BytesIO(files.CSV), "population.csv"),
        },
    )
    assert response.status_code == 201
    file = response.get_json()["file"]
    assert file["name"] == "population.csv" and file["type"] == "text/csv"
    assert file["size"] == len(files.CSV) and file["url"].endswith("/file")
    assert len(stored(upload_folder)) == 1
    assert "uploads" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"kind": "link", "title": "X", "url": "javascript:alert(1)"}, "Adresse"),
        ({"kind": "link", "title": "X", "url": 12}, "texte"),
        ({"kind": "link", "title": "X"}, "adresse"),
        ({"kind": "link", "title": "X", "url": "https://a.fr", "id": 1}, "inconnus"),
        ({"kind": "link", "title": "X", "url": "https://a.fr", "author": 1}, "author"),
        ({"kind": "link", "title": "X", "url": "https://a.fr", "upload": 1}, "upload"),
        (["pas", "un", "objet"], "JSON"),
    ],
)
def test_bad_json_is_refused_and_nothing_stored(api, payload, message):
    assert_error(api.post(URL, json=payload), 400, "invalid", message)
    assert Resource.query.count() == 0


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("rapport.pdf", files.EXE, "exécutable"),
        ("../../wsgi.py.pdf", files.PDF, "sans chemin"),
        ("image.png", files.SVG, "type accepté"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_stored(
    api, upload_folder, name, data, message
):
    response = api.post(
        URL, data={"kind": "file", "title": "X", "file": (io.BytesIO(data), name)}
    )
    assert_error(response, 400, "invalid", message)
    assert Resource.query.count() == 0 and stored(upload_folder) == []


def test_upload_over_the_request_limit_is_a_413(app, api, upload_folder):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    big = files.PDF + b"0" * (64 * 1024)
    response = api.post(
        URL, data={"kind": "file", "title": "X", "file": (io.BytesIO(big), "a.pdf")}
    )
    assert_error(response, 413, "too_large")
    assert Resource.query.count() == 0 and stored(upload_folder) == []


def test_hidden_resource_is_not_found_by_others(api):
    resource = make_resource()
    services.set_hidden(make_member(role="staff"), resource, True)
    assert_error(api.get(f"{URL}/{resource.id}"), 404, "not_found")
    assert api.get(URL).get_json()["total"] == 0


@pytest.fixture
def cookie_browser(secure_app, reader):
    secure_app.test_client_class = BrowserClient
    browser = secure_app.test_client()
    assert browser.login(reader).status_code == 302
    return browser


def test_cookie_session_post_needs_the_csrf_header(cookie_browser):
    payload = {"kind": "link", "title": "Lien", "url": "https://example.org"}
    assert_error(cookie_browser.post(URL, json=payload), 400, "bad_request")
    assert Resource.query.count() == 0
    token = csrf_token(cookie_browser, "/resources/")
    response = cookie_browser.post(URL, json=payload, headers={"X-CSRFToken": token})
    assert response.status_code == 201


def test_bearer_token_posts_without_csrf_token(secure_app, api):
    payload = {"kind": "link", "title": "Lien", "url": "https://example.org"}
    assert api.post(URL, json=payload).status_code == 201


def test_answers_match_the_openapi_schemas(api):
    make_defi(slug="lab")
    make_resource(defi="lab", tags=["NLP"])
    api.post(
        URL,
        data={"kind": "file", "title": "F", "file": (io.BytesIO(files.PDF), "f.pdf")},
    )
    spec = document(api)
    page = api.get(URL).get_json()
    check_against(spec, "ResourcePage", page)
    for item in page["items"]:
        check_against(spec, "Resource", api.get(f"{URL}/{item['id']}").get_json())
    check_against(spec, "Error", api.get(URL + "?kind=virus").get_json())
