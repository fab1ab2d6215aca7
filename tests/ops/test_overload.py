"""Past capacity the app answers 503 with Retry-After, fast, and loses nothing.

The database pool here holds two connections and the test takes them: every
request that needs the database then waits DATABASE_POOL_TIMEOUT for it, as
requests do when more arrive than a process can serve.
"""

import threading
import time
from contextlib import contextmanager

import pytest

from app.channels import services
from app.extensions import db, socketio
from tests.conftest import file_app
from tests.factories import PASSWORD, make_member

BUSY = "très sollicité"


def settings(pool_timeout: float) -> dict:
    return {
        "DATABASE_POOL_SIZE": 2,  # a commit indexes inline on a second one
        "DATABASE_POOL_OVERFLOW": 0,
        "DATABASE_POOL_TIMEOUT": pool_timeout,
        "MAX_CONCURRENT_REQUESTS": 1,
        "OVERLOAD_RETRY_AFTER": 7,
    }


@pytest.fixture
def tight_app(tmp_path):
    with file_app(tmp_path / "eiglink.db", **settings(0.3)) as app:
        yield app


@pytest.fixture
def patient_app(tmp_path):
    """Its requests wait up to 5 s for a connection: long enough to be seen."""
    with file_app(tmp_path / "eiglink.db", **settings(5)) as app:
        yield app


def logged_in(app, member):
    client = app.test_client()
    response = client.post(
        "/auth/login", data={"username": member.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


@contextmanager
def pool_taken():
    """Hold every connection of the pool (what a burst of requests does)."""
    db.session.remove()
    held = [db.engine.connect() for _ in range(db.engine.pool.size())]
    try:
        yield
    finally:
        for connection in held:
            connection.close()


def test_a_page_that_finds_no_connection_says_so_with_503(tight_app):
    member = make_member()
    client = logged_in(tight_app, member)
    with pool_taken():
        started = time.monotonic()
        page = client.get("/members/")
        api = client.get("/api/v1/defis")
        waited = time.monotonic() - started
    assert page.status_code == 503 and api.status_code == 503
    assert page.headers["Retry-After"] == "7" and api.headers["Retry-After"] == "7"
    assert BUSY in page.get_data(as_text=True)
    assert api.get_json()["error"]["code"] == "overloaded"
    assert page.headers["Content-Security-Policy"]  # the middleware stayed on
    assert waited < 3  # two pool timeouts of 0.3 s, not one per template query
    assert client.get("/members/").status_code == 200  # and it recovers


def test_a_socket_event_that_finds_no_connection_is_acked_with_an_error(
    tight_app,
):
    alice = make_member(username="alice")
    channel = services.create_channel(alice, name="Salon")
    slug = channel.slug
    client = logged_in(tight_app, alice)
    socket = socketio.test_client(tight_app, flask_test_client=client)
    assert socket.is_connected()
    data = {"channel": slug, "body": "Bonjour", "client_id": "c1"}
    with pool_taken():
        ack = socket.emit("send_message", data, callback=True)
    assert ack == {
        "ok": False,
        "error": "Le service est très sollicité : réessayez dans quelques secondes.",
    }
    again = socket.emit("send_message", data, callback=True)
    assert again["ok"] and isinstance(again["id"], int)  # the retry is stored once
    socket.disconnect()


def test_requests_past_the_limit_are_shed_at_once_and_the_first_completes(
    patient_app,
):
    member = make_member()
    first, second = logged_in(patient_app, member), logged_in(patient_app, member)
    answers = {}
    with pool_taken():
        waiting = threading.Thread(
            target=lambda: answers.update(first=first.get("/members/"))
        )
        waiting.start()
        time.sleep(0.3)  # it is now in progress, waiting for the connection
        started = time.monotonic()
        shed = second.get("/members/")
        shed_in = time.monotonic() - started
        static = second.get("/static/css/app.css")
        static.close()
    waiting.join(timeout=10)
    assert shed.status_code == 503 and shed.headers["Retry-After"] == "7"
    assert BUSY in shed.get_data(as_text=True)
    assert shed_in < 0.2  # shed without waiting behind the first
    assert static.status_code == 200  # static files are not counted
    assert answers["first"].status_code == 200  # the first was served, not dropped
    assert second.get("/members/").status_code == 200


def test_a_request_that_queued_too_long_behind_nginx_is_shed(tmp_path):
    """nginx stamps X-Request-Start; past MAX_QUEUE_SECONDS of waiting for a
    thread, the member gets the busy page at once instead of a late one."""
    with file_app(tmp_path / "eiglink.db", MAX_QUEUE_SECONDS=2) as app:
        client = logged_in(app, make_member())
        late = {"X-Request-Start": f"t={time.time() - 3:.3f}"}  # nginx's $msec
        page = client.get("/members/", headers=late)
        api = client.get("/api/v1/defis", headers=late)
        late_ms = {"X-Request-Start": f"t={int((time.time() - 3) * 1000)}"}
        fresh = {"X-Request-Start": f"t={time.time():.3f}"}
        assert page.status_code == 503 and page.headers["Retry-After"] == "5"
        assert BUSY in page.get_data(as_text=True)
        assert page.headers["Content-Security-Policy"]  # the middleware stayed on
        assert api.status_code == 503
        assert api.get_json()["error"]["code"] == "overloaded"
        assert client.get("/members/", headers=late_ms).status_code == 503
        assert client.get("/members/", headers=fresh).status_code == 200
        assert client.get("/members/").status_code == 200  # no proxy, no stamp
        garbled = {"X-Request-Start": "t=soon"}
        assert client.get("/members/", headers=garbled).status_code == 200
