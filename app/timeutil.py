"""UTC time, the only clock the app reads."""

from datetime import UTC, datetime, tzinfo
from typing import overload
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE: tzinfo
try:  # what a page shows before the browser puts its own zone
    DEFAULT_ZONE = ZoneInfo("Europe/Paris")
except ZoneInfoNotFoundError:  # a system without the time zone database
    DEFAULT_ZONE = UTC


def utcnow() -> datetime:
    """Now, as a timezone-aware UTC datetime."""
    return datetime.now(UTC)


@overload
def as_utc(moment: datetime) -> datetime: ...
@overload
def as_utc(moment: None) -> None: ...
def as_utc(moment: datetime | None) -> datetime | None:
    """A datetime from a raw SQL row (text() queries skip the UTCDateTime column
    type): SQLite's are naive, in UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def isoformat(moment: datetime | None) -> str | None:
    """A stored datetime as ISO 8601 with its UTC offset, or None."""
    return as_utc(moment).isoformat() if moment else None


def local_text(moment: datetime | None, pattern: str = "%d/%m/%Y %H:%M") -> str:
    """A stored datetime as the community reads it (Paris), for e-mails and
    pages without JavaScript; the browser rewrites a page's in its own zone."""
    if moment is None:
        return ""
    return as_utc(moment).astimezone(DEFAULT_ZONE).strftime(pattern)


def local_date(moment: datetime | None) -> str:
    return local_text(moment, "%d/%m/%Y")
