"""Mention e-mails are grouped per recipient: a burst of mentions is one e-mail
at once, then one more for the rest, not one e-mail each."""

from datetime import timedelta

from sqlalchemy import update

from app import timeutil
from app.channels import services as channels
from app.extensions import db
from app.notifications.models import Notification
from tests.conftest import text_body


def mention(author, channel, member, n: int) -> None:
    channels.post_message(author, channel, f"Message {n} pour @{member.username}")


def window_passes() -> None:
    """As if MAIL_GROUP_SECONDS had gone by since the last e-mail."""
    earlier = timeutil.utcnow() - timedelta(hours=1)
    db.session.execute(
        update(Notification)
        .where(Notification.emailed_at.is_not(None))
        .values(emailed_at=earlier)
    )
    db.session.commit()


def test_a_burst_of_mentions_sends_one_email_then_one_grouped_email(
    app, smtp_server, alice, bob
):
    channel = channels.create_channel(alice, name="Salon")
    for n in range(5):
        mention(alice, channel, bob, n)
    [first] = smtp_server.messages
    assert first["To"] == bob.email and "Salon" in first["Subject"]

    window_passes()
    mention(alice, channel, bob, 5)
    assert len(smtp_server.messages) == 2
    grouped = smtp_server.messages[1]
    assert grouped["Subject"] == "EIG Link : votre récapitulatif (5 notifications)"
    assert text_body(grouped).count("vous a mentionné") == 5
    assert "réunies dans cet e-mail" in text_body(grouped)
    assert "quotidien" not in text_body(grouped)
    db.session.expire_all()
    assert all(n.emailed_at for n in db.session.query(Notification))


def test_held_mentions_leave_in_the_daily_digest_when_nothing_follows(
    app, smtp_server, alice, bob
):
    channel = channels.create_channel(alice, name="Salon")
    for n in range(3):
        mention(alice, channel, bob, n)
    assert len(smtp_server.messages) == 1
    result = app.test_cli_runner().invoke(args=["send-digest"])
    assert result.exit_code == 0
    assert len(smtp_server.messages) == 2
    digest = smtp_server.messages[1]
    assert digest["Subject"] == "EIG Link : votre récapitulatif (2 notifications)"


def test_each_recipient_has_its_own_window(app, smtp_server, alice, bob):
    from tests.factories import make_member

    carol = make_member(username="carol")
    channel = channels.create_channel(alice, name="Salon")
    mention(alice, channel, bob, 0)
    mention(alice, channel, carol, 1)
    assert sorted(m["To"] for m in smtp_server.messages) == sorted(
        [bob.email, carol.email]
    )
