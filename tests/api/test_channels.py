"""GET /api/v1/channels and GET|POST /api/v1/channels/<slug>/messages."""

import pytest

from app.admin.services import set_active
from app.channels import services
from app.channels.models import Message
from app.extensions import db
from tests.api.test_openapi import check_against, document
from tests.factories import make_defi, make_member
from tests.security.conftest import BrowserClient, csrf_token

PREFIX = "/api/v1"


@pytest.fixture(autouse=True)
def no_flood_limit(app):
    """These tests post many messages in a row: the flood limit is tested elsewhere."""
    app.config["CHAT_FLOOD_LIMIT"] = (1000, 10)


@pytest.fixture
def other(app):
    """A member who is not the API reader."""
    return make_member(username="autre", display_name="Autre Membre")


@pytest.fixture
def room(reader):
    """An open topic channel the reader created (and so belongs to)."""
    return services.create_channel(reader, name="Entraide Python")


def messages_url(slug: str, query: str = "") -> str:
    return f"{PREFIX}/channels/{slug}/messages" + (f"?{query}" if query else "")


def stored() -> int:
    db.session.expire_all()
    return db.session.query(Message).count()


def ids_of(response) -> list[int]:
    assert response.status_code == 200, response.get_json()
    return [m["id"] for m in response.get_json()["messages"]]


def assert_error(response, status: int, code: str) -> None:
    assert response.status_code == status
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]


# Authentication -----------------------------------------------------------------


def test_anonymous_visitor_gets_401_json(client, other):
    channel = services.create_channel(other, name="Ouvert à tous")
    for response in (
        client.get(f"{PREFIX}/channels"),
        client.get(messages_url(channel.slug)),
        client.post(messages_url(channel.slug), json={"body": "Bonjour"}),
    ):
        assert_error(response, 401, "unauthorized")
    assert stored() == 0


# Listing ------------------------------------------------------------------------


def test_listing_shows_my_channels_with_unread_counts_then_the_open_ones(
    api, reader, other
):
    mine = services.create_channel(reader, name="Entraide Python")
    private = services.create_channel(reader, name="Mon équipe", private=True)
    defi = make_defi(title="Vigie des côtes", team=[(reader, "eig")])
    defi_channel = services.ensure_defi_channel(defi)
    db.session.commit()
    services.post_message(reader, mine, "Mon propre message")  # not unread for me
    services.post_message(other, mine, "Un")
    services.post_message(other, mine, "Deux")
    services.create_channel(other, name="Cartographie")
    services.create_channel(other, name="Secret des autres", private=True)

    response = api.get(f"{PREFIX}/channels")
    assert response.status_code == 200
    body = response.get_json()
    unread = {c["slug"]: c["unread"] for c in body["channels"]}
    assert unread == {mine.slug: 2, private.slug: 0, defi_channel.slug: 0}
    entry = next(c for c in body["channels"] if c["slug"] == mine.slug)
    assert entry == {
        "slug": mine.slug,
        "name": "Entraide Python",
        "kind": "topic",
        "description": "",
        "archived": False,
        "url": f"/channels/{mine.slug}",
        "unread": 2,
    }
    kinds = {c["slug"]: c["kind"] for c in body["channels"]}
    assert kinds[private.slug] == "private" and kinds[defi_channel.slug] == "defi"
    assert [c["name"] for c in body["open"]] == ["Cartographie"]
    assert "unread" not in body["open"][0]
    assert "Secret des autres" not in response.get_data(as_text=True)
    check_against(document(api), "ChannelList", body)


def test_reading_the_messages_does_not_need_to_join_an_open_channel(api, other):
    channel = services.create_channel(other, name="Cartographie")
    services.post_message(other, channel, "Bienvenue")
    body = api.get(messages_url(channel.slug)).get_json()
    assert [m["body"] for m in body["messages"]] == ["Bienvenue"]
    assert api.get(f"{PREFIX}/channels").get_json()["channels"] == []


def test_listing_refuses_unknown_parameters(api):
    assert_error(api.get(f"{PREFIX}/channels?kind=topic"), 400, "invalid")


# Private channels -----------------------------------------------------------------


def test_private_channel_is_invisible_to_a_non_member(api, other):
    channel = services.create_channel(other, name="Secret", private=True)
    services.post_message(other, channel, "Entre nous")
    before = stored()

    read = api.get(messages_url(channel.slug))
    assert_error(read, 404, "not_found")
    write = api.post(messages_url(channel.slug), json={"body": "Je m'invite"})
    assert_error(write, 404, "not_found")
    assert stored() == before
    assert "Entre nous" not in read.get_data(as_text=True)
    # The same answer as for a channel that does not exist: nothing is revealed.
    missing = api.get(messages_url("nulle-part")).get_json()
    assert read.get_json() == missing
    assert write.get_json() == missing


def test_private_channel_is_open_to_its_invited_members(api, reader, other):
    channel = services.create_channel(other, name="Secret", private=True)
    services.invite_to_channel(other, channel, reader)
    services.post_message(other, channel, "Bienvenue")
    body = api.get(messages_url(channel.slug)).get_json()
    assert [m["body"] for m in body["messages"]] == ["Bienvenue"]
    response = api.post(messages_url(channel.slug), json={"body": "Merci"})
    assert response.status_code == 201


# History ------------------------------------------------------------------------


@pytest.fixture
def history(room, reader, other):
    """Five messages from two authors; their ids, oldest first."""
    authors = [reader, other, reader, other, reader]
    return [
        services.post_message(author, room, f"m{n}").id
        for n, author in enumerate(authors)
    ]


def test_history_comes_in_id_order(api, room, history):
    response = api.get(messages_url(room.slug))
    assert ids_of(response) == history
    body = response.get_json()
    assert [m["body"] for m in body["messages"]] == ["m0", "m1", "m2", "m3", "m4"]
    assert body["channel"]["slug"] == room.slug
    assert "unread" not in body["channel"]
    check_against(document(api), "MessageList", body)


def test_after_gives_only_the_newer_messages_in_order(api, room, history):
    assert (
        ids_of(api.get(messages_url(room.slug, f"after={history[1]}"))) == (history[2:])
    )
    assert ids_of(api.get(messages_url(room.slug, f"after={history[-1]}"))) == []
    after_two = api.get(messages_url(room.slug, f"after={history[0]}&limit=2"))
    assert ids_of(after_two) == history[1:3]  # the next ones, not the latest
    assert ids_of(api.get(messages_url(room.slug, "after=0"))) == history


def test_before_gives_the_older_messages(api, room, history):
    assert (
        ids_of(api.get(messages_url(room.slug, f"before={history[3]}")))
        == (history[:3])
    )
    older = api.get(messages_url(room.slug, f"before={history[3]}&limit=2"))
    assert ids_of(older) == history[1:3]  # the latest before, still in id order
    assert ids_of(api.get(messages_url(room.slug, f"before={history[0]}"))) == []


def test_limit_keeps_the_latest_messages(api, room, history):
    assert ids_of(api.get(messages_url(room.slug, "limit=2"))) == history[-2:]
    assert ids_of(api.get(messages_url(room.slug, "limit=1"))) == history[-1:]
    assert ids_of(api.get(messages_url(room.slug, "limit=200"))) == history


def test_without_limit_the_latest_50_come(api, room, reader):
    ids = [services.post_message(reader, room, f"m{n}").id for n in range(53)]
    assert ids_of(api.get(messages_url(room.slug))) == ids[-50:]


@pytest.mark.parametrize(
    "query",
    [
        "limit=0",
        "limit=201",
        "limit=abc",
        "limit=-1",
        "limit=1.5",
        "limit=",
        "limit=%C2%B2",  # "²": a Unicode digit that is not a number
        "after=abc",
        "before=--3",
        "before=-",
        "after=" + "9" * 19,
        "since=1",
    ],
)
def test_invalid_or_unknown_parameter_is_400(api, room, history, query):
    assert_error(api.get(messages_url(room.slug, query)), 400, "invalid")


# Posting ------------------------------------------------------------------------


def test_post_creates_a_message(api, room, reader):
    response = api.post(
        messages_url(room.slug),
        json={"body": "  Bonjour **tout le monde**  ", "client_id": "c-1"},
    )
    assert response.status_code == 201
    message = response.get_json()
    assert isinstance(message["id"], int)
    assert message["channel"] == room.slug
    assert message["author"] == {
        "username": reader.username,
        "display_name": reader.display_name,
    }
    assert message["body"] == "Bonjour **tout le monde**"
    assert "<strong>tout le monde</strong>" in message["html"]
    assert message["client_id"] == "c-1"
    assert message["created_at"] and message["edited_at"] is None
    assert message["deleted"] is False
    check_against(document(api), "Message", message)
    assert ids_of(api.get(messages_url(room.slug))) == [message["id"]]
    assert stored() == 1


def test_post_without_client_id(api, room):
    response = api.post(messages_url(room.slug), json={"body": "Sans identifiant"})
    assert response.status_code == 201
    assert response.get_json()["client_id"] is None


def test_the_same_client_id_twice_is_stored_once(api, room):
    payload = {"body": "Une seule fois", "client_id": "retry-42"}
    first = api.post(messages_url(room.slug), json=payload)
    again = api.post(messages_url(room.slug), json=payload)
    assert first.status_code == again.status_code == 201
    assert again.get_json()["id"] == first.get_json()["id"]
    assert stored() == 1


def test_posting_in_an_open_channel_joins_it(api, other):
    channel = services.create_channel(other, name="Cartographie")
    response = api.post(messages_url(channel.slug), json={"body": "Me voici"})
    assert response.status_code == 201
    mine = api.get(f"{PREFIX}/channels").get_json()["channels"]
    assert [c["slug"] for c in mine] == [channel.slug]
    assert mine[0]["unread"] == 0  # the author has read their own message


def test_mentions_link_to_profiles(api, room, other):
    response = api.post(messages_url(room.slug), json={"body": "Merci @autre !"})
    assert 'href="/members/autre"' in response.get_json()["html"]


def test_a_body_of_exactly_4000_characters_is_accepted(api, room):
    response = api.post(messages_url(room.slug), json={"body": "é" * 4000})
    assert response.status_code == 201
    assert len(response.get_json()["body"]) == 4000


@pytest.mark.parametrize(
    "payload",
    [
        {"body": ""},
        {"body": "   \n\t  "},
        {"body": "x" * 4001},
        {},
        {"body": None},
        {"body": 42},
        {"body": ["liste"]},
        {"body": "Bonjour", "client_id": "x" * 65},
        {"body": "Bonjour", "client_id": 7},
        ["Bonjour"],
        "Bonjour",
    ],
)
def test_invalid_body_is_400_and_nothing_is_stored(api, room, payload):
    response = api.post(messages_url(room.slug), json=payload)
    assert_error(response, 400, "invalid")
    check_against(document(api), "Error", response.get_json())
    assert stored() == 0


def test_a_body_that_is_not_json_is_400(api, room):
    response = api.post(
        messages_url(room.slug), data="body=Bonjour", content_type="text/plain"
    )
    assert_error(response, 400, "invalid")
    assert stored() == 0


def test_an_archived_channel_can_be_read_but_not_written(api, room, reader):
    services.post_message(reader, room, "Avant l'archivage")
    services.set_archived(reader, room, True)
    response = api.post(messages_url(room.slug), json={"body": "Après"})
    assert_error(response, 403, "forbidden")
    assert stored() == 1
    body = api.get(messages_url(room.slug)).get_json()
    assert body["channel"]["archived"] is True
    assert [m["body"] for m in body["messages"]] == ["Avant l'archivage"]


def test_deleted_message_and_former_author_keep_their_place(api, room, reader, other):
    gone = services.post_message(other, room, "De quelqu'un parti")
    deleted = services.post_message(reader, room, "À effacer")
    services.delete_message(reader, deleted.id)
    set_active(make_member(role="staff"), other, False)
    body = api.get(messages_url(room.slug)).get_json()
    by_id = {m["id"]: m for m in body["messages"]}
    assert by_id[gone.id]["author"] is None
    assert by_id[gone.id]["body"] == "De quelqu'un parti"
    assert by_id[deleted.id]["deleted"] is True
    assert by_id[deleted.id]["body"] == by_id[deleted.id]["html"] == ""
    check_against(document(api), "MessageList", body)


# CSRF -------------------------------------------------------------------------------


def test_bearer_token_posts_without_csrf_token(secure_app, api, room):
    assert secure_app.config["WTF_CSRF_ENABLED"]
    response = api.post(messages_url(room.slug), json={"body": "Par jeton"})
    assert response.status_code == 201
    assert stored() == 1


@pytest.fixture
def cookie_browser(secure_app, reader):
    """A browser logged in with the session cookie, CSRF protection on."""
    secure_app.test_client_class = BrowserClient
    browser = secure_app.test_client()
    assert browser.login(reader).status_code == 302
    return browser


def test_cookie_session_post_without_csrf_header_is_refused(cookie_browser, room):
    response = cookie_browser.post(messages_url(room.slug), json={"body": "Forgé"})
    assert_error(response, 400, "bad_request")
    wrong = cookie_browser.post(
        messages_url(room.slug),
        json={"body": "Forgé"},
        headers={"X-CSRFToken": "pas-le-bon-jeton"},
    )
    assert_error(wrong, 400, "bad_request")
    assert stored() == 0


def test_cookie_session_post_with_csrf_header_is_accepted(cookie_browser, room):
    token = csrf_token(cookie_browser, "/channels/")
    response = cookie_browser.post(
        messages_url(room.slug),
        json={"body": "Depuis la page"},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201
    assert stored() == 1
    # Reading with the cookie needs no token.
    assert cookie_browser.get(messages_url(room.slug)).status_code == 200
