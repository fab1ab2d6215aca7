"""Search over Whoosh's postings held as dicts and bitmasks, one segment at a time.

Whoosh's own matchers walk every posting of every query term in Python, twice when
the hits are also counted: a broad query over 50,000 documents costs about 100 ms.
Segments never change (a deletion only changes the segment's list of deleted
documents), so each term's postings are read once per segment into a dict
{docnum: BM25 term-frequency part}, kept in a bounded cache, and the documents of a
clause, a facet value or the filters into an int whose set bits they are. A search is
then C-speed work on those ints (`&` for AND and the filters, `& ~` for NOT,
`bit_count()` for the total and every facet value, all exact), and a ranking of the
few best: the first matches of the clause's documents kept in score order for a broad
one-word query, a sum over the clauses and `heapq.nlargest` otherwise. Ints and
{int: float} dicts are not tracked by the garbage collector, so a big cache costs
nothing at each collection, as sets of thousands of documents did.

Scores are Whoosh's BM25F (B = 0.75, K1 = 1.2, idf = log(N / (df + 1)) + 1 over the
whole index), field by field, times the clause boost, summed over the alternatives of
a word and over the words, as Whoosh's Or and And matchers do.
"""

import heapq
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import reduce
from math import log
from operator import add, neg, or_
from threading import Lock
from typing import Any

from whoosh import query as wq
from whoosh.matching import FilterMatcher
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

B, K1 = 0.75, 1.2
POSTINGS_BUDGET = 600_000  # cached postings (about 100 bytes each)
SCAN_FACTOR = 5  # matches per wanted result above which they are read best first
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


def bitmask(docnums: Iterable[int]) -> int:
    """The documents as the set bits of one int: `&` and `bit_count()` on two
    of them take microseconds where sets of thousands take milliseconds."""
    docnums = list(docnums)
    if not docnums:
        return 0
    bits = bytearray((max(docnums) >> 3) + 1)
    for d in docnums:
        bits[d >> 3] |= 1 << (d & 7)
    return int.from_bytes(bits, "little")


def mask_cost(mask: int) -> int:
    """A bitmask's size in the cache's unit (a cached posting, about 100 bytes)."""
    return 1 + mask.bit_length() // 800


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

    def term_mask(self, field: str, text: str) -> int:
        """The documents holding a term, as a bitmask."""
        return self.cache.get(
            (self.segid, "term-mask", field, text),
            lambda: bitmask(self.term(field, text)),
            cost=mask_cost,
        )

    def phrase_docs(self, field: str, tokens: tuple[str, ...]) -> frozenset[int]:
        """Documents holding the stems in a row in a field (Whoosh checks positions)."""
        return self.cache.get(
            (self.segid, "phrase", field, tokens),
            lambda: frozenset(wq.Phrase(field, list(tokens)).docs(self.sub)),
        )

    def value_masks(self, field: str) -> dict[str, int]:
        """Every value of a facet field and the documents holding it (bitmasks)."""

        def build() -> dict[str, int]:
            if field not in self.reader.indexed_field_names():
                return {}
            return {
                btext.decode("utf-8"): bitmask(
                    self.reader.postings(field, btext).all_ids()
                )
                for btext in list(self.reader.lexicon(field))
            }

        return self.cache.get(
            (self.segid, "values", field),
            build,
            cost=lambda masks: 1 + sum(map(mask_cost, masks.values())),
        )

    def allowed(self, filters: wq.Query) -> int:
        """The live documents that pass the filters (kinds, facet values, access)."""
        live = self.reader.doc_count()  # changes when documents are deleted
        return self.cache.get(
            (self.segid, live, "allowed", repr(filters)),
            lambda: bitmask(filters.docs(self.sub)),
            cost=mask_cost,
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
    """One search over a searcher's segments: scores, counts and facets.

    The matching documents of a segment are a bitmask (the filters, AND of the
    clauses, minus the excluded words), so counting them and their facet values
    is `&` and `bit_count()`. The best ones are read from the clause's documents
    in score order when the query has one word and matches many documents (the
    first few are the best), otherwise scored one by one.
    """

    def __init__(self, cache: BoundedCache, searcher: Searcher) -> None:
        self.cache, self.searcher = cache, searcher
        self._count = searcher.doc_count_all() or 1

    def idf(self, field: str, text: str) -> float:
        return log(self._count / (self.searcher.doc_frequency(field, text) + 1)) + 1

    def _factors(self, clause: Clause) -> tuple[float, ...]:
        return tuple(boost * self.idf(f, text) for f, text, boost in clause.terms)

    def _clause(self, segment: Segment, clause: Clause) -> Scores:
        """{docnum: score} of one clause, kept while the index statistics hold."""
        factors = self._factors(clause)

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

    def _clause_mask(self, segment: Segment, clause: Clause) -> int:
        return self.cache.get(
            (segment.segid, "clause-mask", clause),
            lambda: bitmask(self._clause(segment, clause)),
            cost=mask_cost,
        )

    def _ranked(self, segment: Segment, clause: Clause) -> array:
        """The clause's documents, best first (ties: the older first)."""
        scores = self._clause(segment, clause)
        return self.cache.get(
            (segment.segid, "ranked", clause, self._factors(clause)),
            lambda: array(
                "l", sorted(sorted(scores), key=scores.__getitem__, reverse=True)
            ),
        )

    def _matching(
        self,
        segment: Segment,
        clauses: Sequence[Clause],
        excluded: Iterable[tuple[str, str]],
        filters: wq.Query,
    ) -> int:
        """The matching documents of one segment, as a bitmask."""
        if not clauses:
            return 0
        mask = segment.allowed(filters)
        for clause in clauses:
            mask &= self._clause_mask(segment, clause)
        for field, text in excluded:
            mask &= ~segment.term_mask(field, text)
        return mask

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
            mask = self._matching(segment, clauses, excluded, filters)
            by_kind = segment.value_masks(facet_field("kind"))
            if "kind" in facets:
                _count_values(counts["kind"], by_kind, mask)
            if kinds:
                mask &= reduce(or_, (by_kind.get(k, 0) for k in kinds), 0)
            if not (found := mask.bit_count()):
                continue
            total += found
            top = self._top(segment, clauses, mask, found, wanted)
            best = _merge(best, [(s, -offset - d) for s, d in top], wanted)
            for name in facets:
                if name != "kind":
                    values = segment.value_masks(facet_field(name))
                    _count_values(counts[name], values, mask)
        return [(score, -negated) for score, negated in best], total, counts

    def _top(
        self,
        segment: Segment,
        clauses: Sequence[Clause],
        mask: int,
        found: int,
        wanted: int,
    ) -> list[tuple[float, int]]:
        """The best `wanted` (score, docnum) of the segment's matches."""
        scored = [self._clause(segment, c) for c in clauses]
        held = mask.to_bytes(segment.reader.doc_count_all() // 8 + 1, "little")
        if len(scored) == 1 and found >= SCAN_FACTOR * wanted:
            scores, top = scored[0], []
            for d in self._ranked(segment, clauses[0]):
                if held[d >> 3] >> (d & 7) & 1:
                    top.append((scores[d], d))
                    if len(top) == wanted:
                        break
            return top
        smallest = min(scored, key=len)
        docs = [d for d in smallest if held[d >> 3] >> (d & 7) & 1]
        values = list(map(scored[0].__getitem__, docs))
        for scores in scored[1:]:
            values = list(map(add, values, map(scores.__getitem__, docs)))
        best = heapq.nlargest(wanted, zip(values, map(neg, docs), strict=True))
        return [(score, -negated) for score, negated in best]


def _merge(
    a: list[tuple[float, int]], b: list[tuple[float, int]], wanted: int
) -> list[tuple[float, int]]:
    return heapq.nlargest(wanted, a + b) if a else b


def _count_values(counts: dict[str, int], masks: dict[str, int], mask: int) -> None:
    """Add, for each value, the documents of `mask` that hold it."""
    for value, holders in masks.items():
        if found := (mask & holders).bit_count():
            counts[value] = counts.get(value, 0) + found


def segments(searcher: Searcher) -> list[tuple[Searcher, int, str]]:
    """(searcher, first docnum, segment id) for each segment of the index."""
    found = []
    for sub, offset in searcher.leaf_searchers():
        segment = getattr(sub.reader(), "segment", lambda: None)()
        if segment is not None:  # an empty index has no segment
            found.append((sub, offset, segment.segment_id()))
    return found
