"""GET /api/v1/defis and /api/v1/defis/<slug>."""

import pytest

from app.admin.services import set_active
from app.defis.seed import seed_defis
from app.defis.services import update_defi
from tests.factories import make_defi, make_member, make_promotion


def slugs_of(body: dict) -> list[str]:
    return [item["slug"] for item in body["items"]]


def slugs(response) -> list[str]:
    return slugs_of(response.get_json())


def test_anonymous_visitor_gets_401(client):
    make_defi(slug="open-justice")
    for path in ("/api/v1/defis", "/api/v1/defis/open-justice"):
        response = client.get(path)
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthorized"


def test_defi_json_has_every_field(api):
    promotion = make_promotion(number=3, year=2019)
    make_defi(
        slug="open-justice",
        title="Open Justice",
        promotion=promotion,
        administration="Ministère de la Justice",
        location="Paris",
        duration_months=10,
        links={"website": "https://example.org"},
        repositories=["https://github.com/example/oj"],
        key_figures=[{"amount": "3", "description": "cours d'appel"}],
    )
    body = api.get("/api/v1/defis/open-justice").get_json()
    assert body["title"] == "Open Justice"
    assert body["description"] == "Un **défi** d'intérêt général."
    assert body["promotion"] == {
        "slug": "promotion-3",
        "label": "Promotion 3",
        "year": 2019,
    }
    assert body["year"] == 2019 and body["programme"] == "EIG"
    assert body["administration"]["name"] == "Ministère de la Justice"
    assert body["administration"]["slug"]
    assert body["links"] == {"website": "https://example.org"}
    assert body["repositories"] == ["https://github.com/example/oj"]
    assert body["key_figures"][0]["amount"] == "3"
    assert body["duration_months"] == 10 and body["is_startup_etat"] is False
    assert body["url"] == "/defis/open-justice"
    assert body["team"] == []


def test_team_lists_active_members_only_without_email(api):
    staff = make_member(role="staff")
    ada = make_member(username="ada", display_name="Ada", email="ada@example.org")
    bob = make_member(username="bob", display_name="Bob")
    gone = make_member(username="gone", display_name="Gone")
    make_defi(slug="lab", team=[(bob, "mentor"), (ada, "eig"), (gone, "eig")])
    set_active(staff, gone, False)
    response = api.get("/api/v1/defis/lab")
    assert response.get_json()["team"] == [
        {"username": "ada", "display_name": "Ada", "role": "eig"},
        {"username": "bob", "display_name": "Bob", "role": "mentor"},
    ]
    assert "@example.org" not in response.get_data(as_text=True)


def test_unknown_defi_is_404(api):
    response = api.get("/api/v1/defis/nulle-part")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_year_filter_returns_that_year_only(api):
    p2019 = make_promotion(number=3, year=2019)
    p2020 = make_promotion(number=4, year=2020)
    make_defi(slug="a-2019", promotion=p2019)
    make_defi(slug="b-2019", promotion=p2019)
    make_defi(slug="c-2020", promotion=p2020)
    body = api.get("/api/v1/defis?year=2019").get_json()
    assert sorted(slugs_of(body)) == ["a-2019", "b-2019"]
    assert {item["year"] for item in body["items"]} == {2019}
    assert body["total"] == 2


def test_other_filters(api):
    p4 = make_promotion(number=4, year=2020)
    make_defi(slug="carto", title="Cartographie des sols", administration="IGN")
    make_defi(slug="sante", promotion=p4, administration="DREES")
    admin = api.get("/api/v1/defis/sante").get_json()["administration"]["slug"]
    assert slugs(api.get("/api/v1/defis?q=cartographie")) == ["carto"]
    assert slugs(api.get("/api/v1/defis?promotion=promotion-4")) == ["sante"]
    assert slugs(api.get(f"/api/v1/defis?administration={admin}")) == ["sante"]


def test_theme_and_expertise_filters(api):
    staff = make_member(role="staff")
    defi = make_defi(slug="tagged")
    make_defi(slug="plain")
    update_defi(staff, defi, themes="Santé", expertises="Data science")
    assert slugs(api.get("/api/v1/defis?theme=sante")) == ["tagged"]
    assert slugs(api.get("/api/v1/defis?expertise=DATA SCIENCE")) == ["tagged"]
    item = api.get("/api/v1/defis?theme=sante").get_json()["items"][0]
    assert item["themes"] == ["Santé"] and item["expertises"] == ["Data science"]


def test_pagination(api):
    for n in range(5):
        make_defi(slug=f"d{n}", title=f"Défi {n}")
    body = api.get("/api/v1/defis?per_page=2&page=2").get_json()
    assert slugs_of(body) == ["d2", "d3"]
    assert (body["page"], body["per_page"], body["total"], body["pages"]) == (
        2,
        2,
        5,
        3,
    )


@pytest.mark.parametrize(
    "query",
    ["year=abc", "year=20190", "page=0", "per_page=1000", "per_page=-5", "role=eig"],
)
def test_invalid_parameter_is_400(api, query):
    response = api.get(f"/api/v1/defis?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid"


def test_shipped_data_set_has_32_defis_in_2019(api):
    seed_defis()
    body = api.get("/api/v1/defis?year=2019&per_page=100").get_json()
    assert body["total"] == 32
    assert len(body["items"]) == 32
    assert {item["year"] for item in body["items"]} == {2019}
