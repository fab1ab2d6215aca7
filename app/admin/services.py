"""Staff actions: deactivation, roles, the audit log."""

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app.audit import AuditEntry, audit
from app.collation import french
from app.errors import Invalid
from app.extensions import db
from app.members.models import ROLES, Member, new_session_token
from app.members.services import require_staff
from app.text import fold
from app.timeutil import utcnow


def set_active(actor: Member, member: Member, active: bool) -> None:
    """Deactivate (sessions end, login refused) or reactivate a member."""
    require_staff(actor)
    if member.id == actor.id and not active:
        raise Invalid(_("Vous ne pouvez pas désactiver votre propre compte."))
    member.active = active
    member.deactivated_at = None if active else utcnow()
    member.session_token = new_session_token()
    audit(actor, "member.activate" if active else "member.deactivate", member.username)
    db.session.commit()


def set_role(actor: Member, member: Member, role: str) -> None:
    """Change a member's role."""
    require_staff(actor)
    if role not in ROLES:
        raise Invalid(_("Rôle inconnu : %(role)s.", role=role))
    if member.id == actor.id and role != "staff":
        raise Invalid(_("Vous ne pouvez pas retirer votre propre rôle d’équipe."))
    audit(actor, "member.role", member.username, {"from": member.role, "to": role})
    member.role = role
    db.session.commit()


STATES = ("active", "inactive")


def member_query(actor: Member, q: str = "", role: str = "", state: str = ""):
    """The accounts staff look for: words of the name, username or e-mail
    (accents and case ignored), a role, active or deactivated."""
    require_staff(actor)
    stmt = select(Member)
    for word in fold(q).split()[:8]:
        stmt = stmt.where(
            or_(
                Member.search_text.contains(word, autoescape=True),
                func.lower(Member.email).contains(word, autoescape=True),
            )
        )
    if role in ROLES:
        stmt = stmt.where(Member.role == role)
    if state in STATES:
        stmt = stmt.where(Member.active.is_(state == "active"))
    return stmt.order_by(french(Member.display_name), Member.id)


def recent_audit(actor: Member, limit: int = 100) -> list[AuditEntry]:
    """The latest staff actions, newest first."""
    require_staff(actor)
    stmt = (
        select(AuditEntry)
        .options(selectinload(AuditEntry.actor))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))
