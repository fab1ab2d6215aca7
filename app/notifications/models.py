"""In-app notifications, e-mail preferences per kind, and address-level opt-outs."""

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.dbtypes import UTCDateTime
from app.extensions import Model
from app.members.models import Member
from app.timeutil import utcnow

# What a member is told about; each kind has its own e-mail preference.
KINDS = (
    "mention",
    "mentoring_request",
    "mentoring_answer",
    "resource_comment",
    "channel_invitation",
    "direct_message",
    "reply",
    "defi_team",
    "team_request",
    "reaction",
    "question",
)
# E-mail for a kind the member has not chosen for; reactions are never e-mailed.
DEFAULT_EMAIL = {"defi_team": "digest", "reaction": "off"}
IN_APP_ONLY = ("reaction",)
# E-mails sent to an address rather than to a member's notifications.
ACCOUNT_KINDS = ("invitation", "password_reset")
EMAIL_MODES = ("instant", "digest", "off")


class Notification(Model):
    """Something that happened for a member: who did it, where to look, what."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_recipient_unread", "recipient_id", "read_at"),
        Index("ix_notifications_recipient_group", "recipient_id", "group_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    recipient_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE")
    )
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    url: Mapped[str] = mapped_column(String(500))  # a path inside the site
    # French text, kept for rows stored before `params`: new rows are rendered
    # from kind + params in the reader's language when shown.
    text: Mapped[str] = mapped_column(String(300))
    params: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # A burst (messages of one person in one conversation, reactions to one
    # message) is one notification whose count grows while it is unread.
    group_key: Mapped[str | None] = mapped_column(String(80))
    count: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # False when the member turned this kind off in-app: kept for the e-mail only.
    shown: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The e-mailed link works once; a replay is refused.
    link_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    in_digest: Mapped[bool] = mapped_column(Boolean, default=False, index=True)

    recipient: Mapped[Member] = relationship(foreign_keys=[recipient_id])
    actor: Mapped[Member | None] = relationship(foreign_keys=[actor_id])


class NotificationPreference(Model):
    """How a member wants e-mail for one kind: at once, in the daily digest, never."""

    __tablename__ = "notification_preferences"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    email: Mapped[str] = mapped_column(String(8), default="instant")
    in_app: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())


class EmailOptOut(Model):
    """An address that asked for no more e-mails of an account kind."""

    __tablename__ = "email_opt_outs"
    __table_args__ = (UniqueConstraint("email", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
