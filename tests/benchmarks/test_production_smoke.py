"""benchmarks/production.py runs end to end: nginx, a web and a realtime gunicorn
process, a database of its own on the PostgreSQL server, Redis; three members for
eight seconds. The table must show pages and chat through nginx, and nothing lost
or duplicated. Needs what the deployment test needs; fails instead of skipping
in CI (EIG_REQUIRE_NGINX=1).
"""

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.benchmarks.test_load_smoke import requests_of
from tests.deploy.test_nginx import _missing

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", autouse=True)
def _requirements():
    missing = _missing()
    if missing and os.environ.get("EIG_REQUIRE_NGINX"):
        pytest.fail(f"EIG_REQUIRE_NGINX is set but missing: {', '.join(missing)}")
    if missing:
        pytest.skip(f"production benchmark needs {', '.join(missing)}")


def test_three_members_through_nginx():
    server = urlsplit(os.environ["TEST_DATABASE_URL"])
    database = urlunsplit(server._replace(path="/eiglink_load_smoke"))
    command = [
        sys.executable, str(ROOT / "benchmarks" / "production.py"),
        "--database", database, "--redis", os.environ["TEST_REDIS_URL"],
        "--web", "1", "--realtime", "1", "--community", "20",
        "--members", "3", "--duration", "8",
    ]  # fmt: skip
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=240
    )
    table = done.stdout
    assert done.returncode == 0, table + done.stderr
    assert "layout: nginx, 1 web, 1 realtime; PostgreSQL" in table
    for route in ("login", "directory", "défi page", "profile", "search", "chat"):
        assert requests_of(table, route) > 0, f"no {route}\n{table}"
    assert "errors: none" in table, table
    assert re.search(r"^lost 0, duplicates 0; 1 reconnects", table, re.MULTILINE), table
    assert re.search(r"^server: CPU \d+% of a core", table, re.MULTILINE), table
