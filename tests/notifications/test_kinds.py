"""Being told when someone writes to you: direct messages, replies, being added
to a channel or a défi team, reactions; bursts grouped; texts in the reader's
language; nothing one may not read, nothing for one's own actions."""

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from app.channels import services as channels
from app.defis import services as defis
from app.extensions import db
from app.notifications import services, texts
from app.notifications.models import Notification
from tests.conftest import text_body
from tests.factories import make_defi, make_member
from tests.security.conftest import logged_in


@pytest.fixture
def carol(app):
    return make_member(username="carol", display_name="Carole Petit")


def notes(member, kind=None) -> list[Notification]:
    db.session.expire_all()
    query = select(Notification).where(Notification.recipient_id == member.id)
    if kind:
        query = query.where(Notification.kind == kind)
    return list(db.session.scalars(query.order_by(Notification.id)))


def shown(notification, locale="fr") -> str:
    with force_locale(locale):
        return texts.render(notification)


# Direct messages --------------------------------------------------------------------


def test_a_direct_message_notifies_the_other_people_of_the_conversation(
    alice, bob, carol
):
    dm = channels.start_direct(alice, [bob, carol])
    channels.post_message(alice, dm, "Bonjour à **vous deux**, on se voit demain ?")
    [to_bob], [to_carol] = notes(bob), notes(carol)
    assert notes(alice) == []  # not for one's own message
    assert to_bob.kind == to_carol.kind == "direct_message"
    assert to_bob.url.startswith(f"/channels/{dm.slug}#message-")
    assert shown(to_bob) == (
        "Alice Durand vous a écrit : « Bonjour à vous deux, on se voit demain ? »"
    )


def test_a_burst_of_direct_messages_is_one_notification_with_a_count(alice, bob):
    dm = channels.start_direct(alice, [bob])
    for n in range(4):
        channels.post_message(alice, dm, f"Message {n}")
    [note] = notes(bob)
    assert note.count == 4
    assert shown(note) == "Alice Durand vous a écrit 4 messages."
    assert services.unread_count(bob) == 1

    services.mark_read(bob, note.id)  # read: the next message is news again
    channels.post_message(alice, dm, "Encore un")
    assert [n.count for n in notes(bob)] == [4, 1]


def test_bursts_of_two_people_stay_apart(alice, bob, carol):
    dm = channels.start_direct(alice, [bob, carol])
    channels.post_message(alice, dm, "Un")
    channels.post_message(carol, dm, "Deux")
    channels.post_message(alice, dm, "Trois")
    assert sorted(n.count for n in notes(bob)) == [1, 2]


def test_ten_direct_messages_in_a_minute_are_one_email(app, smtp_server, alice, bob):
    dm = channels.start_direct(alice, [bob])
    for n in range(10):
        channels.post_message(alice, dm, f"Question numéro {n}")
    [email] = smtp_server.messages
    assert email["To"] == bob.email
    assert "Alice Durand vous a écrit" in email["Subject"]
    assert "Question numéro 0" in text_body(email)
    [note] = notes(bob)
    assert note.count == 10 and note.emailed_at is not None


def test_a_mention_in_a_direct_conversation_is_told_once(alice, bob):
    dm = channels.start_direct(alice, [bob])
    channels.post_message(alice, dm, "Dis @bob, tu as vu ?")
    assert [n.kind for n in notes(bob)] == ["direct_message"]


# Replies ----------------------------------------------------------------------------


def test_a_reply_notifies_the_root_author_and_earlier_repliers(alice, bob, carol):
    dave = make_member(username="dave", display_name="Dave Roux")
    channel = channels.create_channel(alice, name="Entraide")
    root = channels.post_message(alice, channel, "Qui connaît Django ?")
    channels.post_message(bob, channel, "Moi", parent_id=root.id)
    assert [n.kind for n in notes(alice)] == ["reply"]
    channels.post_message(carol, channel, "Moi **aussi**", parent_id=root.id)
    assert [n.kind for n in notes(bob)] == ["reply"]
    assert notes(carol) == []  # the replier is not told of their own reply
    assert notes(dave) == []  # not in the thread
    [to_alice] = notes(alice)
    assert to_alice.count == 2  # two replies in her thread: one notification
    [to_bob] = notes(bob)
    assert shown(to_bob) == (
        "Carole Petit a répondu dans un fil de # Entraide : « Moi aussi »"
    )


def test_a_mentioned_thread_member_gets_the_mention_only(alice, bob):
    channel = channels.create_channel(alice, name="Entraide")
    root = channels.post_message(alice, channel, "Qui connaît Django ?")
    channels.post_message(bob, channel, "Regarde @alice", parent_id=root.id)
    assert [n.kind for n in notes(alice)] == ["mention"]


def test_a_reply_spares_who_can_no_longer_read_the_channel(alice, bob):
    channel = channels.create_channel(alice, name="Secret", private=True)
    channels.invite_to_channel(alice, channel, bob)
    root = channels.post_message(bob, channel, "Mon idée")
    channels.leave_channel(bob, channel)
    channels.post_message(alice, channel, "Bonne idée", parent_id=root.id)
    assert notes(bob, "reply") == []


def test_deactivated_members_get_nothing(alice, bob):
    channel = channels.create_channel(alice, name="Entraide")
    root = channels.post_message(bob, channel, "Mon idée")
    dm = channels.start_direct(alice, [bob])
    bob.active = False
    db.session.commit()
    channels.post_message(alice, channel, "Bonne idée", parent_id=root.id)
    channels.post_message(alice, dm, "Tu es là ?")
    assert notes(bob) == []


# Added to a channel or a défi team ------------------------------------------------


def test_being_added_to_a_channel_renders_in_the_readers_language(alice, bob):
    channel = channels.create_channel(alice, name="Atelier", private=True)
    channels.invite_to_channel(alice, channel, bob)
    [note] = notes(bob, "channel_invitation")
    assert note.params == {"actor": "Alice Durand", "channel": "Atelier"}
    assert shown(note) == "Alice Durand vous a ajouté au canal # Atelier."
    assert shown(note, "en") == "Alice Durand added you to the channel # Atelier."


def test_being_added_to_a_defi_team_is_a_notification(alice, bob):
    defi = make_defi(team=[(alice, "eig")], title="Données ouvertes")
    defis.set_team_member(alice, defi, bob, "eig")
    defis.set_team_member(alice, defi, bob, "mentor")  # a role change: no news
    defis.set_team_member(alice, defi, alice, "mentor")  # oneself: no news
    [note] = notes(bob)
    assert (note.kind, note.url) == ("defi_team", f"/defis/{defi.slug}")
    assert shown(note) == (
        "Alice Durand vous a ajouté à l’équipe du défi « Données ouvertes »."
    )
    assert notes(alice) == []


# Reactions --------------------------------------------------------------------------


def test_reactions_to_a_message_are_one_notification_never_emailed(
    app, smtp_server, alice, bob, carol
):
    dave = make_member(username="dave", display_name="Dave Roux")
    channel = channels.create_channel(alice, name="Entraide")
    message = channels.post_message(alice, channel, "Voici le guide")
    channels.toggle_reaction(alice, message.id, "👍")  # one's own: nothing
    assert notes(alice) == []
    channels.toggle_reaction(bob, message.id, "👍")
    channels.toggle_reaction(bob, message.id, "👍")  # taken back
    channels.toggle_reaction(carol, message.id, "🎉")
    channels.toggle_reaction(dave, message.id, "👍")
    [note] = notes(alice)
    assert note.kind == "reaction"
    assert (
        shown(note)
        == "Dave Roux et 2 autres ont réagi à votre message dans # Entraide."
    )
    assert shown(note, "en") == (
        "Dave Roux and 2 others reacted to your message in # Entraide."
    )
    assert smtp_server.messages == []
    assert services.email_mode(alice, "reaction") == "off"


# Preferences ------------------------------------------------------------------------


def test_a_kind_turned_off_everywhere_is_not_stored(alice, bob):
    services.set_preferences(bob, {"direct_message": "off"}, {"direct_message": False})
    channels.post_message(alice, channels.start_direct(alice, [bob]), "Coucou")
    assert notes(bob) == []


def test_a_kind_off_in_app_still_comes_by_email(app, smtp_server, alice, bob):
    services.set_preferences(bob, {}, {"direct_message": False})
    channels.post_message(alice, channels.start_direct(alice, [bob]), "Coucou")
    assert services.unread_count(bob) == 0
    assert services.list_notifications(bob) == []
    [email] = smtp_server.messages
    assert "Coucou" in text_body(email)


def test_replies_can_go_to_the_digest(app, smtp_server, alice, bob):
    services.set_preferences(bob, {"reply": "digest"})
    channel = channels.create_channel(alice, name="Entraide")
    root = channels.post_message(bob, channel, "Mon idée")
    channels.post_message(alice, channel, "Bonne idée", parent_id=root.id)
    assert smtp_server.messages == []
    assert services.unread_count(bob) == 1
    assert services.send_digests() == 1
    assert "Bonne idée" in text_body(smtp_server.messages[0])


def test_reactions_cannot_be_emailed(alice):
    from app.errors import Invalid

    with pytest.raises(Invalid):
        services.set_preferences(alice, {"reaction": "instant"})


# Language ---------------------------------------------------------------------------


def test_an_english_reader_sees_english_in_the_api_and_the_page(
    browser_factory, alice, bob
):
    channels.post_message(alice, channels.start_direct(alice, [bob]), "Salut !")
    client = logged_in(browser_factory, bob)
    french = client.get("/api/v1/notifications").get_json()
    assert (
        french["notifications"][0]["text"] == "Alice Durand vous a écrit : « Salut ! »"
    )
    english = client.get("/api/v1/notifications?lang=en").get_json()
    [item] = english["notifications"]
    assert item["text"] == "Alice Durand wrote to you: “Salut !”"
    assert (item["kind"], item["count"], item["actor"]) == (
        "direct_message",
        1,
        "alice",
    )
    assert english["unread"] == 1
    page = client.get("/notifications/").get_data(as_text=True)  # the cookie keeps it
    assert "Alice Durand wrote to you" in page


def test_an_english_member_gets_english_emails(app, smtp_server, alice, bob):
    bob.locale = "en"
    db.session.commit()
    channels.post_message(alice, channels.start_direct(alice, [bob]), "Salut !")
    [email] = smtp_server.messages
    assert email["Subject"] == "EIG Link: Alice Durand wrote to you: “Salut !”"
    body = text_body(email)
    assert "Hello Bob Martin," in body and "See it on EIG Link:" in body
    assert "Bonjour" not in body


def test_switching_language_on_the_site_is_remembered_for_emails(
    browser_factory, alice
):
    client = logged_in(browser_factory, alice)
    client.get("/notifications/?lang=en")
    db.session.expire_all()
    assert alice.locale == "en"


def test_rows_stored_before_parameters_show_their_stored_text(alice, bob):
    old = services.notify(
        "mention", bob, actor=alice, url="/channels/x", text="Ancien texte."
    )
    assert old.params is None
    assert shown(old, "en") == "Ancien texte."


def test_mentoring_notifications_are_rendered_too(alice, bob):
    note = services.notify(
        "mentoring_answer",
        bob,
        actor=alice,
        url="/mentoring/",
        params={"actor": "Alice Durand", "topic": "Python", "answer": "accepted"},
    )
    assert note.text == "Alice Durand a accepté votre demande de mentorat « Python »."
    assert shown(note, "en") == "Alice Durand accepted your mentoring request “Python”."
