"""The channel pages under /channels/, and their forms without JavaScript."""

import html as html_lib
import re

import pytest

from app.channels import services
from app.channels.models import Channel, ChannelMember, Message
from app.extensions import db
from tests.conftest import AuthActions
from tests.factories import make_defi, make_member
from tests.security.conftest import active_content

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "[x](javascript:alert(1))",
    '<a href="javascript:alert(1)">lien</a>',
]


@pytest.fixture
def login(app):
    """login(member) -> a new test client (own cookies) where the member is in."""

    def _login(member):
        client = app.test_client()
        AuthActions(client).login(member)
        return client

    return _login


@pytest.fixture
def as_alice(login, alice):
    return login(alice)


@pytest.fixture
def as_bob(login, bob):
    return login(bob)


def text(response) -> str:
    """The page, with entities decoded (an apostrophe comes back as &#39;)."""
    return html_lib.unescape(response.get_data(as_text=True))


def section(response, element_id: str, end: str = "</ul>") -> str:
    page = response.get_data(as_text=True)
    assert f'id="{element_id}"' in page, element_id
    return page.split(f'id="{element_id}"', 1)[1].split(end, 1)[0]


def fresh(model, **where):
    db.session.expire_all()
    return db.session.query(model).filter_by(**where).one_or_none()


def stored_bodies(channel) -> list[str]:
    db.session.expire_all()
    return [
        m.body
        for m in db.session.query(Message)
        .filter_by(channel_id=channel.id)
        .order_by(Message.id)
    ]


def is_member(member, channel) -> bool:
    return fresh(ChannelMember, channel_id=channel.id, member_id=member.id) is not None


# The list of channels -------------------------------------------------------------


def test_index_lists_my_channels_with_unread_badges_and_open_channels(
    as_alice, alice, bob
):
    mine = services.create_channel(alice, name="Entraide Python")
    quiet = services.create_channel(alice, name="Calme plat")
    services.post_message(alice, mine, "Moi")  # my own message is not unread
    services.post_message(bob, mine, "Un")
    services.post_message(bob, mine, "Deux")
    services.create_channel(bob, name="Cartographie", description="Cartes et SIG")
    services.create_channel(bob, name="Secret de Bob", private=True)

    response = as_alice.get("/channels/")
    assert response.status_code == 200
    my_list = section(response, "channel-list")
    items = {
        slug: item
        for slug, item in re.findall(
            r'data-channel="([^"]+)">(.*?)</li>', my_list, re.DOTALL
        )
    }
    assert set(items) == {mine.slug, quiet.slug}
    assert "Entraide Python" in items[mine.slug]
    assert re.search(r'data-unread="2"\s*>2<', items[mine.slug])
    assert 'data-unread="0"' in items[quiet.slug]
    assert "hidden" in items[quiet.slug]  # no badge without unread messages
    open_list = section(response, "open-channels")
    assert "# Cartographie" in open_list and "Cartes et SIG" in open_list
    assert "Entraide Python" not in open_list
    assert "Secret de Bob" not in text(response)


def test_index_of_a_member_without_channels(as_alice):
    page = text(as_alice.get("/channels/"))
    assert "Vous ne suivez encore aucun canal." in page


def test_channel_pages_need_a_login(client, alice):
    channel = services.create_channel(alice, name="Entraide")
    for path in ("/channels/", f"/channels/{channel.slug}"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/auth/login" in response.headers["Location"]


# Creating channels ----------------------------------------------------------------


def test_creating_a_topic_channel_redirects_to_it(as_alice, alice, bob):
    response = as_alice.post(
        "/channels/", data={"name": "Données ouvertes", "description": "Open data"}
    )
    assert response.status_code == 302
    channel = fresh(Channel, name="Données ouvertes")
    assert channel is not None and channel.kind == "topic"
    assert response.headers["Location"].endswith(f"/channels/{channel.slug}")
    assert is_member(alice, channel) and channel.created_by_id == alice.id
    page = as_alice.get(response.headers["Location"])
    assert page.status_code == 200
    assert "Données ouvertes" in text(page) and "Open data" in text(page)
    assert services.can_read(bob, channel)  # open to every member


def test_creating_a_private_channel(as_alice, bob):
    response = as_alice.post("/channels/", data={"name": "Équipe", "private": "y"})
    assert response.status_code == 302
    channel = fresh(Channel, name="Équipe")
    assert channel.kind == "private"
    assert not services.can_read(bob, channel)


@pytest.mark.parametrize("name", ["", "   ", "x" * 81])
def test_creating_with_an_empty_or_long_name_shows_an_error(as_alice, name):
    response = as_alice.post("/channels/", data={"name": name})
    assert response.status_code == 400
    page = text(response)
    # Under the name field, and linked from the summary at the top of the page.
    assert re.search(
        r'id="name-messages"[^>]*>\s*<p class="fr-message fr-message--error">'
        r"Donnez un nom au canal \(80 caractères au plus\).</p>",
        page,
    )
    assert '<a href="#name">Nom du canal' in page
    assert "<title>Erreur\u00a0: Canaux de discussion" in page
    assert db.session.query(Channel).count() == 0


# Private channels -----------------------------------------------------------------


def test_private_channel_page_is_404_for_a_non_member_and_200_for_a_member(
    as_alice, as_bob, bob
):
    channel = services.create_channel(bob, name="Secret de Bob", private=True)
    services.post_message(bob, channel, "Entre nous")
    outside = as_alice.get(f"/channels/{channel.slug}")
    assert outside.status_code == 404
    assert "Entre nous" not in text(outside)
    assert as_alice.get("/channels/nulle-part").status_code == 404
    inside = as_bob.get(f"/channels/{channel.slug}")
    assert inside.status_code == 200
    assert "Entre nous" in text(inside)


def test_non_member_cannot_post_or_join_a_private_channel(as_alice, alice, bob):
    channel = services.create_channel(bob, name="Secret de Bob", private=True)
    posted = as_alice.post(
        f"/channels/{channel.slug}/messages", data={"body": "Je m'invite"}
    )
    assert posted.status_code == 404
    assert as_alice.post(f"/channels/{channel.slug}/join").status_code == 404
    assert stored_bodies(channel) == []
    assert not is_member(alice, channel)


def test_a_member_invites_someone_into_a_private_channel(as_alice, as_bob, alice, bob):
    channel = services.create_channel(bob, name="Secret de Bob", private=True)
    response = as_bob.post(
        f"/channels/{channel.slug}/invite",
        data={"invite-username": "@alice"},
        follow_redirects=True,
    )
    assert "Membre ajouté au canal." in text(response)
    assert is_member(alice, channel)
    assert as_alice.get(f"/channels/{channel.slug}").status_code == 200


# Posting without JavaScript ---------------------------------------------------------


def test_posting_through_the_form_stores_the_message_and_shows_it(as_alice, alice):
    channel = services.create_channel(alice, name="Entraide")
    response = as_alice.post(
        f"/channels/{channel.slug}/messages",
        data={"body": "Bonjour **équipe**", "client_id": "form-1"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/channels/{channel.slug}")
    assert stored_bodies(channel) == ["Bonjour **équipe**"]
    page = as_alice.get(f"/channels/{channel.slug}")
    messages = section(page, "messages", "</ol>")
    assert "<strong>équipe</strong>" in messages
    assert alice.display_name in messages
    # The same form sent twice (a double click) is stored once.
    as_alice.post(
        f"/channels/{channel.slug}/messages",
        data={"body": "Bonjour **équipe**", "client_id": "form-1"},
    )
    assert stored_bodies(channel) == ["Bonjour **équipe**"]


def test_posting_in_an_open_channel_joins_it(as_alice, alice, bob):
    channel = services.create_channel(bob, name="Cartographie")
    as_alice.post(f"/channels/{channel.slug}/messages", data={"body": "Me voici"})
    assert stored_bodies(channel) == ["Me voici"]
    assert is_member(alice, channel)


@pytest.mark.parametrize("body", ["", "   ", "x" * 4001])
def test_empty_or_too_long_message_is_refused(as_alice, alice, body):
    channel = services.create_channel(alice, name="Entraide")
    response = as_alice.post(
        f"/channels/{channel.slug}/messages",
        data={"body": body},
        follow_redirects=True,
    )
    assert "Le message est vide ou trop long (4 000 caractères au plus)." in text(
        response
    )
    assert stored_bodies(channel) == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_html_and_script_in_a_message_come_back_inert(as_alice, alice, payload):
    channel = services.create_channel(alice, name="Entraide")
    as_alice.post(f"/channels/{channel.slug}/messages", data={"body": payload})
    assert stored_bodies(channel) == [payload]
    response = as_alice.get(f"/channels/{channel.slug}")
    page = response.get_data(as_text=True)
    assert active_content(page) == []
    messages = section(response, "messages", "</ol>")
    if "<" in payload:
        assert payload not in page  # escaped, not raw
        assert "&lt;" in messages
    assert "<script" not in messages


# Joining, leaving, archiving ------------------------------------------------------


def test_join_and_leave_buttons(as_alice, alice, bob):
    channel = services.create_channel(bob, name="Atelier")
    page = as_alice.get(f"/channels/{channel.slug}")
    assert 'id="join-form"' in page.get_data(as_text=True)
    # The leave form waits, hidden, for a first message to join the channel.
    assert re.search(r'<form [^>]*id="leave-form" hidden>', page.get_data(as_text=True))

    joined = as_alice.post(f"/channels/{channel.slug}/join", follow_redirects=True)
    assert "Canal rejoint." in text(joined)
    assert is_member(alice, channel)
    assert "Quitter le canal" in text(joined)
    assert 'id="join-form"' not in joined.get_data(as_text=True)
    assert channel.slug in section(as_alice.get("/channels/"), "channel-list")

    left = as_alice.post(f"/channels/{channel.slug}/leave")
    assert left.status_code == 302
    assert left.headers["Location"].endswith("/channels/")
    assert "Vous avez quitté le canal." in text(as_alice.get("/channels/"))
    assert not is_member(alice, channel)
    assert channel.slug in section(as_alice.get("/channels/"), "open-channels")


def test_only_the_creator_archives_and_an_archived_channel_refuses_posts(
    as_alice, as_bob, alice, bob
):
    channel = services.create_channel(bob, name="Atelier")
    services.post_message(bob, channel, "Avant")
    services.join_channel(alice, channel)
    alice_page = text(as_alice.get(f"/channels/{channel.slug}"))
    assert "Archiver le canal" not in alice_page

    refused = as_alice.post(f"/channels/{channel.slug}/archive", follow_redirects=True)
    assert "Seuls le créateur du canal et l’équipe peuvent l’archiver." in text(refused)
    assert not fresh(Channel, id=channel.id).archived

    archived = as_bob.post(f"/channels/{channel.slug}/archive", follow_redirects=True)
    assert "Archivage du canal mis à jour." in text(archived)
    assert fresh(Channel, id=channel.id).archived
    page = as_bob.get(f"/channels/{channel.slug}")
    assert "Archivé : lecture seule" in text(page)
    assert 'id="composer"' not in page.get_data(as_text=True)
    assert "Rouvrir le canal" in text(page)
    assert "Avant" in section(page, "messages", "</ol>")  # still readable

    for client in (as_alice, as_bob):
        response = client.post(
            f"/channels/{channel.slug}/messages",
            data={"body": "Après"},
            follow_redirects=True,
        )
        assert "Ce canal est archivé : on peut le lire, plus y écrire." in text(
            response
        )
    assert stored_bodies(channel) == ["Avant"]

    reopened = as_bob.post(f"/channels/{channel.slug}/archive", follow_redirects=True)
    assert not fresh(Channel, id=channel.id).archived
    assert "Archiver le canal" in text(reopened)
    as_alice.post(f"/channels/{channel.slug}/messages", data={"body": "Rouvert"})
    assert stored_bodies(channel) == ["Avant", "Rouvert"]


# Direct conversations -------------------------------------------------------------


def test_direct_conversation_is_shared_by_both_members(as_alice, as_bob, alice, bob):
    started = as_alice.post("/channels/direct", data={"direct-username": "bob"})
    assert started.status_code == 302
    channel = fresh(Channel, kind="direct")
    assert channel is not None
    assert started.headers["Location"].endswith(f"/channels/{channel.slug}")
    assert is_member(alice, channel) and is_member(bob, channel)

    answered = as_bob.post("/channels/direct", data={"direct-username": "@alice"})
    assert answered.headers["Location"] == started.headers["Location"]
    assert db.session.query(Channel).filter_by(kind="direct").count() == 1

    as_alice.post(f"/channels/{channel.slug}/messages", data={"body": "Salut Bob"})
    page = as_bob.get(f"/channels/{channel.slug}")
    assert page.status_code == 200
    assert "Salut Bob" in section(page, "messages", "</ol>")
    assert channel.slug in section(as_bob.get("/channels/"), "direct-list")


def test_direct_conversation_is_private_to_its_members(as_alice, alice, bob, login):
    channel = services.start_direct(alice, [bob])
    carol = make_member(username="carol")
    assert login(carol).get(f"/channels/{channel.slug}").status_code == 404


@pytest.mark.parametrize(
    ("username", "error"),
    [
        ("", "Indiquez le nom ou l’identifiant d’un membre."),
        ("personne", "Aucun membre actif ne porte ce nom ni cet identifiant."),
    ],
)
def test_direct_conversation_with_an_unknown_member_shows_an_error(
    as_alice, username, error
):
    response = as_alice.post("/channels/direct", data={"direct-username": username})
    assert response.status_code == 400  # the list again, the reason under the field
    assert re.search(
        r'id="direct-username-messages"[^>]*>\s*'
        r'<p class="fr-message fr-message--error">' + re.escape(error),
        text(response),
    )
    assert '<a href="#direct-username">' in text(response)
    assert db.session.query(Channel).count() == 0


def test_thread_page_shows_the_message_and_its_replies_only(app, client, auth):
    from app.channels import services
    from tests.factories import make_member

    alice = make_member(username="alice2")
    channel = services.create_channel(alice, name="Fil de test")
    root = services.post_message(alice, channel, "Question sur QGIS")
    services.post_message(alice, channel, "Réponse QGIS", parent_id=root.id)
    services.post_message(alice, channel, "Hors sujet")
    auth.login(alice)
    page = client.get(f"/channels/{channel.slug}?thread={root.id}").get_data(
        as_text=True
    )
    assert "Question sur QGIS" in page and "Réponse QGIS" in page
    assert "Hors sujet" not in page
    channel_page = client.get(f"/channels/{channel.slug}").get_data(as_text=True)
    assert "1 réponse" in channel_page
    assert client.get(f"/channels/{channel.slug}?thread=999999").status_code == 404
    assert client.get(f"/channels/{channel.slug}?thread=abc").status_code == 404
    response = client.post(
        f"/channels/{channel.slug}/messages",
        data={"body": "Depuis le fil", "parent_id": str(root.id)},
    )
    assert response.status_code == 302 and f"thread={root.id}" in response.location


def test_the_channels_page_has_sections_and_folds_defis_by_promotion(as_alice, alice):
    unread_room = services.create_channel(alice, name="Zèbre")
    services.create_channel(alice, name="Atelier")
    services.post_message(make_member(), unread_room, "Du nouveau")
    for year in (2018, 2021):
        services.ensure_defi_channel(make_defi(title=f"Défi {year}", year=year))
    response = as_alice.get("/channels/")
    mine = section(response, "channel-list")
    assert mine.index("Zèbre") < mine.index("Atelier")  # unread first
    assert "Messages directs" in section(response, "direct-title", "</section>")
    page = response.get_data(as_text=True)
    assert re.findall(r"<summary[^>]*>\s*Promotion (\d{4})", page) == ["2021", "2018"]
    assert " open" not in section(response, "defi-channels", "</section>")  # folded


def test_the_channels_page_filters_by_name_without_javascript(as_alice, alice):
    services.create_channel(alice, name="Cartographie")
    services.ensure_defi_channel(make_defi(title="Sequoia", year=2019))
    services.ensure_defi_channel(make_defi(title="Lab IA", year=2020))
    response = as_alice.get("/channels/?q=SEQUOÏA")
    assert 'value="SEQUOÏA"' in response.get_data(as_text=True)
    mine = section(response, "channel-list")
    assert re.search(r"<li [^>]*hidden>\s*<a [^>]*>.*Cartographie", mine, re.DOTALL)
    groups = section(response, "defi-channels", "</section>")
    folds = re.findall(r"<details([^>]*)>\s*<summary[^>]*>\s*Promotion (\d{4})", groups)
    assert {year: attrs for attrs, year in folds} == {
        "2020": ' class="eig-promotion" hidden',
        "2019": ' class="eig-promotion" open',
    }
