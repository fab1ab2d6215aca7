"""Reading resources: who sees what, the lists and their filters."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Select, func, or_, select, true
from sqlalchemy.orm import selectinload

from app.collation import french, french_key
from app.defis.models import Defi
from app.errors import Invalid, NotFound
from app.extensions import db
from app.members.models import Member
from app.resources.models import (
    KINDS,
    Resource,
    ResourceBookmark,
    ResourceComment,
    ResourceTag,
    resource_tag_links,
)
from app.resources.vocabulary import LICENCE_LABELS
from app.text import clean_spaces, fold

SORTS = ("newest", "bookmarks")
CARD_OPTIONS = (
    selectinload(Resource.tags),
    selectinload(Resource.defi),
    selectinload(Resource.author),
)


@dataclass(frozen=True)
class ResourceFilters:
    q: str = ""
    kind: str = ""
    tag: str = ""
    defi: str = ""  # défi slug
    licence: str = ""
    author: str = ""  # username
    sort: str = "newest"
    bookmarked: bool = False  # only the viewer's bookmarks


def can_see(viewer: Member, resource: Resource) -> bool:
    """A hidden resource is seen only by its author and staff."""
    if not resource.hidden:
        return True
    return viewer.is_staff or resource.author_id == viewer.id


def _visible(viewer: Member):
    if viewer.is_staff:
        return true()
    return or_(Resource.hidden_at.is_(None), Resource.author_id == viewer.id)


def resource_filters(**raw) -> ResourceFilters:
    """Validate list filters given as strings; Invalid names the bad one."""
    kind = (raw.get("kind") or "").strip()
    if kind and kind not in KINDS:
        raise Invalid(_("Type de ressource inconnu : %(kind)s.", kind=kind[:40]))
    licence = (raw.get("licence") or "").strip()
    if licence and licence not in LICENCE_LABELS:
        raise Invalid(_("Licence inconnue : %(licence)s.", licence=licence[:40]))
    sort = (raw.get("sort") or "newest").strip()
    if sort not in SORTS:
        raise Invalid(_("Tri inconnu : « newest » ou « bookmarks »."))
    q = clean_spaces(raw.get("q") or "")
    if len(q) > 200:
        raise Invalid(_("La recherche est trop longue (200 caractères au plus)."))
    return ResourceFilters(
        q=q,
        kind=kind,
        tag=clean_spaces(raw.get("tag") or "")[:60],
        defi=(raw.get("defi") or "").strip()[:100],
        licence=licence,
        author=(raw.get("author") or "").strip().lower()[:40],
        sort=sort,
        bookmarked=(raw.get("bookmarked") or "") in ("1", "true", "on", "yes"),
    )


def resources_query(viewer: Member, filters: ResourceFilters) -> Select:
    """The resources the viewer may see matching every filter, in the chosen order."""
    stmt = select(Resource).where(_visible(viewer))
    if filters.kind:
        stmt = stmt.where(Resource.kind == filters.kind)
    if filters.licence:
        stmt = stmt.where(Resource.licence == filters.licence)
    if filters.tag:
        stmt = stmt.where(Resource.tags.any(ResourceTag.key == fold(filters.tag)))
    if filters.defi:
        stmt = stmt.where(Resource.defi.has(Defi.slug == filters.defi))
    if filters.author:
        stmt = stmt.where(Resource.author.has(Member.username == filters.author))
    if filters.bookmarked:
        mine = select(ResourceBookmark.resource_id).where(
            ResourceBookmark.member_id == viewer.id
        )
        stmt = stmt.where(Resource.id.in_(mine))
    for word in fold(filters.q).split()[:8]:
        stmt = stmt.where(Resource.search_text.contains(word, autoescape=True))
    if filters.sort == "bookmarks":
        stmt = stmt.order_by(Resource.bookmark_count.desc())
    return stmt.order_by(Resource.created_at.desc(), Resource.id.desc())


def list_resources(viewer: Member, filters: ResourceFilters, page=1, per_page=20):
    """One page of resources, with what their cards show loaded up front."""
    stmt = resources_query(viewer, filters).options(*CARD_OPTIONS)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def defi_resources(viewer: Member, defi: Defi, limit: int = 50) -> list[Resource]:
    """What a défi produced, most bookmarked first."""
    stmt = resources_query(viewer, ResourceFilters(sort="bookmarks"))
    stmt = stmt.where(Resource.defi_id == defi.id).options(*CARD_OPTIONS)
    return list(db.session.scalars(stmt.limit(limit)))


def member_resources(viewer: Member, member: Member, limit: int = 50) -> list[Resource]:
    """What a member shared, newest first."""
    stmt = resources_query(viewer, ResourceFilters())
    stmt = stmt.where(Resource.author_id == member.id).options(*CARD_OPTIONS)
    return list(db.session.scalars(stmt.limit(limit)))


def get_resource(viewer: Member, resource_id: int) -> Resource:
    """A resource the viewer may see, with its comments; NotFound otherwise."""
    stmt = (
        select(Resource)
        .where(Resource.id == resource_id)
        .options(
            *CARD_OPTIONS,
            selectinload(Resource.comments).selectinload(ResourceComment.author),
        )
    )
    resource = db.session.scalar(stmt)
    if resource is None or not can_see(viewer, resource):
        raise NotFound(_("Cette ressource n’existe pas."))
    return resource


def bookmarked_ids(member: Member, resources: list[Resource]) -> set[int]:
    """Which of these resources the member has bookmarked."""
    ids = [r.id for r in resources]
    if not ids or not member.is_authenticated:
        return set()
    stmt = select(ResourceBookmark.resource_id).where(
        ResourceBookmark.member_id == member.id,
        ResourceBookmark.resource_id.in_(ids),
    )
    return set(db.session.scalars(stmt))


def popular_tags(limit: int = 60) -> list[str]:
    """The tags on most resources, for the filter menu."""
    count = func.count(resource_tag_links.c.resource_id)
    stmt = (
        select(ResourceTag.name)
        .join(resource_tag_links, resource_tag_links.c.tag_id == ResourceTag.id)
        .group_by(ResourceTag.id, ResourceTag.name)
        .order_by(count.desc(), french(ResourceTag.name), ResourceTag.id)
        .limit(limit)
    )
    return sorted(db.session.scalars(stmt), key=french_key)


def find_by_url(defi: Defi, url: str) -> Resource | None:
    return db.session.scalar(
        select(Resource).where(Resource.defi_id == defi.id, Resource.url == url)
    )
