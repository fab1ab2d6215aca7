"""Invitations and personal API tokens."""

import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.dbtypes import UTCDateTime
from app.extensions import Model
from app.members.models import Member
from app.timeutil import utcnow

STATUS_LABELS = {
    "accepted": _l("acceptée"),
    "revoked": _l("remplacée"),
    "expired": _l("expirée"),
    "pending": _l("en attente"),
}


class Invitation(Model):
    """An e-mail address invited to join with a role; the link is single-use."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    role: Mapped[str] = mapped_column(String(16))
    promotion_id: Mapped[int | None] = mapped_column(ForeignKey("promotions.id"))
    # The défi whose team (and channel) the new member joins on registering.
    defi_id: Mapped[int | None] = mapped_column(
        ForeignKey("defis.id", ondelete="SET NULL")
    )
    # Part of the signed link; a new nonce makes older links worthless.
    nonce: Mapped[str] = mapped_column(
        String(32), default=lambda: secrets.token_hex(16)
    )
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )

    invited_by: Mapped[Member | None] = relationship(foreign_keys=[invited_by_id])
    promotion = relationship("Promotion")
    defi = relationship("Defi")

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at < utcnow():
            return "expired"
        return "pending"

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def can_resend(self) -> bool:
        return self.status in ("pending", "expired")


class ApiToken(Model):
    """A personal API token; only its SHA-256 is stored, the token is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    prefix: Mapped[str] = mapped_column(String(12))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    member: Mapped[Member] = relationship()
