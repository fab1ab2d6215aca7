"""Full-text search for EIG Link, independent of Flask: one interface, several backends.

index = open_index("whoosh:/path/to/dir" | "memory:" | "postgresql+psycopg://...")
"""

from search_index.base import (
    PUBLIC,
    Document,
    Hit,
    Page,
    Query,
    SearchError,
    SearchIndex,
    open_index,
    register,
)

__all__ = [
    "PUBLIC",
    "Document",
    "Hit",
    "Page",
    "Query",
    "SearchError",
    "SearchIndex",
    "open_index",
    "register",
]

# Backends register themselves on import; PostgreSQL only if its driver imports.
from contextlib import suppress  # noqa: E402

from search_index import whoosh_backend  # noqa: E402,F401

with suppress(ImportError):  # psycopg is an optional dependency
    from search_index import postgres_backend  # noqa: F401
