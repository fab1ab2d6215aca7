"""Sign in with ProConnect, against a fake provider over HTTP on loopback.

The app's own client (Authlib, joserfc) talks to tests/auth/fake_proconnect.py
as it would to ProConnect: discovery, authorize, the code exchange, the signed
userinfo JWT, the JWKS and end_session. The browser's hops between the two are
made by hand: the test client for the app, requests for the provider. Every
forged or replayed answer must be refused with no session and nothing created.
"""

import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import func, select

from app.auth import services as auth_services
from app.auth.models import Invitation
from app.extensions import db
from app.members.models import Member
from tests.auth.fake_proconnect import fake_proconnect  # noqa: F401
from tests.factories import make_member

CALLBACK = "http://localhost/auth/proconnect/callback"
EMAIL = "agent@example.gouv.fr"  # the fake's default person


@pytest.fixture
def provider(app, fake_proconnect):  # noqa: F811
    fake_proconnect.redirect_uris.add(CALLBACK)
    app.config.update(
        PROCONNECT_DISCOVERY_URL=fake_proconnect.discovery_url,
        PROCONNECT_CLIENT_ID=fake_proconnect.client_id,
        PROCONNECT_CLIENT_SECRET=fake_proconnect.client_secret,
    )
    return fake_proconnect


def to_provider(client, provider) -> str:
    """Press the button; follow the provider's answer; the callback URL it gives."""
    start = client.get("/auth/proconnect/login")
    assert start.status_code == 302
    assert start.location.startswith(provider.issuer + "/authorize?")
    answer = requests.get(start.location, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    callback = urlsplit(answer.headers["Location"])
    assert f"{callback.scheme}://{callback.netloc}{callback.path}" == CALLBACK
    return f"{callback.path}?{callback.query}"


def sign_in(client, provider):
    return client.get(to_provider(client, provider))


def signed_in(client) -> bool:
    return client.get("/auth/account").status_code == 200


def member_count() -> int:
    return db.session.scalar(select(func.count(Member.id)))


def test_off_when_unset_no_button_and_no_routes(client):
    assert "ProConnect" not in client.get("/auth/login").get_data(as_text=True)
    for path in ("/auth/proconnect/login", "/auth/proconnect/callback"):
        assert client.get(path).status_code == 404


def test_the_login_page_shows_the_button(client, provider):
    html = client.get("/auth/login").get_data(as_text=True)
    assert 'class="fr-connect fr-connect--pro"' in html
    assert "S’identifier avec" in html


def test_the_request_carries_state_nonce_eidas1_and_proconnect_scopes(client, provider):
    to_provider(client, provider)
    sent = provider.last_authorize
    assert sent["state"] and sent["nonce"]
    assert sent["acr_values"] == "eidas1"
    assert set(sent["scope"].split()) >= {"openid", "email", "siret", "usual_name"}


def test_an_active_member_signs_in_and_is_asked_once_about_their_administration(
    client, provider
):
    member = make_member(email=EMAIL.upper())  # matched by e-mail, in any case
    response = sign_in(client, provider)
    assert response.status_code == 302
    assert response.location.endswith("/auth/proconnect/consent")
    assert signed_in(client)
    page = client.get("/auth/proconnect/consent").get_data(as_text=True)
    assert "SIRET" in page
    client.post("/auth/proconnect/consent", data={"allow": "Oui"})
    db.session.refresh(member)
    assert member.proconnect_sync is True
    assert (member.organisation, member.organisation_siret) == (
        "DINUM",
        "13002526500013",
    )


def test_with_consent_each_login_updates_the_administration(client, provider, auth):
    member = make_member(email=EMAIL, proconnect_sync=True, organisation="DINUM")
    provider.next_person(
        {"email": EMAIL, "given_name": "Camille", "usual_name": "Durand"}
        | {"siret": "11000201100044", "organizational_unit": "DGFiP"}
    )
    response = sign_in(client, provider)
    assert response.location.endswith("/")  # asked already: straight home
    db.session.refresh(member)
    assert (member.organisation, member.organisation_siret) == (
        "DGFiP",
        "11000201100044",
    )


def test_without_consent_nothing_is_kept(client, provider):
    member = make_member(email=EMAIL)
    sign_in(client, provider)
    client.post("/auth/proconnect/consent", data={"decline": "Non"})
    db.session.refresh(member)
    assert member.proconnect_sync is False
    assert (member.organisation, member.organisation_siret) == ("", "")
    client.post("/auth/logout")
    sign_in(client, provider)  # and later logins leave it so
    db.session.refresh(member)
    assert member.organisation == ""


def test_an_invited_person_completes_their_registration(client, provider):
    staff = make_member(role="staff")
    auth_services.invite(staff, EMAIL, "eig")
    before = member_count()
    response = sign_in(client, provider)
    assert response.location.endswith("/auth/proconnect/register")
    page = client.get("/auth/proconnect/register").get_data(as_text=True)
    assert EMAIL in page
    assert 'value="Camille Durand"' in page  # the name, from the claims
    assert member_count() == before  # nothing yet: the username is theirs to choose
    response = client.post(
        "/auth/proconnect/register",
        data={"display_name": "Camille Durand", "username": "camille.durand"},
    )
    assert response.status_code == 302
    member = db.session.scalar(
        select(Member).where(Member.username == "camille.durand")
    )
    assert member is not None and member.email == EMAIL
    assert member.password_hash is None and member.role == "eig"
    invitation = db.session.scalar(select(Invitation))
    assert invitation.accepted_at is not None
    assert signed_in(client)


def test_a_username_taken_is_said_on_the_form(client, provider):
    auth_services.invite(make_member(role="staff"), EMAIL, "eig")
    make_member(username="pris")
    sign_in(client, provider)
    response = client.post(
        "/auth/proconnect/register", data={"display_name": "C", "username": "pris"}
    )
    assert response.status_code == 400
    assert not signed_in(client)


def test_an_uninvited_address_is_told_so_and_nothing_is_created(client, provider):
    before = member_count()
    response = sign_in(client, provider)
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "n’est pas encore invitée" in html
    assert "contact@eig-link.local" in html
    assert member_count() == before
    assert not signed_in(client)
    assert client.get("/auth/proconnect/register").status_code == 403


def test_a_deactivated_member_is_refused(client, provider):
    make_member(email=EMAIL, active=False)
    response = sign_in(client, provider)
    assert response.status_code == 403
    assert "désactivé" in response.get_data(as_text=True)
    assert not signed_in(client)


def assert_refused(client, response):
    assert response.status_code == 400
    assert "Connexion avec ProConnect impossible" in response.get_data(as_text=True)
    assert not signed_in(client)


def test_a_wrong_state_is_refused(client, provider):
    make_member(email=EMAIL)
    callback = to_provider(client, provider)
    forged = callback.replace("state=", "state=x")
    assert_refused(client, client.get(forged))


def test_a_replayed_code_is_refused(client, provider):
    make_member(email=EMAIL)
    callback = to_provider(client, provider)
    assert client.get(callback).status_code == 302
    client.post("/auth/logout")
    old_code = parse_qs(urlsplit(callback).query)["code"][0]
    fresh = to_provider(client, provider)  # a new state, in this session
    replay = fresh.replace(parse_qs(urlsplit(fresh).query)["code"][0], old_code)
    assert_refused(client, client.get(replay))


@pytest.mark.parametrize(
    "forged",
    [
        {"nonce": "un-autre-nonce"},
        {"exp": int(time.time()) - 600, "iat": int(time.time()) - 1200},
        {"aud": "un-autre-service"},
    ],
    ids=["wrong nonce", "expired", "another audience"],
)
def test_a_forged_id_token_is_refused(client, provider, forged):
    make_member(email=EMAIL)
    provider.id_token_claims_override = forged
    assert_refused(client, sign_in(client, provider))


@pytest.mark.parametrize("signing", ["other_key", "none"])
def test_a_userinfo_not_signed_by_the_provider_is_refused(client, provider, signing):
    make_member(email=EMAIL)
    provider.userinfo_signing = signing
    assert_refused(client, sign_in(client, provider))


def test_a_userinfo_in_plain_json_is_refused(client, provider):
    make_member(email=EMAIL)
    provider.userinfo_as_json = True
    assert_refused(client, sign_in(client, provider))


def test_a_rotated_key_is_fetched_again(client, provider):
    make_member(email=EMAIL, proconnect_sync=False)
    assert sign_in(client, provider).status_code == 302
    client.post("/auth/logout")
    provider.rotate_key()
    assert sign_in(client, provider).status_code == 302
    assert signed_in(client)


def test_logout_ends_our_session_then_goes_through_proconnect(client, provider):
    member = make_member(email=EMAIL, proconnect_sync=False)
    sign_in(client, provider)
    token_before = member.session_token
    response = client.post("/auth/logout")
    assert response.location.startswith(provider.issuer + "/session/end?")
    sent = parse_qs(urlsplit(response.location).query)
    assert set(sent) == {"id_token_hint", "state", "post_logout_redirect_uri"}
    assert not signed_in(client)
    db.session.refresh(member)
    assert member.session_token != token_before  # every other session ends too
    back = requests.get(response.location, allow_redirects=False, timeout=10)
    assert provider.logouts == sent["id_token_hint"]
    returned = urlsplit(back.headers["Location"])
    assert returned.path == "/auth/proconnect/logout"
    assert client.get(f"{returned.path}?{returned.query}").status_code == 302
    assert client.get("/auth/proconnect/logout?state=forged").status_code == 400


def test_a_password_logout_does_not_go_to_proconnect(client, provider, auth):
    member = make_member(email="autre@example.org")
    auth.login(member)
    assert client.post("/auth/logout").location.endswith("/")
