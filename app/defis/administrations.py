"""One administration, one entry: folding the many spellings of the data set."""

import re

from app.text import clean_spaces, fold

# Spellings that folding alone cannot merge (an acronym for the full name, a
# singular for a plural), as folded key -> folded key of the canonical entry.
ALIASES = {
    "cerema": "centre d'etudes et d'expertise sur les risques, l'environnement, "
    "la mobilite et l'amenagement",
    "anct": "agence nationale de la cohesion des territoires",
    "agence nationale de securite des medicaments et des produits de sante": (
        "agence nationale de securite du medicament et des produits de sante"
    ),
    "delegation interministerielle pour l'accueil et l'integration des refugies": (
        "delegation interministerielle a l'accueil et a l'integration des refugies"
    ),
    "secretariat general des ministeres charges des affaires sociales": (
        "secretariat general des ministeres sociaux"
    ),
}

_TRAILING_ACRONYM = re.compile(r"\s*\([^()]{2,12}\)$")


def administration_key(name: str) -> str:
    """Folded name without a trailing "(ACRONYM)": the identity of an administration."""
    key = _TRAILING_ACRONYM.sub("", fold(name)).strip()
    return ALIASES.get(key, key)


def canonical_name(name: str) -> str:
    """The display name kept for a new administration: trimmed, plain apostrophes."""
    return clean_spaces(name)
