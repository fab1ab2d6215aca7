"""What one member can make the others receive is bounded: typing, reactions,
presence and mentions."""

import time

import pytest
from sqlalchemy import func, select

from app.channels import services
from app.channels.models import Message
from app.extensions import db, limiter
from app.notifications.models import Notification
from tests.channels.conftest import events
from tests.factories import make_member


@pytest.fixture
def salon(alice, bob):
    channel = services.create_channel(alice, name="Salon")
    services.join_channel(bob, channel)
    return channel


@pytest.fixture
def rate_limited(app):
    """The limiter on, with fresh storage, as in production."""
    app.config["RATELIMIT_ENABLED"] = True
    limiter.init_app(app)
    limiter.reset()
    yield app
    limiter.enabled = False


def test_typing_is_broadcast_once_per_interval_per_socket_and_channel(
    app, alice, bob, salon, connect
):
    app.config["CHAT_TYPING_INTERVAL"] = 0.5
    other = services.create_channel(alice, name="Autre")
    services.join_channel(bob, other)
    a, b = connect(alice), connect(bob)
    b.get_received()
    for _ in range(5):
        ack = a.emit("typing", {"channel": salon.slug}, callback=True)
        assert ack == {"ok": True}  # the extra ones are dropped silently
    a.emit("typing", {"channel": other.slug}, callback=True)  # its own interval
    assert [t["channel"] for t in events(b, "typing")] == ["salon", "autre"]
    time.sleep(0.6)
    a.emit("typing", {"channel": salon.slug}, callback=True)
    assert [t["channel"] for t in events(b, "typing")] == ["salon"]


def test_typing_interval_is_per_socket(app, alice, bob, salon, connect):
    a1, a2, b = connect(alice), connect(alice), connect(bob)
    b.get_received()
    for socket in (a1, a1, a2, a2):
        socket.emit("typing", {"channel": salon.slug}, callback=True)
    assert len(events(b, "typing")) == 2


def test_reactions_past_the_limit_get_an_error_and_reach_nobody(
    rate_limited, alice, bob, salon, connect
):
    rate_limited.config["CHAT_REACTION_RATE_LIMIT"] = "3 per minute"
    message = services.post_message(alice, salon, "Qui vient ?")
    a, b = connect(alice), connect(bob)
    b.get_received()
    for _ in range(3):
        assert a.emit("react", {"id": message.id, "emoji": "👍"}, callback=True)["ok"]
    refused = a.emit("react", {"id": message.id, "emoji": "👍"}, callback=True)
    assert refused["ok"] is False
    assert refused["error"].startswith("Vous réagissez trop vite : patientez")
    assert len(events(b, "message_reacted")) == 3
    # Bob has his own allowance.
    assert b.emit("react", {"id": message.id, "emoji": "🎉"}, callback=True)["ok"]


def test_presence_reaches_only_sockets_sharing_a_channel(
    app, alice, bob, salon, connect
):
    carol = make_member(username="carol")  # in no channel with Alice
    b, c = connect(bob), connect(carol)
    b.get_received(), c.get_received()
    a = connect(alice)
    assert [p["member"]["username"] for p in events(b, "presence")] == ["alice"]
    assert events(c, "presence") == []
    a.disconnect()
    assert [p["online"] for p in events(b, "presence")] == [False]
    assert events(c, "presence") == []


def _members(n: int) -> list:
    return [make_member(username=f"lecteur{k}") for k in range(n)]


def test_a_message_mentioning_too_many_members_is_refused_whole(
    app, alice, salon, connect
):
    people = _members(21)
    a = connect(alice)
    body = " ".join(f"@{m.username}" for m in people)
    ack = a.emit("send_message", {"channel": salon.slug, "body": body}, callback=True)
    assert ack["ok"] is False
    assert ack["error"].startswith("Un message peut mentionner au plus 20 membres")
    assert db.session.scalar(select(func.count(Message.id))) == 0
    assert db.session.scalar(select(func.count(Notification.id))) == 0


def test_twenty_mentions_are_delivered(app, alice, salon, connect):
    people = _members(20)
    a = connect(alice)
    body = " ".join(f"@{m.username}" for m in people) + f" @{alice.username}"
    ack = a.emit("send_message", {"channel": salon.slug, "body": body}, callback=True)
    assert ack["ok"]
    assert db.session.scalar(select(func.count(Notification.id))) == 20


def test_the_api_refuses_too_many_mentions_with_its_error_shape(app, alice, salon):
    from app.auth.services import create_api_token

    people = _members(21)
    _, raw = create_api_token(alice, "tests")
    client = app.test_client(use_cookies=False)
    response = client.post(
        f"/api/v1/channels/{salon.slug}/messages",
        json={"body": " ".join(f"@{m.username}" for m in people)},
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert "au plus 20 membres" in error["message"]
    assert db.session.scalar(select(func.count(Message.id))) == 0
