"""Whoosh backend: "whoosh:PATH" on disk (one host) and "memory:" (tests).

Whoosh keeps one writer at a time: writes take a lock per directory inside the
process and Whoosh's file lock (waiting for it) across processes. Searches reuse
pooled searchers until the index changes and run over cached per-segment postings
(search_index/whoosh_scoring.py), which count every match cheaply.
"""

import gc
import re
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from functools import lru_cache
from functools import partial as bind
from pathlib import Path
from typing import Any, TypeVar

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage, RamStorage, Storage
from whoosh.index import FileIndex
from whoosh.searching import Searcher
from whoosh.writing import CLEAR, IndexWriter

from search_index.analysis import (
    ACCENTS,
    EXACT,
    FOLDED_STOP_WORDS,
    STEMMED,
    folded,
    is_stop_word,
    stem,
)
from search_index.base import PUBLIC, Document, Hit, Page, Query, SearchError, register
from search_index.query import ParsedQuery, parse
from search_index.snippets import highlight, snippet
from search_index.whoosh_scoring import (
    POSTINGS_BUDGET,
    BoundedCache,
    Clause,
    Matching,
    segments,
)

TITLE_BOOST, TAGS_BOOST, BODY_BOOST = 4.0, 2.0, 1.0
EXPANSION_BOOST = 0.3
# The best matches holding the words as a phrase move up (scores x PHRASE_FACTOR).
PHRASE_FACTOR, RERANK_WINDOW = 1.5, 50
RERANK_CHARS = 5000  # of each body, looked through for the phrase
PREFIX_MIN, SUGGEST_PREFIX_MIN, MAX_EXPANSIONS = 3, 2, 10
WRITE_TIMEOUT = 120.0
OPEN_ATTEMPTS = 10  # as Whoosh's own reader(): a merge may delete files mid-open
READ_ATTEMPTS = 3  # a read whose searcher went stale under it is tried again
EXPANSIONS_KEPT = 2000  # words whose completions and near spellings are cached
BULK_LIMIT_MB = 128  # the posting pool of a full rebuild (beyond: sorted runs on disk)
FACET_PREFIX = "facet_"

T = TypeVar("T")
CREATE_LOCK = "CREATELOCK"


def make_schema() -> Schema:
    """The index layout: stemmed fields to rank, folded ones to complete words."""
    schema = Schema(
        key=ID(stored=True, unique=True),
        kind=ID(stored=True),
        id=STORED(),
        url=STORED(),
        title=TEXT(analyzer=STEMMED, stored=True),
        tags=TEXT(analyzer=STEMMED),
        body=TEXT(analyzer=STEMMED, stored=True),
        exact=TEXT(analyzer=EXACT, phrase=False),
        title_exact=TEXT(analyzer=EXACT, phrase=False),
        access=KEYWORD(),
    )
    schema.add(FACET_PREFIX + "*", KEYWORD(), glob=True)
    return schema


def facet_field(name: str) -> str:
    return FACET_PREFIX + re.sub(r"\W", "_", name)


def _values(values: Iterable[str]) -> list[str]:
    return sorted({v for v in values if v})


def document_fields(doc: Document) -> dict[str, Any]:
    """The Whoosh fields of one document."""
    tags = "\n".join(doc.tags)
    fields: dict[str, Any] = {
        "key": doc.key,
        "kind": doc.kind,
        "id": doc.id,
        "url": doc.url,
        "title": doc.title,
        "tags": tags,
        "body": doc.body,
        "exact": "\n".join((doc.title, tags, doc.body)),
        "title_exact": doc.title,
        "access": _values(doc.access),
        "_boost": min(2.0, max(0.5, doc.boost)),
    }
    for name, values in doc.facets.items():
        fields[facet_field(name)] = _values(values)
    fields[facet_field("kind")] = [doc.kind]
    return fields


# Queries -------------------------------------------------------------------


@dataclass
class Compiled:
    """A user query turned into Whoosh queries, with what to highlight."""

    filters: wq.Query  # kinds, facet values and access: never scored
    clauses: list[Clause] = field(default_factory=list)  # searches: all must match
    excluded: list[tuple[str, str]] = field(default_factory=list)  # (field, term)
    kinds: tuple[str, ...] = ()  # searches: the kinds shown, when not all
    stems: set[str] = field(default_factory=set)
    exact: set[str] = field(default_factory=set)
    phrase: re.Pattern[str] | None = None  # the typed words in a row


def _expansions(reader: Any, fieldname: str, word: str, partial: bool) -> list[str]:
    """Indexed words this word may stand for: completions, or near spellings of
    a word the index does not hold."""
    found: set[str] = set()
    if partial:
        prefix = reader.expand_prefix(fieldname, word)
        found.update(
            b.decode("utf-8") for _, b in zip(range(400), prefix, strict=False)
        )
    distance = 0 if len(word) < 5 else 1 if len(word) < 8 else 2
    # Near spellings only for a word the index lacks that completes to nothing
    # (Whoosh builds a Levenshtein automaton in Python: milliseconds per word).
    if distance and not found and not reader.doc_frequency(fieldname, word):
        found.update(reader.terms_within(fieldname, word, distance, prefix=1))
    found.discard(word)
    best = sorted(found, key=lambda t: -reader.doc_frequency(fieldname, t))
    return best[:MAX_EXPANSIONS]


STEM_FIELDS = (("title", TITLE_BOOST), ("tags", TAGS_BOOST), ("body", BODY_BOOST))


def _stem_terms(token: str) -> tuple[tuple[str, str, float], ...]:
    return tuple((name, token, boost) for name, boost in STEM_FIELDS)


Expand = Callable[[Any, str, str, bool], list[str]]


def _word_clause(
    reader: Any, word: str, partial: bool, out: Compiled, expand: Expand
) -> Clause | None:
    token, exact = stem(word), folded(word)
    if is_stop_word(word) or not exact:
        return None
    out.exact.add(exact)
    if token is None:  # one character, e.g. a digit: only as written
        return Clause((("exact", exact, 1.0),))
    out.stems.add(token)
    terms = _stem_terms(token)  # accents are folded before stemming: no exact
    expanded = expand(reader, "exact", exact, partial and len(exact) >= PREFIX_MIN)
    out.exact.update(expanded)
    return Clause(terms + tuple(("exact", t, EXPANSION_BOOST) for t in expanded))


def _phrase_clause(words: Sequence[str]) -> Clause | None:
    """A quoted phrase: its words in a row in the title, tags or body."""
    tokens = tuple(t for t in map(stem, words) if t)
    if not tokens:
        return None
    terms = tuple(term for token in tokens for term in _stem_terms(token))
    return Clause(terms, tokens if len(tokens) > 1 else ())


def _filters(query: Query) -> wq.Query:
    """Kinds, facet values and access, applied as a filter (never scored)."""
    keys = _values(query.access)
    clauses: list[wq.Query] = [wq.Or([wq.Term("access", k) for k in keys])]
    if query.kinds:
        clauses.append(wq.Or([wq.Term("kind", k) for k in query.kinds]))
    for name, value in sorted(query.filters.items()):
        clauses.append(wq.Term(facet_field(name), value))
    return wq.And(clauses)


def _excluded(parsed: ParsedQuery) -> list[tuple[str, str]]:
    """The (field, term) pairs whose documents a -word removes."""
    terms: list[tuple[str, str]] = []
    for word in parsed.excluded:
        token = stem(word)
        if token:
            terms += [(name, token) for name, _boost in STEM_FIELDS]
            terms.append(("exact", folded(word)))
    return terms


def compile_query(
    reader: Any, parsed: ParsedQuery, query: Query, expand: Expand = _expansions
) -> Compiled | None:
    """The clauses of a parsed user query; None when nothing can match."""
    out = Compiled(wq.NullQuery)
    for i, word in enumerate(parsed.words):
        partial = parsed.partial is not None and i == len(parsed.words) - 1
        if clause := _word_clause(reader, word, partial, out, expand):
            out.clauses.append(clause)
    for phrase in parsed.phrases:
        out.stems.update(t for t in map(stem, phrase) if t)
        if clause := _phrase_clause(phrase):
            out.clauses.append(clause)
    if not out.clauses or not query.access:
        return None
    # Kinds are applied after counting them (the "kind" facet counts every kind).
    out.excluded, out.filters = _excluded(parsed), _filters(replace(query, kinds=()))
    out.kinds = tuple(query.kinds)
    full_words = parsed.words[:-1] if parsed.partial else parsed.words
    stems = tuple(t for w in full_words if not is_stop_word(w) and (t := stem(w)))
    out.phrase = phrase_pattern(stems) if len(stems) > 1 else None
    return out


_STOPS = "|".join(sorted(FOLDED_STOP_WORDS, key=len, reverse=True))


@lru_cache(maxsize=1024)
def phrase_pattern(stems: tuple[str, ...]) -> re.Pattern[str]:
    """Finds the stems in a row in folded text, stop words allowed between."""
    between = rf"(?:\W+(?:{_STOPS})\b)*\W+"
    return re.compile(r"\b" + between.join(re.escape(s) + r"\w*" for s in stems))


def rerank(hits: list[tuple[dict[str, Any], float]], phrase: re.Pattern[str]) -> None:
    """Move up, among the first RERANK_WINDOW, the hits that hold the phrase."""
    window = hits[:RERANK_WINDOW]
    for i, (stored, score) in enumerate(window):
        body = stored.get("body", "")[:RERANK_CHARS]
        text = f"{stored.get('title', '')}\n{body}"
        if phrase.search(text.lower().translate(ACCENTS)):
            window[i] = (stored, score * PHRASE_FACTOR)
    window.sort(key=lambda hit: -hit[1])
    hits[:RERANK_WINDOW] = window


def compile_suggest(
    reader: Any,
    text: str,
    access: Sequence[str],
    kinds: Sequence[str],
    expand: Expand = _expansions,
) -> Compiled | None:
    """Titles matching every typed word, the last one as a prefix."""
    parsed = parse(text)
    out = Compiled(wq.NullQuery)
    for i, word in enumerate(parsed.words):
        token, exact = stem(word), folded(word)
        if token is None or not exact:
            continue
        partial = parsed.partial is not None and i == len(parsed.words) - 1
        long_enough = partial and len(exact) >= SUGGEST_PREFIX_MIN
        expanded = expand(reader, "title_exact", exact, long_enough)
        out.stems.add(token)
        out.exact.update([exact, *expanded])
        terms = [("title", token, 1.0), ("title_exact", exact, 1.0)]
        terms += [("title_exact", t, EXPANSION_BOOST) for t in expanded]
        out.clauses.append(Clause(tuple(terms)))
    if not out.clauses or not access:
        return None
    out.filters = _filters(Query("", kinds=kinds, access=access))
    return out


# The index -----------------------------------------------------------------


def _delete_keys(writer: IndexWriter, keys: list[str]) -> None:
    """Delete these keys' documents with one query (one reader for the batch)."""
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        writer.delete_by_query(wq.Or([wq.Term("key", key) for key in chunk]))


class _TrackedOpens:
    """A storage mixin that can close every file one thread opened, should
    that thread's opening of a searcher fail part-way."""

    _opening = threading.local()

    def open_file(self, name: str, **kwargs: Any) -> Any:
        opened = super().open_file(name, **kwargs)  # type: ignore[misc]
        if (files := getattr(self._opening, "files", None)) is not None:
            files.append(opened)
        return opened

    @contextmanager
    def closed_on_failure(self) -> Iterator[None]:
        self._opening.files = []
        try:
            yield
        except BaseException:
            for opened in self._opening.files:
                with suppress(Exception):  # some were closed already
                    opened.close()
            raise
        finally:
            self._opening.files = None


class _FileStorage(_TrackedOpens, FileStorage):
    pass


def open_searcher(ix: FileIndex) -> Searcher:
    """`ix.searcher()` without its leak. Whoosh opens each segment in turn, and
    when a merge deleted one meanwhile it drops the files already open (held
    until collected, then a ResourceWarning) and tries again. Here one try
    closes them all on failure; the caller decides whether to try again."""
    toc = ix._read_toc()  # the segments Whoosh itself reads
    with ix.storage.closed_on_failure():
        reader = FileIndex._reader(  # one try, not ten leaky ones
            ix.storage, toc.schema, toc.segments, toc.generation
        )
    return Searcher(reader, fromindex=ix)


_DIRECTORY_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def _directory_lock(name: str) -> threading.Lock:
    with _LOCKS_GUARD:
        return _DIRECTORY_LOCKS.setdefault(name, threading.Lock())


class WhooshIndex:
    """The SearchIndex interface over one Whoosh index."""

    def __init__(self, ix: FileIndex, lock: threading.Lock) -> None:
        self._ix = ix
        self._write_lock = lock
        self._pool: list[Searcher] = []
        self._pool_lock = threading.Lock()
        self._closed = False
        self._cache = BoundedCache(EXPANSIONS_KEPT)  # word expansions
        self._postings = BoundedCache(POSTINGS_BUDGET)

    # Searchers ------------------------------------------------------------

    @contextmanager
    def _searcher(self) -> Iterator[Searcher]:
        """A searcher for the latest index, reused until the index changes."""
        with self._pool_lock:
            searcher = self._pool.pop() if self._pool else None
        try:
            searcher = self._fresh(searcher)
        except (OSError, ValueError, EOFError) as error:
            raise SearchError(f"search index unreadable: {error}") from error
        try:
            yield searcher
        except BaseException:
            searcher.close()  # a read failed on it: not kept for the next one
            raise
        with self._pool_lock:
            if self._closed:
                searcher.close()
            else:
                self._pool.append(searcher)

    def _fresh(self, searcher: Searcher | None) -> Searcher:
        if searcher is not None:
            with suppress(Exception):
                if searcher.up_to_date():
                    return searcher
            # Not Searcher.refresh(): it matches the readers to reuse on the
            # wrong key and leaves all but one of them open.
            searcher.close()
        for attempt in range(OPEN_ATTEMPTS):
            try:
                return open_searcher(self._ix)
            except FileNotFoundError:  # a commit merged segments meanwhile
                if attempt + 1 == OPEN_ATTEMPTS:
                    raise
                time.sleep(0.05)
        raise AssertionError("unreachable")

    # Reads ----------------------------------------------------------------

    def _read(self, read: Callable[[Searcher], T]) -> T:
        """`read` on a pooled searcher, again on a fresh one if the index changed
        under it. Whoosh opens a segment's files lazily, and a commit that merges
        segments deletes theirs: a searcher taken just before it can find a file
        gone (`None` columns, FileNotFoundError). Seen as HTTP 500s under load."""
        for attempt in range(READ_ATTEMPTS):
            searcher = None
            try:
                with self._searcher() as searcher:
                    return read(searcher)
            except SearchError:
                raise
            except Exception:
                last = attempt + 1 == READ_ATTEMPTS
                if last or searcher is None or self._still_current(searcher):
                    raise
        raise AssertionError("unreachable")

    @staticmethod
    def _still_current(searcher: Searcher) -> bool:
        with suppress(Exception):
            return bool(searcher.up_to_date())
        return False

    def search(self, query: Query) -> Page:
        """One page of matches, best first, with facet counts."""
        page, per_page = max(1, query.page), max(1, query.per_page)
        parsed = parse(query.text)
        empty = Page([], 0, page, per_page, {name: {} for name in query.facets})
        if parsed.empty:
            return empty

        def read(searcher: Searcher) -> Page:
            expand = bind(self._expansions, segments(searcher))
            compiled = compile_query(searcher.reader(), parsed, query, expand)
            if compiled is None:
                return empty
            return self._page(searcher, compiled, query, page, per_page)

        return self._read(read)

    def _expansions(
        self, parts: list, reader: Any, fieldname: str, word: str, partial: bool
    ) -> list[str]:
        """`_expansions`, kept while the index has the same segments."""
        generation = "+".join(segid for _sub, _offset, segid in parts)
        key = (generation, "expansions", fieldname, word, partial)
        build = bind(_expansions, reader, fieldname, word, partial)
        return self._cache.get(key, build, cost=lambda _found: 1)

    def _page(
        self,
        searcher: Searcher,
        compiled: Compiled,
        query: Query,
        page: int,
        per_page: int,
    ) -> Page:
        wanted = page * per_page
        extra = RERANK_WINDOW if compiled.phrase else 0
        best, total, facets = Matching(self._postings, searcher).run(
            compiled.clauses,
            compiled.excluded,
            compiled.filters,
            compiled.kinds,
            max(wanted, extra),
            query.facets,
            facet_field,
        )
        found = [(searcher.stored_fields(docnum), score) for score, docnum in best]
        if compiled.phrase:
            rerank(found, compiled.phrase)
        start = (page - 1) * per_page
        hits = [self._hit(f, score, compiled) for f, score in found[start:wanted]]
        return Page(hits, total, page, per_page, facets)

    @staticmethod
    def _hit(stored: dict[str, Any], score: float, marks: Compiled) -> Hit:
        title, body = stored.get("title", ""), stored.get("body", "")
        text = snippet(title, body, marks)
        return Hit(stored["kind"], stored["id"], title, stored["url"], text, score)

    def suggest(
        self,
        prefix: str,
        *,
        access: Sequence[str] = (PUBLIC,),
        kinds: Sequence[str] = (),
        limit: int = 8,
    ) -> list[Hit]:
        """Titles for as-you-type suggestions; the last word may be incomplete."""

        def read(searcher: Searcher) -> list[Hit]:
            expand = bind(self._expansions, segments(searcher))
            compiled = compile_suggest(searcher.reader(), prefix, access, kinds, expand)
            if compiled is None or limit < 1:
                return []
            best, _total, _facets = Matching(self._postings, searcher).run(
                compiled.clauses, [], compiled.filters, (), limit, (), facet_field
            )
            return [
                self._suggestion(searcher.stored_fields(docnum), score, compiled)
                for score, docnum in best
            ]

        return self._read(read)

    @staticmethod
    def _suggestion(stored: dict[str, Any], score: float, marks: Compiled) -> Hit:
        title = stored.get("title", "")
        text = highlight(title, marks)
        return Hit(stored["kind"], stored["id"], title, stored["url"], text, score)

    def count(self) -> int:
        """How many documents the index holds."""
        return self._read(lambda searcher: int(searcher.doc_count()))

    # Writes ---------------------------------------------------------------

    @contextmanager
    def _writer(self, **options: Any) -> Iterator[IndexWriter]:
        """The only writer: this process's lock, then Whoosh's (waiting for it).

        Segments are written as separate files, not one compound file: Whoosh
        reads a compound file through BytesIO, a copy of the whole index in memory.
        """
        with self._write_lock:
            try:
                writer = self._ix.writer(
                    timeout=WRITE_TIMEOUT, delay=0.05, compound=False, **options
                )
            except whoosh_index.LockError as error:
                raise SearchError("search index locked by another writer") from error
            try:
                yield writer
            except BaseException:
                with suppress(Exception):  # already closed if commit failed
                    writer.cancel()
                raise

    def add(self, docs: Iterable[Document]) -> None:
        """Insert or replace documents (by key)."""
        latest = {doc.key: doc for doc in docs}  # one version per key in a batch
        if not latest:
            return
        with self._writer() as writer:
            # One deletion query for the batch: update_document would open a
            # reader over every segment for each document.
            _delete_keys(writer, list(latest))
            for doc in latest.values():
                writer.add_document(**document_fields(doc))
            writer.commit()

    def replace_all(self, docs: Iterable[Document]) -> int:
        """Replace every document with these, with one writer and one commit:
        searches see the old index until the new one is complete. A key given
        twice keeps its first document. Returns how many documents were written."""
        keys: set[str] = set()
        with self._writer(limitmb=BULK_LIMIT_MB) as writer:
            for doc in docs:
                if doc.key not in keys:
                    keys.add(doc.key)
                    writer.add_document(**document_fields(doc))
            writer.commit(mergetype=CLEAR)
        return len(keys)

    def remove(self, kind: str, ids: Iterable[int]) -> None:
        """Forget documents; unknown ids are ignored."""
        keys = [f"{kind}:{i}" for i in ids]
        if not keys:
            return
        with self._writer() as writer:
            _delete_keys(writer, keys)
            writer.commit()

    def compact(self) -> None:
        """Merge every segment into one (after a rebuild: searches get faster)."""
        with self._writer() as writer:
            writer.commit(optimize=True)

    def clear(self) -> None:
        """Remove every document (a new, empty generation of the index)."""
        with self._writer() as writer:
            writer.commit(mergetype=CLEAR)

    def close(self) -> None:
        """Release the pooled searchers."""
        with self._pool_lock:
            self._closed = True
            pool, self._pool = self._pool, []
        for searcher in pool:
            searcher.close()


# Opening -------------------------------------------------------------------


def _create_once(path: Path) -> FileStorage:
    """Create the index in an empty directory, once even with several processes."""
    path.mkdir(parents=True, exist_ok=True)
    storage = _FileStorage(str(path))
    lock = storage.lock(CREATE_LOCK)
    deadline = time.monotonic() + WRITE_TIMEOUT
    while not lock.acquire(blocking=False):
        if time.monotonic() > deadline:
            raise SearchError(f"search index {path} locked while being created")
        time.sleep(0.05)
    try:
        if not whoosh_index.exists(storage):
            if any(p.name != CREATE_LOCK for p in path.iterdir()):
                raise SearchError(f"no search index in {path}")
            storage.create_index(make_schema())
    finally:
        lock.release()
    return storage


def _open_checked(path: Path) -> FileIndex | str:
    """The index, or why it cannot be read (the exception is released here)."""
    try:
        ix = _create_once(path).open_index()
        open_searcher(ix).close()  # reads the TOC and every segment: fails early
    except SearchError as error:
        return str(error)
    except Exception as error:  # Whoosh raises many kinds on a damaged index
        return f"search index {path} unreadable: {type(error).__name__}: {error}"
    return ix


def open_directory(path: str | Path) -> WhooshIndex:
    """The on-disk index at PATH, created if the directory is missing or empty."""
    path = Path(path).expanduser().resolve()
    with warnings.catch_warnings():
        # Whoosh leaves the files of a damaged index open: close them quietly.
        warnings.simplefilter("ignore", ResourceWarning)
        opened = _open_checked(path)
        if isinstance(opened, str):
            gc.collect()
            raise SearchError(opened)
    return WhooshIndex(opened, _directory_lock(str(path)))


class _MemoryStorage(_TrackedOpens, RamStorage):
    """RamStorage whose writers' scratch files stay in memory too.

    Whoosh's RamStorage puts them in /tmp/MAIN.tmp, shared by every process.
    """

    def temp_storage(self, name: str | None = None) -> Storage:
        return RamStorage()


def open_memory() -> WhooshIndex:
    """A fresh index in memory, for tests."""
    ix = _MemoryStorage().create_index(make_schema())
    return WhooshIndex(ix, threading.Lock())


def _open(url: str) -> WhooshIndex:
    scheme, _, rest = url.partition(":")
    if scheme == "memory":
        return open_memory()
    if not rest:
        raise SearchError("whoosh: URL needs a directory, e.g. whoosh:instance/search")
    return open_directory(rest)


register("whoosh", _open)
register("memory", _open)
