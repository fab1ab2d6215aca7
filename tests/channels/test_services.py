"""Channels and messages as members notice them, through the service layer."""

import pytest

from app.channels import services
from app.channels.models import Message
from app.errors import Invalid, NotAllowed, NotFound
from app.extensions import db
from tests.factories import make_defi, make_member


def bodies(member, channel, **options) -> list[str]:
    return [m.body for m in services.list_messages(member, channel, **options)]


def test_a_defi_channel_is_created_with_the_defi_and_holds_its_team(app, alice):
    defi = make_defi(title="Vigie des côtes", team=[(alice, "eig")])
    channel = services.ensure_defi_channel(defi)
    db.session.commit()
    assert channel.kind == "defi" and channel.name == "Vigie des côtes"
    assert [m.username for m in services.channel_members(channel)] == ["alice"]
    assert services.ensure_defi_channel(defi).id == channel.id  # only one


def test_every_member_reads_an_open_channel(app, alice, bob):
    channel = services.create_channel(alice, name="Entraide Python")
    services.post_message(alice, channel, "Bonjour à tous")
    assert bodies(bob, channel) == ["Bonjour à tous"]
    assert channel.slug == "entraide-python"


def test_non_member_cannot_read_or_post_to_a_private_channel(app, alice, bob):
    channel = services.create_channel(alice, name="Équipe cœur", private=True)
    with pytest.raises(NotFound):
        services.readable_channel(bob, channel.slug)
    with pytest.raises(NotFound):
        services.post_message(bob, channel, "Je m'invite")
    with pytest.raises(NotAllowed):
        services.join_channel(bob, channel)
    services.invite_to_channel(alice, channel, bob)
    services.post_message(bob, channel, "Merci pour l'invitation")
    assert bodies(alice, channel) == ["Merci pour l'invitation"]


def test_messages_come_in_id_order_and_after_catches_up(app, alice):
    channel = services.create_channel(alice, name="Historique")
    ids = [services.post_message(alice, channel, f"m{n}").id for n in range(5)]
    assert ids == sorted(ids)
    assert bodies(alice, channel, after=ids[2]) == ["m3", "m4"]
    assert bodies(alice, channel, before=ids[2], limit=1) == ["m1"]
    assert bodies(alice, channel, limit=2) == ["m3", "m4"]


def test_the_same_client_id_is_stored_once(app, alice):
    channel = services.create_channel(alice, name="Réseau fragile")
    first = services.post_message(alice, channel, "Une fois", client_id="abc-1")
    again = services.post_message(alice, channel, "Une fois", client_id="abc-1")
    assert first.id == again.id
    assert db.session.query(Message).count() == 1


@pytest.mark.parametrize("body", ["", "   \n ", "x" * 4001, None, 42, ["liste"]])
def test_empty_long_or_malformed_messages_are_refused(app, alice, body):
    channel = services.create_channel(alice, name="Refus")
    with pytest.raises(Invalid):
        services.post_message(alice, channel, body)
    assert db.session.query(Message).count() == 0


def test_markdown_is_sanitised_and_code_is_kept(app, alice):
    channel = services.create_channel(alice, name="Code")
    message = services.post_message(
        alice, channel, "<script>alert(1)</script> **gras**\n\n```\nx = '<b>'\n```"
    )
    assert "<script>" not in message.html
    assert "<strong>gras</strong>" in message.html
    assert "&lt;b&gt;" in message.html and "<pre><code>" in message.html


def test_mentions_link_real_members_outside_code(app, alice, bob):
    channel = services.create_channel(alice, name="Mentions")
    message = services.post_message(alice, channel, "Salut @bob et @personne, `@bob`")
    assert '<a href="/members/bob"' in message.html
    assert "@personne" in message.html and "/members/personne" not in message.html
    assert "<code>@bob</code>" in message.html


def test_author_edits_and_deletes_others_cannot_staff_moderates(app, alice, bob):
    staff = make_member(role="staff")
    channel = services.create_channel(alice, name="Modération")
    message = services.post_message(alice, channel, "Première version")
    with pytest.raises(NotAllowed):
        services.edit_message(bob, message.id, "Pas à moi")
    with pytest.raises(NotAllowed):
        services.delete_message(bob, message.id)
    services.edit_message(alice, message.id, "Seconde version")
    assert message.body == "Seconde version" and message.edited_at is not None
    other = services.post_message(alice, channel, "À retirer")
    services.delete_message(staff, other.id)
    assert other.deleted and other.body == "" and other.deleted_by_id == staff.id


def test_unread_counts_follow_mark_read_and_ignore_ones_own(app, alice, bob):
    channel = services.create_channel(alice, name="Non lus")
    services.join_channel(bob, channel)
    services.post_message(bob, channel, "Je parle")
    last = None
    for n in range(3):
        last = services.post_message(alice, channel, f"n{n}")
    assert services.unread_counts(bob) == {channel.id: 3}
    assert services.unread_counts(alice) == {}
    assert services.mark_read(bob, channel, last.id - 1) == 1
    assert services.mark_read(bob, channel, last.id) == 0


def test_an_archived_channel_is_read_only(app, alice):
    channel = services.create_channel(alice, name="Ancien canal")
    services.post_message(alice, channel, "Avant l'archivage")
    services.set_archived(alice, channel, True)
    with pytest.raises(NotAllowed):
        services.post_message(alice, channel, "Après")
    assert bodies(alice, channel) == ["Avant l'archivage"]


def test_a_member_sending_too_fast_gets_a_clear_error(app, alice):
    app.config["CHAT_FLOOD_LIMIT"] = (3, 60)
    channel = services.create_channel(alice, name="Rafale")
    for n in range(3):
        services.post_message(alice, channel, f"r{n}")
    with pytest.raises(Invalid, match="trop vite"):
        services.post_message(alice, channel, "r3")
    assert len(bodies(alice, channel)) == 3


def test_direct_conversation_is_shared_and_private(app, alice, bob):
    carol = make_member(username="carol")
    channel = services.start_direct(alice, [bob])
    assert services.start_direct(bob, [alice]).id == channel.id
    with pytest.raises(NotFound):
        services.readable_channel(carol, channel.slug)


def test_a_deactivated_author_shows_as_former_member(app, alice, bob):
    from app.channels.payloads import message_payload

    channel = services.create_channel(alice, name="Départ")
    message = services.post_message(bob, channel, "Au revoir")
    bob.active = False
    db.session.commit()
    assert message_payload(message)["author"] is None


def test_a_reaction_toggles_and_is_counted_per_emoji(app, alice, bob):
    from app.channels.payloads import message_payload

    channel = services.create_channel(alice, name="Réactions")
    message = services.post_message(alice, channel, "Livré en production !")
    services.toggle_reaction(alice, message.id, "🎉")
    services.toggle_reaction(bob, message.id, "🎉")
    services.toggle_reaction(bob, message.id, "👍")
    assert message_payload(message)["reactions"] == [
        {"emoji": "🎉", "count": 2, "members": ["alice", "bob"]},
        {"emoji": "👍", "count": 1, "members": ["bob"]},
    ]
    services.toggle_reaction(bob, message.id, "🎉")  # taken back
    assert [r["count"] for r in message_payload(message)["reactions"]] == [1, 1]


@pytest.mark.parametrize("emoji", ["<script>", "💩" * 3, "", None, 1])
def test_only_the_offered_reactions_are_accepted(app, alice, emoji):
    channel = services.create_channel(alice, name="Réactions refusées")
    message = services.post_message(alice, channel, "Bonjour")
    with pytest.raises(Invalid):
        services.toggle_reaction(alice, message.id, emoji)
    assert message.reactions == []


def test_a_reply_joins_the_thread_of_the_message_it_answers(app, alice, bob):
    channel = services.create_channel(alice, name="Fils")
    root = services.post_message(alice, channel, "Qui a déjà utilisé Airflow ?")
    first = services.post_message(
        bob, channel, "Moi, au défi Sequoia", parent_id=root.id
    )
    second = services.post_message(alice, channel, "Merci !", parent_id=first.id)
    services.post_message(alice, channel, "Autre sujet")
    assert first.parent_id == root.id and second.parent_id == root.id  # one level
    assert bodies(bob, channel, thread=root.id) == [
        "Qui a déjà utilisé Airflow ?",
        "Moi, au défi Sequoia",
        "Merci !",
    ]
    assert services.reply_counts(services.list_messages(bob, channel)) == {root.id: 2}


def test_a_reply_must_answer_a_live_message_of_the_same_channel(app, alice):
    here = services.create_channel(alice, name="Ici")
    elsewhere = services.create_channel(alice, name="Ailleurs")
    other = services.post_message(alice, elsewhere, "Là-bas")
    with pytest.raises(NotFound):
        services.post_message(alice, here, "Réponse égarée", parent_id=other.id)
    gone = services.post_message(alice, here, "Bientôt supprimé")
    services.delete_message(alice, gone.id)
    with pytest.raises(NotFound):
        services.post_message(alice, here, "Trop tard", parent_id=gone.id)
    with pytest.raises(Invalid):
        services.post_message(alice, here, "Mauvais id", parent_id="12")
