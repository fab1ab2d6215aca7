"""A few believable resources for the demo community (`flask seed-demo`).

The addresses are real public resources of the French State; the authors,
comments and bookmarks are the synthetic demo members.
"""

import io
import random

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.members.demo import DEMO_DOMAIN
from app.members.models import Member
from app.resources import services
from app.resources.models import Resource
from app.resources.uploads import Upload

REGISTER = (
    "Traitement;Finalité;Base légale;Données;Durée de conservation;Destinataires\n"
    "Annuaire des agents;Mise en relation;Mission d'intérêt public;"
    "Nom, fonction, service;Durée des fonctions;Agents du ministère\n"
)
SAMPLES = [
    (
        "tool",
        "Système de design de l'État (DSFR)",
        "https://www.systeme-de-design.gouv.fr/",
        "MIT",
        "DSFR, Design, Accessibilité",
        "Les composants et la charte des sites de l'État. Nous l'avons intégré à "
        "notre front **Vue.js** en deux jours.",
    ),
    (
        "guide",
        "Référentiel d'accessibilité RGAA 4.1",
        "https://accessibilite.numerique.gouv.fr/",
        "etalab-2.0",
        "Accessibilité (RGAA), Design",
        "Les critères à vérifier avant la mise en ligne. Pensez à la déclaration "
        "d'accessibilité !",
    ),
    (
        "guide",
        "Pseudonymiser des documents grâce à l'IA",
        "https://guides.etalab.gouv.fr/pseudonymisation/",
        "etalab-2.0",
        "Pseudonymisation, NLP, Machine learning",
        "Le guide d'Etalab, avec l'expérience des décisions de justice : "
        "annotation, modèles, évaluation.",
    ),
    (
        "link",
        "Licence Ouverte 2.0",
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        "etalab-2.0",
        "Open data, Droit du numérique",
        "La licence à choisir par défaut pour publier des données publiques.",
    ),
    (
        "tool",
        "API Géo : communes, départements, régions",
        "https://geo.api.gouv.fr/",
        "etalab-2.0",
        "API, Géomatique",
        "Pour retrouver le code INSEE d'une commune sans télécharger tout le COG.",
    ),
    (
        "dataset",
        "Base Adresse Nationale",
        "https://adresse.data.gouv.fr/",
        "etalab-2.0",
        "Open data, Géomatique",
        "Les adresses géolocalisées de France, avec un géocodeur en API.",
    ),
    (
        "guide",
        "La documentation de beta.gouv.fr",
        "https://doc.incubateur.net/",
        "",
        "Agilité, Direction de produit",
        "Comment lancer une start-up d'État : investigation, construction, "
        "accélération.",
    ),
    (
        "link",
        "code.gouv.fr : les logiciels libres du secteur public",
        "https://code.gouv.fr/",
        "",
        "Logiciel libre, Développement",
        "Pour vérifier qu'un autre ministère n'a pas déjà écrit l'outil.",
    ),
]
COMMENTS = [
    "Merci, très utile pour notre défi !",
    "On s'en est servi au ministère : attention à la version, la **v2** change "
    "les identifiants.",
    "Je peux vous montrer comment on l'a branché, écrivez-moi sur le canal du défi.",
]


def _authors() -> list[Member]:
    return list(
        db.session.scalars(
            select(Member)
            .where(Member.email.endswith("@" + DEMO_DOMAIN), Member.role != "staff")
            .options(selectinload(Member.defi_memberships))
            .order_by(Member.id)
        )
    )


def _share(author: Member, sample: tuple, upload: Upload | None = None) -> Resource:
    kind, title, url, licence, tags, description = sample
    memberships = author.defi_memberships
    return services.share_resource(
        author,
        kind=kind,
        title=title,
        url=url,
        licence=licence,
        tags=tags,
        description=description,
        defi=memberships[0].defi.slug if memberships else None,
        upload=upload,
    )


def seed_demo_resources(seed: int = 2017) -> int:
    """Share the sample resources once, by demo members; returns how many."""
    authors = _authors()
    if not authors or db.session.scalar(
        select(Resource.id).where(Resource.author_id.in_([a.id for a in authors]))
    ):
        return 0
    rng = random.Random(seed)
    shared = [_share(rng.choice(authors), sample) for sample in SAMPLES]
    register = Upload("registre-des-traitements.csv", io.BytesIO(REGISTER.encode()))
    template = (
        "template",
        "Modèle de registre des traitements (RGPD)",
        None,
        "etalab-2.0",
        "RGPD, Droit du numérique",
        "Un tableur à compléter avec votre DPO, une ligne par traitement.",
    )
    shared.append(_share(rng.choice(authors), template, register))
    for resource in shared:
        for reader in rng.sample(authors, min(len(authors), rng.randint(0, 6))):
            services.set_bookmark(reader, resource, True)
        if rng.random() < 0.5:
            services.add_comment(rng.choice(authors), resource, rng.choice(COMMENTS))
    return len(shared)
