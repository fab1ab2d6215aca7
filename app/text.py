"""Text normalisation shared by every domain: folding keys, slugs, tag lists."""

import re
import unicodedata

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-"})
_SPACES = re.compile(r"\s+")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def clean_spaces(text: str) -> str:
    """Collapse runs of white space and trim; typographic apostrophes become plain."""
    return _SPACES.sub(" ", text.translate(_APOSTROPHES).translate(_DASHES)).strip()


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced form used to compare and filter text."""
    decomposed = unicodedata.normalize("NFKD", clean_spaces(text))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.casefold()


def slugify(text: str, max_length: int = 80) -> str:
    """ASCII slug for URLs: "Défi Numérique" -> "defi-numerique"."""
    return _NOT_SLUG.sub("-", fold(text)).strip("-")[:max_length].strip("-")


def split_tags(raw: str, max_tags: int = 30) -> list[str]:
    """Split "Python, data science; NLP" into clean, de-duplicated tag names."""
    seen: dict[str, str] = {}
    for part in re.split(r"[,;\n]", raw or ""):
        name = clean_spaces(part)[:60]
        if name and fold(name) not in seen:
            seen[fold(name)] = name
    return list(seen.values())[:max_tags]
