"""Fixtures shared by every test: app, client, auth, and database helpers."""

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import g, request_started

from app import create_app
from app.extensions import db
from config import TestConfig
from tests.factories import PASSWORD


def pytest_report_header(config):
    url = os.environ.get("TEST_DATABASE_URL")
    return (
        f"database: {'PostgreSQL (TEST_DATABASE_URL)' if url else 'SQLite in memory'}"
    )


def _forget_request_state(_sender, **_extra):
    g.pop("_login_user", None)
    g.pop("_flask_babel", None)


def _reset_schema():
    db.drop_all()
    db.create_all()


@pytest.fixture
def app(tmp_path):
    """A fresh app on an empty database (SQLite in memory, or TEST_DATABASE_URL)."""
    app = create_app(TestConfig)
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")  # never the instance's
    # Test requests reuse this fixture's app context, so Flask-Login's cached member
    # (g._login_user) and Flask-Babel's locale would leak from one request to the
    # next: forget them each time.
    request_started.connect(_forget_request_state, app)
    with app.app_context():
        _reset_schema()
        yield app
        db.session.rollback()
        db.session.remove()
        db.drop_all()
        db.engine.dispose()  # close pooled connections: no ResourceWarning


@contextmanager
def file_app(path, **settings) -> Iterator:
    """An app on a new SQLite file, with TestConfig changed by `settings`, for the
    tests where background threads write while the test thread reads."""
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config |= {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", **settings}
    app = create_app(config)
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def secure_app(app):
    """The same app with CSRF protection and rate limits on, as in production."""
    from app.extensions import limiter

    app.config.update(WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=True)
    # With RATELIMIT_ENABLED off, create_app's init_app returned early (no storage,
    # no request hooks): bind the limiter to this app now, with fresh memory storage.
    limiter.init_app(app)
    limiter.reset()
    yield app
    limiter.enabled = False


@pytest.fixture
def client(app):
    return app.test_client()


class AuthActions:
    """Log a member in and out through the real login form."""

    def __init__(self, client):
        self._client = client

    def login(self, member, password: str = PASSWORD):
        response = self._client.post(
            "/auth/login", data={"username": member.username, "password": password}
        )
        assert response.status_code == 302, "login failed"
        return response

    def logout(self):
        return self._client.post("/auth/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


class SmtpCollector:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes
        from email.policy import default

        self.messages.append(message_from_bytes(envelope.content, policy=default))
        return "250 Message accepted"


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    """A real SMTP server on loopback; the app sends its e-mails there."""
    from aiosmtpd.controller import Controller

    from app.mail import Mailer

    collector = SmtpCollector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    app.extensions["eig_mailer"] = Mailer.from_config(app.config)
    yield collector
    controller.stop()


def text_body(message) -> str:
    """The plain-text part of a received e-mail."""
    return message.get_body(preferencelist=("plain",)).get_content()
