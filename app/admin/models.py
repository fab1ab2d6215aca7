"""The audit log of staff actions."""

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.members.models import Member
from app.timeutil import utcnow

# What each action code means, for the log page; unknown codes show as they are.
ACTION_LABELS = {
    "member.activate": _l("Compte réactivé"),
    "member.deactivate": _l("Compte désactivé"),
    "member.role": _l("Rôle changé"),
    "member.export": _l("Données exportées (RGPD)"),
    "member.delete": _l("Compte supprimé (RGPD)"),
    "invitation.create": _l("Invitation envoyée"),
    "message.hide": _l("Message masqué (modération)"),
    "defi.create": _l("Défi créé"),
    "defi.update": _l("Défi modifié"),
}


class AuditEntry(db.Model):
    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str] = mapped_column(String(120), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, index=True
    )

    actor: Mapped[Member | None] = relationship()

    @property
    def label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))
