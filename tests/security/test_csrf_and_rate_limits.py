"""Forms refuse posts without a CSRF token; login is rate-limited; input stays text."""

import pytest
from limits import parse

from app.auth.models import Invitation
from app.defis.models import Defi
from app.extensions import db
from app.members.models import Member
from tests.factories import PASSWORD, make_defi, make_member
from tests.security.conftest import csrf_token, fresh, logged_in

# CSRF -------------------------------------------------------------------------


def test_login_without_csrf_token_is_refused(browser):
    member = make_member()
    response = browser.post(
        "/auth/login", data={"username": member.username, "password": PASSWORD}
    )
    assert response.status_code == 400
    assert not browser.is_logged_in()


def test_login_with_a_token_from_another_browser_is_refused(browser_factory):
    member = make_member()
    other_token = csrf_token(browser_factory(), "/auth/login")
    browser = browser_factory()
    browser.get("/auth/login")
    response = browser.post(
        "/auth/login",
        data={
            "username": member.username,
            "password": PASSWORD,
            "csrf_token": other_token,
        },
    )
    assert response.status_code == 400
    assert not browser.is_logged_in()


def test_logout_without_csrf_token_is_refused(browser_factory):
    client = logged_in(browser_factory, make_member())
    assert client.post("/auth/logout").status_code == 400
    assert client.is_logged_in()


def test_profile_edit_without_csrf_token_is_refused(browser_factory):
    member = make_member(headline="Avant")
    client = logged_in(browser_factory, member)
    response = client.post(
        f"/members/{member.username}/edit",
        data={"display_name": "Changé", "headline": "Après"},
    )
    assert response.status_code == 400
    again = fresh(Member, id=member.id)
    assert (again.display_name, again.headline) == (member.display_name, "Avant")


def test_defi_edit_without_csrf_token_is_refused(browser_factory):
    member = make_member()
    make_defi(slug="defi-c", title="Défi C", team=[(member, "eig")])
    client = logged_in(browser_factory, member)
    response = client.post("/defis/defi-c/edit", data={"title": "Défi détourné"})
    assert response.status_code == 400
    assert fresh(Defi, slug="defi-c").title == "Défi C"


def test_password_change_without_csrf_token_is_refused(browser_factory):
    member = make_member()
    client = logged_in(browser_factory, member)
    new = "Un-autre-mot-de-passe-77"
    response = client.post(
        "/auth/account/password",
        data={"pw-current": PASSWORD, "pw-password": new, "pw-confirm": new},
    )
    assert response.status_code == 400
    assert browser_factory().login(member).status_code == 302


@pytest.fixture
def staff_browser(browser_factory):
    return logged_in(browser_factory, make_member(role="staff"))


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/admin/members/cible/active", {"active": "0"}),
        ("/admin/members/cible/role", {"role": "staff"}),
        ("/admin/invitations", {"email": "x@example.org", "role": "staff"}),
    ],
    ids=["deactivate", "role", "invite"],
)
def test_admin_actions_without_csrf_token_are_refused(staff_browser, path, data):
    make_member(username="cible", role="eig")
    response = staff_browser.post(path, data=data)
    assert response.status_code == 400
    target = fresh(Member, username="cible")
    assert (target.active, target.role) == (True, "eig")
    assert db.session.query(Invitation).count() == 0


def test_admin_actions_with_csrf_token_work(staff_browser):
    make_member(username="cible", role="eig")
    response = staff_browser.submit(
        "/admin/invitations",
        {"email": "x@example.org", "role": "eig", "promotion_id": "0"},
        form_page="/admin/",
    )
    assert response.status_code == 302
    assert db.session.query(Invitation).count() == 1


# Rate limits ------------------------------------------------------------------


def login_limit(app) -> int:
    return parse(app.config["LOGIN_RATE_LIMIT"]).amount


def failed_login(
    browser, username: str, ip: str, password: str = "mauvais-mot-de-passe"
):
    token = csrf_token(browser, "/auth/login")
    return browser.post(
        "/auth/login",
        data={"username": username, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": ip},
    )


def test_login_is_rate_limited_after_repeated_failures(secure_app, browser):
    member = make_member()
    for _ in range(login_limit(secure_app)):
        assert failed_login(browser, member.username, "10.0.0.1").status_code == 400
    response = failed_login(browser, member.username, "10.0.0.1", password=PASSWORD)
    assert response.status_code == 429
    assert "Trop de tentatives" in response.get_data(as_text=True)
    assert not browser.is_logged_in()


def test_login_limit_follows_the_username_across_addresses(secure_app, browser_factory):
    member = make_member()
    for n in range(login_limit(secure_app)):
        failed_login(browser_factory(), member.username, f"10.0.1.{n}")
    response = failed_login(browser_factory(), member.username, "10.0.2.1")
    assert response.status_code == 429
    # Another member is not locked out by it.
    other = make_member()
    assert (
        failed_login(browser_factory(), other.username, "10.0.2.2").status_code == 400
    )


def test_login_limit_counts_username_and_email_together(secure_app, browser_factory):
    member = make_member(email="camille.durand@example.org")
    shouted = f" {member.username.upper()}"
    names = [member.username, "Camille.Durand@Example.org", shouted]
    for n in range(login_limit(secure_app)):
        response = failed_login(browser_factory(), names[n % 3], f"10.0.4.{n}")
        assert response.status_code == 400
    for name in names:  # the right password does not get through either
        response = failed_login(browser_factory(), name, "10.0.5.1", password=PASSWORD)
        assert response.status_code == 429
    assert failed_login(browser_factory(), "personne", "10.0.5.2").status_code == 400


def test_login_limit_follows_the_address_across_usernames(secure_app, browser):
    for n in range(login_limit(secure_app)):
        failed_login(browser, f"inconnu{n}", "10.0.3.1")
    assert failed_login(browser, "encore-un-autre", "10.0.3.1").status_code == 429
    assert failed_login(browser, "encore-un-autre", "10.0.3.2").status_code == 400


def test_login_page_itself_is_not_limited(secure_app, browser):
    for _ in range(login_limit(secure_app) + 2):
        assert browser.get("/auth/login").status_code == 200


def test_password_reset_requests_are_rate_limited(secure_app, browser):
    for _ in range(login_limit(secure_app)):
        response = browser.submit(
            "/auth/reset", {"email": "x@example.org"}, form_page="/auth/reset"
        )
        assert response.status_code == 302
    response = browser.submit(
        "/auth/reset", {"email": "x@example.org"}, form_page="/auth/reset"
    )
    assert response.status_code == 429


# SQL and HTML in input ----------------------------------------------------------

NASTY = [
    "' OR 1=1 --",
    "'; DROP TABLE members; --",
    '" OR ""="',
    "%",
    "_",
    "\\",
    "</p></div><h1>",
]


@pytest.mark.parametrize("query", NASTY)
def test_directory_search_treats_input_as_text(browser_factory, query):
    make_member(display_name="Camille Durand")
    client = logged_in(browser_factory, make_member(display_name="Dominique Leroy"))
    response = client.get("/members/", query_string={"q": query})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Aucun membre ne correspond" in html
    assert "Camille Durand" not in html
    assert db.session.query(Member).count() == 2


@pytest.mark.parametrize("query", NASTY)
def test_defi_search_treats_input_as_text(browser_factory, query):
    make_defi(title="Open Justice")
    client = logged_in(browser_factory, make_member())
    response = client.get("/defis/", query_string={"q": query})
    assert response.status_code == 200
    assert "Open Justice" not in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/members/", "/defis/"])
@pytest.mark.parametrize(
    "params",
    [
        {"role": "' OR 1=1 --"},
        {"year": "2019 OR 1=1"},
        {"page": "-1"},
        {"page": "1e9"},
        {"promotion": "'; --"},
        {"skill": "' OR ''='"},
        {"defi": "x' --"},
        {"administration": "x\\'"},
    ],
)
def test_filters_with_sql_never_break_the_page(browser_factory, path, params):
    client = logged_in(browser_factory, make_member())
    response = client.get(path, query_string=params)
    assert response.status_code in (200, 400)


def test_sql_and_html_in_profile_fields_are_stored_as_text(browser_factory):
    member = make_member()
    client = logged_in(browser_factory, member)
    fields = {
        "display_name": "Robert'); DROP TABLE members;--",
        "headline": "' OR 1=1 --",
        "city": '"; DELETE FROM skills; --',
        "bio": "</div></main><h1>Titre pirate</h1>",
        "skills": "SQL' OR 'a'='a, <b>gras</b>",
    }
    page = f"/members/{member.username}/edit"
    assert client.submit(page, fields, form_page=page).status_code == 302
    again = fresh(Member, id=member.id)
    assert again.display_name == fields["display_name"]
    assert again.headline == fields["headline"]
    assert again.city == fields["city"]
    assert again.bio == fields["bio"]
    assert [s.name for s in again.skills] == ["<b>gras</b>", "SQL' OR 'a'='a"]
    for path in (f"/members/{member.username}", "/members/"):
        response = client.get(path)
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert "<h1>Titre pirate</h1>" not in html
        assert "<b>gras</b>" not in html
    assert client.get("/members/", query_string={"q": "1=1"}).status_code == 200
