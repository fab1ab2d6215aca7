"""ProConnect (formerly AgentConnect): the State's sign-in for public agents.

Authlib speaks the protocol: discovery, `state` and `nonce`, the code exchange
and the id_token's checks (signature by the provider's keys, issuer, audience,
expiry, nonce). What ProConnect adds is done here, with joserfc as Authlib does
it: its userinfo answer is a JWT signed with the same keys, not JSON, and `sub`
differs per service, so accounts are matched by e-mail.

Off unless PROCONNECT_DISCOVERY_URL, PROCONNECT_CLIENT_ID and
PROCONNECT_CLIENT_SECRET are all set: no button, and its routes answer 404.
"""

import logging
import secrets
from dataclasses import dataclass
from typing import cast

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from authlib.integrations.flask_client.apps import FlaskOAuth2App
from flask import Flask, current_app, redirect, session, url_for
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry
from werkzeug.local import LocalProxy

SETTINGS = (
    "PROCONNECT_DISCOVERY_URL",
    "PROCONNECT_CLIENT_ID",
    "PROCONNECT_CLIENT_SECRET",
)
REFUSALS = (AuthlibBaseError, JoseError, requests.RequestException, ValueError)
SCOPES = "openid email given_name usual_name uid siret idp_id organizational_unit"
ACR_VALUES = "eidas1"
SIGNING_ALGORITHMS = ("RS256", "ES256")  # never "none"
TIMEOUT_SECONDS = 10
ID_TOKEN = "proconnect_id_token"  # in the session: it came through ProConnect
LOGOUT_STATE = "proconnect_logout_state"
log = logging.getLogger(__name__)


class ProConnectError(Exception):
    """The provider's answer is missing, refused, forged or replayed."""


@dataclass(frozen=True)
class Identity:
    """What ProConnect vouches for, from its signed userinfo."""

    email: str
    given_name: str
    usual_name: str
    siret: str
    organizational_unit: str
    id_token: str  # kept for logout (id_token_hint)

    @property
    def display_name(self) -> str:
        return " ".join(part for part in (self.given_name, self.usual_name) if part)


def enabled(app: Flask | None = None) -> bool:
    config = (app or current_app).config
    return all(config.get(name) for name in SETTINGS)


def client() -> FlaskOAuth2App:
    """This app's ProConnect client, made again if its settings changed."""
    # the app itself, not the proxy: OAuth keeps it and the cache lives on it
    app = cast("LocalProxy[Flask]", current_app)._get_current_object()
    settings = tuple(app.config[name] for name in SETTINGS)
    cached = app.extensions.get("proconnect")
    if cached is not None and cached[0] == settings:
        return cached[1]
    discovery_url, client_id, client_secret = settings
    remote = OAuth(app).register(
        "proconnect",
        client_id=client_id,
        client_secret=client_secret,
        server_metadata_url=discovery_url,
        client_kwargs={
            "scope": SCOPES,
            "token_endpoint_auth_method": "client_secret_post",
            "default_timeout": TIMEOUT_SECONDS,
        },
    )
    app.extensions["proconnect"] = (settings, remote)
    return remote


def start(redirect_uri: str):
    """The redirection to ProConnect; Authlib keeps state and nonce in the session."""
    try:
        return client().authorize_redirect(redirect_uri, acr_values=ACR_VALUES)
    except (requests.RequestException, ValueError) as error:
        raise ProConnectError(f"discovery failed: {error}") from error


def finish() -> Identity:
    """Check the provider's answer on the callback; the identity it vouches for."""
    remote = client()
    try:
        token = remote.authorize_access_token()
        checked = token.get("userinfo")  # the id_token's claims, checked by Authlib
        if not checked:
            raise ProConnectError("no id_token")
        claims = _userinfo(remote, token)
    except REFUSALS as error:
        raise ProConnectError(f"{type(error).__name__}: {error}") from error
    if claims.get("sub") != checked.get("sub"):
        raise ProConnectError("userinfo is about someone else")
    return _identity(claims, token["id_token"])


def _userinfo(remote: FlaskOAuth2App, token: dict) -> dict:
    """The signed userinfo JWT, verified with the provider's keys."""
    metadata = remote.load_server_metadata()
    # Plain requests: ProConnect's access tokens live 60 seconds, which Authlib's
    # session already counts as expired (its leeway is 60 seconds too).
    response = requests.get(
        metadata["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {token['access_token']}"},
        timeout=TIMEOUT_SECONDS,
    )
    response.raise_for_status()
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip()
    if media_type != "application/jwt":
        raise ProConnectError(f"userinfo is {media_type or 'untyped'}, not a JWT")
    claims = _verified(remote, response.text.strip())
    for name, expected in (("iss", metadata.get("issuer")), ("aud", remote.client_id)):
        value = claims.get(name)
        values = value if isinstance(value, list) else [value]
        if value is not None and expected not in values:
            raise ProConnectError(f"userinfo {name} is {value!r}")
    return claims


def _verified(remote: FlaskOAuth2App, value: str) -> dict:
    """Decode a JWT signed by one of the provider's keys; fetch them again once
    if its key is new (the provider rotated them)."""
    registry = JWSRegistry(algorithms=list(SIGNING_ALGORITHMS))
    try:
        keys = KeySet.import_key_set(remote.fetch_jwk_set())
        return jwt.decode(value, keys, registry=registry).claims
    except InvalidKeyIdError:
        keys = KeySet.import_key_set(remote.fetch_jwk_set(force=True))
        return jwt.decode(value, keys, registry=registry).claims


def _identity(claims: dict, id_token: str) -> Identity:
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email:
        raise ProConnectError("no e-mail in userinfo")

    def text(name: str) -> str:
        value = claims.get(name)
        return value.strip() if isinstance(value, str) else ""

    return Identity(
        email=email.strip().lower(),
        given_name=text("given_name"),
        usual_name=text("usual_name"),
        siret=text("siret"),
        organizational_unit=text("organizational_unit"),
        id_token=id_token,
    )


def logout_url(id_token: str, state: str, return_to: str) -> str:
    """ProConnect's end-session address, which sends the browser back to us."""
    try:
        return client().create_logout_url(
            post_logout_redirect_uri=return_to, id_token_hint=id_token, state=state
        )["url"]
    except (requests.RequestException, RuntimeError, ValueError) as error:
        raise ProConnectError(f"no end-session endpoint: {error}") from error


def end_session_redirect(id_token: str):
    """After our own logout: through ProConnect's, which sends the browser back."""
    state = secrets.token_urlsafe(24)
    session[LOGOUT_STATE] = state
    try:
        return redirect(
            logout_url(
                id_token, state, url_for("auth.proconnect_logout", _external=True)
            )
        )
    except ProConnectError as error:
        log.warning("ProConnect logout unavailable: %s", error)
        return redirect(url_for("home.index"))
