"""Questions: thread roots asked as questions, their accepted answer, and the
members they were routed to.

- `Question`: a thread's first message, with a title, tags (skills) and
  optionally a défi. Its answers are the thread's replies; one of them may be
  accepted, and the question is then solved.
- `QuestionRoute`: a member the question was sent to, why, in which round (the
  first at asking time, the second once, when it stays unanswered), and whether
  they passed.
"""

from datetime import datetime

from sqlalchemy import JSON, Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.dbtypes import UTCDateTime
from app.extensions import Model, db
from app.timeutil import utcnow

question_tags = Table(
    "question_tags",
    db.metadata,
    Column(
        "question_id", ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("skill_id", ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True),
)


class Question(Model):
    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), unique=True
    )
    title: Mapped[str] = mapped_column(String(200))
    asker_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    defi_id: Mapped[int | None] = mapped_column(
        ForeignKey("defis.id", ondelete="SET NULL"), index=True
    )
    accepted_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="SET NULL"), index=True
    )
    solved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rerouted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, index=True
    )

    # Message.question: the question a thread root asks (search shows it).
    message = relationship(
        "Message",
        foreign_keys=[message_id],
        backref=backref("question", uselist=False, passive_deletes=True),
    )
    # Message.answered: the question a reply is the accepted answer of.
    accepted = relationship(
        "Message",
        foreign_keys=[accepted_message_id],
        backref=backref("answered", uselist=False, passive_deletes=True),
    )
    asker = relationship("Member")
    defi = relationship("Defi")
    tags = relationship("Skill", secondary=question_tags, order_by="Skill.key")
    routes = relationship(
        "QuestionRoute",
        back_populates="question",
        cascade="all, delete-orphan",
        order_by="QuestionRoute.routed_at",
    )

    @property
    def status(self) -> str:
        return "solved" if self.accepted_message_id is not None else "open"


class QuestionRoute(Model):
    __tablename__ = "question_routes"

    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    # Why them, as data written in the reader's language when shown (see
    # app/questions/routing.py): [{"kind": "defi", "title": …}, …]
    reasons: Mapped[list] = mapped_column(JSON, default=list)
    round: Mapped[int] = mapped_column(Integer, default=1)
    routed_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, index=True
    )
    passed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    question = relationship("Question", back_populates="routes")
    member = relationship("Member")
