"""Notification services: creation, the bell's count, reading, preferences, links."""

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import func, select

from app.channels import services as channels
from app.errors import Invalid, NotFound
from app.extensions import db
from app.notifications import hooks, links, services
from app.notifications.links import LinkUsed
from app.notifications.models import EmailOptOut, Notification
from tests.factories import make_member


def ping(recipient, actor=None, kind="mention", url="/channels/general"):
    return services.notify(kind, recipient, actor=actor, url=url, text="Coucou")


def count() -> int:
    return db.session.scalar(select(func.count(Notification.id)))


def test_notify_stores_a_notification_and_counts_it_unread(alice, bob):
    notification = ping(alice, actor=bob)
    assert (notification.kind, notification.actor_id) == ("mention", bob.id)
    assert services.unread_count(alice) == 1
    assert services.list_notifications(alice) == [notification]
    assert services.unread_count(bob) == 0


def test_nobody_is_notified_of_their_own_action_nor_when_deactivated(alice, bob):
    assert ping(alice, actor=alice) is None
    bob.active = False
    db.session.commit()
    assert ping(bob, actor=alice) is None
    assert count() == 0


@pytest.mark.parametrize(
    ("kind", "url"),
    [("unknown", "/x"), ("mention", "https://evil.example/"), ("mention", "//evil")],
)
def test_unknown_kinds_and_outside_links_are_programming_errors(alice, kind, url):
    with pytest.raises(ValueError):
        ping(alice, kind=kind, url=url)
    assert count() == 0


def test_mark_read_one_and_all(alice, bob):
    first, second, third = (ping(alice, actor=bob) for _ in range(3))
    services.mark_read(alice, first.id)
    assert services.unread_count(alice) == 2
    assert services.mark_all_read(alice) == 2
    assert services.unread_count(alice) == 0


@pytest.mark.parametrize("bad_id", [None, "1", True, 10**9])
def test_marking_a_missing_notification_is_not_found(alice, bad_id):
    with pytest.raises(NotFound):
        services.mark_read(alice, bad_id)


def test_no_one_reads_someone_elses_notification(alice, bob):
    notification = ping(alice, actor=bob)
    with pytest.raises(NotFound):
        services.mark_read(bob, notification.id)
    assert services.unread_count(alice) == 1


# Preferences --------------------------------------------------------------------


def test_kinds_default_to_instant_email_and_reactions_are_never_emailed(alice):
    choices = services.preferences(alice)
    assert choices["resource_comment"] == choices["direct_message"] == "instant"
    assert choices["reply"] == "instant"
    assert choices["defi_team"] == "digest"
    assert choices["reaction"] == "off"
    assert all(services.in_app_preferences(alice).values())


def test_preferences_are_saved_all_or_nothing(alice):
    services.set_preferences(alice, {"mention": "digest", "mentoring_request": "off"})
    assert services.email_mode(alice, "mention") == "digest"
    with pytest.raises(Invalid):
        services.set_preferences(alice, {"mention": "off", "mentoring_answer": "loud"})
    assert services.email_mode(alice, "mention") == "digest"
    with pytest.raises(Invalid):
        services.set_preferences(alice, {"nothing": "off"})


def test_a_digest_kind_waits_for_the_digest(alice, bob):
    services.set_preferences(alice, {"mention": "digest"})
    assert ping(alice, actor=bob).in_digest
    assert not ping(alice, actor=bob, kind="mentoring_request").in_digest


# Hooks ------------------------------------------------------------------------------


def test_a_mention_in_a_channel_notifies_who_can_read_it(alice, bob):
    carol = make_member(username="carol")
    channel = channels.create_channel(alice, name="Entre nous", private=True)
    channels.invite_to_channel(alice, channel, bob)
    channels.post_message(alice, channel, "Salut @bob et @carol, et @alice")
    mention = db.session.scalar(
        select(Notification).where(Notification.kind == "mention")
    )
    assert mention.recipient_id == bob.id  # carol may not read it, alice wrote it
    assert mention.url.startswith(f"/channels/{channel.slug}#message-")
    assert mention.text == "Alice Durand vous a mentionné dans # Entre nous."
    assert services.unread_count(make_member(username="dave")) == 0
    assert services.unread_count(carol) == 0


def test_being_added_to_a_channel_is_a_notification(alice, bob):
    channel = channels.create_channel(alice, name="Atelier", private=True)
    channels.invite_to_channel(alice, channel, bob)
    channels.invite_to_channel(alice, channel, bob)  # already in: told once
    [invitation] = services.list_notifications(bob)
    assert invitation.kind == "channel_invitation"
    assert invitation.url == f"/channels/{channel.slug}"


def test_a_comment_on_a_resource_is_one_call(alice, bob):
    class Resource:  # the resources domain will pass its model
        id, title = 7, "Guide RGPD"

    hooks.notify_resource_comment(bob, Resource(), alice)
    [comment] = services.list_notifications(alice)
    assert (comment.kind, comment.url) == ("resource_comment", "/resources/7")
    assert "Guide RGPD" in comment.text


# Links in e-mails -------------------------------------------------------------------


def token_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


def test_a_notification_link_works_once_for_its_recipient(alice, bob):
    notification = ping(alice, actor=bob, url="/mentoring/")
    token = token_of(links.open_link(notification))
    with pytest.raises(NotFound):
        links.use_open_link(bob, token)
    assert links.use_open_link(alice, token) == "/mentoring/"
    assert notification.read_at is not None
    with pytest.raises(LinkUsed, match="déjà été utilisé"):
        links.use_open_link(alice, token)


def test_a_forged_notification_link_is_refused(app, alice, bob):
    notification = ping(alice, actor=bob)
    forged = URLSafeSerializer("not-the-secret", salt="notification-link").dumps(
        {"n": notification.id, "r": alice.id}
    )
    with pytest.raises(Invalid, match="n’est pas valide"):
        links.use_open_link(alice, forged)
    # Signed for alice but naming bob's notification: looks like no notification.
    other = ping(bob, actor=alice)
    crafted = URLSafeSerializer(app.config["SECRET_KEY"], salt="notification-link")
    with pytest.raises(NotFound):
        links.use_open_link(alice, crafted.dumps({"n": other.id, "r": alice.id}))
    assert other.link_used_at is None and notification.link_used_at is None


def test_an_unsubscribe_link_turns_one_kind_off(alice):
    token = token_of(links.unsubscribe_url("mention", member=alice))
    assert links.unsubscribe(token) == "mention"
    assert services.email_mode(alice, "mention") == "off"
    assert services.email_mode(alice, "mentoring_request") == "instant"
    assert links.unsubscribe(token) == "mention"  # a second click changes nothing


def test_an_address_unsubscribes_from_invitations(app):
    token = token_of(links.unsubscribe_url("invitation", email="Nouvelle@Example.org"))
    links.unsubscribe(token)
    links.unsubscribe(token)
    assert links.opted_out("nouvelle@example.org", "invitation")
    assert db.session.scalar(select(func.count(EmailOptOut.id))) == 1


@pytest.mark.parametrize(
    "payload", [{"k": "mention", "m": 10**6}, {"k": "other", "m": 1}, ["mention"]]
)
def test_bad_unsubscribe_links_are_refused(app, alice, payload):
    token = URLSafeSerializer(app.config["SECRET_KEY"], salt="unsubscribe").dumps(
        payload
    )
    for bad in (token, "abc.def", token + "x"):
        with pytest.raises(Invalid, match="désabonnement"):
            links.unsubscribe(bad)
    assert services.email_mode(alice, "mention") == "instant"
