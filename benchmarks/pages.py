"""Time the directory, défi and profile pages against a bare Flask route and an
empty logged-in page, in the same run.

Run from the repository root:  .venv/bin/python benchmarks/pages.py [--quick]
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask import render_template  # noqa: E402
from sqlalchemy import event, select  # noqa: E402

from config import Config  # noqa: E402

BUDGET = 3.0  # DESIGN.md: directory and défi pages ≤ 3× the bare "hello" route
# Issue 19: ≤ 2× the empty logged-in page (profile 1.5×), which every page pays.
PAGE_BUDGET, PROFILE_BUDGET = 2.0, 1.5
PASSWORD = "Un-mot-de-passe-de-bench-42"


class BenchConfig(Config):
    SECRET_KEY = "benchmark-only"
    SEARCH_URL = "memory:"
    SEARCH_SYNC = "inline"  # no indexing thread left running at exit
    SOCKETIO_MESSAGE_QUEUE = None
    MAIL_SERVER = None
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024


def build_app(database: Path):
    """The real app on a fresh SQLite file: 131 défis and 200 synthetic members."""
    from app import create_app
    from app.auth import identity
    from app.extensions import db

    BenchConfig.SQLALCHEMY_DATABASE_URI = f"sqlite:///{database}"
    app = create_app(BenchConfig)
    app.add_url_rule("/bench-hello", "bench_hello", lambda: "hello")
    identity.PUBLIC_ENDPOINTS.add("bench_hello")  # this process only
    # The floor of every page: load the logged-in member, render base.html.
    app.add_url_rule(
        "/bench-empty", "bench_empty", lambda: render_template("base.html")
    )
    with app.app_context():
        from app.auth.services import set_password
        from app.defis.seed import seed_defis
        from app.members.demo import seed_demo_members
        from app.members.models import Member

        db.create_all()
        seed_defis()
        seed_demo_members(200)
        viewer = db.session.scalar(
            select(Member).where(Member.role == "eig").order_by(Member.id)
        )
        set_password(viewer, PASSWORD)
        db.session.commit()
        routes = _routes(viewer)
    return app, viewer.username, routes


def _routes(viewer) -> list[tuple[str, str, float | None]]:
    """(label, url, budget against the empty page or None) for every page timed;
    a budgeted page also has DESIGN.md's against the bare route, except the
    profile."""
    from app.defis.models import Defi
    from app.extensions import db

    busiest = max(db.session.scalars(select(Defi)), key=lambda d: len(d.team))
    return [
        ("hello (bare Flask)", "/bench-hello", None),
        ("empty page (login+base)", "/bench-empty", None),
        ("directory", "/members/", PAGE_BUDGET),
        ("directory ?skill=Python", "/members/?skill=Python", PAGE_BUDGET),
        ("profile", f"/members/{viewer.username}", PROFILE_BUDGET),
        ("défi list", "/defis/", PAGE_BUDGET),
        ("défi list ?year=2019", "/defis/?year=2019", PAGE_BUDGET),
        ("défi page", f"/defis/{busiest.slug}", PAGE_BUDGET),
    ]


def time_route(app, client, url: str, requests: int, warmup: int) -> dict:
    """p50/p95 in ms and SQL statements per request for GET url."""
    from app.extensions import db

    for _ in range(warmup):
        assert client.get(url).status_code == 200, url
    queries = 0

    def count(*_args):
        nonlocal queries
        queries += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    timings, cpu = [], []
    try:
        for _ in range(requests):
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            assert response.status_code == 200, url
    finally:
        event.remove(engine, "before_cursor_execute", count)
    timings.sort()
    return {
        "p50": statistics.median(timings),
        "p95": timings[max(0, int(len(timings) * 0.95) - 1)],
        "cpu": statistics.median(cpu),
        "queries": queries / requests,
    }


def verdicts(label: str, r: dict, budget, bare: float, empty: float) -> str:
    """PASS/FAIL of a row against its budgets, or "-" for a reference row."""
    if budget is None:
        return "-"
    checks = [(r["p50"] / empty <= budget, f"≤ {budget:g}× empty")]
    if label != "profile":
        checks.append((r["p50"] / bare <= BUDGET, f"≤ {BUDGET:g}× hello"))
    return ", ".join(f"{name} {'PASS' if ok else 'FAIL'}" for ok, name in checks)


def report(rows: list[tuple[str, str, float | None, dict]]) -> bool:
    """Print the table; True when every budgeted page passes."""
    bare, empty = rows[0][3]["p50"], rows[1][3]["p50"]
    header = f"{'route':<26}{'p50 ms':>8}{'p95 ms':>8}{'cpu ms':>8}{'queries':>9}"
    header += f"{'×hello':>8}{'×empty':>8}  budget"
    print(header)
    print("-" * (len(header) + 30))
    for label, _url, budget, r in rows:
        verdict = verdicts(label, r, budget, bare, empty)
        print(
            f"{label:<26}{r['p50']:>8.2f}{r['p95']:>8.2f}{r['cpu']:>8.2f}"
            f"{r['queries']:>9.1f}{r['p50'] / bare:>7.1f}×{r['p50'] / empty:>7.1f}×"
            f"  {verdict}"
        )
    return not any(
        "FAIL" in verdicts(label, r, budget, bare, empty)
        for label, _url, budget, r in rows
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="30 requests per route")
    parser.add_argument("--requests", type=int, help="requests per route (200)")
    args = parser.parse_args()
    requests = args.requests or (30 if args.quick else 200)
    warmup = 5 if args.quick else 20
    with tempfile.TemporaryDirectory(prefix="eiglink-bench-") as tmp:
        started = time.perf_counter()
        app, username, routes = build_app(Path(tmp) / "bench.db")
        print(f"seeded in {time.perf_counter() - started:.1f} s; {requests} requests")
        client = app.test_client()
        login = {"username": username, "password": PASSWORD}
        assert client.post("/auth/login", data=login).status_code == 302, "login"
        rows = [
            (label, url, budget, time_route(app, client, url, requests, warmup))
            for label, url, budget in routes
        ]
        ok = report(rows)
        with app.app_context():
            from app.extensions import db

            db.engine.dispose()
    print(f"total {time.perf_counter() - started:.1f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
