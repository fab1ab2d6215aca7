"""POST /api/v1/channels, /channels/direct, /channels/<slug>/join and /leave."""

import pytest

from app.channels import services
from app.channels.models import Channel
from app.extensions import db
from tests.api.test_channels import assert_error
from tests.api.test_openapi import check_against, document
from tests.factories import make_member

PREFIX = "/api/v1"


@pytest.fixture
def other(app):
    return make_member(username="helene", display_name="Hélène Autre")


def seat_of(member, channel) -> bool:
    db.session.expire_all()
    return services.membership(member, channel) is not None


# Creating a channel ----------------------------------------------------------------


def test_a_member_creates_a_topic_channel_and_joins_it(api, reader):
    response = api.post(
        f"{PREFIX}/channels",
        json={"name": "  Entraide   SIG ", "description": "Cartes"},
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["name"] == "Entraide SIG"
    assert body["kind"] == "topic"
    assert body["description"] == "Cartes"
    check_against(document(api), "Channel", body)
    assert seat_of(reader, services.get_channel(body["slug"]))


def test_a_private_channel_is_created_with_private_true(api):
    response = api.post(f"{PREFIX}/channels", json={"name": "Équipe", "private": True})
    assert response.status_code == 201
    assert response.get_json()["kind"] == "private"


@pytest.mark.parametrize(
    "body",
    [
        None,
        {},
        {"name": "   "},
        {"name": 12},
        {"name": "x" * 81},
        {"name": "Ok", "private": "oui"},
        {"name": "Ok", "description": ["non"]},
        {"name": "Ok", "owner": "ada"},
    ],
)
def test_a_bad_channel_is_refused_in_french(api, body):
    response = api.post(f"{PREFIX}/channels", json=body)
    assert_error(response, 400, "invalid")
    check_against(document(api), "Error", response.get_json())
    assert db.session.query(Channel).count() == 0


def test_anonymous_visitor_cannot_create_open_join_or_leave(client, other):
    channel = services.create_channel(other, name="Ouvert")
    for path in (
        "/channels",
        "/channels/direct",
        f"/channels/{channel.slug}/join",
        f"/channels/{channel.slug}/leave",
    ):
        assert_error(client.post(PREFIX + path, json={}), 401, "unauthorized")


# Direct conversations -----------------------------------------------------------------


def test_direct_conversation_is_created_then_found_again(api, reader, other):
    first = api.post(f"{PREFIX}/channels/direct", json={"usernames": ["helene"]})
    assert first.status_code == 201
    again = api.post(
        f"{PREFIX}/channels/direct", json={"usernames": ["@Helene", "lectrice"]}
    )
    assert again.status_code == 200
    assert again.get_json()["slug"] == first.get_json()["slug"]
    body = first.get_json()
    assert body["kind"] == "direct"
    assert body["name"] == "Hélène Autre"  # the other person, never oneself
    check_against(document(api), "Channel", body)
    channel = services.get_channel(body["slug"])
    assert seat_of(reader, channel) and seat_of(other, channel)


def test_direct_conversation_with_an_unknown_member_is_404(api, other):
    response = api.post(
        f"{PREFIX}/channels/direct", json={"usernames": ["helene", "personne"]}
    )
    assert_error(response, 404, "not_found")
    assert "personne" in response.get_json()["error"]["message"]
    assert db.session.query(Channel).count() == 0


@pytest.mark.parametrize(
    "body",
    [
        {"usernames": []},
        {"usernames": "helene"},
        {"usernames": [3]},
        {"usernames": [""]},
        {"usernames": ["helene" + "x" * 40]},
        {"usernames": [f"m{i}" for i in range(9)]},
        {"usernames": ["lectrice"]},  # only oneself
        {"people": ["helene"]},
    ],
)
def test_a_bad_direct_request_is_400(api, other, body):
    response = api.post(f"{PREFIX}/channels/direct", json=body)
    assert_error(response, 400, "invalid")
    assert db.session.query(Channel).count() == 0


def test_the_channel_list_names_a_direct_conversation_after_the_others(
    api, reader, other
):
    services.start_direct(other, [reader])
    listed = api.get(f"{PREFIX}/channels").get_json()["channels"]
    assert [c["name"] for c in listed] == ["Hélène Autre"]


# Joining and leaving -----------------------------------------------------------------


def test_a_member_joins_then_leaves_an_open_channel(api, reader, other):
    channel = services.create_channel(other, name="Données ouvertes")
    joined = api.post(f"{PREFIX}/channels/{channel.slug}/join")
    assert joined.status_code == 200
    check_against(document(api), "Channel", joined.get_json())
    assert seat_of(reader, channel)
    assert api.post(f"{PREFIX}/channels/{channel.slug}/join").status_code == 200
    left = api.post(f"{PREFIX}/channels/{channel.slug}/leave")
    assert left.status_code == 200
    assert left.get_json()["slug"] == channel.slug
    assert not seat_of(reader, channel)
    assert api.post(f"{PREFIX}/channels/{channel.slug}/leave").status_code == 200


def test_a_private_channel_is_not_found_by_outsiders(api, reader, other):
    secret = services.create_channel(other, name="Secret", private=True)
    for action in ("join", "leave"):
        response = api.post(f"{PREFIX}/channels/{secret.slug}/{action}")
        assert_error(response, 404, "not_found")
    assert not seat_of(reader, secret)


def test_a_member_of_a_private_channel_may_join_it_again(api, reader, other):
    secret = services.create_channel(other, name="Secret", private=True)
    services.invite_to_channel(other, secret, reader)
    assert api.post(f"{PREFIX}/channels/{secret.slug}/join").status_code == 200


def test_unknown_channel_is_404(api):
    for action in ("join", "leave"):
        response = api.post(f"{PREFIX}/channels/nulle-part/{action}")
        assert_error(response, 404, "not_found")


# The document ----------------------------------------------------------------------


def test_the_document_declares_the_channel_writes_and_notifications(api):
    paths = document(api)["paths"]
    assert set(paths["/channels"]) == {"get", "post"}
    assert set(paths["/channels/direct"]["post"]["responses"]) >= {"200", "201", "404"}
    assert "403" in paths["/channels/{slug}/join"]["post"]["responses"]
    assert "200" in paths["/channels/{slug}/leave"]["post"]["responses"]
    assert "get" in paths["/notifications"]


def test_the_notifications_answer_matches_its_schema(api):
    response = api.get(f"{PREFIX}/notifications")
    assert response.status_code == 200
    check_against(document(api), "NotificationList", response.get_json())
