"""Import a synthetic Slack export (100,000 messages in 50 channels by default)
on SQLite with an on-disk Whoosh index, and on PostgreSQL with its own search
backend when a URL is given. Each backend runs in its own process, so that its
peak RSS is its own.

The floor, measured in the same run: reading and parsing the export alone,
which no import can beat. Target (issue 15): at least 2,000 messages/s and
under 400 MB.

Run from the repository root:
    .venv/bin/python benchmarks/slack_import.py [--messages N]
        [--postgres postgresql://postgres@127.0.0.1:5432/test]
"""

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from config import Config  # noqa: E402

TARGET_RATE, TARGET_MB = 2000, 400


class BenchConfig(Config):
    SECRET_KEY = "benchmark-only"
    SEARCH_SYNC = "inline"
    SOCKETIO_MESSAGE_QUEUE = None
    MAIL_SERVER = None
    RATELIMIT_ENABLED = False


def _one(database: str, search: str, export: Path) -> dict:
    """In a child process: a fresh schema, the défis, then the timed import."""
    from app import create_app
    from app.defis.seed import seed_defis
    from app.extensions import db
    from app.search import services as search_services
    from app.search.sync import process_outbox
    from app.slack.channels import place
    from app.slack.cli import _planner
    from app.slack.export import Export
    from app.slack.importer import Importer
    from app.slack.people import People

    BenchConfig.SQLALCHEMY_DATABASE_URI, BenchConfig.SEARCH_URL = database, search
    app = create_app(BenchConfig)
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_defis()
        db.session.commit()
        started = time.perf_counter()
        parsed = Export(export)
        read = sum(1 for c in parsed.channels for _ in parsed.messages(c))
        floor = time.perf_counter() - started

        started = time.perf_counter()
        parsed = Export(export)
        people = People(parsed)
        db.session.flush()
        channels = place(parsed.channels, _planner(None), people)
        db.session.commit()
        tally = Importer(parsed, people, channels).run()
        imported = time.perf_counter() - started
        process_outbox()
        searchable = time.perf_counter() - started
        viewer = people.member(next(iter(people.authors.values()))) or _any_member()
        hits = search_services.search(viewer, "pipeline", kind="message").total
        db.session.remove()  # its open transaction would block DROP TABLE
        db.drop_all()
    return {
        "read": read,
        "floor_s": floor,
        "imported": sum(tally.imported.values()),
        "import_s": imported,
        "searchable_s": searchable,
        "hits": hits,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _any_member():
    from sqlalchemy import select

    from app.extensions import db
    from app.members.demo import seed_demo_members
    from app.members.models import Member

    seed_demo_members(1)
    return db.session.scalar(select(Member).limit(1))


def _child(label: str, database: str, search: str, export: Path) -> dict:
    command = [sys.executable, __file__, "--child", database, search, str(export)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{label}: the import failed\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _row(label: str, result: dict) -> str:
    rate = result["imported"] / result["import_s"]
    floor_rate = result["read"] / result["floor_s"]
    verdict = "ok" if rate >= TARGET_RATE and result["peak_mb"] < TARGET_MB else "OVER"
    if result["hits"] == 0:
        verdict = "NOT FOUND in search"
    return (
        f"{label:<18} {result['imported']:>9} {rate:>9.0f} {floor_rate:>10.0f} "
        f"{floor_rate / rate:>6.1f}× {result['searchable_s']:>11.1f} "
        f"{result['peak_mb']:>8.0f}  {verdict}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--channels", type=int, default=50)
    parser.add_argument("--postgres", help="a PostgreSQL URL (its tables are reset)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        database, search, export = args.child
        print(json.dumps(_one(database, search, Path(export))))
        return
    from app.defis.seed import DEFAULT_FILE, read_records
    from tests.slack.build import write_synthetic

    slugs = [record["slug"] for record in read_records(DEFAULT_FILE)][:25]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        export = write_synthetic(
            tmp, messages=args.messages, channels=args.channels, defi_slugs=slugs
        )
        runs = [("SQLite + Whoosh", f"sqlite:///{tmp}/bench.db", f"whoosh:{tmp}/ix")]
        if args.postgres:
            runs.append(("PostgreSQL", args.postgres, args.postgres))
        print(
            f"{'backend':<18} {'messages':>9} {'msg/s':>9} {'floor/s':>10} "
            f"{'ratio':>7} {'searchable':>11} {'peak MB':>8}  verdict"
        )
        for label, database, search in runs:
            print(_row(label, _child(label, database, search, export)), flush=True)
    print(
        f"floor: reading the export alone; searchable: seconds from the start until "
        f"the index holds every message. Target: ≥ {TARGET_RATE} msg/s, "
        f"< {TARGET_MB} MB."
    )


if __name__ == "__main__":
    main()
