"""Plain functions that make test data: make_member(), make_defi()…"""

import itertools

from app.auth.services import set_password
from app.defis.models import Defi, DefiMembership, Promotion
from app.defis.services import get_or_create_administration, refresh_search_text
from app.extensions import db
from app.members import services as members
from app.members.models import Member

PASSWORD = "Un-mot-de-passe-solide-42"
_numbers = itertools.count(1)


def make_member(
    *, password: str | None = PASSWORD, skills=(), promotions=(), **overrides
):
    """A saved member; every field can be overridden, password None means none set."""
    n = next(_numbers)
    values = {
        "username": f"membre{n}",
        "email": f"membre{n}@example.org",
        "display_name": f"Membre Numéro {n}",
        "role": "eig",
    }
    values.update(overrides)
    member = Member(**values)
    if password:
        set_password(member, password)
    member.skills = members.get_or_create_skills(list(skills))
    member.promotions = list(promotions)
    members.refresh_search_text(member)
    db.session.add(member)
    db.session.commit()
    return member


def make_promotion(
    *, number: int = 3, year: int = 2019, programme: str = "EIG", label=None
):
    """A saved promotion, reused if its label exists already."""
    label = label or f"Promotion {number}" + (" - DIG" if programme == "DIG" else "")
    promotion = db.session.query(Promotion).filter_by(label=label).one_or_none()
    if promotion is None:
        slug = label.lower().replace(" ", "-")
        promotion = Promotion(
            label=label, slug=slug, number=number, year=year, programme=programme
        )
        db.session.add(promotion)
        db.session.commit()
    return promotion


def make_defi(
    *,
    team=(),
    administration: str = "Direction interministérielle du numérique",
    promotion: Promotion | None = None,
    **overrides,
):
    """A saved défi; team is a list of (member, role) pairs."""
    n = next(_numbers)
    promotion = promotion or make_promotion()
    values = {
        "slug": f"defi-{n}",
        "title": f"Défi numéro {n}",
        "tagline": "Mieux servir les usagers",
        "description": "Un **défi** d'intérêt général.",
        "year": promotion.year,
        "programme": promotion.programme,
    }
    values.update(overrides)
    defi = Defi(
        promotion=promotion,
        administration=get_or_create_administration(administration),
        **values,
    )
    for member, role in team:
        defi.team.append(DefiMembership(member=member, role=role))
    refresh_search_text(defi)
    db.session.add(defi)
    db.session.commit()
    return defi


def make_resource(*, author=None, tags=(), **overrides):
    """A saved resource, shared through the service like a member would."""
    from app.resources.services import share_resource

    n = next(_numbers)
    values = {
        "kind": "code",
        "title": f"Ressource numéro {n}",
        "url": f"https://github.com/etalab/outil-{n}",
        "description": "Un outil **utile**.",
        "tags": list(tags),
        "licence": "MIT",
    }
    values.update(overrides)
    return share_resource(author or make_member(), **values)
