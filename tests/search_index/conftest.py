"""The `index` fixture: every search backend, for the one contract suite."""

import importlib
import os
import re
from collections.abc import Iterator

import pytest

from search_index import SearchIndex, open_index


def postgres_url() -> tuple[str | None, str]:
    """TEST_DATABASE_URL in the form the backend opens, or why it cannot run."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return None, "TEST_DATABASE_URL is not set"
    try:
        importlib.import_module("search_index.postgres_backend")
    except ImportError as error:
        return None, f"search_index.postgres_backend does not import ({error})"
    return re.sub(r"^postgres(?:ql)?(?:\+\w+)?://", "postgresql+psycopg://", url), ""


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
        url, reason = postgres_url()
        if url is None:
            pytest.skip(f"PostgreSQL backend not tested: {reason}")
        opened = open_index(url)
        opened.clear()
    try:
        yield opened
    finally:
        if request.param == "postgres":
            opened.clear()
        opened.close()
