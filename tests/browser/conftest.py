"""Browser fixtures: the app served on a real port, and a Chromium page.

The server runs in another thread, so the database is a file (or
TEST_DATABASE_URL), never SQLite in memory. CSRF stays on: the browser sends the
hidden token like any member's browser does.
"""

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from config import TestConfig

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
TIMEOUT_MS = 10_000


@dataclass
class LiveServer:
    app: Flask
    url: str


@contextmanager
def live_app(database_uri: str) -> Iterator[LiveServer]:
    """Serve a fresh app on 127.0.0.1 and a free port until the block ends."""

    class BrowserConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_uri
        WTF_CSRF_ENABLED = True

    app = create_app(BrowserConfig)
    with app.app_context():
        db.drop_all()
        db.create_all()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = url  # invitation links point to the live server
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(app=app, url=url)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()


def _requests_running() -> bool:
    """A request of the live server (a page, a socket's long poll or
    websocket, an event handler) is still being served."""
    return any(
        "process_request_thread" in thread.name or "_handle_event" in thread.name
        for thread in threading.enumerate()
    )


def _let_requests_end(browser, seconds: float = 5) -> None:
    """Close the test's pages, then give their sockets' last events (the
    disconnect handler reads the database) the time to end, before the tables
    go."""
    for context in browser.contexts:
        context.close()
    deadline = time.monotonic() + seconds
    while _requests_running() and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.fixture
def live_server(tmp_path, browser) -> Iterator[LiveServer]:
    """The app on a live port, on TEST_DATABASE_URL or a temporary SQLite file."""
    if os.environ.get("TEST_DATABASE_URL"):
        uri = TestConfig.SQLALCHEMY_DATABASE_URI
    else:
        uri = f"sqlite:///{tmp_path / 'browser.db'}"
    with live_app(uri) as server:
        yield server
        _let_requests_end(browser)


@pytest.fixture(scope="package")
def browser():
    """One headless system Chromium for all the browser tests.

    Package scope, not session: while Playwright's sync API is alive its event
    loop counts as running in this thread, and asyncio.run() in later tests
    would fail.
    """
    if not CHROMIUM.exists():
        if os.environ.get("EIG_REQUIRE_BROWSER"):  # set by .ci/run: never skip in CI
            pytest.fail(f"EIG_REQUIRE_BROWSER is set but {CHROMIUM} is missing")
        pytest.skip(
            f"browser tests need the system Chromium at {CHROMIUM} "
            "(apt-get install chromium); CI installs it"
        )
    sync_api = pytest.importorskip("playwright.sync_api")
    sync_api.expect.set_options(timeout=TIMEOUT_MS)
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


def member_page(browser, live_server: LiveServer, username: str, **options):
    """A fresh context (its own cookies, French, plus `options`: viewport, time
    zone...), logged in through the real login form."""
    from tests.factories import PASSWORD

    context = browser.new_context(base_url=live_server.url, locale="fr-FR", **options)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto("/auth/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/")
    return page


@pytest.fixture
def page(browser, live_server):
    """A new page in a fresh context (no cookies), its base URL the live server."""
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()
