"""Fixtures for the JSON API tests: a client holding a Bearer token."""

import pytest

from app.auth.services import create_api_token
from tests.factories import make_member


@pytest.fixture
def reader(app):
    """An active member who reads the API."""
    return make_member(username="lectrice", display_name="Lectrice Api")


@pytest.fixture
def api(app, reader):
    """A test client sending the reader's Bearer token, without any cookie."""
    _, raw = create_api_token(reader, "tests")
    client = app.test_client(use_cookies=False)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client
