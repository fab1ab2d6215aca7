"""EIG_ROLE: a web process refuses /socket.io/, a realtime process answers only
it and its health checks, and neither starts without the queue between them."""

import pytest

from app.extensions import socketio
from tests.conftest import file_app

QUEUE = "redis://127.0.0.1:1/0"  # never reached: no socket connects, nothing is sent
HANDSHAKE = "/socket.io/?EIO=4&transport=polling"
# Reaches Engine.IO, which refuses it before any session (and queue listener) starts.
NO_SESSION = "/socket.io/?EIO=4&transport=carrier-pigeon"


def test_a_web_process_serves_pages_and_refuses_sockets(tmp_path):
    with file_app(tmp_path / "web.db", ROLE="web", SOCKETIO_MESSAGE_QUEUE=QUEUE) as app:
        client = app.test_client()
        assert client.get("/auth/login").status_code == 200
        refused = client.get(NO_SESSION)
        assert refused.status_code == 404
        assert "realtime" in refused.text
        assert refused.headers["X-Content-Type-Options"] == "nosniff"
        # It only publishes: no subscriber reading every other process's events.
        assert socketio.server.manager.write_only


def test_a_realtime_process_serves_sockets_and_health_only(tmp_path):
    settings = {"ROLE": "realtime", "SOCKETIO_MESSAGE_QUEUE": QUEUE}
    with file_app(tmp_path / "rt.db", **settings) as app:
        client = app.test_client()
        assert client.get("/healthz").status_code == 200
        assert client.get("/auth/login").status_code == 404
        assert client.get("/static/css/app.css").status_code == 404
        assert client.get(NO_SESSION).status_code == 400  # Engine.IO's, not ours
        assert not socketio.server.manager.write_only


def test_one_process_serves_everything_by_default(tmp_path):
    with file_app(tmp_path / "all.db") as app:
        client = app.test_client()
        assert client.get("/auth/login").status_code == 200
        assert client.get(HANDSHAKE).status_code == 200


@pytest.mark.parametrize("role", ["web", "realtime"])
def test_a_split_process_needs_the_message_queue(tmp_path, role):
    refused = pytest.raises(RuntimeError, match="SOCKETIO_MESSAGE_QUEUE")
    with refused, file_app(tmp_path / "x.db", ROLE=role):
        pass


def test_an_unknown_role_is_refused(tmp_path):
    refused = pytest.raises(RuntimeError, match="EIG_ROLE")
    with refused, file_app(tmp_path / "x.db", ROLE="pages"):
        pass
