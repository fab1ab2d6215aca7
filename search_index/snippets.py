"""Snippets and highlights: the words a query matched, marked in a hit's text.

Both backends use them, so that a hit reads the same whichever one found it."""

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

from whoosh.support.charset import accent_map

from search_index.analysis import folded, is_stop_word, stem

SNIPPET_CHARS, SNIPPET_BEFORE = 200, 60


class Marked(Protocol):
    """What to highlight: folded words and stems."""

    stems: set[str]
    exact: set[str]


@dataclass
class Marks:
    stems: set[str] = field(default_factory=set)
    exact: set[str] = field(default_factory=set)


def marks_for(words: Iterable[str]) -> Marks:
    """What snippets mark for these query words (the PostgreSQL backend's too:
    its `french` stems are Snowball's, as here)."""
    out = Marks()
    for word in words:
        if not is_stop_word(word) and (exact := folded(word)):
            out.exact.add(exact)
            if token := stem(word):
                out.stems.add(token)
    return out


def _is_match(word: str, marks: Marked) -> bool:
    exact = folded(word)
    if exact in marks.exact:
        return True
    token = stem(word)
    return token is not None and token in marks.stems


# Letters and the accented letters that fold to them: "e" -> "[eéèêë...]".
_FOLDS_TO: dict[str, str] = {}
for _code, _base in accent_map.items():
    if len(_base) == 1 and _base.isalpha():
        _FOLDS_TO[_base] = _FOLDS_TO.get(_base, _base) + chr(_code)
LOCATOR_PREFIX = 4  # letters of each matched form a candidate word starts with


@lru_cache(maxsize=1024)
def _locator(forms: frozenset[str]) -> re.Pattern[str]:
    """Finds the words starting like one of these folded forms, accents or not:
    candidates for `_is_match`, without analysing every word of a long body."""
    prefixes = sorted({form[:LOCATOR_PREFIX] for form in forms if form})
    alternatives = [
        "".join(
            f"[{re.escape(_FOLDS_TO[c])}]" if c in _FOLDS_TO else re.escape(c)
            for c in prefix
        )
        for prefix in prefixes
    ]
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\w*", re.IGNORECASE)


def _first_match(text: str, marks: Marked) -> int | None:
    forms = frozenset(marks.exact | marks.stems)
    if not forms:
        return None
    for token in _locator(forms).finditer(text):
        if _is_match(token.group(), marks):
            return token.start()
    return None


def highlight(text: str, marks: Marked) -> str:
    """Escaped text with <mark> around the words the query matched."""
    parts: list[str] = []
    last = 0
    forms = frozenset(marks.exact | marks.stems)
    for token in _locator(forms).finditer(text) if forms else ():
        if _is_match(token.group(), marks):
            parts.append(html.escape(text[last : token.start()]))
            parts.append(f"<mark>{html.escape(token.group())}</mark>")
            last = token.end()
    parts.append(html.escape(text[last:]))
    return "".join(parts)


def _window(text: str, start: int) -> tuple[str, bool, bool]:
    begin = max(0, start - SNIPPET_BEFORE)
    if begin:
        space = text.find(" ", begin, start)
        begin = space + 1 if space != -1 else begin
    end = min(len(text), begin + SNIPPET_CHARS)
    if end < len(text):
        space = text.rfind(" ", begin, end)
        end = space if space > start else end
    return text[begin:end], begin > 0, end < len(text)


def snippet(title: str, body: str, marks: Marked) -> str:
    """~200 characters around the first match in the body, else the title."""
    start = _first_match(body, marks)
    if start is None:
        if _first_match(title, marks) is not None or not body:
            return highlight(title, marks)
        start = 0
    text, cut_before, cut_after = _window(body, start)
    return (
        ("…" if cut_before else "")
        + highlight(text, marks)
        + ("…" if cut_after else "")
    )
