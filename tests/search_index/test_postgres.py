"""What only the PostgreSQL backend does: schema, French analysis in SQL, sharing."""

import os
import threading
import time
import uuid
from collections.abc import Iterator

import pytest

from search_index import Document, Query, SearchError, open_index

DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
if DATABASE_URL.startswith("postgres"):
    import psycopg  # with a database to test, an import error fails the run
else:
    psycopg = pytest.importorskip("psycopg")
from search_index import postgres_backend  # noqa: E402
from search_index.postgres_backend import PostgresIndex  # noqa: E402

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not DATABASE_URL.startswith("postgres"), reason="needs TEST_DATABASE_URL"
    ),
]


def _drop(table: str) -> None:
    conninfo = DATABASE_URL.replace("+psycopg", "", 1)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(f'DROP TABLE IF EXISTS "{table}", "{table}_words"')


@pytest.fixture
def url() -> Iterator[str]:
    """A URL naming a table of its own, dropped afterwards."""
    table = f"pgtest_{uuid.uuid4().hex[:10]}"
    separator = "&" if "?" in DATABASE_URL else "?"
    yield f"{DATABASE_URL}{separator}table={table}"
    _drop(table)


@pytest.fixture
def pg(url: str) -> Iterator[PostgresIndex]:
    index = open_index(url)
    assert isinstance(index, PostgresIndex)
    yield index
    index.close()


def _titles(index: PostgresIndex, text: str, **options: object) -> list[str]:
    return [hit.title for hit in index.search(Query(text, **options)).hits]  # type: ignore[arg-type]


DEFI = Document(
    "defi",
    1,
    "Pseudonymisation des décisions de justice",
    "Les grandes orgues et le défi de l'information judiciaire.",
    tags=["NLP"],
    facets={"promotion": ["2019"]},
)


def test_both_url_schemes_open_the_postgres_backend(url: str) -> None:
    for variant in (url, url.replace("+psycopg", "", 1)):
        index = open_index(variant)
        assert isinstance(index, PostgresIndex)
        index.close()


def test_invalid_table_name_is_refused() -> None:
    with pytest.raises(ValueError):
        PostgresIndex(f"{DATABASE_URL}?table=x;drop")


def test_opening_twice_keeps_schema_and_documents(url: str, pg: PostgresIndex) -> None:
    pg.add([DEFI])
    again = PostgresIndex(url)
    assert again.count() == 1
    again.close()


def test_processes_opening_at_once_do_not_race(url: str) -> None:
    errors: list[BaseException] = []

    def open_and_close() -> None:
        try:
            PostgresIndex(url).close()
        except BaseException as error:  # noqa: BLE001  reported below
            errors.append(error)

    threads = [threading.Thread(target=open_and_close) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_generated_column_holds_french_stems_without_accents(pg: PostgresIndex) -> None:
    pg.add([DEFI])
    conninfo = DATABASE_URL.replace("+psycopg", "", 1)
    with psycopg.connect(conninfo) as conn:
        row = conn.execute(f'SELECT tsv::text FROM "{pg.table}"').fetchone()
    assert row is not None
    assert "'def'" in row[0] and "'orgu'" in row[0] and "'pseudonymis'" in row[0]
    assert "é" not in row[0]


@pytest.mark.parametrize(
    "text", ["defi", "défis", "DÉFI", "orgue", "orgues", "pseudonymiser", "decision"]
)
def test_stems_and_folded_accents_match(pg: PostgresIndex, text: str) -> None:
    pg.add([DEFI])
    assert _titles(pg, text + " ") == [DEFI.title]


def test_word_being_typed_completes_across_stems(pg: PostgresIndex) -> None:
    pg.add([DEFI])
    # "informati" stems to "informat", "information" to "inform".
    assert _titles(pg, "informati") == [DEFI.title]
    assert _titles(pg, "info") == [DEFI.title]
    assert _titles(pg, "info ") == []  # a finished word, too short to correct


def test_misspelt_long_word_is_corrected(pg: PostgresIndex) -> None:
    pg.add([DEFI])
    assert _titles(pg, "pseudonimisation ") == [DEFI.title]
    assert _titles(pg, "judicaire justice") == [DEFI.title]


def test_short_words_are_never_corrected(pg: PostgresIndex) -> None:
    pg.add([DEFI, Document("defi", 2, "Les orges", "orges")])
    assert _titles(pg, "ogre ") == []


def test_stop_words_alone_match_nothing(pg: PostgresIndex) -> None:
    pg.add([DEFI, Document("defi", 2, "À la une", "à de le été même")])
    assert pg.search(Query("le de à été ")).hits == []


@pytest.mark.parametrize(
    "text",
    [
        "'); DROP TABLE search_documents; --",
        "defi' | 'x",
        "defi:* & !(",
        "a <-> b <2> c",
        "%s %(q)s {t}",
        "\\' \\\\ \x00 défi",
        '"défi',
        "-" * 50,
        "défi " * 400,
    ],
)
def test_injection_looking_input_is_inert(pg: PostgresIndex, text: str) -> None:
    pg.add([DEFI])
    page = pg.search(Query(text))
    assert page.hits == [] or [hit.id for hit in page.hits] == [1]
    pg.suggest(text)
    assert pg.count() == 1


def test_snippets_are_escaped_and_marked(pg: PostgresIndex) -> None:
    pg.add(
        [Document("resource", 3, "Guide", "A & B <img src=x onerror=1> défi \ue000")]
    )
    (hit,) = pg.search(Query("defi")).hits
    assert "&amp;" in hit.snippet and "<img" not in hit.snippet
    assert "<mark>défi</mark>" in hit.snippet  # marked in Python: no marker chars


def test_search_statements_have_a_timeout(pg: PostgresIndex) -> None:
    with pg._pool.connection() as conn:
        row = conn.execute("SHOW statement_timeout").fetchone()
    assert row == ("2s",)


def test_timeout_raises_search_error(
    url: str, pg: PostgresIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    pg.add([DEFI])
    monkeypatch.setattr(postgres_backend, "SEARCH_TIMEOUT", "200ms")
    quick = PostgresIndex(url)
    conninfo = DATABASE_URL.replace("+psycopg", "", 1)
    with psycopg.connect(conninfo) as locker:  # holds the table until the end
        locker.execute(f'LOCK TABLE "{pg.table}" IN ACCESS EXCLUSIVE MODE')
        with pytest.raises(SearchError):
            quick.search(Query("defi"))
    assert _titles(quick, "defi") == [DEFI.title]  # the pool recovered
    quick.close()


def test_unreachable_database_raises_search_error() -> None:
    with pytest.raises(SearchError):
        open_index("postgresql://postgres@127.0.0.1:1/nowhere")


def test_two_indexes_on_one_table_see_each_others_writes(
    url: str, pg: PostgresIndex
) -> None:
    other = PostgresIndex(url)
    pg.add([DEFI])
    assert _titles(other, "justice") == [DEFI.title]
    other.remove("defi", [1])
    assert _titles(pg, "justice") == []
    other.close()


def test_private_documents_need_a_matching_access_key(pg: PostgresIndex) -> None:
    secret = Document("message", 9, "Message", "défi secret", access=["channel:1"])
    pg.add([DEFI, secret])
    assert [hit.id for hit in pg.search(Query("secret")).hits] == []
    assert [h.id for h in pg.search(Query("secret", access=["channel:1"])).hits] == [9]


def test_broad_queries_rank_a_bounded_set_and_estimate_the_total(
    pg: PostgresIndex,
) -> None:
    many = postgres_backend.CANDIDATES + 50
    pg.add(
        Document("message", i, f"Message {i}", "un défi commun") for i in range(many)
    )
    page = pg.search(Query("commun", facets=("kind",)))
    assert not page.exact and page.total > postgres_backend.CANDIDATES
    assert len(page.hits) == 20
    assert sum(page.facets["kind"].values()) <= postgres_backend.CANDIDATES + 1


def test_threads_share_the_pool_safely(pg: PostgresIndex) -> None:
    pg.add([DEFI])
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(10):
                pg.add([Document("message", n * 100 + i, "Message", "orgues")])
                assert DEFI.title in _titles(pg, "justice")
        except BaseException as error:  # noqa: BLE001  reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and pg.count() == 81


def test_a_word_written_here_completes_at_once(pg: PostgresIndex) -> None:
    pg.add([Document("defi", 2, "Orgues", "Les grandes orgues")])
    assert _titles(pg, "informati") == []  # no completion known yet
    pg.add([DEFI])  # "information": the lookups kept before are dropped
    assert _titles(pg, "informati") == [DEFI.title]


def test_another_hosts_words_complete_within_the_lookup_time(
    url: str, pg: PostgresIndex
) -> None:
    pg._lookups = postgres_backend._Lookups(seconds=0.3)
    pg.add([Document("defi", 2, "Orgues", "Les grandes orgues")])
    assert _titles(pg, "informati") == []
    other = PostgresIndex(url)
    other.add([DEFI])
    other.close()
    assert _titles(pg, "informati") == []  # kept: the other host's word is unknown
    time.sleep(0.35)
    assert _titles(pg, "informati") == [DEFI.title]


def test_facets_are_counted_on_a_table_made_before_facet_keys(url: str) -> None:
    old = PostgresIndex(url)
    old.add([DEFI, Document("defi", 2, "Justice", "x", facets={"promotion": "2020"})])
    with old._connection() as conn:
        conn.execute(f'ALTER TABLE "{old.table}" DROP COLUMN facet_keys')
    old.close()
    upgraded = PostgresIndex(url)
    page = upgraded.search(Query("justice", facets=("promotion", "kind")))
    upgraded.close()
    assert page.facets == {"promotion": {"2019": 1, "2020": 1}, "kind": {"defi": 2}}


def _more_matches_than_candidates(pg: PostgresIndex) -> None:
    """Messages saying "commun", more than a search ranks, added first."""
    many = postgres_backend.CANDIDATES + 20
    pg.add(
        Document("message", i, f"Message {i}", "un bien commun") for i in range(many)
    )


def test_a_broad_query_ranks_a_title_match_found_after_the_candidates(
    pg: PostgresIndex,
) -> None:
    _more_matches_than_candidates(pg)
    pg.add([Document("resource", 1, "Le guide des communs", "Un guide.")])
    page = pg.search(Query("communs"))
    assert not page.exact
    assert page.hits[0].title == "Le guide des communs"


def test_a_title_match_without_an_excluded_word_only_in_its_body(
    pg: PostgresIndex,
) -> None:
    _more_matches_than_candidates(pg)
    pg.add([Document("resource", 1, "Le guide des communs", "Un guide secret.")])
    assert "Le guide des communs" not in _titles(pg, "communs -secret")


def test_pages_past_the_ranked_candidates_are_empty_not_repeated(
    pg: PostgresIndex,
) -> None:
    _more_matches_than_candidates(pg)
    pg.add(Document("resource", n, f"Les communs {n}", "Un guide.") for n in range(60))
    seen: set[tuple[str, int]] = set()
    for number in range(1, 26):
        hits = pg.search(Query("communs", page=number, per_page=20)).hits
        keys = {(hit.kind, hit.id) for hit in hits}
        assert not keys & seen, f"page {number} repeats an earlier hit"
        seen |= keys
    assert pg.search(Query("communs", page=25, per_page=20)).hits == []


def test_a_lookup_computed_across_a_write_is_not_kept() -> None:
    lookups = postgres_backend._Lookups()

    def read_then_write() -> str:
        lookups.clear()  # this process's write commits while the lookup runs
        return "read before the write"

    assert lookups.get("key", read_then_write) == "read before the write"
    assert lookups.get("key", lambda: "read after") == "read after"
