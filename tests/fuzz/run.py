"""Fuzz the JSON API with schemathesis, as CI does: `python tests/fuzz/run.py`.

On a fresh database (a new SQLite file, or TEST_DATABASE_URL's PostgreSQL database
emptied), with the défis and the demo community loaded, a member and an API token
for them, the app runs as in production (`python wsgi.py`, EIG_ENV=production, every
middleware on) on a free loopback port. schemathesis then reads /api/v1/openapi.json
with the token and sends a bounded number of cases to every operation.

Exits non-zero on any 5xx, any answer that breaks its schema, or any status code or
content type the document does not declare. EIG_FUZZ_SEED picks other inputs
(default: a fixed seed, so that a failure can be replayed); EIG_FUZZ_EXAMPLES the
number of cases per operation.
"""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from config import database_url  # noqa: E402
from tests.channels.live import app_process  # noqa: E402

PYTHON = sys.executable
ST = str(Path(PYTHON).with_name("st"))
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "unsupported_method",  # a 405 with its Allow header
)
SEED = os.environ.get("EIG_FUZZ_SEED", "2017")
EXAMPLES = os.environ.get("EIG_FUZZ_EXAMPLES", "30")
FUZZER = "fuzzer"
TIME_LIMIT = 290  # seconds; CI's fuzzing step must stay under 5 minutes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def settings(workdir: Path) -> dict[str, str]:
    """The production settings, on this run's own database, index and uploads."""
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{workdir / 'fuzz.db'}"
    search = ""
    if url.startswith("postgres"):
        search = f"{database_url(url)}?table=search_documents_fuzz"
    return {
        "EIG_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": url,
        "SEARCH_URL": search or f"whoosh:{workdir / 'search'}",
        "UPLOAD_FOLDER": str(workdir / "uploads"),
        "PROXY_COUNT": "0",  # no proxy in front: the client's own address counts
        # One member writes far faster than a person: let the writes reach the
        # services (the limit itself is tested in tests/security).
        "API_WRITE_RATE_LIMIT": "6000 per minute",
    }


def empty_database(url: str) -> None:
    """Drop every table of a PostgreSQL database (a SQLite file starts empty)."""
    if not url.startswith("postgres"):
        return
    from sqlalchemy import MetaData, create_engine

    engine = create_engine(database_url(url))
    metadata = MetaData()
    metadata.reflect(engine)
    metadata.drop_all(engine)
    engine.dispose()


def prepare(env: dict[str, str]) -> str:
    """Schema, défis, demo community and search index, by the app's own commands
    in this one process; then the fuzzer's member and their raw API token."""
    from app import create_app
    from app.extensions import db
    from config import ProductionConfig

    empty_database(env["DATABASE_URL"])
    config = {name: getattr(ProductionConfig, name) for name in dir(ProductionConfig)}
    app = create_app(
        {
            **{name: value for name, value in config.items() if name.isupper()},
            "SECRET_KEY": env["SECRET_KEY"],
            "SQLALCHEMY_DATABASE_URI": database_url(env["DATABASE_URL"]),
            "SEARCH_URL": env["SEARCH_URL"],
            "UPLOAD_FOLDER": env["UPLOAD_FOLDER"],
            "SEARCH_SYNC": "inline",  # indexed before each command returns
            "MAIL_SYNC": "inline",
        }
    )
    runner = app.test_cli_runner()
    with app.app_context():
        for command in (
            ["db", "upgrade"],
            ["seed-defis"],
            ["seed-demo", "--members", "40"],
        ):
            result = runner.invoke(args=command, catch_exceptions=False)
            print(result.output, end="", flush=True)
            if result.exit_code:
                raise SystemExit(f"flask {' '.join(command)} failed")
        token = make_member_and_token()
        db.session.remove()
        db.engine.dispose()
    return token


def make_member_and_token() -> str:
    """The member the fuzzer acts as, invited and registered; their raw API token."""
    from app.auth import services as auth
    from app.members.demo import create_staff

    staff = create_staff("fuzz.staff", "fuzz.staff@example.org", secrets.token_hex())
    _invitation, link = auth.invite(staff, "fuzzer@example.org", "eig")
    member = auth.register(
        link.rsplit("/", 1)[1],
        username=FUZZER,
        display_name="Fuzzer",
        password=secrets.token_hex(),
    )
    _token, raw = auth.create_api_token(member, "schemathesis")
    return raw


def schemathesis(url: str, token: str, workdir: Path) -> int:
    command = [
        ST,
        "--no-color",
        "run",
        f"{url}/api/v1/openapi.json",
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        ",".join(CHECKS),
        "--max-examples",
        EXAMPLES,
        "--seed",
        SEED,
        "--generation-database",
        "none",
        "--workers",
        "2",
        "--report-dir",
        str(workdir / "report"),
    ]
    try:
        run = subprocess.run(command, cwd=workdir, timeout=TIME_LIMIT)
        return run.returncode
    except subprocess.TimeoutExpired:
        print(f"schemathesis did not finish in {TIME_LIMIT} s", flush=True)
        return 1


def main() -> int:
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="eiglink-fuzz-"))
    try:
        env = settings(workdir)
        token = prepare(env)
        log = workdir / "server.log"
        with app_process(free_port(), env, log) as url:
            code = schemathesis(url, token, workdir)
        if code:
            print(f"Server log (last lines):\n{log.read_text()[-4000:]}")
        return code
    finally:
        print(f"==> Fuzzing took {time.monotonic() - started:.0f} s", flush=True)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
