"""Search over Whoosh's postings held as Python sets and dicts, one segment at a time.

Whoosh's own matchers walk every posting of every query term in Python, twice when
the hits are also counted: a broad query over 50,000 documents costs about 100 ms.
Segments never change (a deletion only changes the segment's list of deleted
documents), so each term's postings are read once per segment into a dict
{docnum: BM25 term-frequency part}, kept in a bounded cache. A search is then C-speed
set work (intersections for AND, differences for NOT, the filter set), a sum over the
few matching clauses and `heapq.nlargest`; every match and facet value is counted
exactly.

Scores are Whoosh's BM25F (B = 0.75, K1 = 1.2, idf = log(N / (df + 1)) + 1 over the
whole index), field by field, times the clause boost, summed over the alternatives of
a word and over the words, as Whoosh's Or and And matchers do.
"""

import heapq
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence, Set
from dataclasses import dataclass
from math import log
from operator import add, neg
from threading import Lock
from typing import Any

from whoosh import query as wq
from whoosh.matching import FilterMatcher
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

B, K1 = 0.75, 1.2
POSTINGS_BUDGET = 600_000  # cached postings (about 100 bytes each)
Scores = dict[int, float]


@dataclass(frozen=True)
class Clause:
    """One query word (or quoted phrase): any of `terms` matches it."""

    terms: tuple[tuple[str, str, float], ...]  # (field, indexed text, boost)
    phrase: tuple[str, ...] = ()  # the stems in a row, for a quoted phrase


class BoundedCache:
    """Values kept by key, least recently used dropped beyond a total cost."""

    def __init__(self, budget: int) -> None:
        self._data: OrderedDict[Any, tuple[Any, int]] = OrderedDict()
        self._budget, self._spent = budget, 0
        self._lock = Lock()

    def get(self, key: Any, build: Callable[[], Any], cost=len) -> Any:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key][0]
        value = build()
        spent = max(1, cost(value))
        with self._lock:
            if key not in self._data:
                self._data[key] = (value, spent)
                self._spent += spent
            while self._spent > self._budget and len(self._data) > 1:
                _key, (_value, freed) = self._data.popitem(last=False)
                self._spent -= freed
        return value


def _raw_postings(reader: Any, field: str, text: str) -> tuple[Sequence, Sequence]:
    """(docnums, weights) of a term in one segment, deleted documents included
    (the filter set leaves them out). Reads Whoosh's blocks whole when it can."""
    matcher = reader.postings(field, text)
    if isinstance(matcher, FilterMatcher):  # deletions: filtered later, by the caller
        matcher = matcher.child
    ids: list[int] = []
    weights: list[float] = []
    if hasattr(matcher, "_read_ids") and hasattr(matcher, "_next_block"):
        while matcher.is_active():  # W3LeafMatcher: one block of ~128 at a time
            matcher._read_ids()
            matcher._read_weights()
            ids.extend(matcher._ids)
            weights.extend(matcher._weights)
            matcher._next_block()
        return ids, weights
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return ids, weights


def _norms(reader: Any, field: str) -> array:
    """Per document, BM25's length part K1 * (1 - B + B * length / average)."""
    count = reader.doc_count_all()
    average = (reader.field_length(field) / count if count else 0) or 1.0
    column = None
    perdoc = getattr(reader, "_perdoc", None)
    if perdoc is not None and hasattr(perdoc, "_cached_reader"):
        from whoosh.codec.whoosh3 import LENGTHS_COLUMN

        column = perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN)
    if column is not None:
        lengths = [byte_to_length(b) for b in column.load()]
    else:
        lengths = [reader.doc_field_length(d, field, 0) or 0 for d in range(count)]
    return array("f", (K1 * (1 - B + B * length / average) for length in lengths))


class Segment:
    """The cached data of one segment: term postings, facet values, filter sets."""

    def __init__(self, cache: BoundedCache, sub: Searcher, segid: str) -> None:
        self.cache, self.sub, self.segid = cache, sub, segid
        self.reader = sub.reader()

    def _norms(self, field: str) -> array:
        return self.cache.get(
            (self.segid, "norms", field), lambda: _norms(self.reader, field)
        )

    def term(self, field: str, text: str) -> Scores:
        """{docnum: BM25 term-frequency part} of a term, {} if absent."""

        def build() -> Scores:
            if (field, text) not in self.reader:
                return {}
            ids, weights = _raw_postings(self.reader, field, text)
            norms = self._norms(field)
            factor = K1 + 1
            return {
                d: w * factor / (w + norms[d])
                for d, w in zip(ids, weights, strict=True)
            }

        return self.cache.get((self.segid, "term", field, text), build)

    def phrase_docs(self, field: str, tokens: tuple[str, ...]) -> frozenset[int]:
        """Documents holding the stems in a row in a field (Whoosh checks positions)."""
        return self.cache.get(
            (self.segid, "phrase", field, tokens),
            lambda: frozenset(wq.Phrase(field, list(tokens)).docs(self.sub)),
        )

    def values(self, field: str) -> dict[str, frozenset[int]]:
        """Every value of a facet field and the documents holding it."""

        def build() -> dict[str, frozenset[int]]:
            if field not in self.reader.indexed_field_names():
                return {}
            return {
                btext.decode("utf-8"): frozenset(
                    self.reader.postings(field, btext).all_ids()
                )
                for btext in list(self.reader.lexicon(field))
            }

        return self.cache.get(
            (self.segid, "values", field),
            build,
            cost=lambda found: sum(map(len, found.values())),
        )

    def allowed(self, filters: wq.Query) -> frozenset[int]:
        """The live documents that pass the filters (kinds, facet values, access)."""
        live = self.reader.doc_count()  # changes when documents are deleted
        return self.cache.get(
            (self.segid, live, "allowed", repr(filters)),
            lambda: frozenset(filters.docs(self.sub)),
        )


def _weighted(parts: list[tuple[Scores, float]]) -> Scores:
    """The sum of the factor-weighted score dicts: one clause's scores."""
    parts = sorted((p for p in parts if p[0]), key=lambda p: -len(p[0]))
    if not parts:
        return {}
    first, factor = parts[0]
    out = {d: s * factor for d, s in first.items()}
    for scores, factor in parts[1:]:
        get = out.get
        for d, s in scores.items():
            out[d] = get(d, 0.0) + s * factor
    return out


class Matching:
    """One search over a searcher's segments: scores, counts and facets."""

    def __init__(self, cache: BoundedCache, searcher: Searcher) -> None:
        self.cache, self.searcher = cache, searcher
        self._count = searcher.doc_count_all() or 1

    def idf(self, field: str, text: str) -> float:
        return log(self._count / (self.searcher.doc_frequency(field, text) + 1)) + 1

    def _clause(self, segment: Segment, clause: Clause) -> Scores:
        """{docnum: score} of one clause, kept while the index statistics hold."""
        factors = tuple(boost * self.idf(f, text) for f, text, boost in clause.terms)

        def build() -> Scores:
            parts = [
                (segment.term(field, text), factor)
                for (field, text, _boost), factor in zip(
                    clause.terms, factors, strict=True
                )
            ]
            scores = _weighted(parts)
            if clause.phrase:
                held: set[int] = set()
                for field in {field for field, _text, _boost in clause.terms}:
                    held |= segment.phrase_docs(field, clause.phrase)
                scores = {d: s for d, s in scores.items() if d in held}
            return scores

        return self.cache.get((segment.segid, "clause", clause, factors), build)

    def _segment(
        self,
        segment: Segment,
        clauses: Sequence[Clause],
        excluded: Iterable[tuple[str, str]],
        filters: wq.Query,
    ) -> tuple[Set[int], list[Scores]]:
        """The matching documents of one segment and the scores of each clause."""
        allowed = segment.allowed(filters)
        scored = sorted((self._clause(segment, c) for c in clauses), key=len)
        docs = allowed.intersection(scored[0]) if scored else frozenset()
        for scores in scored[1:]:
            if not docs:
                break
            docs = scores.keys() & docs  # iterates the smaller of the two
        for field, text in excluded:
            if docs:
                docs = docs.difference(segment.term(field, text))
        return docs, scored

    def run(
        self,
        clauses: Sequence[Clause],
        excluded: Sequence[tuple[str, str]],
        filters: wq.Query,
        kinds: Sequence[str],
        wanted: int,
        facets: Sequence[str],
        facet_field: Callable[[str], str],
    ) -> tuple[list[tuple[float, int]], int, dict[str, dict[str, int]]]:
        """The best `wanted` (score, global docnum), the total, the facet counts;
        `kinds` restrict all but the "kind" facet."""
        best: list[tuple[float, int]] = []
        total = 0
        counts: dict[str, dict[str, int]] = {name: {} for name in facets}
        for sub, offset, segid in segments(self.searcher):
            segment = Segment(self.cache, sub, segid)
            docs, scored = self._segment(segment, clauses, excluded, filters)
            by_kind = segment.values(facet_field("kind"))
            if "kind" in facets:
                _count_values(counts["kind"], by_kind, docs)
            if kinds and docs:
                docs = set().union(
                    *(by_kind[k].intersection(docs) for k in kinds if k in by_kind)
                )
            if not docs:
                continue
            total += len(docs)
            best = _merge(best, _top(docs, scored, wanted, offset), wanted)
            for name in facets:
                if name != "kind":
                    _count_values(counts[name], segment.values(facet_field(name)), docs)
        return [(score, -negated) for score, negated in best], total, counts


def _top(
    docs: Set[int], scored: list[Scores], wanted: int, offset: int
) -> list[tuple[float, int]]:
    """The best documents as (score, -global docnum): ties go to the older one."""
    ordered = list(docs)
    values = list(map(scored[0].__getitem__, ordered))
    for scores in scored[1:]:
        values = list(map(add, values, map(scores.__getitem__, ordered)))
    negated = map(neg, ordered) if not offset else (-offset - d for d in ordered)
    return heapq.nlargest(wanted, zip(values, negated, strict=True))


def _merge(
    a: list[tuple[float, int]], b: list[tuple[float, int]], wanted: int
) -> list[tuple[float, int]]:
    return heapq.nlargest(wanted, a + b) if a else b


def _count_values(
    counts: dict[str, int], values: dict[str, frozenset[int]], docs: Set[int]
) -> None:
    for value, holders in values.items():
        if found := len(docs.intersection(holders)):
            counts[value] = counts.get(value, 0) + found


def segments(searcher: Searcher) -> list[tuple[Searcher, int, str]]:
    """(searcher, first docnum, segment id) for each segment of the index."""
    found = []
    for sub, offset in searcher.leaf_searchers():
        segment = getattr(sub.reader(), "segment", lambda: None)()
        if segment is not None:  # an empty index has no segment
            found.append((sub, offset, segment.segment_id()))
    return found
