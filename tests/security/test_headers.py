"""Every kind of response carries the security headers; pages need no inline code."""

import re

import pytest

from app.auth.services import create_api_token
from tests.conftest import AuthActions
from tests.factories import make_member
from tests.security.conftest import active_content, logged_in
from tests.security.test_access import PAGES, community  # noqa: F401  (fixture)


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    header = response.headers.get("Content-Security-Policy", "")
    directives = (part.split() for part in header.split(";") if part.strip())
    return {words[0]: words[1:] for words in directives}


def assert_hardened(response) -> None:
    csp = policy(response)
    if "sandbox" in csp:  # an uploaded file, served as is: nothing of it may run
        assert csp["default-src"] == ["'none'"], csp
    else:
        assert csp["script-src"] == ["'self'"], csp
        assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert all(
        "'unsafe-inline'" not in s and "'unsafe-eval'" not in s for s in csp.values()
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])


@pytest.fixture
def boom(app):
    """A route that fails, registered before the first request; errors not raised."""

    def fail():
        raise RuntimeError("secret detail of the failure")

    app.add_url_rule("/boom", "boom", fail)
    app.add_url_rule("/api/v1/boom", "api_boom", fail)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def test_public_pages_and_static_files_are_hardened(browser):
    for path in ("/", "/auth/login", "/auth/reset", "/static/css/app.css", "/healthz"):
        with browser.get(path) as response:  # closes the static file
            assert response.status_code == 200, path
            assert_hardened(response)
    assert browser.get("/members/").status_code == 302  # login redirect
    assert_hardened(browser.get("/members/"))


def test_every_page_of_the_access_matrix_is_hardened(browser_factory, community):  # noqa: F811
    staff = logged_in(browser_factory, make_member(role="staff"))
    for path in PAGES:
        with staff.get(path) as response:  # closes a downloaded file
            assert_hardened(response)
            if response.status_code == 200 and response.mimetype == "text/html":
                html = response.get_data(as_text=True)
                assert active_content(html) == [], path
                assert not re.search(r"<style|\sstyle=", html), f"inline style: {path}"


def test_api_answers_and_api_errors_are_hardened(app):
    member = make_member()
    _, token = create_api_token(member, "en-têtes")
    api = app.test_client(use_cookies=False)
    ok = api.get("/api/v1/defis", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200 and ok.is_json
    assert_hardened(ok)
    refused = api.get("/api/v1/defis")
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "unauthorized"
    assert_hardened(refused)
    missing = api.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert_hardened(missing)


def test_error_pages_are_hardened_and_show_no_stack_trace(boom):
    client = boom.test_client()
    AuthActions(client).login(make_member())
    for path in ("/boom", "/api/v1/boom"):
        response = client.get(path)
        assert response.status_code == 500
        body = response.get_data(as_text=True)
        assert "secret detail" not in body and "Traceback" not in body
        assert_hardened(response)
    assert_hardened(client.get("/page-inconnue"))


def test_hsts_is_sent_over_https_only(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in secure.headers["Strict-Transport-Security"]


def assert_socket_hardened(response) -> None:
    """Socket.IO answers outside Flask: the same headers, without the request id."""
    csp = policy(response)
    assert csp["default-src"] == ["'self'"] and csp["frame-ancestors"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert len(response.headers.getlist("X-Frame-Options")) == 1


def test_socketio_polling_answers_are_hardened(client):
    opened = client.get("/socket.io/?EIO=4&transport=polling")
    assert opened.status_code == 200 and opened.get_data(as_text=True)[0] == "0"
    assert_socket_hardened(opened)
    refused = client.get("/socket.io/?EIO=4&transport=polling&sid=inconnu")
    assert refused.status_code == 400
    assert_socket_hardened(refused)
    secure = client.get("/socket.io/?EIO=4&transport=polling", base_url="https://x")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_flask_responses_get_each_header_once(client):
    response = client.get("/auth/login")
    for name in ("Content-Security-Policy", "X-Frame-Options", "Referrer-Policy"):
        assert len(response.headers.getlist(name)) == 1, name
