"""French order for names and titles, the same in Python, SQLite and PostgreSQL.

Accents and case only break ties between otherwise equal words: Adélaïde,
adrienne, Écobalyse, Eva, zoé. That is the Unicode Collation Algorithm, which
CLDR's French uses without tailoring. pyuca computes it in Python, for sorted()
and for the "fr" collation registered on every SQLite connection (app/sqlite.py);
PostgreSQL has it from ICU as the "fr-x-icu" collation, which initdb creates on
any server built with ICU. Lists paginated in SQL sort with `french(column)`,
lists sorted in memory with `french_key`, and both agree.
"""

import functools

import pyuca
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import BinaryExpression, CollationClause, ColumnElement

SQLITE_COLLATION = "fr"
POSTGRES_COLLATION = "fr-x-icu"


@functools.cache
def _collator() -> pyuca.Collator:
    return pyuca.Collator()  # reads its table once, on first use (~0.1 s)


def load() -> None:
    """Read pyuca's table now (0.1-0.2 s of Python holding the GIL), at start-up
    rather than inside the first request that sorts, where every other thread of
    the process (sockets included) would wait for it."""
    _collator()


@functools.lru_cache(maxsize=65536)
def french_key(text: str) -> tuple[int, ...]:
    """Sort key putting text in French order: sorted(names, key=french_key)."""
    return _collator().sort_key(text)


def compare(a: str, b: str) -> int:
    """SQLite's collation callback: negative, zero or positive, like strcmp."""
    key_a, key_b = french_key(a), french_key(b)
    return (key_a > key_b) - (key_a < key_b)


class _French(CollationClause):
    """The French collation, named for the database that compiles it."""

    inherit_cache = True

    def __init__(self) -> None:
        super().__init__(SQLITE_COLLATION)


@compiles(_French)
def _named(_element, compiler, **_kw) -> str:
    return compiler.preparer.format_collation(SQLITE_COLLATION)


@compiles(_French, "postgresql")
def _icu(_element, compiler, **_kw) -> str:
    return compiler.preparer.format_collation(POSTGRES_COLLATION)


def french(column: ColumnElement[str] | QueryableAttribute[str]) -> ColumnElement[str]:
    """The column in French order: `order_by(french(Member.display_name))`."""
    expression = column.expression  # the column itself, or the attribute's column
    return BinaryExpression(expression, _French(), operators.collate, type_=column.type)
