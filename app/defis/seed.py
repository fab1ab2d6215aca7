"""Load the défi data set (JSON Lines) into the database, idempotently."""

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.defis import services
from app.defis.models import Defi, Promotion
from app.extensions import db
from app.members.services import get_or_create_skills
from app.resources.seed import offer_repositories
from app.text import clean_spaces, slugify

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "defis.jsonl"
PLAIN_FIELDS = (
    "title",
    "aliases",
    "programme",
    "year",
    "establishment",
    "location",
    "tagline",
    "description",
    "duration_months",
    "is_startup_etat",
    "links",
    "repositories",
    "key_figures",
    "realisations",
    "source",
)


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    resources: int = 0  # repositories newly offered as resources


def read_records(path: Path) -> list[dict[str, Any]]:
    """Parse the file; a bad line stops everything before anything is written."""
    records = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ValueError(
                    f"ligne {number} : JSON invalide ({error.msg})"
                ) from None
            if (
                not isinstance(record, dict)
                or not record.get("slug")
                or not record.get("title")
            ):
                raise ValueError(
                    f"ligne {number} : « slug » et « title » sont obligatoires"
                )
            records.append(record)
    return records


def get_or_create_promotion(record: dict[str, Any]) -> Promotion:
    label = clean_spaces(record["promotion"])
    promotion = db.session.scalar(select(Promotion).where(Promotion.label == label))
    if promotion is None:
        promotion = Promotion(
            label=label,
            slug=slugify(label),
            number=int(record["promotion_number"]),
            programme=record.get("programme") or "EIG",
            year=int(record["year"]),
        )
        db.session.add(promotion)
        db.session.flush()
    return promotion


def _apply(defi: Defi, record: dict[str, Any]) -> bool:
    """Copy the record onto the défi; True if anything changed."""
    changed = False
    values = {name: record.get(name) for name in PLAIN_FIELDS}
    values["aliases"] = values["aliases"] or []
    values["tagline"] = values["tagline"] or ""
    values["location"] = values["location"] or ""
    values["is_startup_etat"] = bool(values["is_startup_etat"])
    values["promotion"] = get_or_create_promotion(record)
    values["administration"] = services.get_or_create_administration(
        record["administration"], record.get("administration_website")
    )
    for name, value in values.items():
        if getattr(defi, name) != value:
            setattr(defi, name, value)
            changed = True
    themes = services.get_or_create_themes(record.get("themes") or [])
    expertise_names = (record.get("expertises") or []) + (record.get("skills") or [])
    expertises = get_or_create_skills(expertise_names)
    if {t.key for t in defi.themes} != {t.key for t in themes}:
        defi.themes, changed = themes, True
    if {s.key for s in defi.expertises} != {s.key for s in expertises}:
        defi.expertises, changed = expertises, True
    return changed


def seed_defis(path: Path = DEFAULT_FILE) -> SeedReport:
    """Create or update one défi per record, keyed by slug, in one transaction."""
    records = read_records(path)
    report = SeedReport()
    existing = {d.slug: d for d in db.session.scalars(select(Defi))}
    try:
        for record in records:
            defi = existing.get(record["slug"])
            if defi is None:
                defi = Defi(slug=record["slug"], themes=[], expertises=[])
                _apply(defi, record)  # before add(): no flush of a half-filled row
                db.session.add(defi)
                existing[defi.slug] = defi
                report.created.append(defi.slug)
            elif _apply(defi, record):
                report.updated.append(defi.slug)
        # Last, once every administration has its final name.
        for defi in existing.values():
            before = defi.search_text
            services.refresh_search_text(defi)
            known = report.created + report.updated
            if defi.search_text != before and defi.slug not in known:
                report.updated.append(defi.slug)
        report.unchanged = len(records) - len(report.created) - len(report.updated)
        db.session.flush()  # new défis get their ids
        report.resources = offer_repositories(existing.values())
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report
