"""Alice and Bob, and browsers with CSRF on as in the security tests."""

import pytest

from tests.factories import make_member
from tests.security.conftest import browser_factory  # noqa: F401


@pytest.fixture
def alice(app):
    return make_member(username="alice", display_name="Alice Durand")


@pytest.fixture
def bob(app):
    return make_member(username="bob", display_name="Bob Martin")
