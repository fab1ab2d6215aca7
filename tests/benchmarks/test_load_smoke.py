"""benchmarks/load.py runs end to end: its own server, three members, ten seconds.

A real `python wsgi.py` seeded with the défis and the demo community, real logins
over the form, real sockets; the table it prints must show pages requested, chat
delivered, one reconnect that caught up, and nothing lost or duplicated.
"""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_load(*args: str) -> str:
    command = [sys.executable, str(ROOT / "benchmarks" / "load.py"), *args]
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def requests_of(table: str, route: str) -> int:
    return int(re.search(rf"^{route} +(\d+)", table, re.MULTILINE)[1])


def test_three_members_for_ten_seconds():
    table = run_load("--members", "3", "--duration", "10", "--community", "30")
    for route in ("login", "directory", "défi page", "profile", "search", "chat"):
        assert requests_of(table, route) > 0, f"no {route}\n{table}"
    assert "errors: none" in table, table
    assert re.search(r"^lost 0, duplicates 0; 1 reconnects", table, re.MULTILINE), table
    assert "largest N holding the budget:" in table
