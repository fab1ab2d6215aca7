"""Messages are searchable, and private ones only by the channel's members."""

from app.channels import services as channels
from app.search import services as search
from tests.factories import make_member


def found(viewer, text: str) -> list[str]:
    return [hit.url for hit in search.search(viewer, text, kind="message").hits]


def test_a_posted_message_is_found_by_every_member(app, alice, bob):
    channel = channels.create_channel(alice, name="Géomatique")
    message = channels.post_message(alice, channel, "Qui connaît la cartographie ?")
    assert found(bob, "cartographies") == [f"/channels/geomatique#message-{message.id}"]


def test_private_messages_are_found_only_by_the_channels_members(app, alice, bob):
    channel = channels.create_channel(alice, name="Secret", private=True)
    channels.post_message(alice, channel, "Le mot de passe du wifi est orchidée")
    assert len(found(alice, "orchidee")) == 1
    assert found(bob, "orchidee") == []
    channels.invite_to_channel(alice, channel, bob)
    assert len(found(bob, "orchidee")) == 1


def test_edited_and_deleted_messages_follow_in_the_index(app, alice, bob):
    channel = channels.create_channel(alice, name="Brouillons")
    message = channels.post_message(alice, channel, "Première idée : tramway")
    channels.edit_message(alice, message.id, "Meilleure idée : téléphérique")
    assert found(bob, "tramway") == [] and len(found(bob, "telepherique")) == 1
    channels.delete_message(alice, message.id)
    assert found(bob, "telepherique") == []


def test_messages_stay_findable_without_naming_their_author(app, alice, bob):
    from app.admin.services import set_active

    channel = channels.create_channel(alice, name="Départs")
    channels.post_message(bob, channel, "Je pars vers de nouvelles aventures")
    set_active(make_member(role="staff"), bob, False)
    [hit] = search.search(alice, "aventures", kind="message").hits
    assert hit.title == "# Départs" and "Bob" not in hit.snippet


def test_who_knows_counts_the_messages_a_member_wrote_on_the_topic(app, alice, bob):
    channel = channels.create_channel(alice, name="Entraide SIG")
    for text in ("QGIS et les projections Lambert 93", "Une projection Lambert 93"):
        channels.post_message(bob, channel, text)
    [match] = search.who_knows(alice, "lambert")
    assert match.member.username == "bob"
    assert match.reasons == ["2 messages"]


def test_who_knows_ignores_messages_the_viewer_may_not_read(app, alice, bob):
    carol = make_member(username="carol")
    channel = channels.create_channel(bob, name="Discret", private=True)
    channels.post_message(bob, channel, "Mon avis sur Kubernetes")
    assert search.who_knows(carol, "kubernetes") == []
    assert [m.member.username for m in search.who_knows(bob, "kubernetes")] == ["bob"]
