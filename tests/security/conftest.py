"""Helpers for the security tests: real CSRF tokens, rate limits on, clean requests."""

import re
from html.parser import HTMLParser

import pytest
from flask import g
from flask.testing import FlaskClient

from app.extensions import db
from tests.factories import PASSWORD

CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, path: str = "/") -> str:
    """The csrf_token hidden input of the page at `path`, as a browser would read it."""
    page = client.get(path)
    match = CSRF_INPUT.search(page.get_data(as_text=True))
    assert match, f"no csrf_token field on {path} ({page.status_code})"
    return match.group(1)


class BrowserClient(FlaskClient):
    """A test client whose every request starts with fresh `g`, as in production.

    The shared `app` fixture keeps one application context open for the whole test,
    so Flask would otherwise reuse `g` (and Flask-Login's cached user, Flask-WTF's
    cached token) from one request, or one client, to the next.
    """

    def open(self, *args, **kwargs):
        g.__dict__.clear()
        return super().open(*args, **kwargs)

    def login(self, member, password: str = PASSWORD, **extra):
        """Log in through the real form, with its CSRF token."""
        token = csrf_token(self, "/auth/login")
        data = {"username": member.username, "password": password, "csrf_token": token}
        data.update(extra)
        return self.post("/auth/login", data=data)

    def submit(self, path: str, data: dict | None = None, form_page: str = "/"):
        """POST a form with the CSRF token of `form_page` (the home page by default)."""
        data = dict(data or {})
        data["csrf_token"] = csrf_token(self, form_page)
        return self.post(path, data=data)

    def is_logged_in(self) -> bool:
        """Whether this browser still reaches a members-only page."""
        return self.get("/auth/account").status_code == 200


@pytest.fixture
def browser_factory(secure_app):
    """Make independent browsers (own cookies) on the app with CSRF and limits on."""
    secure_app.test_client_class = BrowserClient

    def make() -> BrowserClient:
        return secure_app.test_client()

    return make


@pytest.fixture
def browser(browser_factory) -> BrowserClient:
    return browser_factory()


def logged_in(browser_factory, member) -> BrowserClient:
    """A new browser where `member` is logged in."""
    client = browser_factory()
    response = client.login(member)
    assert response.status_code == 302, "login failed"
    return client


def fresh(model, **where):
    """Read a row again from the database, forgetting what the session holds."""
    db.session.rollback()
    db.session.expire_all()
    return db.session.query(model).filter_by(**where).one_or_none()


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {k: (v or "") for k, v in attrs}))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def active_content(html: str) -> list[str]:
    """What in a page could run script: event handlers, inline scripts, script URLs.

    The page's own assets are allowed: <script src="/static/...">, no inline code.
    """
    parser = _Elements()
    parser.feed(html)
    found = []
    for tag, attrs in parser.elements:
        for name, value in attrs.items():
            if name.startswith("on"):
                found.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction", "xlink:href"):
                scheme = re.sub(r"[\s\x00-\x1f]", "", value).lower()
                if scheme.startswith(("javascript:", "vbscript:", "data:text")):
                    found.append(f"<{tag} {name}={value!r}>")
        if tag in ("img", "svg", "iframe", "object", "embed"):
            found.append(f"<{tag}>")
        if tag == "script" and not attrs.get("src", "").startswith("/static/"):
            found.append(f"<script {attrs}>")
    found += [code for code in parser.scripts if code.strip()]
    return found
