"""GET /api/v1/defis and /api/v1/defis/<slug>: the défis as JSON."""

from flask import current_app, url_for
from flask_babel import gettext as _

from app.api import bp
from app.api.paging import page_json, paging, query_args
from app.collation import french_key
from app.defis import services
from app.defis.models import Defi, Promotion
from app.errors import NotFound

FILTERS = {"q", "year", "promotion", "theme", "administration", "expertise"}


def promotion_json(promotion: Promotion) -> dict:
    """A promotion as the API shows it wherever it appears."""
    return {"slug": promotion.slug, "label": promotion.label, "year": promotion.year}


def defi_summary_json(defi: Defi) -> dict:
    """A défi without its team: what each item of the list holds."""
    admin = defi.administration
    return {
        "slug": defi.slug,
        "title": defi.title,
        "tagline": defi.tagline,
        "description": defi.description,
        "programme": defi.programme,
        "promotion": promotion_json(defi.promotion),
        "year": defi.year,
        "administration": {
            "slug": admin.slug,
            "name": admin.name,
            "website": admin.website,
        },
        "establishment": defi.establishment,
        "location": defi.location,
        "themes": [theme.name for theme in defi.themes],
        "expertises": [skill.name for skill in defi.expertises],
        "duration_months": defi.duration_months,
        "is_startup_etat": defi.is_startup_etat,
        "links": defi.links or {},
        "repositories": defi.repositories or [],
        "key_figures": defi.key_figures or [],
        "realisations": defi.realisations or [],
        "url": url_for("defis.detail", slug=defi.slug),
    }


def defi_json(defi: Defi) -> dict:
    """A défi with its team of active members, EIG first."""
    team = sorted(
        (m for m in defi.team if m.member.active),
        key=lambda m: (m.role != "eig", french_key(m.member.display_name)),
    )
    return defi_summary_json(defi) | {
        "team": [
            {
                "username": m.member.username,
                "display_name": m.member.display_name,
                "role": m.role,
            }
            for m in team
        ]
    }


@bp.get("/defis")
def defis_index():
    """One page of défis, filtered like the /defis/ page."""
    filters = services.defi_filters(**query_args(FILTERS))
    page, per_page = paging(current_app.config["DEFIS_PER_PAGE"])
    pagination = services.list_defis(filters, page, per_page)
    return page_json(pagination, defi_summary_json)


@bp.get("/defis/<slug>")
def defi_detail(slug: str):
    """One défi with its team."""
    defi = services.get_defi(slug)
    if defi is None:
        raise NotFound(_("Ce défi n’existe pas."))
    return defi_json(defi)
