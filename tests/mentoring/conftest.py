"""Mentoring fixtures: a controlled clock, mentors with topics and capacity."""

from datetime import UTC, datetime, timedelta

import pytest

from app import timeutil
from app.mentoring import services
from tests.factories import make_member


class Clock:
    """The time every service reads through app.timeutil.utcnow, moved by hand."""

    def __init__(self):
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(timeutil, "utcnow", clock)
    return clock


def make_mentor(*, topics="", capacity=2, available=True, role="alumni", **fields):
    """A saved alumni (or mentor) who offers mentoring on these topics."""
    mentor = make_member(role=role, **fields)
    services.save_mentor_profile(
        mentor, available=available, topics=topics, capacity=capacity
    )
    return mentor


@pytest.fixture
def asker(app):
    return make_member(role="eig", display_name="Camille Asker", skills=["Python"])


# Browsers with CSRF on, as in the security tests.
from tests.security.conftest import browser_factory  # noqa: E402, F401
