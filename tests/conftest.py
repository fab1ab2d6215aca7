"""Fixtures shared by every test: app, client, auth, and database helpers."""

import os

import pytest

from app import create_app
from app.extensions import db
from config import TestConfig
from tests.factories import PASSWORD


def pytest_report_header(config):
    url = os.environ.get("TEST_DATABASE_URL")
    return (
        f"database: {'PostgreSQL (TEST_DATABASE_URL)' if url else 'SQLite in memory'}"
    )


def _reset_schema():
    db.drop_all()
    db.create_all()


@pytest.fixture
def app():
    """A fresh app on an empty database (SQLite in memory, or TEST_DATABASE_URL)."""
    app = create_app(TestConfig)
    with app.app_context():
        _reset_schema()
        yield app
        db.session.rollback()
        db.session.remove()
        db.drop_all()


@pytest.fixture
def secure_app(app):
    """The same app with CSRF protection and rate limits on, as in production."""
    from app.extensions import limiter

    app.config.update(WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=True)
    limiter.enabled = True
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
