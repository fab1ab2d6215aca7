"""Mentor settings (topics, capacity) and mentoring requests."""

from datetime import datetime, timedelta

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.collation import french
from app.dbtypes import UTCDateTime
from app.extensions import Model, db
from app.members.models import Member, Skill
from app.timeutil import utcnow

MENTOR_ROLES = ("alumni", "mentor")
STATUSES = ("pending", "accepted", "declined", "closed", "expired")
PENDING_FOR = timedelta(days=14)

mentor_topics = Table(
    "mentor_topics",
    db.metadata,
    Column(
        "member_id",
        ForeignKey("mentor_profiles.member_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("skill_id", ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True),
)


class MentorProfile(Model):
    """What an alumni or mentor offers; availability is Member.open_to_mentoring."""

    __tablename__ = "mentor_profiles"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    capacity: Mapped[int] = mapped_column(Integer, default=2)  # active mentees
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow
    )

    member: Mapped[Member] = relationship()
    topics: Mapped[list[Skill]] = relationship(
        secondary=mentor_topics, order_by=french(Skill.name)
    )


class MentoringRequest(Model):
    """An EIG asking a mentor for help: pending → accepted/declined → closed."""

    __tablename__ = "mentoring_requests"
    __table_args__ = (
        Index("ix_mentoring_requests_mentor_status", "mentor_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    asker_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    mentor_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    topic: Mapped[str] = mapped_column(String(80))
    message: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    answer: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    asker: Mapped[Member] = relationship(foreign_keys=[asker_id])
    mentor: Mapped[Member] = relationship(foreign_keys=[mentor_id])

    @property
    def expires_at(self) -> datetime:
        return self.created_at + PENDING_FOR
