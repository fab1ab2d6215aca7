"""Sign in with ProConnect in a real browser, against the fake provider."""

import re

import pytest
from playwright.sync_api import expect

from tests.auth.fake_proconnect import fake_proconnect  # noqa: F401
from tests.factories import make_member

pytestmark = pytest.mark.browser


def test_the_button_signs_a_member_in_and_asks_once_about_their_administration(
    page,
    live_server,
    fake_proconnect,  # noqa: F811
):
    fake_proconnect.redirect_uris.add(f"{live_server.url}/auth/proconnect/callback")
    live_server.app.config.update(
        PROCONNECT_DISCOVERY_URL=fake_proconnect.discovery_url,
        PROCONNECT_CLIENT_ID=fake_proconnect.client_id,
        PROCONNECT_CLIENT_SECRET=fake_proconnect.client_secret,
    )
    with live_server.app.app_context():
        make_member(email="agent@example.gouv.fr", display_name="Camille Durand")

    page.goto("/auth/login")
    page.get_by_role("link", name="S’identifier avec ProConnect").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Votre administration, tenue à jour"
    )
    expect(page.get_by_role("status")).to_contain_text("Bienvenue, Camille Durand")
    page.get_by_role("button", name="Oui, à chaque connexion").click()
    page.wait_for_url(re.compile(r"/members/[^/]+/edit$"))
    header = page.locator(".fr-header__tools-links")
    expect(header.get_by_role("link", name="Camille Durand")).to_be_visible()
    assert fake_proconnect.last_authorize["acr_values"] == "eidas1"
