"""Défis, the promotions and administrations they belong to, and their teams."""

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.collation import french
from app.dbtypes import UTCDateTime
from app.extensions import Model, db
from app.markdown import keep_rendered
from app.members.models import Member, Skill
from app.timeutil import utcnow

TEAM_ROLES = ("eig", "mentor")
TEAM_ROLE_LABELS = {"eig": _l("EIG"), "mentor": _l("Mentor")}

defi_themes = Table(
    "defi_themes",
    db.metadata,
    Column("defi_id", ForeignKey("defis.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)

defi_expertises = Table(
    "defi_expertises",
    db.metadata,
    Column("defi_id", ForeignKey("defis.id", ondelete="CASCADE"), primary_key=True),
    Column("skill_id", ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True),
)


class Promotion(Model):
    """A cohort: "Promotion 3" (EIG, 2019), "Promotion 3 - DIG" (DIG, 2019)…"""

    __tablename__ = "promotions"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    label: Mapped[str] = mapped_column(String(80), unique=True)
    number: Mapped[int] = mapped_column(Integer)
    programme: Mapped[str] = mapped_column(String(8), default="EIG")
    year: Mapped[int] = mapped_column(Integer, index=True)
    ended: Mapped[bool] = mapped_column(Boolean, default=False)


class Administration(Model):
    """A host administration, one row per body whatever the spelling in the data."""

    __tablename__ = "administrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    website: Mapped[str | None] = mapped_column(String(300))


class Theme(Model):
    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    key: Mapped[str] = mapped_column(String(60), unique=True)


class Defi(Model):
    __tablename__ = "defis"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(160))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    programme: Mapped[str] = mapped_column(String(8), default="EIG")
    promotion_id: Mapped[int] = mapped_column(ForeignKey("promotions.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    administration_id: Mapped[int] = mapped_column(
        ForeignKey("administrations.id"), index=True
    )
    establishment: Mapped[str | None] = mapped_column(String(300))
    location: Mapped[str] = mapped_column(String(120), default="")
    tagline: Mapped[str] = mapped_column(String(400), default="")
    description: Mapped[str | None] = mapped_column(Text)
    # The description rendered on write: a page never renders Markdown.
    description_html: Mapped[str] = mapped_column(Text, default="")
    duration_months: Mapped[int | None] = mapped_column(Integer)
    is_startup_etat: Mapped[bool] = mapped_column(Boolean, default=False)
    links: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    repositories: Mapped[list[str]] = mapped_column(JSON, default=list)
    key_figures: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    realisations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    source: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow
    )

    promotion: Mapped[Promotion] = relationship()
    administration: Mapped[Administration] = relationship()
    themes: Mapped[list[Theme]] = relationship(
        secondary=defi_themes, order_by=french(Theme.name)
    )
    expertises: Mapped[list[Skill]] = relationship(
        secondary=defi_expertises, order_by=french(Skill.name)
    )
    team: Mapped[list["DefiMembership"]] = relationship(
        back_populates="defi", cascade="all, delete-orphan"
    )


keep_rendered(Defi.description, "description_html")


class DefiMembership(Model):
    """A member's place in a défi's team, as EIG or as mentor."""

    __tablename__ = "defi_memberships"
    __table_args__ = (UniqueConstraint("defi_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    defi_id: Mapped[int] = mapped_column(ForeignKey("defis.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16), default="eig")

    defi: Mapped[Defi] = relationship(back_populates="team")
    member: Mapped[Member] = relationship(back_populates="defi_memberships")

    @property
    def role_label(self) -> str:
        return str(TEAM_ROLE_LABELS.get(self.role, self.role))


class TeamRequest(Model):
    """A member asking to join a défi's team; its team or the staff answer."""

    __tablename__ = "team_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    defi_id: Mapped[int] = mapped_column(
        ForeignKey("defis.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(16), default="eig")
    message: Mapped[str] = mapped_column(Text, default="")
    # pending, then accepted, declined or withdrawn
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )

    defi: Mapped[Defi] = relationship()
    member: Mapped[Member] = relationship(foreign_keys=[member_id])
    decided_by: Mapped[Member | None] = relationship(foreign_keys=[decided_by_id])

    @property
    def role_label(self) -> str:
        return str(TEAM_ROLE_LABELS.get(self.role, self.role))
