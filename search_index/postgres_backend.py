"""PostgreSQL full-text search: the backend that works across hosts.

    open_index("postgresql+psycopg://user@host:5432/db?table=search_documents")

French analysis comes from the `eiglink_fr` text search configuration (the
`french` Snowball stemmer after `unaccent`), matched through a generated,
GIN-indexed `tsvector`. A companion table of known words gives completions for
the word being typed and corrections for misspelt words (pg_trgm).
"""

import html
import json
import math
import queue
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
from psycopg import sql
from psycopg.rows import TupleRow
from psycopg.types.json import Jsonb

from search_index.base import PUBLIC, Document, Hit, Page, Query, SearchError, register
from search_index.query import ParsedQuery, fold, parse
from search_index.snippets import marks_for, snippet

Connection = psycopg.Connection[TupleRow]

CONFIG = "eiglink_fr"
DEFAULT_TABLE = "search_documents"
CANDIDATES = 300  # matches ranked, counted and faceted per search
TITLE_CANDIDATES = 100  # title matches ranked too, wherever they are
SEARCH_TIMEOUT = "2s"
WRITE_TIMEOUT = "60s"
BULK_TIMEOUT = "30min"  # a whole rebuild in one transaction
POOL_SIZE = 8  # idle connections kept; more are opened under load
PING_AFTER = 30.0  # seconds idle after which a pooled connection is checked
MAX_PER_PAGE = 100
MAX_BODY = 100_000  # characters indexed per document
SNIPPET_SOURCE = 20_000  # characters of the body searched for a snippet (in Python)
SNIPPET_CHARS = 240
MIN_CORRECTED = 5  # words shorter than this are never corrected
TRIGRAM_FLOOR = 0.2  # pg_trgm similarity of correction candidates
MAX_CORRECTIONS = 2
EXPANSIONS = 8
# Completions, corrections and estimated totals depend on the vocabulary, which
# changes slowly: kept this long (and dropped at this process's own writes).
LOOKUP_SECONDS = 30.0
LOOKUPS_KEPT = 2048
_TABLE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,40}")
_VOCABULARY_WORD = re.compile(r"[^\W\d_]{3,40}")
# Query words ignored besides the `french` stop list: those unaccent hides from
# it ("à" -> "a") and those the Whoosh backend adds, so that both answer alike.
_STOP_TEXT = """à été étée étées étés étant étante étants étantes êtes étais était
étions étiez étaient fûmes fûtes fût eûmes eûtes eût même
les cette cet ils elles leurs sans sous très plus"""
_STOP_WORDS = frozenset(_STOP_TEXT.split())
_UNIT = "\x1f"  # between a facet's name and a value: chr(31) in SQL
_START, _STOP = "\ue000", "\ue001"  # ts_headline markers, removed from the text first
# Weights of the D, C, B, A labels: body (C) < tags (B) < title (A).
_WEIGHTS = "{0.05, 0.2, 0.5, 1.0}"
_HIGHLIGHT_ALL = f"HighlightAll=true, StartSel={_START}, StopSel={_STOP}"

_DDL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_ts_config
                     WHERE cfgname = {cfg} AND pg_ts_config_is_visible(oid)) THEN
        CREATE TEXT SEARCH CONFIGURATION {cfg_name} (COPY = french);
        ALTER TEXT SEARCH CONFIGURATION {cfg_name}
          ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
      END IF; END $$""",
    """CREATE TABLE IF NOT EXISTS {t} (
      key text PRIMARY KEY,
      kind text NOT NULL,
      id bigint NOT NULL,
      title text NOT NULL DEFAULT '',
      body text NOT NULL DEFAULT '',
      tags text NOT NULL DEFAULT '',
      url text NOT NULL DEFAULT '',
      access text[] NOT NULL DEFAULT '{{public}}',
      facets jsonb NOT NULL DEFAULT '{{}}',
      boost real NOT NULL DEFAULT 1,
      updated_at timestamptz,
      tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector({cfg}::regconfig, title), 'A')
        || setweight(to_tsvector({cfg}::regconfig, tags), 'B')
        || setweight(to_tsvector({cfg}::regconfig, body), 'C')) STORED)""",
    # Each facet value as one "name<US>value" key: counting them over the
    # candidates is one unnest, not a JSON walk per facet name.
    """CREATE OR REPLACE FUNCTION eiglink_facet_keys(facets jsonb) RETURNS text[]
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT ARRAY(
        SELECT f.name || chr(31) || v.value
        FROM jsonb_each(facets) AS f(name, vals)
        CROSS JOIN LATERAL jsonb_array_elements_text(CASE jsonb_typeof(f.vals)
          WHEN 'array' THEN f.vals ELSE '[]' END) AS v(value)) $$""",
    # Tables made before the column get it (computed for every row); asked
    # first, since ALTER TABLE would lock out searches even when it is there.
    """DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = {t_name}::regclass
                     AND attname = 'facet_keys' AND NOT attisdropped) THEN
        ALTER TABLE {t} ADD COLUMN facet_keys text[]
          GENERATED ALWAYS AS (eiglink_facet_keys(facets)) STORED;
      END IF; END $$""",
    "CREATE INDEX IF NOT EXISTS {tsv_idx} ON {t} USING gin (tsv)",
    "CREATE INDEX IF NOT EXISTS {access_idx} ON {t} USING gin (access)",
    "CREATE INDEX IF NOT EXISTS {kind_idx} ON {t} (kind)",  # the type tabs
    """CREATE INDEX IF NOT EXISTS {title_idx} ON {t}
      USING gin (to_tsvector({cfg}::regconfig, title))""",
    "CREATE INDEX IF NOT EXISTS {facets_idx} ON {t} USING gin (facets jsonb_path_ops)",
    """CREATE TABLE IF NOT EXISTS {w} (
      word text COLLATE "C" PRIMARY KEY,
      lexeme text GENERATED ALWAYS AS (
        (tsvector_to_array(to_tsvector({cfg}::regconfig, word)))[1]) STORED)""",
    "CREATE INDEX IF NOT EXISTS {trgm_idx} ON {w} USING gin (word gin_trgm_ops)",
]

_UPSERT = """INSERT INTO {t} (key, kind, id, title, body, tags, url, access, facets,
                              boost, updated_at)
VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, id = excluded.id,
  title = excluded.title, body = excluded.body, tags = excluded.tags,
  url = excluded.url, access = excluded.access, facets = excluded.facets,
  boost = excluded.boost, updated_at = excluded.updated_at"""

_COPY = """COPY {t} (key, kind, id, title, body, tags, url, access, facets, boost,
                     updated_at) FROM STDIN"""

_ADD_WORDS = (
    "INSERT INTO {w} (word) SELECT unnest(%s::text[]) ORDER BY 1 ON CONFLICT DO NOTHING"
)

# Known words starting with the word being typed whose stem does not start with
# the stem of the typed prefix ("informati" -> "informat", but "information"
# -> "inform"): one word per stem, shortest first.
_EXPAND = """SELECT min(word) FROM {w}
WHERE word LIKE %(like)s AND lexeme IS NOT NULL AND NOT starts_with(lexeme,
  coalesce((tsvector_to_array(to_tsvector({cfg}::regconfig, %(word)s)))[1], chr(1)))
GROUP BY lexeme ORDER BY min(length(word)), 1 LIMIT %(limit)s"""

# For each word that matches no document, known words of the same first letter
# and about the same length that share trigrams with it (the caller keeps those
# within a small edit distance).
_CORRECT = """SELECT q.word, c.word FROM unnest(%(words)s::text[], %(tsq)s::text[])
  AS q(word, tsq)
CROSS JOIN LATERAL (
  SELECT k.word FROM {w} k
  WHERE k.word %% q.word AND k.word <> q.word AND left(k.word, 1) = left(q.word, 1)
    AND abs(length(k.word) - length(q.word)) <= 2
  ORDER BY similarity(k.word, q.word) DESC, k.word LIMIT 20) c
WHERE numnode(to_tsquery({cfg}::regconfig, q.tsq)) > 0
  AND NOT EXISTS (SELECT 1 FROM {t} d
                  WHERE d.tsv @@ to_tsquery({cfg}::regconfig, q.tsq))"""

_RANK = """d.boost * (
  ts_rank({weights}, d.tsv, to_tsquery({cfg}::regconfig, %(q)s), 32)
  + CASE WHEN d.tsv @@ to_tsquery({cfg}::regconfig, %(qa)s) THEN 1.0
         WHEN d.tsv @@ to_tsquery({cfg}::regconfig, %(qab)s) THEN 0.5 ELSE 0 END)"""

# The candidates: the first matches the GIN index gives, and, so that a broad
# query still ranks them, the documents whose title matches (a smaller index).
_SEARCH = """WITH found AS MATERIALIZED (
  (SELECT d.key, d.kind, d.facet_keys, {rank} AS score, true AS first
   FROM {t} d WHERE {where} LIMIT %(cap)s)
  UNION ALL
  (SELECT d.key, d.kind, d.facet_keys, {rank}, false
   FROM {t} d WHERE {titled} LIMIT %(titled)s)),
m AS MATERIALIZED (SELECT DISTINCT ON (key) key, kind, facet_keys, score FROM found),
top AS (SELECT key, score FROM m ORDER BY score DESC, key
        LIMIT %(limit)s OFFSET %(offset)s),
counted AS (
  SELECT 'kind' || chr(31) || kind AS name, count(*) AS n FROM {every} GROUP BY kind
  UNION ALL
  SELECT f.name, count(*) FROM m CROSS JOIN unnest(m.facet_keys) AS f(name)
  WHERE split_part(f.name, chr(31), 1) = ANY(%(facet_names)s::text[])
  GROUP BY f.name),
stats AS (SELECT (SELECT count(*) FROM found WHERE first) AS total,
  (SELECT array_agg(name ORDER BY name) FROM counted) AS names,
  (SELECT array_agg(n ORDER BY name) FROM counted) AS counts)
SELECT s.total,  -- the counts in the first row only: parsed once
  CASE WHEN row_number() OVER best = 1 THEN s.names END,
  CASE WHEN row_number() OVER best = 1 THEN s.counts END,
  d.kind, d.id, d.title, d.url, left(d.body, {source}), top.score
FROM stats s LEFT JOIN (top JOIN {t} d USING (key)) ON true
WINDOW best AS (ORDER BY top.score DESC, top.key)
ORDER BY top.score DESC, top.key"""

_MATCH = "d.tsv @@ to_tsquery({cfg}::regconfig, %(q)s)"
_TITLE_MATCH = (
    "to_tsvector({cfg}::regconfig, d.title) @@ to_tsquery({cfg}::regconfig, %(q)s)"
)
# Title candidates must match the whole query too (an excluded word may be in
# the body), tested row by row: `IS TRUE` keeps the planner off the big index.
_TITLED = _TITLE_MATCH + " AND (d.tsv @@ to_tsquery({cfg}::regconfig, %(q)s)) IS TRUE"
# Searches test access outside its GIN index: "public" is in nearly every search
# and the planner would AND a useless bitmap of most rows. Estimates use it, for
# the planner's statistics on the column.
_ACCESS = "coalesce(d.access, '{{}}') && %(access)s::text[]"
_ACCESS_ESTIMATED = "d.access && %(access)s::text[]"

_SUGGEST = """SELECT d.kind, d.id, d.title, d.url,
  ts_headline({cfg}::regconfig, translate(d.title, {markers}, ''),
              to_tsquery({cfg}::regconfig, %(q)s), {highlight_all}),
  r.score
FROM (SELECT d.key, {rank} AS score FROM {t} d WHERE {where} LIMIT %(cap)s) r
JOIN {t} d USING (key)
ORDER BY r.score DESC, length(d.title), d.key LIMIT %(limit)s"""


def _split_url(url: str) -> tuple[str, str]:
    """The libpq URL to connect to, and the table named by `?table=`."""
    parts = urlsplit(url)
    params = parse_qsl(parts.query, keep_blank_values=True)
    table = next((value for name, value in params if name == "table"), DEFAULT_TABLE)
    if not _TABLE_NAME.fullmatch(table):
        raise ValueError(f"invalid search table name {table!r}")
    rest = urlencode([(name, value) for name, value in params if name != "table"])
    scheme = parts.scheme.split("+", 1)[0]
    return urlunsplit((scheme, parts.netloc, parts.path, rest, parts.fragment)), table


class _Pool:
    """A few idle connections kept for reuse; more are opened under load."""

    def __init__(self, conninfo: str, size: int) -> None:
        self._conninfo = conninfo
        self._idle: queue.LifoQueue[tuple[Connection, float]] = queue.LifoQueue(size)

    def _connect(self) -> Connection:
        conn = psycopg.connect(
            self._conninfo, autocommit=True, connect_timeout=5, prepare_threshold=None
        )
        conn.execute(f"SET statement_timeout = '{SEARCH_TIMEOUT}'")
        conn.execute("SET enable_seqscan = off")
        # Searches take milliseconds: compiling them would take tens (the
        # disabled sequential scans inflate costs past jit_above_cost).
        conn.execute("SET jit = off")
        return conn

    def _take(self) -> Connection:
        """An idle connection still alive, or a new one."""
        while True:
            try:
                conn, since = self._idle.get_nowait()
            except queue.Empty:
                return self._connect()
            if time.monotonic() - since < PING_AFTER:
                return conn
            try:  # the server may have closed it meanwhile (restart, idle timeout)
                conn.execute("SELECT 1")
                return conn
            except psycopg.Error:
                conn.close()

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A connection in autocommit mode, returned to the pool when still sane."""
        conn = self._take()
        try:
            yield conn
        finally:
            self._give_back(conn)

    def _give_back(self, conn: Connection) -> None:
        idle = psycopg.pq.TransactionStatus.IDLE
        if conn.closed or conn.broken or conn.info.transaction_status != idle:
            conn.close()
            return
        try:
            self._idle.put_nowait((conn, time.monotonic()))
        except queue.Full:
            conn.close()

    def close(self) -> None:
        """Close every idle connection."""
        while True:
            try:
                self._idle.get_nowait()[0].close()
            except queue.Empty:
                return


class _Lookups:
    """Answers to a search's side questions, kept LOOKUP_SECONDS, LRU-bounded.

    Other hosts' writes reach them within that time: a new word becomes a
    completion or a correction, an estimated total moves."""

    def __init__(self, kept: int = LOOKUPS_KEPT, seconds: float = LOOKUP_SECONDS):
        self._data: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self._kept, self._seconds = kept, seconds
        self._lock = threading.Lock()
        self._generation = 0  # one more at each clear()

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        now = time.monotonic()
        with self._lock:
            found = self._data.get(key)
            if found is not None and now - found[0] < self._seconds:
                self._data.move_to_end(key)
                return found[1]
            generation = self._generation
        value = compute()
        with self._lock:
            if generation == self._generation:  # else read before a write: not kept
                self._data[key] = (now, value)
                self._data.move_to_end(key)
                while len(self._data) > self._kept:
                    self._data.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self._generation += 1


@dataclass(frozen=True)
class _Terms:
    """A parsed query whose words may each be matched by alternatives."""

    words: tuple[tuple[tuple[str, bool], ...], ...]  # ((word, is_prefix), ...) ORed
    phrases: tuple[tuple[str, ...], ...]
    excluded: tuple[str, ...]

    @property
    def empty(self) -> bool:
        """True when nothing is left to match (only stop words, say)."""
        return not (self.words or self.phrases)

    def highlighted(self) -> list[str]:
        """The words to mark in snippets: every alternative and phrase word."""
        words = [w for alts in self.words for w, _ in alts]
        return words + [w for phrase in self.phrases for w in phrase]

    def tsquery(self, weights: str = "", negated: bool = True) -> str:
        """The query as to_tsquery text; user words only ever appear quoted."""
        parts = [
            "(" + " | ".join(_lexeme(w, weights, prefix) for w, prefix in alts) + ")"
            for alts in self.words
        ]
        parts += [_lexeme(" ".join(phrase), weights) for phrase in self.phrases]
        if negated:
            parts += ["!" + _lexeme(word) for word in self.excluded]
        return " & ".join(parts)


def _lexeme(text: str, weights: str = "", prefix: bool = False) -> str:
    """One quoted tsquery operand: 'text', 'text':*, 'text':A."""
    quoted = "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"
    label = ("*" if prefix else "") + weights
    return f"{quoted}:{label}" if label else quoted


def _terms(parsed: ParsedQuery, alternatives: dict[str, list[str]]) -> _Terms:
    """The parsed words, each with its completions or corrections."""
    words = []
    for word in parsed.words:
        if len(word) < 2 or word in _STOP_WORDS:
            continue
        prefix = word == parsed.partial
        options = [(word, prefix)] if word not in alternatives or prefix else []
        options += [(alt, prefix) for alt in alternatives.get(word, [])]
        words.append(tuple(dict.fromkeys(options)))
    excluded = tuple(w for w in parsed.excluded if w not in _STOP_WORDS)
    return _Terms(tuple(words), parsed.phrases, excluded)


def _distance(a: str, b: str) -> int:
    """Edits (insert, delete, substitute, swap two neighbours) from a to b."""
    before: list[int] = []
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, y in enumerate(b, 1):
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + (x != y))
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                current[j] = min(current[j], before[j - 2] + 1)
        before, row = row, current
    return row[-1]


def _closest(word: str, known: Iterable[str]) -> list[str]:
    """The (at most two) known words nearest to a misspelt one, if near enough."""
    allowed = 1 if len(word) < 8 else 2
    scored = sorted((_distance(word, k), k) for k in known)
    best = [k for d, k in scored if d <= allowed and d == scored[0][0]]
    return best[:MAX_CORRECTIONS]


def _clean(text: str, limit: int | None = None) -> str:
    """Text PostgreSQL accepts (no NUL), cut to `limit` characters."""
    return text[:limit].replace("\x00", "")


def _row(doc: Document) -> tuple[Any, ...]:
    """The table row of a document."""
    facets = {
        str(name): list(dict.fromkeys([values] if isinstance(values, str) else values))
        for name, values in doc.facets.items()
    }
    boost = doc.boost if math.isfinite(doc.boost) else 1.0
    return (
        doc.key,
        doc.kind,
        doc.id,
        _clean(doc.title, 2_000),
        _clean(doc.body, MAX_BODY),
        _clean("\n".join(doc.tags), 20_000),
        _clean(doc.url, 2_000),
        list(dict.fromkeys(_clean(a) for a in doc.access)),
        Jsonb(facets),
        max(0.5, min(2.0, boost)),
        doc.updated_at,
    )


def _vocabulary(docs: Iterable[Document]) -> list[str]:
    """The folded words of documents, for completion and correction."""
    words: set[str] = set()
    for doc in docs:
        text = " ".join((doc.title, " ".join(doc.tags), doc.body[:MAX_BODY]))
        words.update(_VOCABULARY_WORD.findall(fold(text)))
    return sorted(words)


def _facet_counts(
    wanted: Sequence[str], names: list[str], counts: list[int]
) -> dict[str, dict[str, int]]:
    """{facet: {value: count}} from the counted "facet<US>value" keys."""
    facets: dict[str, dict[str, int]] = {name: {} for name in wanted}
    for key, count in zip(names, counts, strict=True):
        name, _, value = key.partition(_UNIT)
        if name in facets:
            facets[name][value] = int(count)
    return facets


def _planned_rows(conn: Connection, explain: sql.Composed, params: dict) -> int:
    """The rows the planner expects of an EXPLAIN (FORMAT JSON) statement."""
    row = conn.execute(explain, params).fetchone()
    return int(row[0][0]["Plan"]["Plan Rows"]) if row else 0


def _shorten(text: str) -> str:
    """Text cut to about SNIPPET_CHARS characters, at a word, marks kept closed."""
    if len(text) <= SNIPPET_CHARS:
        return text
    cut = text[:SNIPPET_CHARS].rsplit(" ", 1)[0]
    if cut.count(_START) > cut.count(_STOP):
        cut += _STOP
    return cut + " …"


def _snippet(headline: str | None) -> str:
    """ts_headline output made HTML-safe, its markers turned into <mark>."""
    escaped = html.escape(_shorten(headline or ""))
    return escaped.replace(_START, "<mark>").replace(_STOP, "</mark>")


class PostgresIndex:
    """The SearchIndex interface over one PostgreSQL table (and its words table)."""

    def __init__(self, url: str, pool_size: int = POOL_SIZE) -> None:
        conninfo, self.table = _split_url(url)
        self._pool = _Pool(conninfo, pool_size)
        self._names = {
            "t": sql.Identifier(self.table),
            "w": sql.Identifier(f"{self.table}_words"),
            "cfg": sql.Literal(CONFIG),
            "weights": sql.Literal(_WEIGHTS),
            "markers": sql.Literal(_START + _STOP),
            "source": sql.Literal(SNIPPET_SOURCE),
            "highlight_all": sql.Literal(_HIGHLIGHT_ALL),
        }
        self._rank = self._sql(_RANK)
        self._lookups = _Lookups()
        self._ensure_schema()

    def _sql(self, template: str, **extra: sql.Composable) -> sql.Composed:
        """A statement with the table and configuration names filled in."""
        return sql.SQL(template).format(**{**self._names, **extra})

    @contextmanager
    def _connection(self) -> Iterator[Connection]:
        """A pooled connection; database failures become SearchError."""
        try:
            with self._pool.connection() as conn:
                yield conn
        except psycopg.Error as error:
            raise SearchError(f"PostgreSQL search failed: {error}") from error

    @contextmanager
    def _transaction(self, timeout: str = WRITE_TIMEOUT) -> Iterator[Connection]:
        """A connection inside a transaction with a longer statement timeout.
        The lookups kept from before the write are dropped after it."""
        try:
            with self._connection() as conn, conn.transaction():
                conn.execute(
                    sql.SQL("SET LOCAL statement_timeout = {}").format(timeout)
                )
                yield conn
        finally:
            self._lookups.clear()

    def _ensure_schema(self) -> None:
        """Create the extensions, configuration, tables and indexes if missing."""
        names = {
            "cfg_name": sql.Identifier(CONFIG),
            "t_name": sql.Literal(self.table),
            **{
                f"{name}_idx": sql.Identifier(f"{self.table}_{name}")
                for name in ("tsv", "title", "access", "kind", "facets", "trgm")
            },
        }
        # A table made before facet_keys is rewritten once: give it the time.
        with self._transaction(BULK_TIMEOUT) as conn:
            # Two processes opening at once must not race on CREATE ... IF NOT EXISTS.
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('eiglink search ddl'))")
            for statement in _DDL:
                conn.execute(self._sql(statement, **names))

    def add(self, docs: Iterable[Document]) -> None:
        """Insert or replace documents (by key), and learn their words."""
        unique = {doc.key: doc for doc in docs}
        if not unique:
            return
        rows = [_row(unique[key]) for key in sorted(unique)]  # same order: no deadlock
        with self._transaction() as conn:
            with conn.cursor() as cur:
                cur.executemany(self._sql(_UPSERT), rows)
            conn.execute(self._sql(_ADD_WORDS), [_vocabulary(unique.values())])

    def replace_all(self, docs: Iterable[Document]) -> int:
        """Replace every document with these in one transaction (searches see the
        old ones until it commits), copied in with COPY. A key given twice keeps
        its first document. Returns how many documents were written."""
        keys: set[str] = set()
        words: set[str] = set()
        with self._transaction(BULK_TIMEOUT) as conn:
            conn.execute(self._sql("DELETE FROM {t}"))
            conn.execute(self._sql("DELETE FROM {w}"))
            with conn.cursor().copy(self._sql(_COPY)) as copy:
                for doc in docs:
                    if doc.key not in keys:
                        keys.add(doc.key)
                        copy.write_row(_row(doc))
                        words.update(_vocabulary([doc]))
            conn.execute(self._sql(_ADD_WORDS), [sorted(words)])
        return len(keys)

    def remove(self, kind: str, ids: Iterable[int]) -> None:
        """Forget documents; unknown ids are ignored."""
        keys = sorted({f"{kind}:{id_}" for id_ in ids})
        if keys:
            with self._transaction() as conn:
                conn.execute(self._sql("DELETE FROM {t} WHERE key = ANY(%s)"), [keys])

    def compact(self) -> None:
        """After a rebuild: dead rows reclaimed and fresh planner statistics, so
        estimated totals are sane (VACUUM runs outside any transaction)."""
        with self._connection() as conn:
            conn.execute(sql.SQL("SET statement_timeout = {}").format(BULK_TIMEOUT))
            try:
                conn.execute(self._sql("VACUUM ANALYZE {t}"))
                conn.execute(self._sql("VACUUM ANALYZE {w}"))
            finally:
                self._lookups.clear()  # fresh statistics: fresh estimates
                conn.execute(
                    sql.SQL("SET statement_timeout = {}").format(SEARCH_TIMEOUT)
                )

    def clear(self) -> None:
        """Remove every document and every known word."""
        with self._transaction() as conn:
            conn.execute(self._sql("TRUNCATE {t}, {w}"))

    def count(self) -> int:
        """How many documents the index holds."""
        with self._connection() as conn:
            row = conn.execute(self._sql("SELECT count(*) FROM {t}")).fetchone()
        return int(row[0]) if row else 0

    def close(self) -> None:
        """Close the pooled connections."""
        self._pool.close()

    def _where(
        self, params: dict[str, Any], match: str = _MATCH, access: str = _ACCESS
    ) -> sql.Composed:
        """Match, access, kind and facet conditions; only those in use."""
        where: list[sql.Composable] = [self._sql(match), self._sql(access)]
        if params["kinds"]:
            where.append(sql.SQL("d.kind = ANY(%(kinds)s::text[])"))
        if params["filters"].obj:
            where.append(sql.SQL("d.facets @> %(filters)s::jsonb"))
        return sql.SQL(" AND ").join(where)

    def _expansions(
        self, conn: Connection, partial: str | None
    ) -> dict[str, list[str]]:
        """Known words completing the word being typed, one per stem."""
        folded = fold(partial or "")
        if len(folded) < 3:
            return {}
        like = re.sub(r"([\\%_])", r"\\\1", folded) + "%"
        params = {"like": like, "word": folded, "limit": EXPANSIONS}
        found = self._lookups.get(
            ("expand", folded),
            lambda: [row[0] for row in conn.execute(self._sql(_EXPAND), params)],
        )
        return {partial or "": found} if found else {}

    def _corrections(self, conn: Connection, terms: _Terms) -> dict[str, list[str]]:
        """For words of 5+ letters that match nothing, the closest known words."""
        words = {alts[0][0]: alts[0][1] for alts in terms.words if alts}
        words = {w: p for w, p in words.items() if MIN_CORRECTED <= len(w) <= 40}
        if not words:
            return {}
        params = {
            "words": [fold(w) for w in words],
            "tsq": [_lexeme(w, prefix=p) for w, p in words.items()],
        }
        key = ("correct", tuple(sorted(params["tsq"])))
        return self._lookups.get(key, lambda: self._correct(conn, words, params))

    def _correct(
        self, conn: Connection, words: dict[str, bool], params: dict[str, Any]
    ) -> dict[str, list[str]]:
        """The corrections found by one trigram statement (see _CORRECT)."""
        candidates: dict[str, list[str]] = {}
        with conn.transaction():
            # Transpositions ("orgeus") share few trigrams: look wider, then filter.
            conn.execute(f"SET LOCAL pg_trgm.similarity_threshold = {TRIGRAM_FLOOR}")
            for folded, known in conn.execute(self._sql(_CORRECT), params):
                candidates.setdefault(folded, []).append(known)
        originals = {fold(w): w for w in words}
        return {
            originals[folded]: best
            for folded, known in candidates.items()
            if (best := _closest(folded, known))
        }

    def _params(self, terms: _Terms, query: Query) -> dict[str, Any]:
        """Parameters shared by the search and suggest statements."""
        kinds = list(query.kinds)
        filters = dict(query.filters)
        if "kind" in filters:
            kind = filters.pop("kind")
            kinds = [kind] if not kinds or kind in kinds else ["\x01none"]
        return {
            "q": terms.tsquery(),
            "qa": terms.tsquery("A", negated=False),
            "qab": terms.tsquery("AB", negated=False),
            "access": list(query.access),
            "kinds": kinds,
            "filters": Jsonb({name: [value] for name, value in filters.items()}),
            "cap": CANDIDATES + 1,
            "titled": TITLE_CANDIDATES,
        }

    def _run(self, conn: Connection, terms: _Terms, query: Query) -> Page:
        """One search statement: candidates, ranking, counts, facets, snippets."""
        params = self._params(terms, query)
        page, per_page = max(query.page, 1), max(min(query.per_page, MAX_PER_PAGE), 0)
        params |= {
            "limit": per_page,
            # Past the ranked candidates a page is empty, not a repeat of the last.
            "offset": min((page - 1) * per_page, CANDIDATES + TITLE_CANDIDATES + 1),
            "facet_names": [name for name in query.facets if name != "kind"],
        }
        statement = self._sql(
            _SEARCH,
            rank=self._rank,
            where=self._where(params),
            titled=self._where(params, match=_TITLED),
            every=self._every_kind(params, query),
        )
        rows = conn.execute(statement, params).fetchall()
        total, names, counts = rows[0][:3] if rows else (0, None, None)
        marks = marks_for(terms.highlighted())
        hits = [
            Hit(kind, int(id_), title, url, snippet(title, body, marks), float(score))
            for _, _, _, kind, id_, title, url, body, score in rows
            if kind is not None
        ]
        exact = total <= CANDIDATES
        if not exact:
            total = max(total, self._estimate(conn, params))
        wanted = _facet_counts(query.facets, names or [], counts or [])
        return Page(hits, total, query.page, query.per_page, wanted, exact)

    def _every_kind(self, params: dict[str, Any], query: Query) -> sql.Composable:
        """The candidates whose kinds are counted: the "kind" facet counts every
        kind even when `kinds` restrict the results (the type tabs show them)."""
        if not params["kinds"] or "kind" not in query.facets:
            return sql.SQL("m")
        where = self._where({**params, "kinds": []})
        every = "(SELECT d.kind FROM {t} d WHERE {where} LIMIT %(cap)s) e"
        return self._sql(every, where=where)

    def _estimate(self, conn: Connection, params: dict[str, Any]) -> int:
        """The planner's estimate of all matches, for broad queries."""
        where = self._where(params, access=_ACCESS_ESTIMATED)
        explain = "EXPLAIN (FORMAT JSON) SELECT 1 FROM {t} d WHERE {where}"
        statement = self._sql(explain, where=where)
        filters = json.dumps(params["filters"].obj, sort_keys=True)
        access, kinds = tuple(params["access"]), tuple(params["kinds"])
        key = ("estimate", params["q"], access, kinds, filters)
        return self._lookups.get(key, lambda: _planned_rows(conn, statement, params))

    def search(self, query: Query) -> Page:
        """One page of matches, best first, with facet counts."""
        parsed = parse(query.text)
        empty = Page([], 0, query.page, query.per_page, {n: {} for n in query.facets})
        if parsed.empty or not query.access:
            return empty
        with self._connection() as conn:
            expansions = self._expansions(conn, parsed.partial)
            terms = _terms(parsed, expansions)
            if terms.empty:
                return empty
            page = self._run(conn, terms, query)
            if page.total == 0 and (fixes := self._corrections(conn, terms)):
                page = self._run(conn, _terms(parsed, expansions | fixes), query)
        return page

    def suggest(
        self,
        prefix: str,
        *,
        access: Sequence[str] = (PUBLIC,),
        kinds: Sequence[str] = (),
        limit: int = 8,
    ) -> list[Hit]:
        """Titles for as-you-type suggestions; the last word may be incomplete."""
        parsed = parse(prefix)
        if parsed.empty or not access or limit <= 0:
            return []
        with self._connection() as conn:
            terms = _terms(parsed, self._expansions(conn, parsed.partial))
            if terms.empty:
                return []
            params = self._params(terms, Query(prefix, kinds, access=access))
            params["limit"] = min(limit, MAX_PER_PAGE)
            where = self._where(params, match=_TITLE_MATCH)
            statement = self._sql(_SUGGEST, rank=self._rank, where=where)
            rows = conn.execute(statement, params).fetchall()
        return [
            Hit(kind, int(id_), title, url, _snippet(headline), float(score))
            for kind, id_, title, url, headline, score in rows
        ]


def _open(url: str) -> PostgresIndex:
    """The opener `open_index` calls for postgresql:// URLs."""
    return PostgresIndex(url)


register("postgresql", _open)
register("postgres", _open)
