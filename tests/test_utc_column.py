"""Every stored moment comes back as an aware UTC datetime, on SQLite too, and
a moment without a zone is refused rather than guessed."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import StatementError

from app.extensions import db
from app.members.models import Member
from tests.factories import make_member

PARIS_SUMMER = timezone(timedelta(hours=2))


def read_back(member_id: int) -> Member:
    db.session.expire_all()
    return db.session.get(Member, member_id)


def test_a_stored_moment_is_read_back_aware_and_in_utc(app):
    member = make_member()
    member.deactivated_at = datetime(2026, 7, 14, 23, 57, tzinfo=PARIS_SUMMER)
    db.session.commit()
    moment = read_back(member.id).deactivated_at
    assert moment.tzinfo is not None
    assert moment.utcoffset() == timedelta(0)
    assert moment == datetime(2026, 7, 14, 21, 57, tzinfo=UTC)
    assert moment.isoformat() == "2026-07-14T21:57:00+00:00"


def test_default_times_are_aware_too(app):
    created = read_back(make_member().id).created_at
    assert created.utcoffset() == timedelta(0)


def test_a_moment_without_a_zone_is_refused_and_nothing_is_saved(app):
    member = make_member()
    member.deactivated_at = datetime(2026, 7, 14, 23, 57)
    with pytest.raises(StatementError, match="naive datetime"):
        db.session.commit()
    db.session.rollback()
    assert read_back(member.id).deactivated_at is None


def test_queries_compare_moments_in_utc(app):
    member = make_member()
    member.deactivated_at = datetime(2026, 7, 14, 21, 57, tzinfo=UTC)
    db.session.commit()
    just_before = datetime(2026, 7, 14, 23, 56, tzinfo=PARIS_SUMMER)
    found = db.session.scalars(
        db.select(Member.id).where(Member.deactivated_at > just_before)
    ).all()
    assert found == [member.id]


def test_a_date_beside_a_moment_keeps_its_own_type(app):
    member = make_member()
    member.deactivated_at = datetime(2026, 7, 14, 21, 57, tzinfo=UTC)
    db.session.commit()
    found = db.session.scalars(
        db.select(Member.id).where(Member.deactivated_at > date(2026, 7, 14))
    ).all()
    assert found == [member.id]
