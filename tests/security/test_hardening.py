"""Production settings and the rate limits beyond login."""

import pytest
from limits import parse

from app import create_app
from app.auth.models import ApiToken
from app.auth.services import create_api_token
from app.channels import services as channels
from app.extensions import db
from config import ProductionConfig, TestConfig
from tests.factories import make_member
from tests.security.conftest import BrowserClient, csrf_token, logged_in


class ProductionTestConfig(ProductionConfig):
    SECRET_KEY = "production-secret-for-tests"
    SQLALCHEMY_DATABASE_URI = TestConfig.SQLALCHEMY_DATABASE_URI
    SEARCH_URL = "memory:"
    SEARCH_SYNC = "inline"
    RATELIMIT_ENABLED = False
    SOCKETIO_MESSAGE_QUEUE = None
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024


@pytest.fixture
def production_app(monkeypatch):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    app = create_app(ProductionTestConfig)
    with app.app_context():
        db.drop_all()
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def test_production_cookies_are_secure_and_http_only(production_app):
    production_app.test_client_class = BrowserClient
    client = production_app.test_client()
    # Over HTTPS, Flask-WTF also wants a same-site Referer, as browsers send.
    client.environ_base.update(
        {"wsgi.url_scheme": "https", "HTTP_REFERER": "https://localhost/auth/login"}
    )
    response = client.login(make_member())  # with the form's CSRF token
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    session = next(c for c in cookies if c.startswith("session="))
    assert "Secure" in session and "HttpOnly" in session and "SameSite=Lax" in session
    lang = client.get("/?lang=en").headers["Set-Cookie"]
    assert "Secure" in lang and "HttpOnly" in lang


def test_behind_the_proxy_https_requests_get_hsts(production_app):
    client = production_app.test_client()
    plain = client.get("/", headers={"X-Forwarded-Proto": "http"})
    assert "Strict-Transport-Security" not in plain.headers
    secure = client.get("/", headers={"X-Forwarded-Proto": "https"})
    assert "max-age=" in secure.headers["Strict-Transport-Security"]


def test_production_errors_show_no_stack_trace(monkeypatch):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)
    app = create_app(ProductionTestConfig)

    def fail():
        raise RuntimeError("détail interne de la panne")

    app.add_url_rule("/api/v1/panne", "panne", fail)
    with app.app_context():
        db.create_all()
        _, token = create_api_token(make_member(), "panne")
        response = app.test_client().get(
            "/api/v1/panne", headers={"Authorization": f"Bearer {token}"}
        )
        db.session.remove()
        db.drop_all()
        db.engine.dispose()
    assert response.status_code == 500
    assert response.get_json() == {
        "error": {"code": "server_error", "message": "Erreur interne du serveur."}
    }


def test_production_refuses_debug_mode(monkeypatch):
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(RuntimeError, match="Debug mode is refused"):
        create_app(ProductionTestConfig)


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("FLASK_DEBUG", raising=False)

    class NoKey(ProductionTestConfig):
        SECRET_KEY = None

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(NoKey)


# Rate limits ------------------------------------------------------------------


def test_api_token_creation_is_rate_limited(secure_app, browser_factory):
    client = logged_in(browser_factory, make_member())
    allowed = parse(secure_app.config["API_TOKEN_RATE_LIMIT"]).amount
    for n in range(allowed):
        token = csrf_token(client, "/auth/account")
        data = {"token-name": f"jeton {n}", "csrf_token": token}
        assert client.post("/auth/account/tokens", data=data).status_code == 200
    token = csrf_token(client, "/auth/account")
    data = {"token-name": "un de trop", "csrf_token": token}
    response = client.post("/auth/account/tokens", data=data)
    assert response.status_code == 429
    assert "Trop de tentatives" in response.get_data(as_text=True)
    assert db.session.query(ApiToken).count() == allowed


def test_api_writes_are_rate_limited_per_member(secure_app):
    secure_app.config["API_WRITE_RATE_LIMIT"] = "3 per minute"
    author, other = make_member(), make_member()
    room = channels.create_channel(author, name="Limites")
    channels.join_channel(other, room)
    clients = {}
    for member in (author, other):
        _, raw = create_api_token(member, "limite")
        clients[member.id] = secure_app.test_client(use_cookies=False)
        clients[member.id].environ_base["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    path = f"/api/v1/channels/{room.slug}/messages"
    for n in range(3):
        sent = clients[author.id].post(path, json={"body": f"message {n}"})
        assert sent.status_code == 201
    refused = clients[author.id].post(path, json={"body": "un de trop"})
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "too_many_requests"
    assert "Retry-After" in refused.headers
    # Reading is not limited, and another member keeps their own budget.
    assert clients[author.id].get(path).status_code == 200
    assert clients[other.id].post(path, json={"body": "moi"}).status_code == 201
