"""Défi pages: listing, filters, editing and teams."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload

from app import realtime
from app.audit import audit
from app.channels.services import drop_from_defi_channel, ensure_defi_channel
from app.collation import french
from app.defis.models import (
    TEAM_ROLES,
    Administration,
    Defi,
    DefiMembership,
    Promotion,
    Theme,
    defi_expertises,
)
from app.errors import Invalid, NotAllowed, about_field
from app.extensions import db
from app.inputs import whole_number
from app.markdown import check_markdown
from app.members import services as members
from app.members.models import Member, Skill
from app.notifications import hooks as notifications
from app.text import clean_spaces, fold, slugify, split_tags

TEXT_LIMITS = {"title": 160, "tagline": 400, "description": 20_000, "location": 120}


@dataclass(frozen=True)
class DefiFilters:
    q: str = ""
    year: int | None = None
    promotion: str = ""
    theme: str = ""
    administration: str = ""
    expertise: str = ""


def defi_filters(**raw) -> DefiFilters:
    """Validate défi filters given as strings; Invalid names the bad one."""
    year_raw = (raw.get("year") or "").strip()
    year = whole_number(year_raw, 2000, 2100)
    if year_raw and year is None:
        raise Invalid(_("L’année doit être un nombre, par exemple 2019."))
    q = clean_spaces(raw.get("q") or "")
    if len(q) > 200:
        raise Invalid(_("La recherche est trop longue (200 caractères au plus)."))
    return DefiFilters(
        q=q,
        year=year,
        promotion=(raw.get("promotion") or "").strip(),
        theme=clean_spaces(raw.get("theme") or ""),
        administration=(raw.get("administration") or "").strip(),
        expertise=clean_spaces(raw.get("expertise") or ""),
    )


def defis_query(filters: DefiFilters) -> Select:
    """Défis matching every filter, newest promotion first."""
    stmt = select(Defi)
    if filters.year:
        stmt = stmt.where(Defi.year == filters.year)
    if filters.promotion:
        stmt = stmt.where(Defi.promotion.has(Promotion.slug == filters.promotion))
    if filters.theme:
        stmt = stmt.where(Defi.themes.any(Theme.key == fold(filters.theme)))
    if filters.administration:
        slug = filters.administration
        stmt = stmt.where(Defi.administration.has(Administration.slug == slug))
    if filters.expertise:
        stmt = stmt.where(Defi.expertises.any(Skill.key == fold(filters.expertise)))
    for word in fold(filters.q).split()[:8]:
        stmt = stmt.where(Defi.search_text.contains(word, autoescape=True))
    return stmt.order_by(Defi.year.desc(), french(Defi.title), Defi.id)


def list_defis(filters: DefiFilters, page: int = 1, per_page: int = 30):
    """One page of défis with what their cards show loaded up front."""
    stmt = defis_query(filters).options(
        selectinload(Defi.promotion),
        selectinload(Defi.administration),
        selectinload(Defi.themes),
        selectinload(Defi.expertises),
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def list_page(filters: DefiFilters, page: int = 1, per_page: int = 30):
    """One page of the défi list as défi ids (their cards are cached)."""
    stmt = defis_query(filters).with_only_columns(Defi.id)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def defis_for_cards(ids: list[int]) -> dict[int, Defi]:
    """These défis, with what their cards show loaded in three more queries."""
    stmt = (
        select(Defi)
        .where(Defi.id.in_(ids))
        .options(
            joinedload(Defi.promotion),
            joinedload(Defi.administration),
            selectinload(Defi.themes),
        )
    )
    return {defi.id: defi for defi in db.session.scalars(stmt)}


def get_defi(slug: str) -> Defi | None:
    """A défi with its team and tags, in a fixed number of queries."""
    stmt = (
        select(Defi)
        .where(Defi.slug == slug)
        .options(
            joinedload(Defi.promotion),  # many-to-one: in the same query
            joinedload(Defi.administration),
            selectinload(Defi.themes),
            selectinload(Defi.expertises),
            selectinload(Defi.team).selectinload(DefiMembership.member),
        )
    )
    return db.session.scalar(stmt)


def filter_options() -> dict:
    """Promotions, themes, administrations and expertises for the filter menus."""
    return {
        "promotions": list(
            db.session.scalars(
                select(Promotion).order_by(Promotion.year, Promotion.label)
            )
        ),
        "themes": list(
            db.session.scalars(select(Theme).order_by(french(Theme.name), Theme.id))
        ),
        "administrations": list(
            db.session.scalars(
                select(Administration)
                .where(Administration.id.in_(select(Defi.administration_id)))
                .order_by(french(Administration.name), Administration.id)
            )
        ),
        "expertises": list(
            db.session.scalars(
                select(Skill)
                .where(Skill.id.in_(select(defi_expertises.c.skill_id)))
                .order_by(french(Skill.name), Skill.id)
            )
        ),
        "years": list(
            db.session.scalars(select(Defi.year).distinct().order_by(Defi.year))
        ),
    }


def defi_titles() -> list[tuple[str, str]]:
    """(slug, title) of every défi, by title: for menus."""
    rows = db.session.execute(
        select(Defi.slug, Defi.title).order_by(french(Defi.title), Defi.id)
    )
    return [(row.slug, row.title) for row in rows]


def can_edit_defi(actor: Member, defi: Defi) -> bool:
    """Staff and the défi's own team may edit it."""
    if not actor.is_authenticated:
        return False
    return actor.is_staff or any(m.member_id == actor.id for m in defi.team)


def refresh_search_text(defi: Defi) -> None:
    """Rebuild the folded text the défi list's free-text filter looks into."""
    parts = [defi.title, defi.tagline, defi.location, *(defi.aliases or [])]
    if defi.administration is not None:
        parts.append(defi.administration.name)
    # Sorted: a fresh object and one read back from the database give the same text.
    parts += sorted(t.name for t in defi.themes) + sorted(
        s.name for s in defi.expertises
    )
    defi.search_text = fold(" ".join(p for p in parts if p))


def _clean_text(name: str, value: str | None, required: bool = False) -> str:
    value = (value or "").strip()
    if name != "description":
        value = clean_spaces(value)
    if required and not value:
        raise Invalid(
            _("Le champ « %(name)s » est obligatoire.", name=name), field=name
        )
    if len(value) > TEXT_LIMITS[name]:
        raise Invalid(
            _(
                "Le champ « %(name)s » est trop long (%(most)s caractères au plus).",
                name=name,
                most=TEXT_LIMITS[name],
            ),
            field=name,
        )
    if name == "description":
        with about_field(name):
            check_markdown(value)
    return value


def get_or_create_themes(names: list[str]) -> list[Theme]:
    wanted = {fold(n): n for n in names}
    existing = {
        t.key: t for t in db.session.scalars(select(Theme).where(Theme.key.in_(wanted)))
    }
    for key, name in wanted.items():
        if key not in existing:
            existing[key] = Theme(name=name, key=key)
            db.session.add(existing[key])
    return [existing[k] for k in wanted]


def _clean_repositories(raw: str) -> list[str]:
    urls = [line.strip() for line in (raw or "").splitlines() if line.strip()]
    with about_field("repositories"):
        return [members.clean_link("website_url", url) for url in urls[:30]]


def clean_defi_fields(fields: dict) -> dict:
    """Check every editable défi field; Invalid names the first bad one."""
    fields = dict(fields)
    clean: dict = {}
    for name in ("title", "tagline", "location"):
        if name in fields:
            clean[name] = _clean_text(name, fields.pop(name), required=name == "title")
    if "description" in fields:
        clean["description"] = (
            _clean_text("description", fields.pop("description")) or None
        )
    for name in ("themes", "expertises"):
        if name in fields:
            clean[name] = split_tags(fields.pop(name) or "")
    if "repositories" in fields:
        clean["repositories"] = _clean_repositories(fields.pop("repositories"))
    if fields:
        raise Invalid(
            _("Champs inconnus : %(names)s.", names=", ".join(sorted(fields)))
        )
    return clean


def update_defi(actor: Member, defi: Defi, **fields) -> Defi:
    """Edit a défi's texts, tags and repositories; team members and staff only."""
    if not can_edit_defi(actor, defi):
        raise NotAllowed(
            _("Seuls l’équipe du défi et l’équipe du programme peuvent le modifier.")
        )
    clean = clean_defi_fields(fields)
    if "themes" in clean:
        defi.themes = get_or_create_themes(clean.pop("themes"))
    if "expertises" in clean:
        defi.expertises = members.get_or_create_skills(clean.pop("expertises"))
    for name, value in clean.items():
        setattr(defi, name, value)
    refresh_search_text(defi)
    if actor.is_staff:
        audit(actor, "defi.update", defi.slug)
    db.session.commit()
    return defi


def create_defi(
    actor: Member,
    *,
    title: str,
    promotion_id: int,
    administration_name: str,
    tagline: str = "",
    description: str = "",
) -> Defi:
    """Create a défi (staff only); its slug comes from the title."""
    if not actor.is_staff:
        raise NotAllowed(_("Seule l’équipe du programme peut créer un défi."))
    promotion = db.session.get(Promotion, promotion_id)
    if promotion is None:
        raise Invalid(_("Promotion inconnue."), field="promotion_id")
    title = _clean_text("title", title, required=True)
    slug = slugify(title)
    if not slug or db.session.scalar(select(Defi.id).where(Defi.slug == slug)):
        raise Invalid(_("Un défi porte déjà ce titre."), field="title")
    defi = Defi(
        slug=slug,
        title=title,
        promotion=promotion,
        year=promotion.year,
        programme=promotion.programme,
        administration=_administration_field(administration_name),
        tagline=_clean_text("tagline", tagline),
        description=_clean_text("description", description) or None,
    )
    refresh_search_text(defi)
    db.session.add(defi)
    ensure_defi_channel(defi)
    audit(actor, "defi.create", slug)
    db.session.commit()
    return defi


def _administration_field(name: str) -> Administration:
    with about_field("administration"):
        return get_or_create_administration(name)


def get_or_create_administration(
    name: str, website: str | None = None
) -> Administration:
    """The administration this spelling names, created on first sight."""
    from app.defis.administrations import administration_key, canonical_name

    name = clean_spaces(name or "")
    if not name:
        raise Invalid(_("L’administration est obligatoire."))
    key = administration_key(name)
    administration = db.session.scalar(
        select(Administration).where(Administration.key == key)
    )
    if administration is None:
        administration = Administration(
            key=key,
            name=canonical_name(name),
            slug=_free_admin_slug(key),
            website=website,
        )
        db.session.add(administration)
        db.session.flush()
    else:
        if len(canonical_name(name)) > len(administration.name):
            administration.name = canonical_name(name)  # keep the fullest spelling
        if website and not administration.website:
            administration.website = website
    return administration


def _free_admin_slug(key: str) -> str:
    base = slugify(key, max_length=90) or "administration"
    slug, n = base, 2
    while db.session.scalar(
        select(Administration.id).where(Administration.slug == slug)
    ):
        slug, n = f"{base}-{n}", n + 1
    return slug


def set_team_member(actor: Member, defi: Defi, member: Member, role: str) -> None:
    """Add a member to a défi's team, or change their role in it."""
    if not can_edit_defi(actor, defi):
        raise NotAllowed(
            _("Seuls l’équipe du défi et l’équipe du programme gèrent l’équipe.")
        )
    if role not in TEAM_ROLES:
        raise Invalid(_("Le rôle dans l’équipe doit être EIG ou mentor."))
    added = seat_in_team(defi, member, role)
    db.session.commit()
    if added:
        notifications.notify_defi_team(actor, defi, member)


def seat_in_team(defi: Defi, member: Member, role: str) -> bool:
    """Put a member in a défi's team and channel, or change their role in it
    (no commit); True when they were not in the team."""
    current = next((m for m in defi.team if m.member_id == member.id), None)
    if current is None:
        defi.team.append(DefiMembership(member=member, role=role))
        if role == "eig" and defi.promotion not in member.promotions:
            member.promotions.append(defi.promotion)
    else:
        current.role = role
    ensure_defi_channel(defi)  # the team are the channel's core members
    return current is None


def remove_team_member(actor: Member, defi: Defi, member: Member) -> None:
    """Take a member out of a défi's team."""
    if not can_edit_defi(actor, defi):
        raise NotAllowed(
            _("Seuls l’équipe du défi et l’équipe du programme gèrent l’équipe.")
        )
    member_id = member.id
    defi.team = [m for m in defi.team if m.member_id != member_id]
    room = drop_from_defi_channel(defi, member)
    db.session.commit()
    if room is not None:  # their open sockets stop hearing the team's channel
        realtime.leave_room_everywhere(member_id, room)


def count_defis() -> int:
    return db.session.scalar(select(func.count(Defi.id))) or 0
