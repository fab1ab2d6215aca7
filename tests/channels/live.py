"""Real app processes on loopback, and real python-socketio clients logged in."""

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
import socketio

ROOT = Path(__file__).resolve().parents[2]
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@contextmanager
def server_process(
    command: list[str], port: int, env: dict[str, str], log: Path
) -> Iterator[tuple[str, int]]:
    """A server on 127.0.0.1:port until the block ends; yields its URL and pid."""
    url = f"http://127.0.0.1:{port}"
    with log.open("w") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **env, "HOST": "127.0.0.1", "PORT": str(port)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_ready(url, process, log)
            yield url, process.pid
        finally:
            stop(process)


def stop(process: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL if the process is still there after 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextmanager
def app_process(port: int, env: dict[str, str], log: Path) -> Iterator[str]:
    """`python wsgi.py` on 127.0.0.1:port until the block ends; yields its URL."""
    command = [sys.executable, str(ROOT / "wsgi.py")]
    with server_process(command, port, env, log) as (url, _pid):
        yield url


def _wait_ready(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server stopped:\n{log.read_text()[-3000:]}")
        try:
            requests.get(f"{url}/auth/login", timeout=2)
            return
        except (requests.ConnectionError, requests.Timeout):  # e.g. gunicorn booting
            time.sleep(0.2)
    raise RuntimeError(f"server not ready after 30 s:\n{log.read_text()[-3000:]}")


def logged_in(url: str, username: str, password: str) -> requests.Session:
    """A requests session holding a member's session cookie (CSRF token included)."""
    http = requests.Session()
    page = http.get(f"{url}/auth/login", timeout=10)
    token = _CSRF.search(page.text)[1]
    response = http.post(
        f"{url}/auth/login",
        data={"username": username, "password": password, "csrf_token": token},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, f"login of {username} failed"
    return http


def socket_client(url: str, http: requests.Session) -> socketio.Client:
    """A connected Socket.IO client that sends the session cookie."""
    client = socketio.Client(http_session=http, reconnection=False)
    client.connect(url, transports=["websocket"], wait_timeout=10)
    return client
