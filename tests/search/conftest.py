"""The search tests' API client."""

import pytest

from app.auth.services import create_api_token
from tests.factories import make_member


@pytest.fixture
def api(app):
    """A client sending a member's Bearer token, without any cookie."""
    _, raw = create_api_token(make_member(display_name="Zoé Lectrice"), "tests")
    client = app.test_client(use_cookies=False)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client
