"""Column types shared by every domain's models."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """A moment, written and read as a timezone-aware UTC datetime.

    PostgreSQL keeps the offset; SQLite keeps the wall time only, so a moment is
    turned to UTC before it is written and gets its UTC offset back when read.
    A naive datetime is refused: which zone it meant cannot be known."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self, value: datetime | None, dialect: Dialect
    ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: give it a time zone")
        return value.astimezone(UTC)

    def coerce_compared_value(self, op: Any, value: Any) -> Any:
        """A datetime beside a moment is a moment; anything else (an interval, a
        date) keeps its own type instead of passing through process_bind_param."""
        if isinstance(value, datetime):
            return self
        return self.impl_instance.coerce_compared_value(op, value)

    def process_result_value(
        self, value: datetime | None, dialect: Dialect
    ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
