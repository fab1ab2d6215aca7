"""E-mails read back from a real SMTP server on loopback (aiosmtpd).

Each has a link that works and an unsubscribe link that works without logging in.
"""

import html
import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from app.auth import services as auth
from app.extensions import db
from app.mail import Mailer
from app.mentoring import services as mentoring
from app.notifications import services as notifications
from app.notifications.models import Notification
from tests.conftest import free_port, text_body
from tests.factories import make_member
from tests.mentoring.conftest import make_mentor

LINK = re.compile(r"http://localhost(/\S+)")


def links_in(message) -> list[str]:
    """The site paths linked from the plain-text body, in order."""
    return LINK.findall(text_body(message))


def html_body(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def unsubscribe_path(message) -> str:
    header = message["List-Unsubscribe"]
    path = urlsplit(header.strip("<>")).path
    assert path in links_in(message) and path in html_body(message)
    return path


def unsubscribe(client, path: str) -> None:
    """Open the link as a stranger would (no login), then press the button."""
    page = client.get(path)
    assert page.status_code == 200 and "Me désabonner" in page.get_data(as_text=True)
    done = client.post(path)
    assert "vous ne recevrez plus" in done.get_data(as_text=True)


@pytest.fixture
def staff(app):
    return make_member(role="staff", username="equipe", display_name="Équipe Eig")


def test_invitation_email_links_to_registration_and_unsubscribes(
    app, client, smtp_server, staff
):
    invitation, _link = auth.invite(staff, "nouvelle@example.org", "eig")
    [message] = smtp_server.messages
    assert message["Subject"] == "Votre invitation à rejoindre EIG Link"
    register = links_in(message)[0]
    assert register.startswith("/auth/register/")
    assert register in html_body(message)
    assert client.get(register).status_code == 200
    unsubscribe(client, unsubscribe_path(message))
    auth.resend_invitation(staff, invitation)
    assert len(smtp_server.messages) == 1  # no more invitations to that address


def test_an_invitation_to_a_defi_names_it(app, smtp_server, staff):
    from tests.factories import make_defi

    defi = make_defi(title="Lab Santé")
    auth.invite(staff, "nouvelle@example.org", "eig", defi_id=defi.id)
    [message] = smtp_server.messages
    assert "l’équipe du défi « Lab Santé »" in html.unescape(html_body(message))


def test_a_resent_invitation_mails_a_new_link(app, client, smtp_server, staff):
    invitation, _link = auth.invite(staff, "nouvelle@example.org", "eig")
    auth.resend_invitation(staff, invitation)
    first, second = smtp_server.messages
    old, new = links_in(first)[0], links_in(second)[0]
    assert old != new and "Équipe Eig vous invite" in html_body(second)
    assert client.get(new).status_code == 200
    assert "dernier e-mail" in client.get(old).get_data(as_text=True)


def test_password_reset_email_links_to_the_form_and_unsubscribes(
    app, client, smtp_server
):
    member = make_member(email="camille@example.org")
    auth.request_password_reset("camille@example.org")
    [message] = smtp_server.messages
    reset = links_in(message)[0]
    assert reset.startswith("/auth/reset/")
    assert client.get(reset).status_code == 200
    unsubscribe(client, unsubscribe_path(message))
    auth.request_password_reset(member.email)
    assert len(smtp_server.messages) == 1


def follow_once(client, path: str) -> str:
    """Open a notification link: it redirects to its page, then is used up."""
    response = client.get(path)
    assert response.status_code == 302
    target = response.headers["Location"]
    assert client.get(target).status_code == 200
    replay = client.get(path)
    assert replay.status_code == 410
    assert "déjà été utilisé" in replay.get_data(as_text=True)
    return target


def test_mentoring_request_and_answer_emails(app, client, auth, smtp_server):
    mentor = make_mentor(topics="Python", display_name="Dana Data")
    asker = make_member(role="eig", display_name="Camille Asker")
    request = mentoring.ask_for_mentoring(asker, mentor, topic="Python")
    [asked] = smtp_server.messages
    assert asked["To"] == mentor.email
    assert "Camille Asker vous demande du mentorat" in asked["Subject"]
    assert "Bonjour Dana Data" in text_body(asked)
    auth.login(mentor)
    opened = links_in(asked)[0]
    assert opened.startswith("/notifications/open/")
    assert follow_once(client, opened) == f"/mentoring/requests/{request.id}"
    auth.logout()

    mentoring.answer_request(mentor, request.id, accept=True, message="Oui !")
    answer = smtp_server.messages[1]
    assert answer["To"] == asker.email
    assert "Dana Data a accepté" in text_body(answer)
    auth.login(asker)
    assert follow_once(client, links_in(answer)[0]).endswith(str(request.id))
    auth.logout()

    unsubscribe(client, unsubscribe_path(asked))
    assert notifications.email_mode(mentor, "mentoring_request") == "off"
    mentoring.ask_for_mentoring(make_member(role="eig"), mentor, topic="Python")
    assert len(smtp_server.messages) == 2  # the bell still shows it
    assert notifications.unread_count(mentor) == 1


def test_the_daily_digest_gathers_the_waiting_notifications(
    app, client, auth, smtp_server
):
    mentor = make_mentor(topics="Python")
    notifications.set_preferences(
        mentor, {"mentoring_request": "digest", "mention": "digest"}
    )
    asker = make_member(role="eig", display_name="Camille Asker")
    mentoring.ask_for_mentoring(asker, mentor, topic="Python")
    notifications.notify(
        "mention", mentor, actor=asker, url="/channels/", text="Mention de test."
    )
    assert smtp_server.messages == []

    result = app.test_cli_runner().invoke(args=["send-digest"])
    assert result.exit_code == 0, result.output
    assert "Récapitulatifs envoyés : 1" in result.output
    [digest] = smtp_server.messages
    assert digest["Subject"] == "EIG Link : votre récapitulatif (2 notifications)"
    body = text_body(digest)
    assert (
        "Camille Asker vous demande du mentorat" in body and "Mention de test" in body
    )
    paths = links_in(digest)
    auth.login(mentor)
    assert client.get(paths[0]).status_code == 302  # the first notification
    auth.logout()
    unsubscribes = [p for p in paths if p.startswith("/notifications/unsubscribe/")]
    assert len(unsubscribes) == 2  # one per kind in the digest
    unsubscribe(client, unsubscribes[1])
    assert notifications.email_mode(mentor, "mentoring_request") == "off"
    assert notifications.email_mode(mentor, "mention") == "digest"

    app.test_cli_runner().invoke(args=["send-digest"])
    assert len(smtp_server.messages) == 1  # nothing waits any more


def test_a_notification_read_before_the_digest_is_not_emailed(app, smtp_server):
    member = make_member()
    notifications.set_preferences(member, {"mention": "digest"})
    notification = notifications.notify(
        "mention", member, actor=None, url="/channels/", text="Déjà lue."
    )
    notifications.mark_read(member, notification.id)
    assert notifications.send_digests() == 0
    assert smtp_server.messages == []


def test_emails_are_french_even_for_a_member_reading_in_english(
    app, client, auth, smtp_server
):
    mentor = make_mentor(topics="Python")
    asker = make_member(role="eig")
    auth.login(asker)
    client.get("/?lang=en")
    response = client.post(
        "/mentoring/requests",
        data={"mentor": mentor.username, "topic": "Python", "message": "Bonjour"},
    )
    assert response.status_code == 302
    [message] = smtp_server.messages
    assert "Ne plus recevoir ces e-mails" in text_body(message)
    assert "Demandes de mentorat reçues" in text_body(message)


def test_a_dead_smtp_server_loses_neither_the_request_nor_the_notification(
    app, client, auth
):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nobody there
    app.extensions["eig_mailer"] = Mailer.from_config(app.config)
    mentor = make_mentor(topics="Python")
    asker = make_member(role="eig")
    auth.login(asker)
    response = client.post(
        "/mentoring/requests", data={"mentor": mentor.username, "topic": "Python"}
    )
    assert response.status_code == 302
    stored = db.session.scalar(select(Notification))
    assert stored.recipient_id == mentor.id and stored.emailed_at is None
    assert notifications.unread_count(mentor) == 1
