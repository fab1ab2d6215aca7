"""Many sockets found dead at once close one after another, not inside each other.

Engine.IO closes a socket that missed its ping when something is sent to it, and
closing runs the disconnect handler, which tells the socket's channels that its
member went offline, which sends to the other dead sockets of the channel... Under
overload (N = 400) that chain overflowed the stack: RecursionError in the
disconnect handlers, and the presence of most members never updated.
"""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from app import create_app
from app.channels import services
from app.extensions import db
from config import TestConfig
from tests.channels.live import ROOT, app_process, logged_in, socket_client
from tests.channels.test_scale_out import PASSWORD, _member, vars_of
from tests.conftest import free_port

DEAD = 150  # sockets that stop answering at once, all in one channel


@pytest.fixture
def crowded_database(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'chat.db'}"
    setup = create_app({**vars_of(TestConfig), "SQLALCHEMY_DATABASE_URI": url})
    with setup.app_context():
        db.drop_all()
        db.create_all()
        members = [_member(n) for n in range(DEAD + 1)]
        db.session.commit()
        channel = services.create_channel(members[0], name="Foule")
        for member in members[1:]:
            services.join_channel(member, channel)
        yield url, channel.slug
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def server_env(database_url: str, mode: str) -> dict[str, str]:
    return {
        "EIG_ASYNC_MODE": mode,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "presence-cascade",
        "SEARCH_URL": "memory:",
        "RATELIMIT_ENABLED": "0",
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_COST": "1024",
        "SOCKETIO_PING_INTERVAL": "1",
        "SOCKETIO_PING_TIMEOUT": "1",
    }


@pytest.mark.parametrize("mode", ["threading", "gevent"])
def test_sockets_dead_at_once_all_go_offline_without_a_recursion_error(
    crowded_database, tmp_path, mode
):
    url_db, slug = crowded_database
    log = tmp_path / "server.log"
    with app_process(free_port(), server_env(url_db, mode), log) as url:
        watcher = socket_client(url, logged_in(url, f"m{DEAD}", PASSWORD))
        offline: set[str] = set()
        seen = threading.Event()

        def on_presence(event: dict) -> None:
            if not event["online"]:
                offline.add(event["member"]["username"])
                if len(offline) == DEAD:
                    seen.set()

        watcher.on("presence", on_presence)
        assert watcher.call("join_channel", {"channel": slug}, timeout=10)["ok"]
        crowd = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.channels.many_clients",
                url,
                "0",
                str(DEAD),
                PASSWORD,
                slug,
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert crowd.stdout.readline().startswith("ready")
            crowd.send_signal(signal.SIGSTOP)  # open sockets that answer nothing
            time.sleep(3)  # past one ping interval and timeout
            body = {"channel": slug, "body": "Il y a quelqu'un ?", "client_id": "w1"}
            ack = watcher.call("send_message", body, timeout=30)
            assert ack["ok"], ack
            assert seen.wait(30), f"{len(offline)} of {DEAD} seen offline"
        finally:
            crowd.kill()
            crowd.wait(timeout=10)
            crowd.stdout.close()
        watcher.disconnect()
    text = log.read_text()
    assert "RecursionError" not in text
    assert "Traceback" not in text
