"""With TEST_DATABASE_URL set, a PostgreSQL backend that does not import fails."""

import sys

import pytest

from tests.search_index.conftest import postgres_url


def test_broken_backend_fails_instead_of_skipping(monkeypatch):
    monkeypatch.setenv("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1/none")
    # None in sys.modules makes the next import raise ImportError.
    monkeypatch.setitem(sys.modules, "search_index.postgres_backend", None)
    with pytest.raises(pytest.fail.Exception, match="does not import"):
        postgres_url()


def test_no_database_means_no_postgres_tests(monkeypatch):
    monkeypatch.delenv("TEST_DATABASE_URL", raising=False)
    assert postgres_url() is None
