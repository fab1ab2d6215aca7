"""Text normalisation shared by every domain: one-line fields, keys, slugs, tags."""

import re
import unicodedata

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'"})
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-"})
_SPACES = re.compile(r"\s+")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_INVISIBLE = {"Cc", "Cf"}


def _visible(text: str) -> str:
    # Controls (Cc) and invisible formatting (Cf: bidi overrides, zero-width
    # characters, BOM) let a name pose as another or reorder what is around it.
    return "".join(
        c for c in text if c.isspace() or unicodedata.category(c) not in _INVISIBLE
    )


def clean_spaces(text: str) -> str:
    """One line of text: controls and invisible formatting characters removed, runs
    of white space collapsed and trimmed; typographic apostrophes become plain."""
    text = _visible(text).translate(_APOSTROPHES).translate(_DASHES)
    return _SPACES.sub(" ", text).strip()


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
