"""Two app processes share events through the real Redis: nothing lost, nothing twice.

Needs TEST_REDIS_URL (CI sets it); the database is TEST_DATABASE_URL when set, else
an SQLite file both processes open.
"""

import os
import threading
import time
from collections import defaultdict

import pytest
from sqlalchemy import select

from app import create_app
from app.auth.services import set_password
from app.channels import services
from app.extensions import db
from app.members.models import Member
from config import TestConfig
from tests.channels.live import _CSRF, app_process, logged_in, socket_client
from tests.conftest import free_port

REDIS_URL = os.environ.get("TEST_REDIS_URL")
pytestmark = pytest.mark.skipif(not REDIS_URL, reason="needs TEST_REDIS_URL")
CLIENTS, PER_CLIENT = 20, 50  # 1,000 messages
PASSWORD = "Un-mot-de-passe-solide-42"


@pytest.fixture
def shared_database(tmp_path):
    """A database both processes open, with 20 members in two channels."""
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'chat.db'}"
    setup = create_app({**vars_of(TestConfig), "SQLALCHEMY_DATABASE_URI": url})
    with setup.app_context():
        db.drop_all()
        db.create_all()
        members = [_member(n) for n in range(CLIENTS)]
        db.session.commit()
        rooms = [services.create_channel(members[0], name=n) for n in ("Nord", "Sud")]
        for n, member in enumerate(members):
            services.join_channel(member, rooms[n % 2])
        yield os.environ.get("TEST_DATABASE_URL") or url
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def vars_of(config: type) -> dict:
    return {name: getattr(config, name) for name in dir(config) if name.isupper()}


def _member(n: int) -> Member:
    member = Member(username=f"m{n}", email=f"m{n}@example.org", display_name=f"M {n}")
    member.role = "eig"
    set_password(member, PASSWORD)
    db.session.add(member)
    return member


def server_env(database_url: str, mode: str = "threading") -> dict[str, str]:
    return {
        "EIG_ASYNC_MODE": mode,
        "DATABASE_URL": database_url,
        "SOCKETIO_MESSAGE_QUEUE": REDIS_URL,
        "SECRET_KEY": "shared-by-both-processes",
        "SEARCH_URL": "memory:",
        "RATELIMIT_ENABLED": "0",
        "CHAT_FLOOD_COUNT": "1000",
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_COST": "1024",
    }


class Listener:
    """One member's socket and the messages it received, in arrival order."""

    def __init__(self, url: str, n: int):
        self.member = f"m{n}"
        self.channel = "nord" if n % 2 == 0 else "sud"
        self.client = socket_client(url, logged_in(url, self.member, PASSWORD))
        self.received: list[tuple[int, str]] = []
        self.client.on("message_posted", self._on_posted)
        ack = self.client.call("join_channel", {"channel": self.channel}, timeout=10)
        assert ack["ok"], ack

    def _on_posted(self, message: dict) -> None:
        if message["channel"] == self.channel:  # m0 created both channels
            self.received.append((message["id"], message["body"]))

    def send_all(self, acked: dict[str, list[int]]) -> None:
        for k in range(PER_CLIENT):
            ack = self.client.call(
                "send_message",
                {
                    "channel": self.channel,
                    "body": f"{self.member}:{k}",
                    "client_id": f"{self.member}-{k}",
                },
                timeout=20,
            )
            assert ack["ok"], ack
            acked[self.channel].append(ack["id"])


def run_all(tasks, seconds: float = 120) -> None:
    """Run the tasks in threads at once and wait for them."""
    threads = [threading.Thread(target=task) for task in tasks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds)


def wait_for(listeners, expected: dict[str, int], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if all(len(x.received) >= expected[x.channel] for x in listeners):
            return
        time.sleep(0.1)


@pytest.mark.parametrize("mode", ["threading", "gevent"])
def test_every_client_gets_every_message_of_its_channel_once_and_in_order(
    shared_database, tmp_path, mode
):
    env = server_env(shared_database, mode)
    with (
        app_process(free_port(), env, tmp_path / "a.log") as url_a,
        app_process(free_port(), env, tmp_path / "b.log") as url_b,
    ):
        listeners = [Listener((url_a, url_b)[n % 4 // 2], n) for n in range(CLIENTS)]
        acked: dict[str, list[int]] = defaultdict(list)
        run_all([lambda x=x: x.send_all(acked) for x in listeners])
        expected = {name: len(ids) for name, ids in acked.items()}
        assert sum(expected.values()) == CLIENTS * PER_CLIENT
        wait_for(listeners, expected)
        run_all([x.client.disconnect for x in listeners])  # each waits for a close
    for listener in listeners:
        ids = [message_id for message_id, _ in listener.received]
        assert len(ids) == len(set(ids)), f"{listener.member} got a message twice"
        assert set(ids) == set(acked[listener.channel]), f"{listener.member} lost some"
        by_sender = defaultdict(list)
        for _, body in listener.received:
            sender, k = body.split(":")
            by_sender[sender].append(int(k))
        assert all(ks == sorted(ks) for ks in by_sender.values()), "order broken"


def _private_channel(names: list[str]) -> str:
    """A private channel of m0 with these members; returns its slug."""
    people = {m.username: m for m in db.session.scalars(select(Member))}
    channel = services.create_channel(people["m0"], name="Coulisses", private=True)
    for name in names:
        services.invite_to_channel(people["m0"], channel, people[name])
    return channel.slug


def _leave(url: str, http, slug: str) -> None:
    """Press "Quitter le canal" on the channel's page."""
    token = _CSRF.search(http.get(f"{url}/channels/{slug}", timeout=10).text)[1]
    response = http.post(
        f"{url}/channels/{slug}/leave",
        data={"csrf_token": token},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:500]


def test_leaving_on_one_process_silences_the_sockets_on_the_other(
    shared_database, tmp_path
):
    slug = _private_channel(["m1", "m2"])
    env = server_env(shared_database)
    with (
        app_process(free_port(), env, tmp_path / "a.log") as url_a,
        app_process(free_port(), env, tmp_path / "b.log") as url_b,
    ):
        heard = defaultdict(list)
        sockets = {}
        for name, url in [("m1", url_a), ("m2", url_a), ("m0", url_b)]:
            sockets[name] = socket_client(url, logged_in(url, name, PASSWORD))
            sockets[name].on(
                "message_posted", lambda m, name=name: heard[name].append(m["body"])
            )
        send = {"channel": slug, "body": "avant"}
        assert sockets["m0"].call("send_message", send, timeout=10)["ok"]
        _wait(lambda: heard["m1"] and heard["m2"])
        assert heard["m1"] == heard["m2"] == ["avant"]

        _leave(url_b, logged_in(url_b, "m1", PASSWORD), slug)  # m1's socket is on A

        send = {"channel": slug, "body": "après"}
        assert sockets["m0"].call("send_message", send, timeout=10)["ok"]
        _wait(lambda: len(heard["m2"]) == 2)
        time.sleep(1)  # time enough for a stray copy to reach m1 too
        for socket in sockets.values():
            socket.disconnect()
    assert heard["m2"] == ["avant", "après"]
    assert heard["m1"] == ["avant"]


def _wait(condition, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
