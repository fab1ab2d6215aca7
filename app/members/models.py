"""Members of the community, their skills and the promotions they belong to."""

import secrets
from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Boolean, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.collation import french
from app.dbtypes import UTCDateTime
from app.extensions import Model, db
from app.markdown import keep_rendered
from app.timeutil import utcnow

if TYPE_CHECKING:
    from app.defis.models import DefiMembership, Promotion


ROLES = ("eig", "alumni", "mentor", "staff")
# Who may see a member's e-mail address and city (the member and staff always do).
VISIBILITIES = ("members", "staff")
ROLE_LABELS = {
    "eig": _l("EIG"),
    "alumni": _l("Alumni"),
    "mentor": _l("Mentor"),
    "staff": _l("Équipe du programme"),
}

member_skills = Table(
    "member_skills",
    db.metadata,
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column("skill_id", ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True),
)

member_promotions = Table(
    "member_promotions",
    db.metadata,
    Column("member_id", ForeignKey("members.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "promotion_id",
        ForeignKey("promotions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)


def new_session_token() -> str:
    return secrets.token_hex(16)


class Skill(Model):
    """A skill or expertise tag, shared by member profiles and défis."""

    __tablename__ = "skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    key: Mapped[str] = mapped_column(String(60), unique=True)  # folded name


class Member(UserMixin, Model):
    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(16), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    # Rotated on logout, password change and deactivation: every session ends.
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    headline: Mapped[str] = mapped_column(String(160), default="")
    bio: Mapped[str] = mapped_column(Text, default="")
    bio_html: Mapped[str] = mapped_column(Text, default="")  # bio, rendered on write
    city: Mapped[str] = mapped_column(String(80), default="")
    open_to_mentoring: Mapped[bool] = mapped_column(Boolean, default=False)
    # Questions routed to them: None follows the role (alumni and mentors yes).
    takes_questions: Mapped[bool | None] = mapped_column(Boolean)
    # The language last chosen on the site: notification e-mails are written in it.
    locale: Mapped[str | None] = mapped_column(String(5))
    # Who sees the e-mail address and the city: "members" or "staff" only.
    email_visibility: Mapped[str] = mapped_column(String(8), default="staff")
    city_visibility: Mapped[str] = mapped_column(String(8), default="members")
    github_url: Mapped[str] = mapped_column(String(300), default="")
    gitlab_url: Mapped[str] = mapped_column(String(300), default="")
    linkedin_url: Mapped[str] = mapped_column(String(300), default="")
    website_url: Mapped[str] = mapped_column(String(300), default="")
    # Where the member works now, from ProConnect's claims (siret, organizational
    # unit) when they agreed, asked once: None until then.
    organisation: Mapped[str] = mapped_column(String(200), default="")
    organisation_siret: Mapped[str] = mapped_column(String(14), default="")
    proconnect_sync: Mapped[bool | None] = mapped_column(Boolean)
    # Folded name, username, headline, city and skills: the directory's text filter.
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow
    )
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    skills: Mapped[list[Skill]] = relationship(
        secondary=member_skills, order_by=french(Skill.name)
    )
    promotions: Mapped[list["Promotion"]] = relationship(
        secondary=member_promotions, order_by="Promotion.year"
    )
    defi_memberships: Mapped[list["DefiMembership"]] = relationship(
        back_populates="member", cascade="all, delete-orphan"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive members
        return self.active

    @property
    def is_staff(self) -> bool:
        return self.role == "staff"

    @property
    def receives_questions(self) -> bool:
        """Whether questions may be routed to them: their choice, else their role."""
        if self.takes_questions is not None:
            return self.takes_questions
        return self.role in ("alumni", "mentor")

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS.get(self.role, self.role))

    def shows(self, field: str, viewer) -> bool:
        """Whether `viewer` may see this member's `email` or `city`."""
        if getattr(viewer, "is_staff", False) or getattr(viewer, "id", None) == self.id:
            return True
        return getattr(self, f"{field}_visibility") == "members"

    @property
    def public_city(self) -> str:
        """The city as every member may see it (empty when kept for staff)."""
        return self.city if self.city_visibility == "members" else ""

    def get_id(self) -> str:
        """Session identity: the id plus the current session token."""
        return f"{self.id}:{self.session_token}"

    def links(self) -> list[tuple[str, str]]:
        """The profile links that are set, as (label, url)."""
        pairs = [
            ("GitHub", self.github_url),
            ("GitLab", self.gitlab_url),
            ("LinkedIn", self.linkedin_url),
            ("Site web", self.website_url),
        ]
        return [(label, url) for label, url in pairs if url]


keep_rendered(Member.bio, "bio_html")
