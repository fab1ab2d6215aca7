"""Browsers with CSRF on, as in the security tests."""

from tests.security.conftest import browser_factory  # noqa: F401
