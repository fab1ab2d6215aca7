"""GET /healthz and GET /readyz, against real services where there are some."""

import json
import logging
import os

import pytest

from app.search.fallback import DatabaseSearch
from tests.conftest import AuthActions, free_port
from tests.factories import make_member

REDIS_URL = os.environ.get("TEST_REDIS_URL")


def test_healthz_answers_without_login_or_services(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_checks_database_search_and_queue(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["search"] == "ok"
    assert body["checks"]["message_queue"] == "none (one process)"


def test_readyz_fails_while_the_search_index_is_unusable(app, client):
    state = app.extensions["search"]
    state.index, state.fallback = DatabaseSearch(), True
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["search"] == "unavailable"


def test_readyz_fails_when_the_message_queue_is_unreachable(app, client):
    app.config["SOCKETIO_MESSAGE_QUEUE"] = f"redis://127.0.0.1:{free_port()}/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["checks"]["message_queue"] == "unavailable"
    assert body["checks"]["database"] == "ok"


@pytest.mark.skipif(not REDIS_URL, reason="needs TEST_REDIS_URL")
def test_readyz_reaches_a_real_redis(app, client):
    app.config["SOCKETIO_MESSAGE_QUEUE"] = REDIS_URL
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"]["message_queue"] == "ok"


@pytest.fixture
def request_log(app, caplog):
    """The JSON lines the app logs, as parsed dictionaries."""
    assert app.config["REQUEST_LOG"]  # on in tests, as in production
    logger = logging.getLogger("eiglink.request")
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="eiglink.request")
    yield lambda: [json.loads(r.getMessage()) for r in caplog.records]
    logger.removeHandler(caplog.handler)


def test_each_request_is_one_json_line_without_tokens(client, request_log):
    member = make_member()
    AuthActions(client).login(member)
    client.get("/auth/reset/un-jeton-secret", headers={"X-Request-ID": "nginx-id-1234"})
    client.get("/page-inconnue")
    lines = request_log()
    login, reset, missing = lines[-3], lines[-2], lines[-1]
    assert login["route"] == "/auth/login" and login["status"] == 302
    assert login["member"] == str(member.id) and login["method"] == "POST"
    assert reset["route"] == "/auth/reset/<token>"
    assert reset["request_id"] == "nginx-id-1234"
    assert reset["member"] == str(member.id)
    assert "un-jeton-secret" not in json.dumps(lines)
    assert missing["route"] is None and missing["path"] == "/page-inconnue"
    assert missing["status"] == 404
    assert all(isinstance(line["ms"], float) for line in lines)
