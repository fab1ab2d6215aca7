"""A believable synthetic community for demos: fake French people, never real ones."""

import random

from faker import Faker
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.auth.services import set_password
from app.defis.models import Defi, DefiMembership
from app.errors import Invalid
from app.extensions import db
from app.members import services
from app.members.models import Member
from app.text import slugify

DEMO_DOMAIN = "demo.eig-link.example"
SKILLS = [
    "Python",
    "JavaScript",
    "TypeScript",
    "React",
    "Vue.js",
    "Django",
    "Flask",
    "PostgreSQL",
    "Docker",
    "Kubernetes",
    "Data science",
    "Machine learning",
    "NLP",
    "Pseudonymisation",
    "Géomatique",
    "QGIS",
    "Data engineering",
    "Airflow",
    "Spark",
    "Design",
    "UX research",
    "Design de services",
    "Accessibilité (RGAA)",
    "DSFR",
    "Direction de produit",
    "Open data",
    "API",
    "Sécurité",
    "R",
    "Statistiques",
    "Dataviz",
    "Droit du numérique",
    "Achat public",
    "Agilité",
    "Développement",
    "Ops",
    "Rust",
    "Go",
]
JOBS = [
    "Développeuse full-stack",
    "Développeur back-end",
    "Data scientist",
    "Designer UX",
    "Data engineer",
    "Product manager",
    "Cheffe de projet numérique",
    "Chargé de mission data",
    "Architecte logiciel",
    "Intrapreneur",
    "Responsable de l'innovation",
    "Juriste numérique",
]
PLACES = [
    "à la DINUM",
    "au ministère de l'Intérieur",
    "chez beta.gouv.fr",
    "à l'Insee",
    "dans une start-up d'État",
    "à la Cour de cassation",
    "à l'IGN",
    "en freelance",
    "à l'ADEME",
    "dans une collectivité",
]
CITIES = [
    "Paris",
    "Lyon",
    "Marseille",
    "Toulouse",
    "Nantes",
    "Bordeaux",
    "Lille",
    "Rennes",
    "Strasbourg",
    "Montpellier",
    "Grenoble",
    "Clermont-Ferrand",
]


def create_staff(username: str, email: str, password: str) -> Member:
    """A staff account (used by `flask create-admin` and the run command)."""
    from app.auth.services import USERNAME_RE

    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise Invalid(
            _("Identifiant invalide : 3 à 40 lettres minuscules, chiffres, . _ -")
        )
    services.check_username(username)
    services.check_email(email.strip().lower())
    member = Member(
        username=username,
        email=email.strip().lower(),
        display_name=username.capitalize(),
        role="staff",
    )
    set_password(member, password)
    services.refresh_search_text(member)
    db.session.add(member)
    db.session.commit()
    return member


def _username(fake_name: str, taken: set[str]) -> str:
    base = slugify(fake_name).replace("-", ".")[:36] or "membre"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}{n}", n + 1
    taken.add(name)
    return name


def _fake_member(fake: Faker, rng: random.Random, role: str, taken: set[str]) -> Member:
    name = f"{fake.first_name()} {fake.last_name()}"
    username = _username(name, taken)
    member = Member(
        username=username,
        email=f"{username}@{DEMO_DOMAIN}",
        display_name=name,
        role=role,
        headline=f"{rng.choice(JOBS)} {rng.choice(PLACES)}",
        city=rng.choice(CITIES),
        bio=fake.paragraph(nb_sentences=4),
        open_to_mentoring=role in ("alumni", "mentor") and rng.random() < 0.6,
    )
    if rng.random() < 0.5:
        member.github_url = f"https://github.com/{username.replace('.', '-')}"
    member.skills = services.get_or_create_skills(rng.sample(SKILLS, rng.randint(2, 6)))
    return member


def _join(member: Member, defi: Defi, role: str) -> None:
    member.defi_memberships.append(DefiMembership(defi=defi, role=role))
    if role == "eig" and defi.promotion not in member.promotions:
        member.promotions.append(defi.promotion)


def demo_members() -> list[Member]:
    """The active demo accounts, oldest first."""
    demo = select(Member).where(
        Member.email.endswith("@" + DEMO_DOMAIN), Member.active.is_(True)
    )
    return list(db.session.scalars(demo.order_by(Member.id)))


def seed_demo_members(count: int = 200, seed: int = 2017) -> int:
    """Add `count` synthetic members across défis and roles, once."""
    existing = db.session.scalar(
        select(func.count(Member.id)).where(Member.email.endswith("@" + DEMO_DOMAIN))
    )
    if existing:
        return 0
    fake, rng = Faker("fr_FR"), random.Random(seed)
    fake.seed_instance(seed)
    defis = list(db.session.scalars(select(Defi).order_by(Defi.year, Defi.slug)))
    taken = set(db.session.scalars(select(Member.username)))
    for index in range(count):
        defi = defis[index % len(defis)] if defis else None
        kind = rng.random()
        if kind < 0.08:
            role = "staff"
        elif kind < 0.3:
            role = "mentor"
        else:
            role = "eig" if defi is None or defi.year >= 2024 else "alumni"
        member = _fake_member(fake, rng, role, taken)
        db.session.add(member)
        if defi is not None and role != "staff":
            _join(member, defi, "mentor" if role == "mentor" else "eig")
        services.refresh_search_text(member)
    db.session.commit()
    return count
