"""Resources members share (code, tools, guides, data sets…), bookmarks, comments."""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    func,
    select,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from app.collation import french
from app.dbtypes import UTCDateTime
from app.extensions import Model, db
from app.markdown import keep_rendered
from app.members.models import Member
from app.resources.forges import Repository, repository_of
from app.timeutil import utcnow

if TYPE_CHECKING:
    from app.defis.models import Defi


KINDS = ("code", "tool", "guide", "dataset", "template", "link", "file")

resource_tag_links = Table(
    "resource_tag_links",
    db.metadata,
    Column(
        "resource_id", ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True
    ),
    Column(
        "tag_id", ForeignKey("resource_tags.id", ondelete="CASCADE"), primary_key=True
    ),
)


class ResourceTag(Model):
    """A keyword on resources ("OCR"), matched whatever its case and accents."""

    __tablename__ = "resource_tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(60))
    key: Mapped[str] = mapped_column(String(60), unique=True)  # folded name


class Resource(Model):
    __tablename__ = "resources"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    title: Mapped[str] = mapped_column(String(160))
    url: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    # The description rendered on write: a list never renders Markdown.
    description_html: Mapped[str] = mapped_column(Text, default="")
    licence: Mapped[str] = mapped_column(String(40), default="", index=True)
    defi_id: Mapped[int | None] = mapped_column(
        ForeignKey("defis.id", ondelete="SET NULL"), index=True
    )
    # None for the repositories offered by the défi data set, or a deleted member.
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL"), index=True
    )
    # The uploaded file: stored under `file_key` (generated), shown as `file_name`.
    file_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    file_name: Mapped[str | None] = mapped_column(String(200))
    file_type: Mapped[str | None] = mapped_column(String(100))
    file_size: Mapped[int | None] = mapped_column(Integer)
    # Folded title, tags and description start: the list's free-text filter.
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, index=True
    )
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow
    )
    # Set when staff hid it (moderation): only its author and staff still see it.
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    hidden_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )

    author: Mapped[Member | None] = relationship(foreign_keys=[author_id])
    defi: Mapped["Defi | None"] = relationship()
    tags: Mapped[list[ResourceTag]] = relationship(
        secondary=resource_tag_links, order_by=french(ResourceTag.name)
    )
    comments: Mapped[list["ResourceComment"]] = relationship(
        back_populates="resource",
        cascade="all, delete-orphan",
        order_by="ResourceComment.id",
    )
    bookmarks: Mapped[list["ResourceBookmark"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    if TYPE_CHECKING:  # column properties set below, once the counted models exist
        bookmark_count: Mapped[int]
        comment_count: Mapped[int]

    @property
    def hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def repository(self) -> Repository | None:
        """Forge, owner and name when the URL is a GitHub, GitLab or SourceHut repo."""
        return repository_of(self.url) if self.url else None


keep_rendered(Resource.description, "description_html")


class ResourceBookmark(Model):
    """A member keeps a resource in their bookmarks."""

    __tablename__ = "resource_bookmarks"

    resource_id: Mapped[int] = mapped_column(
        ForeignKey("resources.id", ondelete="CASCADE"), primary_key=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ResourceComment(Model):
    """A member's comment on a resource, in Markdown, kept with its safe HTML."""

    __tablename__ = "resource_comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_id: Mapped[int] = mapped_column(
        ForeignKey("resources.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="SET NULL")
    )
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    resource: Mapped[Resource] = relationship(back_populates="comments")
    author: Mapped[Member | None] = relationship()


# Counted in the query that loads the resource: lists sort and show them, no N+1.
Resource.bookmark_count = column_property(
    select(func.count(ResourceBookmark.member_id))
    .where(ResourceBookmark.resource_id == Resource.id)
    .correlate_except(ResourceBookmark)
    .scalar_subquery(),
    deferred=False,
)
Resource.comment_count = column_property(
    select(func.count(ResourceComment.id))
    .where(ResourceComment.resource_id == Resource.id)
    .correlate_except(ResourceComment)
    .scalar_subquery(),
)
