"""Only a valid API token skips the CSRF check; a bad one never uses the cookie."""

import pytest

from app.auth.services import create_api_token, revoke_api_token
from app.channels import services as channels
from app.channels.models import Message
from app.extensions import db
from app.members.models import Member
from tests.factories import make_member
from tests.security.conftest import fresh, logged_in

BAD_HEADERS = ["Bearer eig_pas-un-vrai-jeton", "Bearer ", "bearer n'importe-quoi"]


@pytest.fixture
def member(secure_app):
    return make_member(username="camille", display_name="Camille")


@pytest.fixture
def room(member):
    return channels.create_channel(member, name="Entraide")


@pytest.fixture
def cookie_client(browser_factory, member):
    """A browser where the member is logged in with the session cookie."""
    return logged_in(browser_factory, member)


def messages(room) -> str:
    return f"/api/v1/channels/{room.slug}/messages"


def stored() -> int:
    db.session.expire_all()
    return db.session.query(Message).count()


def assert_401(response) -> None:
    assert response.status_code == 401
    assert response.get_json() == {
        "error": {"code": "unauthorized", "message": "Jeton d’API invalide ou révoqué."}
    }


@pytest.mark.parametrize("header", BAD_HEADERS)
def test_invalid_token_with_a_session_cookie_cannot_post(cookie_client, room, header):
    response = cookie_client.post(
        messages(room), json={"body": "Forgé"}, headers={"Authorization": header}
    )
    assert_401(response)
    assert stored() == 0
    # The cookie alone still works for reading: the session was not harmed.
    assert cookie_client.get(messages(room)).status_code == 200


@pytest.mark.parametrize("header", BAD_HEADERS)
def test_invalid_token_with_a_session_cookie_cannot_read(cookie_client, room, header):
    response = cookie_client.get(messages(room), headers={"Authorization": header})
    assert_401(response)


def test_revoked_token_with_a_session_cookie_is_refused(cookie_client, member, room):
    token, raw = create_api_token(member, "ancien")
    revoke_api_token(member, token.id)
    response = cookie_client.post(
        messages(room),
        json={"body": "Forgé"},
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert_401(response)
    assert stored() == 0


def test_invalid_token_does_not_skip_csrf_on_a_form(cookie_client, member):
    response = cookie_client.post(
        f"/members/{member.username}/edit",
        data={"display_name": "Détourné", "headline": "Piraté"},
        headers={"Authorization": "Bearer eig_pas-un-vrai-jeton"},
    )
    assert response.status_code == 400
    assert fresh(Member, id=member.id).display_name == "Camille"


def test_valid_token_posts_without_csrf_token(secure_app, member, room):
    _, raw = create_api_token(member, "script")
    client = secure_app.test_client(use_cookies=False)
    response = client.post(
        messages(room),
        json={"body": "Par jeton"},
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 201
    assert stored() == 1


def test_the_token_not_the_cookie_says_who_posts(cookie_client, member, room):
    other = make_member(username="dominique")
    channels.join_channel(other, room)
    _, raw = create_api_token(other, "script")
    response = cookie_client.post(
        messages(room),
        json={"body": "Signé par le jeton"},
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 201
    assert db.session.get(Message, response.get_json()["id"]).author_id == other.id


def test_invalid_token_with_a_remember_cookie_is_refused(browser_factory, member, room):
    client = browser_factory()
    assert client.login(member, remember="y").status_code == 302
    client.delete_cookie("session")
    assert client.get(messages(room)).status_code == 200  # the remember cookie works
    client.delete_cookie("session")
    response = client.post(
        messages(room),
        json={"body": "Forgé"},
        headers={"Authorization": "Bearer eig_pas-un-vrai-jeton"},
    )
    assert_401(response)
    assert stored() == 0
