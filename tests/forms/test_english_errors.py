"""A member reading in English gets refusals in English: under a form field, in
an API error and in a socket event's acknowledgement."""

import pytest

from app.auth.services import create_api_token
from app.channels import services
from app.extensions import socketio
from app.resources.models import Resource
from tests.factories import PASSWORD, make_member
from tests.security.conftest import csrf_token, logged_in

BAD_ADDRESS = {"kind": "link", "title": "Guide", "url": "ftp://exemple.fr/guide"}
ADDRESS_ERROR = "Invalid address: an http:// or https:// address is expected."


@pytest.fixture
def ada(app):
    return make_member(username="ada", display_name="Ada Lovelace")


def test_a_refused_form_field_says_why_in_english(browser_factory, ada):
    client = logged_in(browser_factory, ada)
    token = csrf_token(client, "/resources/new?lang=en")
    data = BAD_ADDRESS | {"csrf_token": token, "licence": "", "defi": ""}
    response = client.post("/resources/new?lang=en", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert ADDRESS_ERROR in page
    assert "Adresse invalide" not in page
    assert Resource.query.count() == 0


def test_a_refused_api_call_says_why_in_english(app, ada):
    client = app.test_client(use_cookies=False)
    _, raw = create_api_token(ada, "tests")
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    response = client.post("/api/v1/resources?lang=en", json=BAD_ADDRESS)
    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == ADDRESS_ERROR
    assert Resource.query.count() == 0


def test_a_refused_socket_event_says_why_in_english(app, ada):
    channel = services.create_channel(ada, name="Salon")
    client = app.test_client()
    login = {"username": ada.username, "password": PASSWORD}
    assert client.post("/auth/login", data=login).status_code == 302
    client.get("/?lang=en")  # the choice is kept in a cookie the socket sends
    socket = socketio.test_client(app, flask_test_client=client)
    try:
        ack = socket.emit(
            "send_message", {"channel": channel.slug, "body": "   "}, callback=True
        )
    finally:
        socket.disconnect()
    assert ack["ok"] is False
    assert ack["error"].startswith("The message is empty"), ack["error"]
