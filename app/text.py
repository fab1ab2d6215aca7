"""Text normalisation shared by every domain: one-line fields, keys, slugs, tags."""

import re
import unicodedata
from html.parser import HTMLParser

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


class _TextOnly(HTMLParser):
    """Collects the text of sanitised HTML; a block's end reads as a space."""

    BLOCKS = frozenset({"p", "br", "li", "pre", "blockquote", "tr", "td", "th"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BLOCKS or tag[:1] == "h":
            self.parts.append(" ")


def html_text(html: str) -> str:
    """The words a reader sees in rendered HTML, on one line."""
    parser = _TextOnly()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split())


def html_excerpt(html: str, size: int = 120) -> str:
    """The words a reader sees in rendered HTML, cut at a word with "…"."""
    text = html_text(html)
    if len(text) <= size:
        return text
    cut = text[: size + 1].rsplit(" ", 1)[0] if " " in text[:size] else text[:size]
    return cut.rstrip(" ,;:.!?") + "…"
