"""A local fake of ProConnect, the French State's OpenID Connect federation.

The project's tests run a whole login flow against it over real HTTP on loopback,
so the client code meets the same answers it would meet in production. The fake
reproduces the ProConnect specifics that a generic OIDC provider would not:

- userinfo answers a *signed JWT* (``Content-Type: application/jwt``), not JSON;
- clients authenticate at the token endpoint by ``client_secret_post`` only: a
  Basic ``Authorization`` header is refused;
- unknown query parameters on ``/authorize`` and ``/session/end`` are refused
  with 400, and ``state`` and ``nonce`` are mandatory;
- claims are ProConnect's (``usual_name``, ``uid``, ``siret``, ``idp_id``...),
  ``acr`` is ``eidas1`` and ``sub`` is an opaque pairwise-like identifier;
- signing keys are identified by ``kid`` and rotate (``rotate_key``), so clients
  must pick the key by ``kid`` and refresh the JWKS.

There is no login page: ``/authorize`` signs in the person given to
``next_person`` and redirects straight back. Knobs (``id_token_claims_override``,
``userinfo_signing``, ``userinfo_as_json``) forge bad answers so tests can check
that the client refuses them; ``reset()`` restores the defaults.
"""

import base64
import hashlib
import json
import secrets
import threading
import time
from urllib.parse import urlencode

import pytest
from flask import Flask, Response, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from werkzeug.serving import WSGIRequestHandler, make_server

DEFAULT_PERSON = {
    "email": "agent@example.gouv.fr",
    "given_name": "Camille",
    "usual_name": "Durand",
    "uid": "1234",
    "siret": "13002526500013",
    "idp_id": "fia1v2",
    "organizational_unit": "DINUM",
}
SCOPES = [
    "openid",
    "email",
    "given_name",
    "usual_name",
    "uid",
    "siret",
    "idp_id",
    "phone",
    "organizational_unit",
]
USERINFO_CLAIMS = [scope for scope in SCOPES if scope != "openid"]
AUTHORIZE_PARAMS = {
    "response_type",
    "client_id",
    "redirect_uri",
    "scope",
    "state",
    "nonce",
    "acr_values",
    "claims",
    "prompt",
    "login_hint",
    "idp_hint",
}
LOGOUT_PARAMS = {
    "id_token_hint",
    "state",
    "post_logout_redirect_uri",
    "client_id",
    "ui_locales",
}
LIFETIME = 60  # seconds, for tokens and the id_token


def _new_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": secrets.token_hex(8)})


def _b64url_json(data: dict) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _error(status: int, error: str, description: str = "") -> tuple[Response, int]:
    body = {"error": error}
    if description:
        body["error_description"] = description
    return jsonify(body), status


def subject_for(email: str) -> str:
    """ProConnect's `sub` is opaque and stable for one person; never the e-mail."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


class _QuietHandler(WSGIRequestHandler):
    """Keep the test output free of one access-log line per request."""

    def log_request(self, *args, **kwargs) -> None:
        pass


class FakeProConnect:
    """A ProConnect stand-in served on 127.0.0.1 on a free port."""

    client_id = "eig-link-test"
    client_secret = "secret-de-test"

    def __init__(self) -> None:
        self.redirect_uris: set[str] = set()
        self.base_url: str | None = None
        self._key = _new_key()
        self._lock = threading.Lock()
        self._codes: dict[str, dict] = {}
        self._access_tokens: dict[str, dict] = {}
        self._id_tokens: set[str] = set()
        self._server = None
        self._thread: threading.Thread | None = None
        self.app = self._build_app()
        self.reset()

    # -- lifecycle ---------------------------------------------------------

    @property
    def issuer(self) -> str:
        return f"{self.base_url}/api/v2"

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def start(self) -> "FakeProConnect":
        """Serve on a free loopback port, in a daemon thread, until `stop()`."""
        self._server = make_server(
            "127.0.0.1", 0, self.app, threaded=True, request_handler=_QuietHandler
        )
        self.base_url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever)
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket (no ResourceWarning left behind)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = self._thread = None

    def __enter__(self) -> "FakeProConnect":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- test controls -----------------------------------------------------

    def reset(self) -> None:
        """Restore the default person and knobs, and forget what was recorded.

        Keys, redirect URIs and already issued codes and tokens are kept, so a
        flow started before the reset can still finish."""
        self.person: dict = dict(DEFAULT_PERSON)
        self.id_token_claims_override: dict = {}
        self.userinfo_signing = "good"  # or "other_key", "none"
        self.userinfo_as_json = False
        self.last_authorize: dict | None = None
        self.logouts: list[str] = []

    def next_person(self, claims: dict) -> None:
        """Sign in this person at the next `/authorize` (and after, until reset)."""
        self.person = dict(claims)

    def rotate_key(self) -> str:
        """Sign with a new key from now on; the JWKS serves only the new one."""
        self._key = _new_key()
        return self.kid

    @property
    def kid(self) -> str:
        return self._key.kid

    def jwks(self) -> dict:
        return KeySet([self._key]).as_dict(private=False)

    # -- token making ------------------------------------------------------

    def _sign(self, claims: dict) -> str:
        return jwt.encode({"alg": "RS256", "kid": self.kid}, claims, self._key)

    def _id_token(self, grant: dict) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": subject_for(grant["person"]["email"]),
            "aud": self.client_id,
            "exp": now + LIFETIME,
            "iat": now,
            "auth_time": grant["auth_time"],
            "nonce": grant["nonce"],
            "acr": "eidas1",
            "amr": ["pwd"],
        }
        return self._sign({**claims, **self.id_token_claims_override})

    def _userinfo_claims(self, person: dict) -> dict:
        claims = {"sub": subject_for(person["email"]), "iss": self.issuer}
        claims["aud"] = self.client_id
        return claims | {k: person[k] for k in USERINFO_CLAIMS if person.get(k)}

    def _userinfo_jwt(self, claims: dict) -> str:
        """Sign as asked by `userinfo_signing`, to test the client's checks."""
        if self.userinfo_signing == "none":
            header = _b64url_json({"alg": "none", "typ": "JWT"})
            return f"{header}.{_b64url_json(claims)}."
        if self.userinfo_signing == "other_key":
            stranger = _new_key()
            return jwt.encode({"alg": "RS256", "kid": self.kid}, claims, stranger)
        return self._sign(claims)

    # -- HTTP --------------------------------------------------------------

    def _build_app(self) -> Flask:
        app = Flask(__name__)
        prefix = "/api/v2"
        routes = [
            ("/.well-known/openid-configuration", self._discovery, ["GET"]),
            ("/jwks", lambda: jsonify(self.jwks()), ["GET"]),
            ("/authorize", self._authorize, ["GET"]),
            ("/token", self._token, ["POST"]),
            ("/userinfo", self._userinfo, ["GET"]),
            ("/session/end", self._end_session, ["GET"]),
        ]
        for path, view, methods in routes:
            endpoint = path.strip("/").replace("/", "_").replace(".", "")
            app.add_url_rule(prefix + path, endpoint, view, methods=methods)
        return app

    def _discovery(self) -> Response:
        return jsonify(
            issuer=self.issuer,
            authorization_endpoint=f"{self.issuer}/authorize",
            token_endpoint=f"{self.issuer}/token",
            userinfo_endpoint=f"{self.issuer}/userinfo",
            jwks_uri=f"{self.issuer}/jwks",
            end_session_endpoint=f"{self.issuer}/session/end",
            response_types_supported=["code"],
            grant_types_supported=["authorization_code"],
            subject_types_supported=["public"],
            scopes_supported=SCOPES,
            acr_values_supported=["eidas1"],
            id_token_signing_alg_values_supported=["RS256"],
            userinfo_signing_alg_values_supported=["RS256"],
            token_endpoint_auth_methods_supported=["client_secret_post"],
            claims_supported=["sub", "iss", "aud", "acr", "amr", *USERINFO_CLAIMS],
        )

    def _authorize_problem(self, args) -> str | None:
        """Why ProConnect would refuse this authorization request, if it would."""
        unknown = set(args) - AUTHORIZE_PARAMS
        if unknown:
            return f"unknown parameters: {', '.join(sorted(unknown))}"
        if args.get("response_type") != "code":
            return "response_type must be code"
        if args.get("client_id") != self.client_id:
            return "unknown client_id"
        if args.get("redirect_uri") not in self.redirect_uris:
            return "redirect_uri not registered"
        if "openid" not in args.get("scope", "").split():
            return "scope must contain openid"
        if not args.get("state") or not args.get("nonce"):
            return "state and nonce are required"
        return None

    def _authorize(self) -> Response | tuple[Response, int]:
        args = request.args.to_dict()
        self.last_authorize = args
        problem = self._authorize_problem(args)
        if problem:
            return _error(400, "invalid_request", problem)
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = {
                "redirect_uri": args["redirect_uri"],
                "nonce": args["nonce"],
                "scope": args["scope"],
                "person": dict(self.person),
                "auth_time": int(time.time()),
                "used": False,
            }
        query = urlencode({"code": code, "state": args["state"]})
        return redirect(f"{args['redirect_uri']}?{query}", 302)

    def _client_is_authenticated(self) -> bool:
        """client_secret_post only: a Basic header is refused even if correct."""
        if request.authorization is not None:
            return False
        form = request.form
        return (
            form.get("client_id") == self.client_id
            and form.get("client_secret") == self.client_secret
        )

    def _redeem(self, code: str, redirect_uri: str) -> dict | None:
        """The grant for this code, once only and for the same redirect URI."""
        with self._lock:
            grant = self._codes.get(code)
            if grant is None or grant["used"]:
                return None
            if grant["redirect_uri"] != redirect_uri:
                return None
            grant["used"] = True
            return grant

    def _token(self) -> Response | tuple[Response, int]:
        if not self._client_is_authenticated():
            return _error(401, "invalid_client")
        form = request.form
        if form.get("grant_type") != "authorization_code":
            return _error(400, "unsupported_grant_type")
        grant = self._redeem(form.get("code", ""), form.get("redirect_uri", ""))
        if grant is None:
            return _error(400, "invalid_grant")
        access_token = secrets.token_urlsafe(32)
        id_token = self._id_token(grant)
        with self._lock:
            self._access_tokens[access_token] = grant
            self._id_tokens.add(id_token)
        return jsonify(
            access_token=access_token,
            token_type="Bearer",
            expires_in=LIFETIME,
            scope=grant["scope"],
            id_token=id_token,
        )

    def _userinfo(self) -> Response | tuple[Response, int]:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        grant = self._access_tokens.get(token) if scheme == "Bearer" else None
        if grant is None:
            answer, status = _error(401, "invalid_token")
            answer.headers["WWW-Authenticate"] = 'Bearer error="invalid_token"'
            return answer, status
        claims = self._userinfo_claims(grant["person"])
        if self.userinfo_as_json:
            return jsonify(claims)
        return Response(self._userinfo_jwt(claims), mimetype="application/jwt")

    def _end_session(self) -> Response | tuple[Response, int]:
        args = request.args.to_dict()
        unknown = set(args) - LOGOUT_PARAMS
        if unknown:
            return _error(400, "invalid_request", f"unknown parameters: {unknown}")
        required = ("id_token_hint", "state", "post_logout_redirect_uri")
        if not all(args.get(name) for name in required):
            return _error(400, "invalid_request", f"required: {', '.join(required)}")
        if args["id_token_hint"] not in self._id_tokens:
            return _error(400, "invalid_request", "id_token_hint not issued here")
        self.logouts.append(args["id_token_hint"])
        query = urlencode({"state": args["state"]})
        return redirect(f"{args['post_logout_redirect_uri']}?{query}", 302)


@pytest.fixture
def fake_proconnect():
    """A running FakeProConnect for one test; stopped (socket closed) after it."""
    provider = FakeProConnect().start()
    try:
        yield provider
    finally:
        provider.stop()
