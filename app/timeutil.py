"""UTC time, the only clock the app reads."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, as a timezone-aware UTC datetime."""
    return datetime.now(UTC)


def as_utc(moment: datetime | None) -> datetime | None:
    """Datetimes read back from SQLite are naive: they were stored in UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def isoformat(moment: datetime | None) -> str | None:
    """A stored datetime as ISO 8601 with its UTC offset, or None."""
    return as_utc(moment).isoformat() if moment else None
