"""Check the search budgets of docs/DESIGN.md on 50,000 documents of French text.

Builds a deterministic corpus (the 131 real défis, plus synthetic members,
resources and channel messages made with Faker fr_FR from the défis' own words),
indexes it with the Whoosh-on-disk and PostgreSQL backends, and times
GET /api/v1/search and /api/v1/search/suggest through the real Flask app, against
a bare Flask route and a naive Whoosh integration over the same corpus, in the
same run. Also measures full rebuild throughput (`replace_all`, as `flask reindex`),
how soon a new item is searchable and the process's RSS.

Run from the repository root:
    .venv/bin/python benchmarks/search.py             # 50,000 documents
    .venv/bin/python benchmarks/search.py --quick     # 5,000 documents
    .venv/bin/python benchmarks/search.py --docs 20000 --require-postgres
    .venv/bin/python benchmarks/search.py --postgres-url postgresql://.../db
"""

import argparse
import json
import pickle
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from unittest import mock
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from faker import Faker  # noqa: E402
from pages import BenchConfig  # noqa: E402  (the same app settings)

from app.members.demo import CITIES, JOBS, PLACES, SKILLS  # noqa: E402
from app.members.models import ROLE_LABELS  # noqa: E402
from search_index import PUBLIC, Document, SearchIndex, open_index  # noqa: E402

DOCS, QUICK_DOCS = 50_000, 5_000
REQUESTS, QUICK_REQUESTS = 300, 60
BATCH = 200  # documents read at a time, as app/search/services.py `rebuild` does
SEED = 2017
P95_MS, RATIO, VISIBLE_MS, RSS_MB = 50.0, 5.0, 1000.0, 300.0  # DESIGN.md budgets
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
PG_DATABASE = "eiglink_bench"
PG_TABLE = "eiglink_bench_search"  # with --postgres-url: tables made and dropped
PASSWORD = "Un-mot-de-passe-de-bench-42"
DEFIS_FILE = ROOT / "app" / "data" / "defis.jsonl"

# (text, type): words, accents or not, a prefix, typos, a phrase, an exclusion.
QUERIES = [
    ("données", ""),
    ("donnees", ""),
    ("santé publique", ""),
    ("sante publique", ""),
    ("justice", "defi"),
    ("pseudonymis", ""),
    ("cartographie des risques", ""),
    ("algoritme", ""),
    ("pseudonimisation", ""),
    ('"données ouvertes"', ""),
    ("open data -santé", ""),
    ("intelligence artificielle", ""),
    ("Python", ""),
    ("accessibilité", ""),
    ("fraude fiscale", "defi"),
    ("réunion équipe", ""),
]
# As typed in the header box: the last word is incomplete.
SUGGESTIONS = [
    "donn",
    "pseudo",
    "carto",
    "fraude fi",
    "géo",
    "atelier sant",
    "data sc",
    "retour d'exp",
    "marie",
    "modèle de cahier",
]

# Corpus ----------------------------------------------------------------------

TOPICS = [
    "la pseudonymisation des décisions de justice",
    "l'ouverture des données publiques",
    "la détection de la fraude fiscale",
    "l'accessibilité RGAA des formulaires",
    "la cartographie des zones inondables",
    "le traitement automatique du langage",
    "la qualité des données de santé",
    "l'hébergement souverain",
    "les API de l'administration",
    "la géolocalisation des bornes de recharge",
    "la recherche plein texte",
    "l'apprentissage automatique sur de petits jeux de données",
    "le design de services publics",
    "la protection des données personnelles (RGPD)",
    "les marchés publics du numérique",
    "la mesure d'impact d'un produit",
    "les entretiens utilisateurs",
    "le déploiement continu",
    "la visualisation de données",
    "l'archivage électronique",
    "la lutte contre la précarité énergétique",
    "les données naturalistes et la biodiversité",
    "la prévention des risques industriels",
    "l'orientation des élèves",
    "la transition écologique des territoires",
]
MESSAGES = [
    "Bonjour à tous ! Quelqu'un a déjà travaillé sur {topic} ? "
    "Pour {defi}, on cherche à {tagline}.",
    "Petit retour d'expérience sur {defi} : {sentence}",
    "Quelqu'un connaît une bonne ressource sur {skill} ? "
    "On bloque sur {topic} depuis deux jours.",
    "Je partage la doc qu'on a écrite : {sentence} Les retours sont bienvenus !",
    "Réunion {day} à {hour} h avec l'équipe de {admin} pour parler de {topic}. "
    "{name}, tu peux venir ?",
    "Merci {name} pour la démo {skill} de ce matin, c'était très clair.",
    "On cherche un ou une {job} pour {defi}, basé à {city}. {sentence}",
    "Rappel : l'atelier « {theme} » a lieu {day} à {city}, pensez à vous inscrire.",
    "Question {skill} : comment gérez-vous {topic} en production ? {sentence}",
    "{sentence} Qu'en pensez-vous ?",
]
CHANNELS = [
    "général",
    "entraide-tech",
    "data-science",
    "design",
    "juridique",
    "offres-de-mission",
    "événements",
    "veille",
    "alumni",
    "mentorat",
]
DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi"]
PRIVATE_EVERY = 7  # one channel in 7 is private: its messages need "channel:ID"
_MARKUP = re.compile(r"\*\*|#+ |\[EIG\]|\[personne\]|\[([^\]]*)\]\([^)]*\)")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")
NOW = datetime(2025, 6, 1, tzinfo=UTC)


@dataclass
class Context:
    """What every generated document draws from: seeded, so always the same."""

    rng: random.Random
    fake: Faker
    defis: list[dict]
    sentences: list[str]
    channels: list[tuple[int, str, str, dict | None]]  # id, name, access, défi


def load_defis() -> list[dict]:
    """The real défis, as the app seeds them."""
    with DEFIS_FILE.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def _plain(text: str) -> str:
    """Défi Markdown without markup or placeholders."""
    return _MARKUP.sub(lambda m: m.group(1) or "", text or "").replace("  ", " ")


def real_sentences(defis: list[dict]) -> list[str]:
    """Every sentence of the défi descriptions of a believable length."""
    found = []
    for defi in defis:
        for paragraph in _plain(defi.get("description") or "").split("\n"):
            found += _SENTENCE_END.split(paragraph.strip())
    found = [s if s[-1] in ".!?…" else s + "." for s in found if s]
    return [s for s in found if 40 <= len(s) <= 280]


def context(defis: list[dict], seed: int) -> Context:
    """A seeded context; channels include one per défi."""
    fake = Faker("fr_FR")
    fake.seed_instance(seed)
    named = [(name, None) for name in CHANNELS]
    named += [(f"défi-{d['slug']}", d) for d in defis]
    channels = [
        (i, name, f"channel:{i}" if i % PRIVATE_EVERY == 0 else PUBLIC, defi)
        for i, (name, defi) in enumerate(named, 1)
    ]
    return Context(random.Random(seed), fake, defis, real_sentences(defis), channels)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _when(ctx: Context) -> datetime:
    return NOW - timedelta(minutes=ctx.rng.randint(0, 3 * 365 * 24 * 60))


def defi_documents(defis: list[dict]) -> list[Document]:
    """The real défis, shaped like app/search/documents.py `defi_document`."""
    docs = []
    for number, defi in enumerate(defis, 1):
        outputs = [f"{r['title']} {r['description']}" for r in defi["realisations"]]
        parts = [defi["tagline"], defi["administration"], defi["location"]]
        parts += [_plain(defi["description"] or ""), *outputs]
        docs.append(
            Document(
                kind="defi",
                id=number,
                title=defi["title"],
                body="\n".join(p for p in parts if p),
                tags=defi["themes"] + defi["expertises"],
                url=f"/defis/{defi['slug']}",
                facets={
                    "promotion": [str(defi["year"])],
                    "tag": defi["themes"],
                    "skill": defi["expertises"],
                },
            )
        )
    return docs


def member_document(ctx: Context, number: int) -> Document:
    """A synthetic profile: Faker name, real défi, skills and sentences."""
    rng, defi = ctx.rng, ctx.rng.choice(ctx.defis)
    name = f"{ctx.fake.first_name()} {ctx.fake.last_name()}"
    role = rng.choice(["eig", "eig", "alumni", "alumni", "mentor", "staff"])
    skills = rng.sample(SKILLS, rng.randint(2, 6))
    bio = (
        f"Je travaille sur {rng.choice(TOPICS)} depuis {rng.randint(2, 15)} ans. "
        f"Pendant le défi {defi['title']} : {_lower_first(rng.choice(ctx.sentences))} "
        f"Je peux aider sur {skills[0]} et {rng.choice(TOPICS)}."
    )
    headline = f"{rng.choice(JOBS)} {rng.choice(PLACES)}"
    parts = [headline, rng.choice(CITIES), ROLE_LABELS[role]]
    parts += [f"Promotion {defi['year']}", f"{defi['title']} (EIG)", bio]
    return Document(
        kind="member",
        id=number,
        title=name,
        body=" · ".join(parts),
        tags=skills,
        url=f"/members/membre-{number}",
        facets={"promotion": [str(defi["year"])], "skill": skills, "role": [role]},
        boost=1.0 + 0.05 * min(len(skills), 4),
        updated_at=_when(ctx),
    )


def resource_document(ctx: Context, number: int) -> Document:
    """A shared guide, template or feedback page about a real défi."""
    rng, defi = ctx.rng, ctx.rng.choice(ctx.defis)
    topic, theme = rng.choice(TOPICS), rng.choice(defi["themes"] or ["Numérique"])
    title = rng.choice(
        [
            f"Guide : {topic}",
            f"Retour d'expérience : {defi['title']}",
            f"Modèle de cahier des charges {rng.choice(SKILLS)}",
            f"Atelier {theme} à {rng.choice(CITIES)}",
        ]
    )
    body = " ".join([defi["tagline"] + ".", *rng.sample(ctx.sentences, 2)])
    return Document(
        kind="resource",
        id=number,
        title=title,
        body=body,
        tags=[theme],
        url=f"/resources/{number}",
        facets={"tag": [theme]},
        updated_at=_when(ctx),
    )


def message_document(ctx: Context, number: int) -> Document:
    """A channel message from a template filled with défi words and sentences."""
    rng = ctx.rng
    channel_id, channel, access, defi = rng.choice(ctx.channels)
    defi = defi or rng.choice(ctx.defis)
    text = rng.choice(MESSAGES).format(
        topic=rng.choice(TOPICS),
        defi=defi["title"],
        tagline=_lower_first(defi["tagline"]),
        sentence=rng.choice(ctx.sentences),
        skill=rng.choice(SKILLS),
        admin=defi["administration"],
        name=ctx.fake.first_name(),
        day=rng.choice(DAYS),
        hour=rng.randint(9, 18),
        city=rng.choice(CITIES),
        job=_lower_first(rng.choice(JOBS)),
        theme=rng.choice(defi["themes"] or ["Numérique public"]),
    )
    author = f"{ctx.fake.first_name()} {ctx.fake.last_name()}"
    return Document(
        kind="message",
        id=number,
        title=f"#{channel} · {author}",
        body=text,
        url=f"/channels/{channel_id}#message-{number}",
        facets={"channel": [channel]},
        access=(access,),
        updated_at=_when(ctx),
    )


MAKERS = {
    "member": member_document,
    "resource": resource_document,
    "message": message_document,
}


def corpus(total: int, seed: int = SEED) -> Iterator[Document]:
    """`total` documents, the same ones for the same total and seed."""
    defis = load_defis()
    ctx = context(defis, seed)
    yield from defi_documents(defis)[:total]
    numbers: Counter[str] = Counter()
    for _ in range(max(0, total - len(defis))):
        roll = ctx.rng.random()
        kind = "member" if roll < 0.16 else "resource" if roll < 0.2 else "message"
        numbers[kind] += 1
        yield MAKERS[kind](ctx, numbers[kind])


def write_corpus(path: Path, total: int) -> Counter[str]:
    """Pickle the corpus in batches (kept on disk, out of the measured RSS)."""
    kinds: Counter[str] = Counter()
    batch: list[Document] = []
    with path.open("wb") as out:
        for doc in corpus(total):
            kinds[doc.kind + ("" if PUBLIC in doc.access else " (private)")] += 1
            batch.append(doc)
            if len(batch) == BATCH:
                pickle.dump(batch, out)
                batch = []
        if batch:
            pickle.dump(batch, out)
    return kinds


def batches(path: Path) -> Iterator[list[Document]]:
    """The corpus again, BATCH documents at a time."""
    with path.open("rb") as source:
        while True:
            try:
                yield pickle.load(source)
            except EOFError:
                return


# The app (configured as pages.py's) --------------------------------------------


def build_app(tmp: Path):
    """The real app on a fresh SQLite file in `tmp`, with the défis and one member."""
    from flask import Flask

    from app import create_app
    from app.auth import identity
    from app.auth.services import set_password
    from app.defis.seed import seed_defis
    from app.extensions import db
    from app.members.models import Member

    BenchConfig.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp / 'bench.db'}"
    instance = str(tmp / "instance")  # compiled translations go there, not the repo
    with mock.patch.object(Flask, "auto_find_instance_path", lambda _self: instance):
        app = create_app(BenchConfig)
    app.add_url_rule("/bench-hello", "bench_hello", lambda: "hello")
    identity.PUBLIC_ENDPOINTS.add("bench_hello")  # this process only
    with app.app_context():
        db.create_all()
        seed_defis()
        viewer = Member(
            username="lecteur",
            email="lecteur@bench.example",
            display_name="Lecteur",
            role="eig",
        )
        set_password(viewer, PASSWORD)
        db.session.add(viewer)
        db.session.commit()
    client = app.test_client()
    login = {"username": "lecteur", "password": PASSWORD}
    assert client.post("/auth/login", data=login).status_code == 302, "login"
    return app, client


def search_url(text: str, kind: str = "") -> str:
    """The API URL of one search."""
    return "/api/v1/search?" + urlencode(
        {"q": text, **({"type": kind} if kind else {})}
    )


def suggest_url(text: str) -> str:
    return "/api/v1/search/suggest?" + urlencode({"q": text})


# Measures --------------------------------------------------------------------


def rss_mb() -> float:
    """The process's resident memory now (peak if /proc is missing)."""
    try:
        status = Path("/proc/self/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024
    except (OSError, AttributeError):
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentiles(timings: list[float]) -> tuple[float, float]:
    """(p50, p95) in ms, p95 as pages.py computes it."""
    timings = sorted(timings)
    return statistics.median(timings), timings[max(0, int(len(timings) * 0.95) - 1)]


def time_calls(call, args: list, requests: int, warmup: int) -> tuple[float, float]:
    """p50/p95 ms of call(arg), cycling over args, after `warmup` rounds of them."""
    for _ in range(warmup):
        for arg in args:
            call(arg)
    timings = []
    for i in range(requests):
        start = time.perf_counter()
        call(args[i % len(args)])
        timings.append((time.perf_counter() - start) * 1000)
    return percentiles(timings)


def get_ok(client, url: str):
    """GET url, which must answer 200."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.data)
    return response


def _every_document(corpus_path: Path) -> Iterator[Document]:
    for batch in batches(corpus_path):
        yield from batch


def build_index(index: SearchIndex, corpus_path: Path) -> float:
    """Documents/s of a full rebuild as `flask reindex` does it: `replace_all()`
    over the documents read BATCH at a time, then `compact()`."""
    start = time.perf_counter()
    done = index.replace_all(_every_document(corpus_path))
    index.compact()
    return done / (time.perf_counter() - start)


def _found(client, word: str, number: int) -> bool:
    results = get_ok(client, search_url(word)).get_json()["results"]
    return any(r["type"] == "message" and r["id"] == number for r in results)


def searchable_after(index: SearchIndex, client, tries: int) -> float:
    """Median ms from add() of a new message until the API returns it."""
    rng, delays = random.Random(SEED), []
    for attempt in range(tries):
        # Random letters: far from each other, so no typo correction finds the last.
        word = "".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(12))
        number = 10_000_000 + attempt
        doc = Document("message", number, "#général · Bench", f"Le mot {word} arrive.")
        start = time.perf_counter()
        index.add([doc])
        while not _found(client, word, number):
            if time.perf_counter() - start > 10:
                break
        delays.append((time.perf_counter() - start) * 1000)
        index.remove("message", [number])
    return statistics.median(delays)


def measure_backend(app, client, index: SearchIndex, corpus_path: Path, args) -> dict:
    """Build, RSS, search and suggest latency, then freshness, for one backend."""
    state = app.extensions["search"]
    previous, state.index = state.index, index
    try:
        row = {"build": build_index(index, corpus_path), "rss": rss_mb()}
        searches = [search_url(q, kind) for q, kind in QUERIES]
        suggestions = [suggest_url(q) for q in SUGGESTIONS]
        fetch = partial(get_ok, client)
        row["p50"], row["p95"] = time_calls(fetch, searches, args.requests, 2)
        row["s50"], row["s95"] = time_calls(fetch, suggestions, args.requests, 2)
        row["rss"] = max(row["rss"], rss_mb())  # the search caches count too
        row["new"] = searchable_after(index, client, 5)
        return row
    finally:
        state.index = previous


def measure_whoosh(app, client, tmp: Path, corpus_path: Path, args) -> dict:
    """The embedded default: Whoosh in a directory."""
    index = open_index(f"whoosh:{tmp / 'whoosh'}")
    try:
        return measure_backend(app, client, index, corpus_path, args)
    finally:
        index.close()


# PostgreSQL ------------------------------------------------------------------


def postgres_error(url: str = "") -> str | None:
    """Why the PostgreSQL server cannot be used, or None."""
    try:
        import psycopg

        psycopg.connect(url or f"{PG_SERVER}/postgres", connect_timeout=3).close()
    except Exception as error:  # driver missing, refused, auth...
        first_line = (str(error).strip().splitlines() or [""])[0]
        return f"{type(error).__name__}: {first_line[:160]}"
    return None


def _admin(statement: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(statement)


def measure_postgres(app, client, corpus_path: Path, args) -> dict:
    """PostgreSQL full-text search in a database created and dropped here, or in
    tables of the `--postgres-url` database dropped at the end."""
    if args.postgres_url:
        return _measure_postgres_tables(app, client, corpus_path, args)
    _admin(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
    _admin(f"CREATE DATABASE {PG_DATABASE}")
    try:
        url = f"{PG_SERVER.replace('postgresql:', 'postgresql+psycopg:')}/{PG_DATABASE}"
        index = open_index(url)
        try:
            return measure_backend(app, client, index, corpus_path, args)
        finally:
            index.close()
    finally:
        _admin(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")


def _measure_postgres_tables(app, client, corpus_path: Path, args) -> dict:
    import psycopg

    scheme = r"^postgres(?:ql)?(?:\+\w+)?://"
    url = re.sub(scheme, "postgresql+psycopg://", args.postgres_url)
    separator = "&" if "?" in url else "?"
    index = open_index(f"{url}{separator}table={PG_TABLE}")
    try:
        return measure_backend(app, client, index, corpus_path, args)
    finally:
        index.close()
        with psycopg.connect(args.postgres_url, autocommit=True) as conn:
            conn.execute(f"DROP TABLE IF EXISTS {PG_TABLE}, {PG_TABLE}_words")


# The naive baseline ----------------------------------------------------------


def naive_index(directory: Path, corpus_path: Path):
    """Whoosh as a first integration would do it: title+body, one writer."""
    from whoosh import index as whoosh_index
    from whoosh.analysis import CharsetFilter, LanguageAnalyzer
    from whoosh.fields import TEXT, Schema
    from whoosh.support.charset import accent_map

    analyzer = LanguageAnalyzer("fr") | CharsetFilter(accent_map)
    schema = Schema(
        title=TEXT(analyzer=analyzer, stored=True), body=TEXT(analyzer=analyzer)
    )
    directory.mkdir()
    ix = whoosh_index.create_in(str(directory), schema)
    done, start = 0, time.perf_counter()
    writer = ix.writer()
    for batch in batches(corpus_path):
        for doc in batch:
            writer.add_document(
                title=doc.title, body=f"{doc.body}\n{' '.join(doc.tags)}"
            )
        done += len(batch)
    writer.commit()
    return ix, done / (time.perf_counter() - start)


def naive_search(ix, text: str) -> int:
    """A new searcher, a parsed query, 20 hits and every match counted."""
    from whoosh.qparser import MultifieldParser

    searcher = ix.searcher()
    try:
        query = MultifieldParser(["title", "body"], ix.schema).parse(text)
        results = searcher.search(query, limit=20)
        return len(results)
    finally:
        searcher.close()


def measure_naive(tmp: Path, corpus_path: Path, args) -> dict:
    """Build and search latency of the naive integration, same queries."""
    ix, rate = naive_index(tmp / "naive", corpus_path)
    row = {"build": rate, "rss": rss_mb()}
    texts = [text for text, _kind in QUERIES]
    search = partial(naive_search, ix)
    row["p50"], row["p95"] = time_calls(search, texts, args.requests, 2)
    ix.close()
    return row


# Report ----------------------------------------------------------------------

COLUMNS = [
    ("row", 22, "{}"),
    ("build doc/s", 12, "{:.0f}"),
    ("p50 ms", 8, "{:.2f}"),
    ("p95 ms", 8, "{:.2f}"),
    ("sugg p50", 9, "{:.2f}"),
    ("sugg p95", 9, "{:.2f}"),
    ("new ms", 8, "{:.0f}"),
    ("RSS MB", 8, "{:.0f}"),
    ("ratio", 7, "{:.1f}×"),
]
KEYS = ["label", "build", "p50", "p95", "s50", "s95", "new", "rss", "ratio"]


def failures(row: dict) -> list[str]:
    """The budgets a backend row misses."""
    checks = [
        ("p95", row["p95"] <= P95_MS),
        ("sugg p95", row["s95"] <= P95_MS),
        ("ratio", row.get("ratio", 0) >= RATIO),
        ("new", row["new"] <= VISIBLE_MS),
        ("RSS", row["rss"] < RSS_MB),
    ]
    return [name for name, passed in checks if not passed]


def _line(row: dict) -> str:
    cells = []
    for (title, width, fmt), key in zip(COLUMNS, KEYS, strict=True):
        value = row.get(key)
        text = "-" if value is None else fmt.format(value)
        cells.append(f"{text:<{width}}" if title == "row" else f"{text:>{width}}")
    return "".join(cells)


def report(rows: list[dict]) -> bool:
    """Print the table; True when every budgeted row passes."""
    naive = rows[-1]
    header = "".join(f"{t:<{w}}" if t == "row" else f"{t:>{w}}" for t, w, _f in COLUMNS)
    print(header + "  budget")
    print("-" * (len(header) + 20))
    ok = True
    for row in rows:
        verdict = "-"
        if row.get("budgeted"):
            row["ratio"] = naive["p95"] / row["p95"]
            missed = failures(row)
            ok &= not missed
            verdict = "FAIL: " + ", ".join(missed) if missed else "PASS"
        print(_line(row) + "  " + verdict)
    print(
        f"budgets: search and suggest p95 ≤ {P95_MS:.0f} ms, ratio (naive p95 ÷ "
        f"p95) ≥ {RATIO:.0f}, new item ≤ {VISIBLE_MS:.0f} ms, RSS < {RSS_MB:.0f} MB"
    )
    return ok


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 documents")
    parser.add_argument("--docs", type=int, help=f"corpus size ({DOCS:,})")
    parser.add_argument("--requests", type=int, help=f"timed requests ({REQUESTS})")
    parser.add_argument(
        "--require-postgres", action="store_true", help="fail if PostgreSQL is down"
    )
    parser.add_argument(
        "--postgres-url",
        default="",
        help=f"an existing database to use (tables {PG_TABLE}*), instead of "
        f"creating {PG_DATABASE} on {PG_SERVER}",
    )
    args = parser.parse_args()
    args.docs = args.docs or (QUICK_DOCS if args.quick else DOCS)
    args.requests = args.requests or (QUICK_REQUESTS if args.quick else REQUESTS)
    return args


def run(tmp: Path, args) -> tuple[list[dict], bool]:
    """Every row of the table; False when PostgreSQL was required but is down."""
    corpus_path, started = tmp / "corpus.pickle", time.perf_counter()
    kinds = write_corpus(corpus_path, args.docs)
    took = time.perf_counter() - started
    print(f"corpus: {dict(sorted(kinds.items()))}, written in {took:.1f} s")
    app, client = build_app(tmp)
    hello = time_calls(partial(get_ok, client), ["/bench-hello"], args.requests, 20)
    rows = [{"label": "hello (bare Flask)", "p50": hello[0], "p95": hello[1]}]
    whoosh = measure_whoosh(app, client, tmp, corpus_path, args)
    rows.append({"label": "whoosh (disk)", "budgeted": True, **whoosh})
    postgres_ok = True
    if (why := postgres_error(args.postgres_url)) is None:
        postgres = measure_postgres(app, client, corpus_path, args)
        rows.append({"label": "postgresql", "budgeted": True, **postgres})
    else:
        postgres_ok = not args.require_postgres
        print(f"postgresql: skipped, server unreachable at {PG_SERVER} ({why})")
    rows.append({"label": "naive whoosh", **measure_naive(tmp, corpus_path, args)})
    with app.app_context():
        from app.extensions import db

        db.engine.dispose()
    return rows, postgres_ok


def main() -> int:
    args = parse_args()
    started = time.perf_counter()
    print(f"{args.docs:,} documents, {args.requests} timed requests per row")
    with tempfile.TemporaryDirectory(prefix="eiglink-search-bench-") as tmp:
        rows, postgres_ok = run(Path(tmp), args)
    ok = report(rows) and postgres_ok
    if not postgres_ok:
        print("FAIL: --require-postgres given and PostgreSQL is unreachable")
    print(f"total {time.perf_counter() - started:.1f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
