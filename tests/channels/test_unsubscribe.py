"""A member who leaves a channel, or leaves a défi's team, stops hearing it at once:
the sockets they already have open are taken out of the channel's room."""

from app.channels import services
from app.defis.services import remove_team_member, set_team_member
from tests.channels.conftest import events
from tests.factories import make_defi, make_member


def heard(socket, channel) -> list[str]:
    """What a socket heard of a channel: message bodies and typing members."""
    got = []
    for event in socket.get_received():
        payload = event["args"][0] if event["args"] else {}
        if event["name"] == "message_posted" and payload["channel"] == channel.slug:
            got.append(payload["body"])
        if event["name"] == "typing" and payload["channel"] == channel.slug:
            got.append(f"typing:{payload['member']['username']}")
    return got


def test_leaving_a_private_channel_stops_its_messages_on_open_sockets(
    app, alice, bob, connect
):
    channel = services.create_channel(alice, name="Secret", private=True)
    services.invite_to_channel(alice, channel, bob)
    carol = make_member(username="carol")
    services.invite_to_channel(alice, channel, carol)
    a, b1, b2, c = connect(alice), connect(bob), connect(bob), connect(carol)
    b1.emit("join_channel", {"channel": channel.slug}, callback=True)  # page open
    for socket in (a, b1, b2, c):
        socket.get_received()
    services.post_message(alice, channel, "avant")
    assert heard(b1, channel) == heard(b2, channel) == heard(c, channel) == ["avant"]

    response = b1.http.post(f"/channels/{channel.slug}/leave")
    assert response.status_code == 302

    services.post_message(alice, channel, "après")
    a.emit("typing", {"channel": channel.slug}, callback=True)
    assert heard(b1, channel) == heard(b2, channel) == []
    assert heard(c, channel) == ["après", "typing:alice"]
    # And it cannot listen again: the channel is no longer open to it.
    ack = b1.emit("join_channel", {"channel": channel.slug}, callback=True)
    assert ack["ok"] is False and "n’existe pas" in ack["error"]


def test_leaving_an_open_channel_stops_its_unread_badge_messages(
    app, alice, bob, connect
):
    channel = services.create_channel(alice, name="Salon")
    services.join_channel(bob, channel)
    b = connect(bob)  # hears the channel for the unread badge
    services.leave_channel(bob, channel)
    b.get_received()
    services.post_message(alice, channel, "après")
    assert events(b, "message_posted") == []


def test_removal_from_a_defi_team_stops_the_team_channel_on_open_sockets(
    app, alice, bob, connect
):
    staff = make_member(role="staff")
    defi = make_defi(team=[(alice, "eig")])
    set_team_member(staff, defi, bob, "eig")  # bob gets a seat in the channel
    channel = services.defi_channel(defi)
    b, a = connect(bob), connect(alice)
    b.get_received()
    services.post_message(alice, channel, "avant")
    assert heard(b, channel) == ["avant"]

    remove_team_member(staff, defi, bob)

    services.post_message(alice, channel, "après")
    assert heard(b, channel) == []
    assert services.membership(bob, channel) is None
    assert a.is_connected() and b.is_connected()
