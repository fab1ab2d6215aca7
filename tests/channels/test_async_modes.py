"""The app served by `python wsgi.py` in each async mode, with real clients:
threading (the default) and gevent (EIG_ASYNC_MODE=gevent, many sockets)."""

import os
import re
import subprocess
import sys
import threading
import time

import pytest
import requests

from app import create_app, realtime
from app.auth.services import set_password
from app.channels import services
from app.extensions import db
from app.members.models import Member
from config import TestConfig
from tests.channels.live import ROOT, app_process, logged_in, socket_client
from tests.conftest import free_port

PASSWORD = "Un-mot-de-passe-solide-42"
MODES = ["threading", "gevent"]


@pytest.fixture
def database(tmp_path):
    """An SQLite file with Alice and Bob in the channel "Entraide"."""
    url = f"sqlite:///{tmp_path / 'chat.db'}"
    settings = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    setup = create_app({**settings, "SQLALCHEMY_DATABASE_URI": url})
    with setup.app_context():
        db.create_all()
        alice, bob = (_member(name) for name in ("alice", "bob"))
        db.session.commit()
        services.join_channel(bob, services.create_channel(alice, name="Entraide"))
        db.session.remove()
        db.engine.dispose()
    return url


def _member(username: str) -> Member:
    member = Member(username=username, email=f"{username}@example.org")
    member.display_name, member.role = username.title(), "eig"
    set_password(member, PASSWORD)
    db.session.add(member)
    return member


def server_env(database: str, mode: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database,
        "SECRET_KEY": "async-mode-test",
        "SEARCH_URL": "memory:",
        "SOCKETIO_MESSAGE_QUEUE": "",
        "RATELIMIT_ENABLED": "0",
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_COST": "1024",
        "EIG_ASYNC_MODE": mode,
    }


@pytest.fixture(params=MODES)
def server(request, database, tmp_path):
    env = server_env(database, request.param)
    with app_process(free_port(), env, tmp_path / "app.log") as url:
        yield url


@pytest.fixture(params=MODES)
def slow_hash_server(request, database, tmp_path):
    """Password hashes of about 0.8 s each (t=20, 64 MiB)."""
    env = server_env(database, request.param)
    env |= {"ARGON2_TIME_COST": "20", "ARGON2_MEMORY_COST": "65536"}
    with app_process(free_port(), env, tmp_path / "app.log") as url:
        yield url


def test_a_message_reaches_the_other_member_and_logout_closes_the_socket(server):
    http_alice = logged_in(server, "alice", PASSWORD)
    alice = socket_client(server, http_alice)
    bob = socket_client(server, logged_in(server, "bob", PASSWORD))
    heard, closed = threading.Event(), threading.Event()
    got: list[dict] = []
    bob.on("message_posted", lambda message: (got.append(message), heard.set()))
    alice.on("disconnect", lambda *_: closed.set())
    assert bob.call("join_channel", {"channel": "entraide"}, timeout=10)["ok"]
    ack = alice.call(
        "send_message",
        {"channel": "entraide", "body": "Salut **Bob**", "client_id": "a-1"},
        timeout=10,
    )
    assert ack["ok"], ack
    assert heard.wait(10), "Bob heard nothing"
    assert got[0]["id"] == ack["id"]
    assert "<strong>Bob</strong>" in got[0]["html"]
    page = http_alice.get(f"{server}/channels/entraide", timeout=10)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)[1]
    http_alice.post(f"{server}/auth/logout", data={"csrf_token": token}, timeout=10)
    assert closed.wait(10), "the logged-out socket stayed open"
    bob.disconnect()


def _csrf(http, url: str) -> str:
    page = http.get(url, timeout=10)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)[1]


def test_a_password_change_keeps_the_process_and_the_session_alive(server):
    """With the request log on (the default), a password change once made the
    process recurse on `current_user` until it died, with every socket on it."""
    http_alice = logged_in(server, "alice", PASSWORD)
    bob = socket_client(server, logged_in(server, "bob", PASSWORD))
    assert bob.call("join_channel", {"channel": "entraide"}, timeout=10)["ok"]
    new = "Un-nouveau-secret-tout-frais-7"
    response = http_alice.post(
        f"{server}/auth/account/password",
        data={
            "csrf_token": _csrf(http_alice, f"{server}/auth/account"),
            "pw-current": PASSWORD,
            "pw-password": new,
            "pw-confirm": new,
        },
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302
    assert http_alice.get(f"{server}/auth/account", timeout=10).status_code == 200
    ack = bob.call(
        "send_message",
        {"channel": "entraide", "body": "Toujours là", "client_id": "b-1"},
        timeout=10,
    )
    assert ack["ok"], "Bob's socket did not survive Alice's password change"
    assert logged_in(server, "alice", new)
    bob.disconnect()


def _failed_logins(url: str, count: int) -> None:
    """Logins of an unknown member: each hashes the password all the same."""
    http = requests.Session()
    for _ in range(count):
        page = http.get(f"{url}/auth/login", timeout=10)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)[1]
        form = {"username": "personne", "password": "x" * 12, "csrf_token": token}
        refused = http.post(f"{url}/auth/login", data=form, timeout=30)
        assert "Identifiant ou mot de passe incorrect" in refused.text


def test_a_slow_password_hash_does_not_hold_the_other_sockets(slow_hash_server):
    bob = socket_client(slow_hash_server, logged_in(slow_hash_server, "bob", PASSWORD))
    hashing = threading.Thread(target=_failed_logins, args=(slow_hash_server, 2))
    hashing.start()
    waits = []
    while hashing.is_alive():
        started = time.monotonic()
        assert bob.call("join_channel", {"channel": "entraide"}, timeout=10)["ok"]
        waits.append(time.monotonic() - started)
        time.sleep(0.05)
    hashing.join()
    bob.disconnect()
    assert len(waits) >= 5, waits  # the two hashes took over half a second
    assert max(waits) < 0.3, f"an event waited {max(waits):.2f} s for a hash"


def test_gevent_mode_refuses_an_unpatched_process():
    with pytest.raises(RuntimeError, match="monkey patching"):
        realtime.async_mode("gevent")


def test_an_unknown_async_mode_is_refused_at_start(tmp_path):
    env = {"EIG_ASYNC_MODE": "eventlet", "SECRET_KEY": "x", "SEARCH_URL": "memory:"}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'x.db'}"
    started = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert started.returncode != 0
    assert "EIG_ASYNC_MODE must be one of threading, gevent" in started.stderr
