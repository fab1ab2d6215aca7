"""Mentoring in a real browser: an EIG asks, the mentor accepts from the bell."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_channels import open_member_page
from tests.factories import make_member
from tests.mentoring.conftest import make_mentor

pytestmark = pytest.mark.browser


def bell(page):
    return page.locator("header .fr-header__tools [data-notification-bell]")


def test_an_eig_asks_and_the_mentor_accepts_from_the_notification(browser, live_server):
    with live_server.app.app_context():
        make_mentor(
            username="dana", display_name="Dana Data", topics="Pseudonymisation"
        )
        make_member(username="camille", role="eig", display_name="Camille Eig")
    mentor = open_member_page(browser, live_server, "dana")
    eig = open_member_page(browser, live_server, "camille")
    try:
        expect(bell(mentor)).to_have_attribute("data-live", "connected")
        expect(bell(mentor).locator("[data-unread-count]")).to_be_hidden()

        eig.goto("/mentoring/")
        eig.get_by_role("link", name="Demander de l’aide").click()
        eig.locator("#topic").fill("pseudonymisation")
        eig.get_by_role("button", name="Voir les mentors").click()
        suggestion = eig.locator('#suggestions [data-mentor="dana"]')
        expect(suggestion).to_contain_text(
            "Propose du mentorat sur « Pseudonymisation »"
        )
        suggestion.get_by_label("Votre message").fill("Je démarre un défi justice.")
        suggestion.get_by_role("button", name="Demander à Dana Data").click()
        expect(eig.locator("#request-status")).to_have_text("En attente")

        # The mentor's bell rings without a reload.
        count = bell(mentor).locator("[data-unread-count]")
        expect(count).to_be_visible()
        expect(count).to_contain_text("1")
        bell(mentor).click()
        mentor.get_by_role("link", name="Camille Eig vous demande du mentorat").click()
        expect(mentor.locator("blockquote")).to_contain_text("défi justice")
        mentor.locator("#message").fill("Avec plaisir, appelons-nous jeudi.")
        mentor.get_by_role("button", name="Accepter").click()
        expect(mentor.locator("#request-status")).to_have_text("Acceptée")
        expect(bell(mentor).locator("[data-unread-count]")).to_be_hidden()

        expect(bell(eig).locator("[data-unread-count]")).to_contain_text("1")
        eig.reload()
        expect(eig.locator("#request-status")).to_have_text("Acceptée")
        expect(eig.get_by_text("appelons-nous jeudi")).to_be_visible()
    finally:
        mentor.context.close()
        eig.context.close()
