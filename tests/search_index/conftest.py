"""The `index` fixture: every search backend, for the one contract suite."""

import importlib
import os
import re
from collections.abc import Iterator

import pytest

from search_index import SearchIndex, open_index


def postgres_url() -> str | None:
    """TEST_DATABASE_URL in the form the backend opens; None when it is not set.

    With a database to test, a backend that does not import fails the test: a
    skip would hide it among the other skips.
    """
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return None
    try:
        importlib.import_module("search_index.postgres_backend")
    except ImportError as error:
        pytest.fail(f"TEST_DATABASE_URL is set; the backend does not import ({error})")
    return re.sub(r"^postgres(?:ql)?(?:\+\w+)?://", "postgresql+psycopg://", url)


@pytest.fixture(
    params=[
        "memory",
        "whoosh-disk",
        pytest.param("postgres", marks=pytest.mark.postgres),
    ]
)
def index(request: pytest.FixtureRequest, tmp_path) -> Iterator[SearchIndex]:
    """An empty index of each backend, closed afterwards."""
    if request.param == "memory":
        opened = open_index("memory:")
    elif request.param == "whoosh-disk":
        opened = open_index(f"whoosh:{tmp_path / 'index'}")
    else:
        url = postgres_url()
        if url is None:
            pytest.skip("PostgreSQL backend not tested: TEST_DATABASE_URL is not set")
        opened = open_index(url)
        opened.clear()
    try:
        yield opened
    finally:
        if request.param == "postgres":
            opened.clear()
        opened.close()
