"""What an import from Slack keeps beside the messages themselves.

- `SlackAuthor`: a person of the Slack workspace. Linked to the member with the
  same e-mail, at import or when they join later; until then a name only, with
  no login and no profile page.
- `ImportedChannel`: which EIG Link channel a Slack conversation went to, so
  that links between channels and a later import find it again.
- `ImportedMessage`: the key (workspace, Slack channel, ts) of each imported
  message: a second run, or a later export, adds only what is new.
- `ImportedReaction`, `ImportedSeat`: the reactions and the seats in private
  conversations of authors who are not members yet, handed over when they join.
"""

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.dbtypes import UTCDateTime
from app.extensions import Model
from app.timeutil import utcnow


class SlackAuthor(Model):
    __tablename__ = "slack_authors"
    __table_args__ = (UniqueConstraint("workspace", "slack_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace: Mapped[str] = mapped_column(String(40))
    slack_id: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), default="", index=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    bot: Mapped[bool] = mapped_column(Boolean, default=False)
    # The member this person is: their account's deletion takes this row along,
    # and the messages then show "Ancien membre", as a deleted member's do.
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ImportedChannel(Model):
    __tablename__ = "slack_channels"
    __table_args__ = (UniqueConstraint("workspace", "slack_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace: Mapped[str] = mapped_column(String(40))
    slack_id: Mapped[str] = mapped_column(String(40))
    channel_id: Mapped[int] = mapped_column(
        ForeignKey("channels.id", ondelete="CASCADE"), index=True
    )


class ImportedMessage(Model):
    __tablename__ = "slack_messages"
    __table_args__ = (UniqueConstraint("workspace", "slack_channel", "ts"),)

    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True
    )
    workspace: Mapped[str] = mapped_column(String(40))
    slack_channel: Mapped[str] = mapped_column(String(40))
    ts: Mapped[str] = mapped_column(String(24))


class ImportedReaction(Model):
    __tablename__ = "slack_reactions"

    message_id: Mapped[int] = mapped_column(
        ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True
    )
    author_id: Mapped[int] = mapped_column(
        ForeignKey("slack_authors.id", ondelete="CASCADE"), primary_key=True
    )
    emoji: Mapped[str] = mapped_column(String(32), primary_key=True)


class ImportedSeat(Model):
    __tablename__ = "slack_seats"

    channel_id: Mapped[int] = mapped_column(
        ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True
    )
    author_id: Mapped[int] = mapped_column(
        ForeignKey("slack_authors.id", ondelete="CASCADE"), primary_key=True
    )
