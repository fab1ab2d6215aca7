"""The fake ProConnect behaves like the real one where our client depends on it."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from tests.auth.fake_proconnect import fake_proconnect  # noqa: F401

CALLBACK = "http://localhost/auth/proconnect/callback"


@pytest.fixture
def provider(fake_proconnect):  # noqa: F811
    fake_proconnect.redirect_uris.add(CALLBACK)
    return fake_proconnect


def _authorize(provider, **changes):
    params = {
        "response_type": "code",
        "client_id": provider.client_id,
        "redirect_uri": CALLBACK,
        "scope": "openid email given_name usual_name",
        "state": "st-1",
        "nonce": "n-1",
        "acr_values": "eidas1",
    }
    params.update(changes)
    url = f"{provider.issuer}/authorize"
    return requests.get(url, params=params, allow_redirects=False, timeout=5)


def _code(provider) -> str:
    answer = _authorize(provider)
    assert answer.status_code == 302
    query = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert query["state"] == ["st-1"]
    return query["code"][0]


def _token(provider, code, **changes):
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": CALLBACK,
        "client_id": provider.client_id,
        "client_secret": provider.client_secret,
    }
    form.update(changes)
    return requests.post(f"{provider.issuer}/token", data=form, timeout=5)


def _jwks(provider) -> KeySet:
    keys = requests.get(f"{provider.issuer}/jwks", timeout=5).json()
    return KeySet.import_key_set(keys)


def _userinfo(provider):
    access_token = _token(provider, _code(provider)).json()["access_token"]
    headers = {"Authorization": f"Bearer {access_token}"}
    return requests.get(f"{provider.issuer}/userinfo", headers=headers, timeout=5)


def test_discovery_announces_proconnect_choices(provider):
    config = requests.get(provider.discovery_url, timeout=5).json()
    assert config["issuer"] == provider.issuer
    assert config["jwks_uri"] == f"{provider.issuer}/jwks"
    assert config["token_endpoint_auth_methods_supported"] == ["client_secret_post"]
    assert config["userinfo_signing_alg_values_supported"] == ["RS256"]
    assert config["acr_values_supported"] == ["eidas1"]


def test_authorize_refuses_unknown_parameter_and_missing_nonce(provider):
    assert _authorize(provider, foo="bar").status_code == 400
    assert _authorize(provider, nonce="").status_code == 400
    assert _authorize(provider, redirect_uri="http://evil.test/").status_code == 400
    assert provider.last_authorize["redirect_uri"] == "http://evil.test/"


def test_code_flow_gives_a_verifiable_id_token(provider):
    answer = _token(provider, _code(provider))
    assert answer.status_code == 200
    assert provider.last_authorize["acr_values"] == "eidas1"
    token = jwt.decode(answer.json()["id_token"], _jwks(provider))
    assert token.header["kid"] == provider.kid
    assert token.claims["nonce"] == "n-1"
    assert token.claims["aud"] == provider.client_id
    assert token.claims["sub"] != "agent@example.gouv.fr"


def test_code_is_single_use_and_secret_post_only(provider):
    code = _code(provider)
    basic = requests.post(
        f"{provider.issuer}/token",
        data={"grant_type": "authorization_code", "code": code},
        auth=(provider.client_id, provider.client_secret),
        timeout=5,
    )
    assert basic.status_code == 401
    assert _token(provider, code).status_code == 200
    assert _token(provider, code).json() == {"error": "invalid_grant"}


def test_userinfo_is_a_jwt_signed_by_the_jwks(provider):
    provider.next_person({"email": "a@b.gouv.fr", "given_name": "Ana", "uid": "9"})
    answer = _userinfo(provider)
    assert answer.headers["Content-Type"] == "application/jwt"
    claims = jwt.decode(answer.text, _jwks(provider)).claims
    assert claims["email"] == "a@b.gouv.fr"
    assert "organizational_unit" not in claims


@pytest.mark.parametrize("signing", ["other_key", "none"])
def test_forged_userinfo_does_not_verify(provider, signing):
    provider.userinfo_signing = signing
    answer = _userinfo(provider)
    with pytest.raises(JoseError):
        jwt.decode(answer.text, _jwks(provider))


def test_rotate_key_changes_the_kid(provider):
    before = provider.kid
    assert provider.rotate_key() != before
    [key] = requests.get(f"{provider.issuer}/jwks", timeout=5).json()["keys"]
    assert key["kid"] == provider.kid


def test_session_end_redirects_with_state(provider):
    id_token = _token(provider, _code(provider)).json()["id_token"]
    params = {
        "id_token_hint": id_token,
        "state": "bye",
        "post_logout_redirect_uri": "http://localhost/",
    }
    url = f"{provider.issuer}/session/end"
    answer = requests.get(url, params=params, allow_redirects=False, timeout=5)
    assert answer.headers["Location"] == "http://localhost/?state=bye"
    assert provider.logouts == [id_token]
    params["foo"] = "bar"
    refused = requests.get(url, params=params, allow_redirects=False, timeout=5)
    assert refused.status_code == 400
