"""Member profiles and the directory."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from app.collation import french
from app.errors import Invalid, NotAllowed, NotFound, about_field
from app.extensions import db
from app.inputs import whole_number
from app.markdown import check_markdown
from app.members.models import ROLES, Member, Skill
from app.text import clean_spaces, fold, split_tags

PROFILE_LIMITS = {"headline": 160, "city": 80, "bio": 10_000, "display_name": 120}
LINK_FIELDS = {
    "github_url": ("github.com",),
    "gitlab_url": ("gitlab.com", "gitlab."),
    "linkedin_url": ("linkedin.com",),
    "website_url": (),
}


@dataclass(frozen=True)
class MemberFilters:
    q: str = ""
    role: str = ""
    promotion: str = ""  # promotion slug
    year: int | None = None
    skill: str = ""
    defi: str = ""  # défi slug
    administration: str = ""  # administration slug
    mentoring: bool = False


def check_email(email: str) -> None:
    """Refuse an e-mail address that is malformed or already a member's."""
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        raise Invalid(_("Adresse e-mail invalide.")) from None
    taken = db.session.scalar(
        select(Member.id).where(func.lower(Member.email) == email.lower())
    )
    if taken:
        raise Invalid(_("Un membre utilise déjà cette adresse e-mail."))


def check_username(username: str) -> None:
    if db.session.scalar(select(Member.id).where(Member.username == username)):
        raise Invalid(_("Cet identifiant est déjà pris."))


def clean_display_name(name: str) -> str:
    name = clean_spaces(name or "")
    if not name:
        raise Invalid(_("Le nom affiché est obligatoire."))
    if len(name) > PROFILE_LIMITS["display_name"]:
        raise Invalid(_("Le nom affiché est trop long (120 caractères au plus)."))
    return name


def refresh_search_text(member: Member) -> None:
    """Rebuild the folded text the directory's free-text filter looks into."""
    parts = [member.display_name, member.username, member.headline, member.public_city]
    parts += sorted(skill.name for skill in member.skills)
    member.search_text = fold(" ".join(p for p in parts if p))


def get_or_create_skills(names: list[str]) -> list[Skill]:
    """Skills for these names, matching existing ones whatever their case or accents."""
    wanted = {fold(name): name for name in names}
    existing = {
        s.key: s for s in db.session.scalars(select(Skill).where(Skill.key.in_(wanted)))
    }
    skills = []
    for key, name in wanted.items():
        if key not in existing:
            existing[key] = Skill(name=name, key=key)
            db.session.add(existing[key])
        skills.append(existing[key])
    return skills


def skill_suggestions(prefix: str = "", limit: int = 200) -> list[str]:
    """Known skill names, those starting with the prefix first."""
    stmt = select(Skill.name).order_by(french(Skill.name), Skill.id).limit(limit)
    if prefix:
        stmt = stmt.where(Skill.key.startswith(fold(prefix), autoescape=True))
    return list(db.session.scalars(stmt))


def can_edit_member(actor: Member, member: Member) -> bool:
    """Members edit their own profile; staff edit anyone's."""
    return actor.is_authenticated and (actor.id == member.id or actor.is_staff)


def _on_site(host: str, site: str) -> bool:
    """github.com or www.github.com, never github.com.evil.example; a site
    ending with a dot (gitlab.) names self-hosted forges: gitlab.example.gouv.fr."""
    host = host.lower().rstrip(".")
    if site.endswith("."):
        return host.startswith(site)
    return host == site or host.endswith("." + site)


def clean_link(field: str, url: str) -> str:
    """An https?:// URL, on the right site for GitHub, GitLab and LinkedIn links."""
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 300:
        raise Invalid(
            _(
                "Lien invalide : %(url)s (une adresse http(s):// est attendue).",
                url=url[:80],
            )
        )
    hosts = LINK_FIELDS[field]
    if hosts and not any(_on_site(parts.hostname or "", h) for h in hosts):
        raise Invalid(
            _(
                "Ce lien ne pointe pas vers %(host)s : %(url)s.",
                host=hosts[0],
                url=url[:80],
            )
        )
    return url


def clean_profile(fields: dict) -> dict:
    """Check every profile field; Invalid names the first bad one. Nothing is saved."""
    fields = dict(fields)
    clean: dict = {}
    if "display_name" in fields:
        with about_field("display_name"):
            clean["display_name"] = clean_display_name(fields.pop("display_name"))
    for name in ("headline", "city", "bio"):
        if name in fields:
            value = (fields.pop(name) or "").strip()
            if len(value) > PROFILE_LIMITS[name]:
                raise Invalid(
                    _("Le champ « %(name)s » est trop long.", name=name), field=name
                )
            clean[name] = value if name == "bio" else clean_spaces(value)
    if "bio" in clean:
        with about_field("bio"):
            check_markdown(clean["bio"])
    for name in LINK_FIELDS:
        if name in fields:
            with about_field(name):
                clean[name] = clean_link(name, fields.pop(name))
    if "open_to_mentoring" in fields:
        clean["open_to_mentoring"] = bool(fields.pop("open_to_mentoring"))
    if "skills" in fields:
        clean["skills"] = split_tags(fields.pop("skills") or "")
    if fields:
        raise Invalid(
            _("Champs inconnus : %(names)s.", names=", ".join(sorted(fields)))
        )
    return clean


def update_profile(actor: Member, member: Member, **fields) -> Member:
    """Change a profile; only the member and staff may. All fields or nothing."""
    if not can_edit_member(actor, member):
        raise NotAllowed(_("Vous ne pouvez modifier que votre propre profil."))
    clean = clean_profile(fields)
    if "skills" in clean:
        member.skills = get_or_create_skills(clean.pop("skills"))
    for name, value in clean.items():
        setattr(member, name, value)
    refresh_search_text(member)
    db.session.commit()
    return member


def require_staff(actor: Member) -> None:
    if not actor.is_staff:
        raise NotAllowed(_("Action réservée à l’équipe du programme."))


def get_member_by_username(username: str) -> Member:
    """Any member, active or not, by their exact username: what staff act on."""
    member = db.session.scalar(select(Member).where(Member.username == username))
    if member is None:
        raise NotFound(_("Membre introuvable."))
    return member


def get_member(username: str) -> Member | None:
    """A member with all their profile page shows, in a fixed number of queries."""
    from app.defis.models import Defi, DefiMembership

    stmt = (
        select(Member)
        .where(Member.username == (username or "").lower())
        .options(
            selectinload(Member.skills),
            selectinload(Member.promotions),
            selectinload(Member.defi_memberships)
            .joinedload(DefiMembership.defi)  # many-to-one: joined, no query more
            .joinedload(Defi.promotion),
        )
    )
    return db.session.scalar(stmt)


def member_filters(**raw) -> MemberFilters:
    """Validate directory filters given as strings; Invalid names the bad one."""
    role = (raw.get("role") or "").strip()
    if role and role not in ROLES:
        raise Invalid(_("Rôle inconnu : %(role)s.", role=role[:40]))
    year_raw = (raw.get("year") or "").strip()
    year = whole_number(year_raw, 2000, 2100)
    if year_raw and year is None:
        raise Invalid(_("L’année doit être un nombre, par exemple 2019."))
    q = clean_spaces(raw.get("q") or "")
    if len(q) > 200:
        raise Invalid(_("La recherche est trop longue (200 caractères au plus)."))
    return MemberFilters(
        q=q,
        role=role,
        promotion=(raw.get("promotion") or "").strip(),
        year=year,
        skill=clean_spaces(raw.get("skill") or ""),
        defi=(raw.get("defi") or "").strip(),
        administration=(raw.get("administration") or "").strip(),
        mentoring=(raw.get("mentoring") or "") in ("1", "true", "on", "yes"),
    )


def directory_query(filters: MemberFilters) -> Select:
    """The active members matching every filter, by name."""
    from app.defis.models import Administration, Defi, DefiMembership, Promotion

    stmt = select(Member).where(Member.active.is_(True))
    if filters.role:
        stmt = stmt.where(Member.role == filters.role)
    if filters.promotion:
        stmt = stmt.where(Member.promotions.any(Promotion.slug == filters.promotion))
    if filters.year:
        stmt = stmt.where(Member.promotions.any(Promotion.year == filters.year))
    if filters.skill:
        stmt = stmt.where(Member.skills.any(Skill.key == fold(filters.skill)))
    if filters.defi:
        on_defi = DefiMembership.defi.has(Defi.slug == filters.defi)
        stmt = stmt.where(Member.defi_memberships.any(on_defi))
    if filters.administration:
        in_admin = Defi.administration.has(
            Administration.slug == filters.administration
        )
        stmt = stmt.where(
            Member.defi_memberships.any(DefiMembership.defi.has(in_admin))
        )
    if filters.mentoring:
        stmt = stmt.where(Member.open_to_mentoring.is_(True))
    for word in fold(filters.q).split()[:8]:
        stmt = stmt.where(Member.search_text.contains(word, autoescape=True))
    return stmt.order_by(french(Member.display_name), Member.id)


def list_members(filters: MemberFilters, page: int = 1, per_page: int = 24):
    """One page of the directory, with skills, promotions and défis loaded up front."""
    from app.defis.models import DefiMembership

    stmt = directory_query(filters).options(
        selectinload(Member.skills),
        selectinload(Member.promotions),
        selectinload(Member.defi_memberships).selectinload(DefiMembership.defi),
    )
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def directory_page(filters: MemberFilters, page: int = 1, per_page: int = 24):
    """One page of the directory as member ids (their cards are cached)."""
    stmt = directory_query(filters).with_only_columns(Member.id)
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def members_for_cards(ids: list[int]) -> dict[int, Member]:
    """These members, with what their cards show loaded in three more queries."""
    from app.defis.models import DefiMembership

    stmt = (
        select(Member)
        .where(Member.id.in_(ids))
        .options(
            selectinload(Member.skills),
            selectinload(Member.promotions),
            selectinload(Member.defi_memberships).joinedload(DefiMembership.defi),
        )
    )
    return {member.id: member for member in db.session.scalars(stmt)}


def active_members(usernames: list[str]) -> list[Member]:
    """The active members with these usernames (case ignored), by name."""
    names = {name.strip().lstrip("@").lower() for name in usernames}
    return list(
        db.session.scalars(
            select(Member)
            .where(Member.username.in_(names), Member.active.is_(True))
            .order_by(french(Member.display_name), Member.id)
        )
    )


def members_named(text: str) -> list[Member]:
    """Active members whose username, or whole display name, is this text:
    accents, case and extra spaces ignored ("helene dupont" names Hélène Dupont)."""
    by_username = active_members([text])
    if by_username:
        return by_username
    wanted = fold(text)
    if not wanted or len(wanted) > PROFILE_LIMITS["display_name"]:
        return []
    stmt = directory_query(MemberFilters(q=text)).limit(50)
    return [m for m in db.session.scalars(stmt) if fold(m.display_name) == wanted]
