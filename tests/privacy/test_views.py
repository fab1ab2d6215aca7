"""Privacy pages with CSRF on: settings, download, deletion, staff on request."""

import json

import pytest
from sqlalchemy import select

from app.channels import services as channels
from app.extensions import db, socketio
from app.members.models import Member
from tests.factories import PASSWORD, make_member
from tests.security.conftest import fresh, logged_in

SETTINGS = "/auth/account/privacy"


@pytest.fixture
def camille(app):
    return make_member(
        username="camille",
        email="camille@example.org",
        display_name="Camille Rivière",
        city="Nantes",
    )


@pytest.fixture
def staff(app):
    return make_member(username="equipe", role="staff")


def delete_form(browser, **fields):
    data = {"password": PASSWORD, "confirm": "y", **fields}
    return browser.submit("/auth/account/delete", data, form_page=SETTINGS)


def test_the_notices_are_public_and_linked_from_every_page(browser):
    home = browser.get("/").get_data(as_text=True)
    assert 'href="/donnees-personnelles"' in home
    assert 'href="/mentions-legales"' in home
    policy = browser.get("/donnees-personnelles")
    assert policy.status_code == 200
    assert "Vos droits" in policy.get_data(as_text=True)
    legal = browser.get("/mentions-legales")
    assert legal.status_code == 200
    assert "Éditeur" in legal.get_data(as_text=True)


def test_a_member_downloads_their_data_as_one_json_file(browser_factory, camille):
    browser = logged_in(browser_factory, camille)
    assert 'href="/auth/account/export"' in browser.get(SETTINGS).get_data(True)
    response = browser.get("/auth/account/export")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="eig-link-camille-')
    assert json.loads(response.get_data())["profile"]["email"] == "camille@example.org"


def test_the_email_is_hidden_from_other_members_until_shown(browser_factory, camille):
    other = logged_in(browser_factory, make_member(username="voisin"))
    page = other.get("/members/camille").get_data(as_text=True)
    assert "camille@example.org" not in page and "Nantes" in page
    own = logged_in(browser_factory, camille)
    assert "camille@example.org" in own.get("/members/camille").get_data(True)
    response = own.submit(
        f"{SETTINGS}/visibility", {"email": "members", "city": "staff"}, SETTINGS
    )
    assert response.status_code == 302
    page = other.get("/members/camille").get_data(as_text=True)
    assert "camille@example.org" in page and "Nantes" not in page
    assert other.get("/members/?q=nantes").get_data(True).count("Camille") == 0


def test_staff_always_see_the_email_and_city(browser_factory, camille, staff):
    page = logged_in(browser_factory, staff).get("/members/camille").get_data(True)
    assert "camille@example.org" in page and "Nantes" in page


def test_an_unknown_visibility_choice_is_refused(browser_factory, camille):
    browser = logged_in(browser_factory, camille)
    response = browser.submit(
        f"{SETTINGS}/visibility", {"email": "internet", "city": "members"}, SETTINGS
    )
    assert response.status_code == 400
    assert fresh(Member, username="camille").email_visibility == "staff"


def test_the_forms_need_their_csrf_token(browser_factory, camille):
    browser = logged_in(browser_factory, camille)
    response = browser.post(
        "/auth/account/delete", data={"password": PASSWORD, "confirm": "y"}
    )
    assert response.status_code == 400
    assert fresh(Member, username="camille") is not None


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"password": "pas le bon"}, "Le mot de passe actuel est incorrect."),
        ({"confirm": ""}, "Cochez cette case pour confirmer."),
    ],
)
def test_deletion_needs_the_password_and_the_confirmation(
    browser_factory, camille, fields, error
):
    browser = logged_in(browser_factory, camille)
    response = delete_form(browser, **fields)
    assert response.status_code == 400
    assert error in response.get_data(as_text=True)
    assert fresh(Member, username="camille") is not None
    assert browser.is_logged_in()


def test_a_member_deletes_their_account_and_is_logged_out(browser_factory, camille):
    browser = logged_in(browser_factory, camille)
    response = delete_form(browser)
    assert response.status_code == 302
    assert fresh(Member, username="camille") is None
    assert not browser.is_logged_in()
    assert browser.login(camille).status_code == 400  # refused: no such account


def test_their_messages_are_signed_former_member(browser_factory, camille, staff):
    channel = channels.create_channel(staff, name="Accueil")
    channels.join_channel(camille, channel)
    channels.post_message(camille, channel, "Bonjour à toutes et à tous")
    delete_form(logged_in(browser_factory, camille))
    page = logged_in(browser_factory, staff).get("/channels/accueil").get_data(True)
    assert "Bonjour à toutes et à tous" in page
    assert "Ancien membre" in page and "Camille Rivière" not in page


def test_deleting_an_account_closes_its_sockets(app, browser_factory, camille):
    browser = logged_in(browser_factory, camille)
    socket = socketio.test_client(app, flask_test_client=browser)
    assert socket.is_connected()
    delete_form(browser)
    assert not socket.is_connected()


def test_staff_export_and_delete_on_request(browser_factory, camille, staff):
    browser = logged_in(browser_factory, staff)
    page = browser.get("/admin/members/camille/privacy").get_data(as_text=True)
    assert "Exporter ses données" in page
    export = browser.get("/admin/members/camille/export")
    assert json.loads(export.get_data())["profile"]["username"] == "camille"
    response = browser.submit(
        "/admin/members/camille/delete",
        {"confirm": "y"},
        form_page="/admin/members/camille/privacy",
    )
    assert response.status_code == 302
    assert fresh(Member, username="camille") is None
    audit = browser.get("/admin/audit").get_data(as_text=True)
    assert "Données exportées (RGPD)" in audit and "Compte supprimé (RGPD)" in audit


def test_staff_deletion_needs_the_confirmation(browser_factory, camille, staff):
    browser = logged_in(browser_factory, staff)
    response = browser.submit(
        "/admin/members/camille/delete", {}, form_page="/admin/members/camille/privacy"
    )
    assert response.status_code == 400
    assert fresh(Member, username="camille") is not None


@pytest.mark.parametrize(
    "path",
    ["/admin/members/camille/privacy", "/admin/members/camille/export"],
)
def test_other_members_cannot_use_the_staff_pages(browser_factory, camille, path):
    browser = logged_in(browser_factory, make_member(username="curieux"))
    assert browser.get(path).status_code == 403


def test_other_members_cannot_delete_through_the_staff_form(browser_factory, camille):
    browser = logged_in(browser_factory, make_member(username="curieux"))
    response = browser.submit("/admin/members/camille/delete", {"confirm": "y"})
    assert response.status_code == 403
    assert db.session.scalar(select(Member).where(Member.username == "camille"))
