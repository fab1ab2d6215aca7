"""GET /api/v1/members and /api/v1/members/<username>."""

import pytest

from app.admin.services import set_active
from app.auth.services import create_api_token, revoke_api_token
from tests.factories import make_defi, make_member, make_promotion


def usernames(response) -> list[str]:
    return [item["username"] for item in response.get_json()["items"]]


def test_anonymous_visitor_gets_401_json(client):
    response = client.get("/api/v1/members")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_session_cookie_authenticates(client, auth, reader):
    auth.login(reader)
    response = client.get("/api/v1/members")
    assert response.status_code == 200
    assert usernames(response) == ["lectrice"]


def test_logged_out_session_gets_401(client, auth, reader):
    auth.login(reader)
    auth.logout()
    assert client.get("/api/v1/members").status_code == 401


def test_bearer_token_authenticates(api):
    response = api.get("/api/v1/members/lectrice")
    assert response.status_code == 200
    assert response.get_json()["display_name"] == "Lectrice Api"


@pytest.mark.parametrize("header", ["Bearer eig_nope", "Bearer ", "Basic abc"])
def test_bad_authorization_header_gets_401(app, reader, header):
    client = app.test_client()
    response = client.get("/api/v1/members", headers={"Authorization": header})
    assert response.status_code == 401


def test_revoked_token_is_refused(app, reader):
    token, raw = create_api_token(reader, "old laptop")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.get("/api/v1/members", headers=headers).status_code == 200
    revoke_api_token(reader, token.id)
    response = client.get("/api/v1/members", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthorized"


def test_deactivated_members_token_is_refused(app, reader):
    staff = make_member(role="staff")
    _, raw = create_api_token(reader, "script")
    set_active(staff, reader, False)
    response = app.test_client().get(
        "/api/v1/members", headers={"Authorization": f"Bearer {raw}"}
    )
    assert response.status_code == 401


def test_member_json_has_the_public_profile(api):
    promotion = make_promotion(number=3, year=2019)
    member = make_member(
        username="camille",
        display_name="Camille Durand",
        headline="Data scientist",
        city="Lyon",
        bio="Hello **world** <script>alert(1)</script>",
        github_url="https://github.com/camille",
        open_to_mentoring=True,
        skills=["Python", "Cartographie"],
        promotions=[promotion],
    )
    make_defi(slug="open-justice", title="Open Justice", team=[(member, "eig")])
    body = api.get("/api/v1/members/camille").get_json()
    assert body["role"] == "eig"
    assert body["headline"] == "Data scientist" and body["city"] == "Lyon"
    assert body["skills"] == ["Cartographie", "Python"]
    assert body["promotions"] == [
        {"slug": "promotion-3", "label": "Promotion 3", "year": 2019}
    ]
    assert body["defis"] == [
        {"slug": "open-justice", "title": "Open Justice", "role": "eig"}
    ]
    assert body["links"]["github"] == "https://github.com/camille"
    assert body["links"]["website"] is None
    assert body["open_to_mentoring"] is True
    assert body["url"] == "/members/camille"


def test_bio_html_is_sanitised(api):
    make_member(username="zoe", bio="Hello **world** <script>alert(1)</script>")
    body = api.get("/api/v1/members/zoe").get_json()
    assert body["bio"].startswith("Hello **world**")
    assert "<strong>world</strong>" in body["bio_html"]
    assert "<script>" not in body["bio_html"]


def test_no_secret_is_ever_sent_and_the_email_only_when_shown(api, reader):
    make_member(username="secret", email="secret.person@example.org")
    for path in ("/api/v1/members?q=secret", "/api/v1/members/secret"):
        text = api.get(path).get_data(as_text=True)
        assert "secret.person@" not in text
        for field in ("password", "session_token", "search_text"):
            assert field not in text
    assert reader.session_token not in api.get("/api/v1/members").get_data(True)


def test_email_and_city_follow_the_members_visibility_choice(api, reader):
    make_member(
        username="ouverte",
        email="ouverte@example.org",
        city="Lyon",
        email_visibility="members",
        city_visibility="staff",
    )
    body = api.get("/api/v1/members/ouverte").get_json()
    assert body["email"] == "ouverte@example.org"
    assert body["city"] is None


def test_unknown_member_is_404(api):
    response = api.get("/api/v1/members/personne")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_deactivated_member_is_404_and_not_listed(api):
    staff = make_member(username="staffeur", role="staff")
    gone = make_member(username="partie")
    set_active(staff, gone, False)
    assert api.get("/api/v1/members/partie").status_code == 404
    assert "partie" not in usernames(api.get("/api/v1/members?per_page=100"))


def test_filters_by_role_year_skill_and_mentoring(api):
    p2019 = make_promotion(number=3, year=2019)
    p2020 = make_promotion(number=4, year=2020)
    make_member(username="ada", skills=["Python"], promotions=[p2019])
    make_member(username="bob", role="mentor", open_to_mentoring=True)
    make_member(username="cyd", skills=["Design"], promotions=[p2020])
    assert usernames(api.get("/api/v1/members?role=mentor")) == ["bob"]
    assert usernames(api.get("/api/v1/members?year=2019")) == ["ada"]
    assert usernames(api.get("/api/v1/members?promotion=promotion-4")) == ["cyd"]
    assert usernames(api.get("/api/v1/members?skill=python")) == ["ada"]
    assert usernames(api.get("/api/v1/members?mentoring=1")) == ["bob"]


def test_filters_by_text_defi_and_administration(api):
    ada = make_member(username="ada", display_name="Ada Lovelace")
    bob = make_member(username="bob", display_name="Bob Léger")
    make_defi(slug="lab-ia", team=[(ada, "eig")], administration="Etalab")
    make_defi(slug="data-sante", team=[(bob, "mentor")], administration="DREES")
    assert usernames(api.get("/api/v1/members?q=leger")) == ["bob"]
    assert usernames(api.get("/api/v1/members?defi=lab-ia")) == ["ada"]
    admin_slug = api.get("/api/v1/defis/data-sante").get_json()["administration"]
    query = f"/api/v1/members?administration={admin_slug['slug']}"
    assert usernames(api.get(query)) == ["bob"]


def test_pagination_envelope(api):
    for n in range(5):
        make_member(username=f"page{n}", display_name=f"Page {n}")
    body = api.get("/api/v1/members?q=page&per_page=2&page=3").get_json()
    assert [i["username"] for i in body["items"]] == ["page4"]
    assert (body["page"], body["per_page"], body["total"], body["pages"]) == (
        3,
        2,
        5,
        3,
    )


def test_page_past_the_end_is_empty(api):
    body = api.get("/api/v1/members?page=50").get_json()
    assert body["items"] == [] and body["total"] == 1


@pytest.mark.parametrize(
    "query",
    [
        "role=zzz",
        "year=abc",
        "year=1850",
        "page=0",
        "page=-1",
        "page=x",
        "per_page=0",
        "per_page=1000",
        "per_page=abc",
        "colour=blue",
        "q=" + "x" * 201,
    ],
)
def test_invalid_parameter_is_400_in_french(api, query):
    response = api.get(f"/api/v1/members?{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    assert error["message"]


def test_unknown_parameter_is_named(api):
    response = api.get("/api/v1/members?years=2019")
    assert response.get_json()["error"]["message"] == "Paramètre inconnu : years."
