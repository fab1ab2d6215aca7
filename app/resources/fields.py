"""What members write on a resource, checked field by field before anything is saved."""

from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import select

from app.defis.models import Defi
from app.errors import Invalid, about_field
from app.extensions import db
from app.markdown import check_markdown
from app.resources.models import KINDS, Resource, ResourceTag
from app.resources.vocabulary import LICENCE_LABELS
from app.text import clean_spaces, fold, split_tags
from app.uris import to_uri

LIMITS = {"title": 160, "description": 20_000, "url": 500}
FIELDS = ("kind", "title", "url", "description", "tags", "licence", "defi")


def clean_url(url: object) -> str | None:
    """An http(s) address without spaces or credentials, as a URI; None when empty."""
    if url is None or (isinstance(url, str) and not url.strip()):
        return None
    if not isinstance(url, str):
        raise Invalid(_("L’adresse doit être un texte."))
    url = url.strip()
    parts = urlsplit(url)
    plain = url.isprintable() and not any(c.isspace() for c in url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or not plain:
        raise Invalid(
            _("Adresse invalide : une adresse http:// ou https:// est attendue.")
        )
    if parts.username or parts.password:
        raise Invalid(_("Adresse invalide : elle ne doit pas contenir d’identifiants."))
    if not _valid_port(parts):
        raise Invalid(_("Adresse invalide : le port doit être un nombre."))
    url = to_uri(url)
    if len(url) > LIMITS["url"]:
        raise Invalid(
            _(
                "Adresse trop longue (%(most)s caractères au plus).",
                most=LIMITS["url"],
            )
        )
    return url


def _valid_port(parts) -> bool:
    try:
        parts.port  # noqa: B018 (reading it checks it)
    except ValueError:
        return False
    return True


def _text(name: str, value: object, label: str) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Invalid(_("Le champ « %(label)s » doit être un texte.", label=label))
    value = value.strip() if name == "description" else clean_spaces(value)
    if len(value) > LIMITS[name]:
        raise Invalid(
            _(
                "Le champ « %(label)s » est trop long (%(most)s au plus).",
                label=label,
                most=LIMITS[name],
            )
        )
    return value


def _tags(value: object) -> list[str]:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = ",".join(value)
    if value is not None and not isinstance(value, str):
        raise Invalid(_("Les mots-clés sont une liste de textes."))
    return split_tags(value or "", max_tags=15)


def _defi(slug: object) -> Defi | None:
    if slug in (None, ""):
        return None
    if not isinstance(slug, str):
        raise Invalid(_("Le défi est désigné par son identifiant (slug)."))
    defi = db.session.scalar(select(Defi).where(Defi.slug == slug.strip()))
    if defi is None:
        raise Invalid(_("Ce défi n’existe pas."))
    return defi


def _one(name: str, value: object):
    if name == "kind":
        if value not in KINDS:
            raise Invalid(
                _(
                    "Type de ressource inconnu : choisissez %(kinds)s.",
                    kinds=", ".join(KINDS),
                )
            )
        return value
    if name == "licence":
        if value not in ("", None, *LICENCE_LABELS):
            raise Invalid(_("Licence inconnue : choisissez-en une de la liste."))
        return value or ""
    if name == "title":
        title = _text("title", value, _("titre"))
        if not title:
            raise Invalid(_("Le titre est obligatoire."))
        return title
    if name == "description":
        description = _text("description", value, _("description"))
        check_markdown(description)
        return description
    if name == "url":
        return clean_url(value)
    if name == "tags":
        return _tags(value)
    return _defi(value)


def clean_fields(fields: dict, *, complete: bool) -> dict:
    """Check the fields given; `complete`: kind and title are required."""
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        names = ", ".join(name[:40] for name in unknown)
        raise Invalid(_("Champs inconnus : %(names)s.", names=names))
    if complete:
        fields = {"kind": None, "title": None} | fields
    return {name: _checked(name, value) for name, value in fields.items()}


def _checked(name: str, value: object):
    """One field's clean value; its refusal names the field (a form shows it there)."""
    with about_field(name):
        return _one(name, value)


def get_or_create_tags(names: list[str]) -> list[ResourceTag]:
    """Tags for these names, matching existing ones whatever their case or accents."""
    wanted = {fold(name): name for name in names}
    existing = {
        t.key: t
        for t in db.session.scalars(
            select(ResourceTag).where(ResourceTag.key.in_(wanted))
        )
    }
    for key, name in wanted.items():
        if key not in existing:
            existing[key] = ResourceTag(name=name, key=key)
            db.session.add(existing[key])
    return [existing[key] for key in wanted]


def refresh_search_text(resource: Resource) -> None:
    """The folded text the list's free-text filter looks into."""
    parts = [resource.title, *sorted(t.name for t in resource.tags)]
    parts.append((resource.description or "")[:500])
    resource.search_text = fold(" ".join(p for p in parts if p))
