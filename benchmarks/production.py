"""Load on the production layout: benchmarks/load.py against nginx, web and
realtime gunicorn processes, PostgreSQL (data and search) and Redis, on loopback.

It makes a database of its own on the PostgreSQL server of --database (dropped at
the end), migrates it (`flask db upgrade`), seeds the défis and --community demo
members, indexes them, starts the layout of `deploy/` (deploy/gunicorn.conf.py
with each role's systemd niceness, the nginx site of deploy/nginx/render.py, a
self-signed certificate) and runs load.py with --url on it. Options it does not
know go to load.py (--members, --duration, --seed, --require...). The clients
run at --client-nice 10 unless told otherwise, the web processes' Nice: on one
host they take the CPU that the members' own machines would spend (1.2 cores
at N = 200 over TLS), and at nice 0 they starved the web processes. At 19 they
read their own sockets too late. They still time every wait from their side.

Run from the repository root:
    .venv/bin/python benchmarks/production.py --members 200,400 --web 2 --realtime 1
Needs Debian's nginx and openssl, a PostgreSQL server and Redis.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from contextlib import suppress
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import load  # noqa: E402

DATABASE = "postgresql://postgres@127.0.0.1:5432/eiglink_load"
REDIS = "redis://127.0.0.1:6379/0"


def parse_args(argv=None) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", default=DATABASE, help=f"made, then dropped ({DATABASE})"
    )
    parser.add_argument("--redis", default=REDIS, help=f"Redis URL ({REDIS})")
    parser.add_argument("--web", type=int, default=2, help="web processes (2)")
    parser.add_argument("--realtime", type=int, default=1, help="realtime (1)")
    parser.add_argument("--web-threads", default="16", help="EIG_THREADS (16)")
    parser.add_argument(
        "--community", type=int, default=400, help="demo members seeded (400)"
    )
    return parser.parse_known_args(argv)


def _on_server(url: str, statement: str) -> None:
    """Run `statement` (with {name}, the database of `url`) on its server."""
    from sqlalchemy import create_engine, text

    from config import database_url

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"unexpected database name {name!r}")
    server = urlunsplit(parts._replace(path="/postgres"))
    engine = create_engine(database_url(server), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for one in statement.split(";"):
            conn.execute(text(one.format(name=name)))
    engine.dispose()


DROP = 'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'


def site_env(args) -> dict[str, str]:
    """deploy/eiglink.env.example on loopback, with load.py's limits: no rate
    limit (every member comes from 127.0.0.1), no flood limit, cheap argon2."""
    run = uuid.uuid4().hex[:8]  # nothing shared with other users of this Redis
    return {
        "EIG_ENV": "production",
        "SECRET_KEY": uuid.uuid4().hex * 2,
        "DATABASE_URL": args.database,
        "SEARCH_URL": args.database,
        "SOCKETIO_MESSAGE_QUEUE": args.redis,
        "SOCKETIO_CHANNEL": f"eiglink-load-{run}",
        "RATELIMIT_STORAGE_URI": args.redis,
        "RATELIMIT_KEY_PREFIX": f"eiglink-load-{run}",
        "RATELIMIT_ENABLED": "0",
        "CHAT_FLOOD_COUNT": "100000",
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_COST": "1024",
        "EIG_THREADS": args.web_threads,
    }


def seed(env: dict[str, str], users: Path, community: int, count: int) -> None:
    """Migrate, seed, give `count` members load.py's password, index."""
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    steps = [
        [*flask, "db", "upgrade"],
        [*flask, "seed-defis"],
        [*flask, "seed-demo", "--members", str(max(community, count))],
        [sys.executable, "benchmarks/load.py", "--prepare", str(users)]
        + ["--members", str(count)],
        [*flask, "reindex"],
    ]
    for step in steps:
        done = subprocess.run(
            step, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True
        )
        if done.returncode:
            raise SystemExit(f"{' '.join(step[1:])} failed:\n{done.stderr[-3000:]}")


def workers(masters: list[int]) -> list[int]:
    """The gunicorn workers (children) of each master: they do the work."""
    found = []
    for pid in masters:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        found += [int(child) for child in children]
    return found


def most_members(forwarded: list[str]) -> int:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--members", default="50,100,200")
    known, _ = parser.parse_known_args(forwarded)
    return max(int(n) for n in known.members.split(","))


def main(argv=None) -> int:
    from tests.deploy.layout import https_site

    args, forwarded = parse_args(argv)
    count = most_members(forwarded)
    env = site_env(args)
    tmp = Path(tempfile.mkdtemp(prefix="eiglink-production-"))
    tmp.chmod(0o755)  # nginx's workers (not root) read the site from here
    _on_server(args.database, DROP + ';CREATE DATABASE "{name}"')
    try:
        users = tmp / "users.txt"
        seed(env, users, args.community, count)
        print(f"layout: nginx, {args.web} web, {args.realtime} realtime; PostgreSQL")
        counts = {"web": args.web, "realtime": args.realtime}
        with https_site(tmp, env, tmp, connections=8192, **counts) as started:
            url, _cert, layout, _nginx = started
            pids = workers(layout.pids)
            return load.main(
                ["--client-nice", "10", *forwarded, "--url", url, "--insecure"]
                + ["--users", str(users), "--server-pid", ",".join(map(str, pids))]
            )
    finally:
        for log in sorted(tmp.glob("*.log")):
            if log.name not in ("access.log",):
                load.show_errors(log)
        shutil.rmtree(tmp, ignore_errors=True)
        _on_server(args.database, DROP)


if __name__ == "__main__":
    with suppress(KeyboardInterrupt):
        sys.exit(main())
