"""The form tests use the security tests' browsers (CSRF and rate limits on)."""

from tests.security.conftest import browser, browser_factory  # noqa: F401
