"""Socket.IO events: acks, broadcasts, catch-up, typing, presence and access."""

import os
import uuid

import pytest
import redis

from app.channels import services
from app.extensions import socketio
from tests.channels.conftest import events


def open_channel(alice, bob, **options):
    channel = services.create_channel(alice, name="Salon", **options)
    if not options.get("private"):
        services.join_channel(bob, channel)
    return channel


def test_anonymous_sockets_are_refused(app):
    socket = socketio.test_client(app, flask_test_client=app.test_client())
    assert not socket.is_connected()


def test_a_sent_message_is_acked_with_its_id_and_reaches_the_channel(
    app, alice, bob, connect
):
    channel = open_channel(alice, bob)
    a, b = connect(alice), connect(bob)
    for socket in (a, b):
        assert socket.emit("join_channel", {"channel": channel.slug}, callback=True)[
            "ok"
        ]
        socket.get_received()
    ack = a.emit(
        "send_message",
        {"channel": channel.slug, "body": "Bonjour **Bob**", "client_id": "c1"},
        callback=True,
    )
    assert ack["ok"] and isinstance(ack["id"], int)
    [posted] = events(b, "message_posted")
    assert posted["id"] == ack["id"] and posted["author"]["username"] == "alice"
    assert "<strong>Bob</strong>" in posted["html"]


def test_a_retry_with_the_same_client_id_is_stored_and_sent_once(
    app, alice, bob, connect
):
    channel = open_channel(alice, bob)
    a, b = connect(alice), connect(bob)
    b.emit("join_channel", {"channel": channel.slug}, callback=True)
    b.get_received()
    data = {"channel": channel.slug, "body": "Une seule fois", "client_id": "r-1"}
    first = a.emit("send_message", data, callback=True)
    second = a.emit("send_message", data, callback=True)
    assert first == second == {"ok": True, "id": first["id"]}
    assert len(events(b, "message_posted")) == 1


def test_a_reconnecting_client_gets_what_it_missed_in_order(app, alice, bob, connect):
    channel = open_channel(alice, bob)
    seen = services.post_message(alice, channel, "vu").id
    for n in range(3):
        services.post_message(alice, channel, f"manqué {n}")
    b = connect(bob)
    ack = b.emit(
        "join_channel", {"channel": channel.slug, "after": seen}, callback=True
    )
    assert [m["body"] for m in ack["messages"]] == ["manqué 0", "manqué 1", "manqué 2"]


def test_edit_and_delete_are_broadcast(app, alice, bob, connect):
    channel = open_channel(alice, bob)
    a, b = connect(alice), connect(bob)
    b.emit("join_channel", {"channel": channel.slug}, callback=True)
    sent = a.emit(
        "send_message", {"channel": channel.slug, "body": "v1"}, callback=True
    )
    b.get_received()
    assert a.emit("edit_message", {"id": sent["id"], "body": "v2"}, callback=True)["ok"]
    [edited] = events(b, "message_edited")
    assert edited["body"] == "v2" and edited["edited_at"]
    refused = b.emit("delete_message", {"id": sent["id"]}, callback=True)
    assert refused["ok"] is False and refused["error"]
    assert a.emit("delete_message", {"id": sent["id"]}, callback=True)["ok"]
    assert events(b, "message_deleted") == [{"id": sent["id"], "channel": "salon"}]


def test_unread_counts_come_back_from_mark_read(app, alice, bob, connect):
    channel = open_channel(alice, bob)
    last = [services.post_message(alice, channel, f"u{n}").id for n in range(2)][-1]
    b = connect(bob)
    ack = b.emit(
        "mark_read", {"channel": channel.slug, "message_id": last - 1}, callback=True
    )
    assert ack == {"ok": True, "unread": 1}


def test_messages_of_other_channels_arrive_for_the_unread_badge(
    app, alice, bob, connect
):
    channel = open_channel(alice, bob)
    b = connect(bob)  # joined the channel before connecting: its room is joined
    b.get_received()
    services.post_message(alice, channel, "Pendant que tu lis ailleurs")
    assert [m["channel"] for m in events(b, "message_posted")] == ["salon"]


def test_typing_reaches_the_others_only(app, alice, bob, connect):
    channel = open_channel(alice, bob)
    a, b = connect(alice), connect(bob)
    for socket in (a, b):
        socket.emit("join_channel", {"channel": channel.slug}, callback=True)
        socket.get_received()
    assert a.emit("typing", {"channel": channel.slug}, callback=True)["ok"]
    assert events(b, "typing")[0]["member"]["username"] == "alice"
    assert events(a, "typing") == []


def test_presence_is_announced_on_connect_and_disconnect(app, alice, bob, connect):
    channel = open_channel(alice, bob)
    b = connect(bob)
    b.get_received()
    a = connect(alice)
    assert {
        "member": {"username": "alice", "display_name": "Alice Durand"},
        "online": True,
    } in events(b, "presence")
    ack = b.emit("join_channel", {"channel": channel.slug}, callback=True)
    assert set(ack["online"]) == {"alice", "bob"}
    a.disconnect()
    assert events(b, "presence")[-1]["online"] is False


def test_non_members_cannot_join_or_post_to_a_private_channel(app, alice, bob, connect):
    channel = open_channel(alice, bob, private=True)
    b = connect(bob)
    for event, data in [
        ("join_channel", {"channel": channel.slug}),
        ("send_message", {"channel": channel.slug, "body": "intrus"}),
        ("typing", {"channel": channel.slug}),
    ]:
        ack = b.emit(event, data, callback=True)
        assert ack["ok"] is False and "n’existe pas" in ack["error"]
    assert services.list_messages(alice, channel) == []


def test_malformed_payloads_get_an_error_and_keep_the_connection(
    app, alice, bob, connect
):
    channel = open_channel(alice, bob)
    a = connect(alice)
    for data in [
        "texte",
        42,
        [1, 2],
        {"channel": 7},
        {"channel": channel.slug},
        {"channel": channel.slug, "body": {"html": "x"}},
        {"channel": channel.slug, "body": "x" * 5000},
    ]:
        ack = a.emit("send_message", data, callback=True)
        assert ack["ok"] is False and ack["error"]
    assert (
        a.emit("edit_message", {"id": "1", "body": "x"}, callback=True)["ok"] is False
    )
    assert a.is_connected()
    assert services.list_messages(alice, channel) == []


def test_logout_disconnects_the_members_sockets(app, alice, bob, connect):
    a = connect(alice)
    other = connect(alice)
    assert a.is_connected() and other.is_connected()
    a.http.post("/auth/logout")
    assert not a.is_connected() and not other.is_connected()


def test_deactivation_disconnects_and_the_socket_can_no_longer_act(
    app, alice, bob, connect
):
    from app.admin.services import set_active
    from tests.factories import make_member

    channel = open_channel(alice, bob)
    b = connect(bob)
    set_active(make_member(role="staff"), bob, False)
    assert not b.is_connected()
    assert services.list_messages(alice, channel) == []


def test_a_reaction_is_broadcast_to_the_channel(app, alice, bob, connect):
    channel = open_channel(alice, bob)
    message = services.post_message(alice, channel, "Qui vient au meetup ?")
    a, b = connect(alice), connect(bob)
    b.emit("join_channel", {"channel": channel.slug}, callback=True)
    b.get_received()
    assert a.emit("react", {"id": message.id, "emoji": "👍"}, callback=True)["ok"]
    [reacted] = events(b, "message_reacted")
    assert reacted["reactions"] == [{"emoji": "👍", "count": 1, "members": ["alice"]}]


def test_preview_renders_without_storing(app, alice, bob, connect):
    channel = open_channel(alice, bob)
    a = connect(alice)
    ack = a.emit(
        "preview", {"body": "**gras** et @bob <script>x</script>"}, callback=True
    )
    assert ack["ok"] and "<strong>gras</strong>" in ack["html"]
    assert '<a href="/members/bob"' in ack["html"] and "<script>" not in ack["html"]
    assert services.list_messages(alice, channel) == []


def test_a_socket_watching_notifications_only_hears_no_channel(
    app, alice, bob, connect
):
    channel = open_channel(alice, bob)
    b = connect(bob, auth={"watch": "notifications"})  # a page without the chat
    b.get_received()
    services.post_message(alice, channel, "Pendant que tu lis un défi")
    services.post_message(alice, channel, f"Tu as vu, @{bob.username} ?")
    heard = {
        (e["name"], e["args"][0]["body"])
        for e in b.get_received()
        if e["name"] in ("message_posted", "mentioned")
    }
    assert heard == {("mentioned", f"Tu as vu, @{bob.username} ?")}
    assert b.emit("join_channel", {"channel": channel.slug}, callback=True)["ok"]
    services.post_message(alice, channel, "Et maintenant ?")  # it opened the channel
    assert [m["body"] for m in events(b, "message_posted")] == ["Et maintenant ?"]


def test_previews_past_the_flood_limit_get_an_error_ack(app, alice, connect):
    app.config["CHAT_FLOOD_LIMIT"] = (3, 60)
    a = connect(alice)
    acks = [a.emit("preview", {"body": "Essai"}, callback=True) for _ in range(4)]
    assert [ack["ok"] for ack in acks] == [True, True, True, False]
    assert "trop vite" in acks[-1]["error"] and "html" not in acks[-1]


def test_edits_past_the_flood_limit_get_an_error_ack(app, alice, bob, connect):
    channel = open_channel(alice, bob)
    message = services.post_message(alice, channel, "v0")
    app.config["CHAT_FLOOD_LIMIT"] = (3, 60)
    a = connect(alice)
    acks = [
        a.emit("edit_message", {"id": message.id, "body": f"v{n}"}, callback=True)
        for n in (1, 2, 3, 4)
    ]
    assert [ack["ok"] for ack in acks] == [True, True, True, False]
    assert "trop vite" in acks[-1]["error"]
    assert services.list_messages(alice, channel)[0].body == "v3"  # 4th not applied


def test_the_preview_limit_is_per_member(app, alice, bob, connect):
    app.config["CHAT_FLOOD_LIMIT"] = (1, 60)
    a, b = connect(alice), connect(bob)
    assert a.emit("preview", {"body": "a"}, callback=True)["ok"]
    assert a.emit("preview", {"body": "a"}, callback=True)["ok"] is False
    assert b.emit("preview", {"body": "b"}, callback=True)["ok"]


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="needs TEST_REDIS_URL")
def test_the_preview_count_lives_in_the_shared_redis_storage(app, alice, connect):
    """With a redis:// storage every process counts against the same limit."""
    prefix = f"test-{uuid.uuid4().hex}"
    url = os.environ["TEST_REDIS_URL"]
    app.config.update(
        RATELIMIT_STORAGE_URI=url, RATELIMIT_KEY_PREFIX=prefix, CHAT_FLOOD_LIMIT=(2, 60)
    )
    a = connect(alice)
    acks = [a.emit("preview", {"body": "x"}, callback=True)["ok"] for _ in range(3)]
    assert acks == [True, True, False]
    stored = redis.Redis.from_url(url)
    keys = stored.keys(f"*{prefix}*")
    assert keys, "the count is not in Redis"
    stored.delete(*keys)
