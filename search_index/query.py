"""What a member typed, read the same way by every backend.

Words are ANDed; "quoted text" is a phrase; -word excludes. Every other syntax
character of Whoosh or tsquery (* ? : ( ) ' \\ & | ! ...) is plain punctuation.
"""

import re
import unicodedata
from dataclasses import dataclass

MAX_QUERY_LENGTH = 500
MAX_WORDS = 16
_WORD = re.compile(r"\w+", re.UNICODE)
_PHRASE = re.compile(r'"([^"]*)"')
# French elisions: l'école, d’accès, qu'il -> école, accès, il
_ELISION = re.compile(r"\b(?:[cdjlmnst]|qu)['’]", re.IGNORECASE)


@dataclass(frozen=True)
class ParsedQuery:
    words: tuple[str, ...]  # lower-cased, accents kept; the backend analyses them
    phrases: tuple[tuple[str, ...], ...]
    excluded: tuple[str, ...]
    # The last word when the text does not end with a space: it may be incomplete.
    partial: str | None

    @property
    def empty(self) -> bool:
        return not (self.words or self.phrases)


def fold(text: str) -> str:
    """Lower-case and strip accents: "Défi" -> "defi"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(_ELISION.sub(" ", text))]


def parse(text: str) -> ParsedQuery:
    """Split a query into words, phrases, exclusions and the word being typed."""
    text = (text or "")[:MAX_QUERY_LENGTH]
    phrases = tuple(
        tuple(found) for raw in _PHRASE.findall(text) if len(found := _words(raw)) > 0
    )
    rest = _PHRASE.sub(" ", text)
    words: list[str] = []
    excluded: list[str] = []
    for token in rest.split():
        target = excluded if token.startswith("-") and len(token) > 1 else words
        target.extend(_words(token))
    # The word being typed: the last one, unless the text ends with a space, a
    # phrase or an exclusion ("open data -santé" completes nothing).
    tokens = rest.split()
    typing = tokens and not tokens[-1].startswith("-") and not text[-1].isspace()
    partial = words[-1] if words and typing else None
    if text.rstrip().endswith('"'):
        partial = None
    return ParsedQuery(
        words=tuple(words[:MAX_WORDS]),
        phrases=phrases[:4],
        excluded=tuple(excluded[:MAX_WORDS]),
        partial=partial,
    )
