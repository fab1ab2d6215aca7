"""French text analysis shared by the search backends: stop words, stems and
accent folding, as Whoosh's Snowball stemmer and PostgreSQL's `french` give them."""

from functools import lru_cache

from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.lang import stopwords_for_language
from whoosh.support.charset import accent_map

# Whoosh's French list lacks a few very common words ("les" would stem to "le").
STOP_WORDS = frozenset(stopwords_for_language("fr")) | {
    "les", "cette", "cet", "ils", "elles", "leurs", "sans", "sous", "très", "plus",
}  # fmt: skip
# LanguageAnalyzer("fr") with accents folded *before* the stemmer, so that "défi"
# and "defi", "réfugiés" and "REFUGIES" give the same stem (as unaccent + french
# does in PostgreSQL); \w+ splits words exactly like search_index.query.
STEMMED: Analyzer = (
    RegexTokenizer(r"\w+")
    | LowercaseFilter()
    | StopFilter(stoplist=STOP_WORDS, minsize=2)
    | CharsetFilter(accent_map)
    | StemFilter(lang="fr")
)
EXACT: Analyzer = RegexTokenizer(r"\w+") | LowercaseFilter() | CharsetFilter(accent_map)


@lru_cache(maxsize=50_000)
def stem(word: str) -> str | None:
    """The indexed form of one word, or None for a stop word."""
    tokens = [t.text for t in STEMMED(word)]
    return tokens[0] if tokens else None


@lru_cache(maxsize=50_000)
def folded(word: str) -> str:
    """Lower-cased, accents stripped, not stemmed: "Défis" -> "defis"."""
    return "".join(t.text for t in EXACT(word))


FOLDED_STOP_WORDS = frozenset(folded(word) for word in STOP_WORDS)


def is_stop_word(word: str) -> bool:
    """Words too common to search for: "le", "de", "les", "été"..."""
    return word.casefold() in STOP_WORDS or folded(word) in FOLDED_STOP_WORDS


ACCENTS = str.maketrans(accent_map)
