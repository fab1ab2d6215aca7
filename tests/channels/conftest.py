"""Two members who talk, and Socket.IO test clients logged in as them."""

import pytest

from app.extensions import socketio
from tests.factories import make_member


@pytest.fixture
def alice(app):
    return make_member(username="alice", display_name="Alice Durand")


@pytest.fixture
def bob(app):
    return make_member(username="bob", display_name="Bob Martin")


@pytest.fixture
def connect(app):
    """connect(member) -> a Socket.IO test client logged in as that member."""
    opened = []

    def _connect(member, **options):
        client = app.test_client()
        response = client.post(
            "/auth/login",
            data={"username": member.username, "password": "Un-mot-de-passe-solide-42"},
        )
        assert response.status_code == 302
        socket = socketio.test_client(app, flask_test_client=client, **options)
        opened.append(socket)
        socket.http = client
        return socket

    yield _connect
    for socket in opened:
        if socket.is_connected():
            socket.disconnect()


def events(socket, name: str) -> list:
    """The payloads of the events of that name received since the last call."""
    return [e["args"][0] for e in socket.get_received() if e["name"] == name]
