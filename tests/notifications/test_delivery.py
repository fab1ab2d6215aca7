"""Instant e-mails leave from the mail thread: a slow SMTP server never holds the
message that mentions someone, and a failed e-mail does not stop the next ones."""

import asyncio
import time

import pytest
from aiosmtpd.controller import Controller

from app import create_app
from app.channels import services as channels
from app.extensions import db, socketio
from app.mail import Mailer
from app.notifications.models import Notification
from config import TestConfig
from tests.conftest import SmtpCollector, file_app, free_port
from tests.factories import PASSWORD, make_member

SMTP_SECONDS = 1.0  # how long the slow server takes to accept a message


class SlowCollector(SmtpCollector):
    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(SMTP_SECONDS)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def inbox():
    collector = SlowCollector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    collector.port = port
    yield collector
    controller.stop()


@pytest.fixture
def background_app(tmp_path, inbox):
    settings = {"MAIL_SYNC": "background", "MAIL_SERVER": "127.0.0.1"}
    with file_app(tmp_path / "app.db", MAIL_PORT=inbox.port, **settings) as app:
        yield app


def wait_for(condition, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


def emailed(notification_id: int):
    db.session.expire_all()
    return db.session.get(Notification, notification_id).emailed_at


def test_a_mention_is_acked_before_its_slow_email_leaves(background_app, inbox):
    alice = make_member(username="alice", display_name="Alice")
    bob = make_member(username="bob")
    channels.join_channel(bob, channels.create_channel(alice, name="Entraide"))
    http = background_app.test_client()
    http.post("/auth/login", data={"username": "alice", "password": PASSWORD})
    socket = socketio.test_client(background_app, flask_test_client=http)
    started = time.monotonic()
    ack = socket.emit(
        "send_message",
        {"channel": "entraide", "body": "Une question pour @bob", "client_id": "q1"},
        callback=True,
    )
    acked_after = time.monotonic() - started
    assert ack["ok"], ack
    assert acked_after < SMTP_SECONDS / 2, f"acked after {acked_after:.2f} s"
    assert wait_for(lambda: inbox.messages), "the e-mail never left"
    assert inbox.messages[0]["To"] == bob.email
    mention = db.session.query(Notification).filter_by(recipient_id=bob.id).one()
    assert wait_for(lambda: emailed(mention.id) is not None)
    socket.disconnect()


def test_a_password_reset_answers_before_its_slow_email_leaves(background_app, inbox):
    """A known address must not answer later than an unknown one: its e-mail
    leaves from the mail thread, after the answer."""
    make_member(email="oubli@example.org")
    http = background_app.test_client()
    started = time.monotonic()
    response = http.post("/auth/reset", data={"email": "oubli@example.org"})
    answered_after = time.monotonic() - started
    assert response.status_code == 302
    assert answered_after < SMTP_SECONDS / 2, f"answered after {answered_after:.2f} s"
    assert wait_for(lambda: inbox.messages), "the e-mail never left"
    assert inbox.messages[0]["To"] == "oubli@example.org"
    assert "/auth/reset/" in inbox.messages[0].get_body(("plain",)).get_content()


def test_an_unreachable_server_loses_one_email_not_the_next(background_app, inbox):
    alice = make_member(username="alice", display_name="Alice")
    bob = make_member(username="bob")
    channel = channels.create_channel(alice, name="Entraide")
    channels.join_channel(bob, channel)
    config = {**background_app.config, "MAIL_PORT": free_port()}  # nobody listens
    background_app.extensions["eig_mailer"] = Mailer.from_config(config)
    channels.post_message(alice, channel, "Premier message pour @bob")
    first = db.session.query(Notification).order_by(Notification.id.desc()).first()
    worker = background_app.extensions["mail_worker"]
    assert wait_for(worker.idle), "the failed e-mail is still being sent"
    background_app.extensions["eig_mailer"] = Mailer.from_config(background_app.config)
    channels.post_message(alice, channel, "Second message pour @bob")
    assert wait_for(lambda: inbox.messages), "the next e-mail never left"
    assert len(inbox.messages) == 1
    assert emailed(first.id) is None  # still on the site, not e-mailed


def test_at_exit_the_email_being_sent_is_waited_for(background_app, inbox):
    alice = make_member(username="alice", display_name="Alice")
    bob = make_member(username="bob")
    channel = channels.create_channel(alice, name="Entraide")
    channels.join_channel(bob, channel)
    channels.post_message(alice, channel, "Une question pour @bob")
    worker = background_app.extensions["mail_worker"]
    time.sleep(0.2)  # the mail thread has taken it and waits on the server
    worker.drain()  # what the process runs at exit
    assert len(inbox.messages) == 1


def test_an_unknown_mail_sync_mode_is_refused(tmp_path):
    settings = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    with pytest.raises(RuntimeError, match="MAIL_SYNC must be one of"):
        create_app({**settings, "MAIL_SYNC": "bakground"})
