"""The audit log: what staff, and the command line, did to members, défis and
resources. Domains record into it in their own transaction; the admin pages
only display it (app/admin/journal.py)."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.dbtypes import UTCDateTime
from app.extensions import Model, db
from app.members.models import Member
from app.timeutil import utcnow

# Set in the details of what the command line did: no member acted.
SYSTEM = "system"


class AuditEntry(Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str] = mapped_column(String(120), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, index=True
    )

    actor: Mapped[Member | None] = relationship()


def audit(
    actor: Member | None,
    action: str,
    target: str,
    details: dict[str, Any] | None = None,
) -> None:
    """Record an action in the caller's transaction."""
    db.session.add(
        AuditEntry(actor=actor, action=action, target=target, details=details or {})
    )


def system_details(details: dict | None = None) -> dict:
    """The details of an action taken by the command line, not by a member."""
    return (details or {}) | {SYSTEM: True}
