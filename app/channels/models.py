"""Discussion channels, their members, their messages and reactions."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.dbtypes import UTCDateTime
from app.extensions import Model
from app.members.models import Member
from app.slack.models import SlackAuthor
from app.timeutil import utcnow

if TYPE_CHECKING:
    from app.defis.models import Defi
    from app.questions.models import Question


# defi: one per défi, readable by every member; topic: created by members, open
# to all; private: invitation only; direct: a conversation between a few members.
KINDS = ("defi", "topic", "private", "direct")
PUBLIC_KINDS = ("defi", "topic")


class Channel(Model):
    __tablename__ = "channels"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(16), index=True)
    description: Mapped[str] = mapped_column(String(300), default="")
    defi_id: Mapped[int | None] = mapped_column(
        ForeignKey("defis.id", ondelete="CASCADE"), unique=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    defi: Mapped["Defi | None"] = relationship()
    memberships: Mapped[list["ChannelMember"]] = relationship(
        back_populates="channel", cascade="all, delete-orphan"
    )

    @property
    def is_public(self) -> bool:
        return self.kind in PUBLIC_KINDS

    @property
    def access_key(self) -> str:
        """What a search document of this channel needs: see app/search."""
        return "public" if self.is_public else f"channel:{self.id}"


class ChannelMember(Model):
    """A member in a channel, and the last message they have read there."""

    __tablename__ = "channel_members"

    channel_id: Mapped[int] = mapped_column(
        ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    last_read_id: Mapped[int] = mapped_column(Integer, default=0)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    channel: Mapped[Channel] = relationship(back_populates="memberships")
    member: Mapped[Member] = relationship()


class Message(Model):
    """A message: its id only grows, so `after=<id>` catches up in order."""

    __tablename__ = "messages"
    __table_args__ = (
        UniqueConstraint("author_id", "client_id"),
        Index("ix_messages_channel_id_id", "channel_id", "id"),  # history, catch-up
        Index("ix_messages_author_id_created_at", "author_id", "created_at"),
        {"sqlite_autoincrement": True},  # an id is never given out twice
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(
        ForeignKey("channels.id", ondelete="CASCADE")
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    # A reply in a thread points to the thread's first message.
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("messages.id", ondelete="SET NULL"), index=True
    )
    # Set by the sender's client: a retry of the same message is stored once.
    client_id: Mapped[str | None] = mapped_column(String(64))
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)  # sanitised rendering of body
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when staff removed it (moderation) rather than its author.
    deleted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    # Imported from Slack: who wrote it there (see app/slack). Imported messages
    # have ids below zero, in Slack's time order: they come before every live
    # message, are never unread, and `after=<id>` catch-up is unchanged.
    imported_author_id: Mapped[int | None] = mapped_column(
        ForeignKey("slack_authors.id", ondelete="SET NULL"), index=True
    )
    # Held back until its author joins (import-slack --hold-unclaimed).
    held: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    channel: Mapped[Channel] = relationship()
    author: Mapped[Member | None] = relationship(foreign_keys=[author_id])
    imported_author: Mapped[SlackAuthor | None] = relationship()
    parent: Mapped["Message | None"] = relationship(remote_side=[id])
    reactions: Mapped[list["Reaction"]] = relationship(
        cascade="all, delete-orphan", order_by="Reaction.created_at"
    )
    if TYPE_CHECKING:  # made at run time by Question's backrefs (app/questions)
        question: Mapped["Question | None"]  # the question a thread root asks
        answered: Mapped["Question | None"]  # the question it is the answer of

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def imported_name(self) -> str | None:
        """The Slack name of an imported message's author who is no member (yet)."""
        if self.author_id is None and self.imported_author is not None:
            return self.imported_author.name
        return None


# The reactions offered: a short fixed set keeps them readable and safe.
REACTIONS = ("👍", "❤️", "🎉", "😄", "🤔", "👀", "✅", "🙏")


class Reaction(Model):
    """A member's emoji on a message; a second click takes it back."""

    __tablename__ = "reactions"

    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    emoji: Mapped[str] = mapped_column(String(16), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    member: Mapped[Member] = relationship()
