"""A new EIG joins their défi, in a real browser: they find it, ask by keyboard,
a team member accepts from the défi page, and the newcomer sees its channel."""

import pytest
from playwright.sync_api import expect

from app.channels.services import ensure_defi_channel
from app.extensions import db
from tests.browser.conftest import member_page
from tests.factories import make_defi, make_member

pytestmark = pytest.mark.browser


def test_a_new_eig_asks_to_join_and_a_team_member_accepts(browser, live_server):
    with live_server.app.app_context():
        lead = make_member(username="lina", display_name="Lina Lead", role="eig")
        make_member(username="noe", display_name="Noé Nouveau", role="eig")
        defi = make_defi(slug="lab-sante", title="Lab Santé", team=[(lead, "eig")])
        ensure_defi_channel(defi)
        db.session.commit()

    newcomer = member_page(browser, live_server, "noe")
    newcomer.goto("/members/noe")
    newcomer.get_by_role("link", name="Trouvez votre défi").click()
    newcomer.goto("/channels/defi-lab-sante")
    expect(newcomer.locator("#join-form")).to_be_visible()  # not a member yet
    newcomer.goto("/defis/lab-sante")
    summary = newcomer.locator("#join-team summary")
    summary.focus()
    newcomer.keyboard.press("Enter")  # opens the form, by keyboard
    newcomer.get_by_label("Un mot pour l’équipe").fill("Promotion 7, data scientist.")
    newcomer.get_by_role("button", name="Demander à rejoindre l’équipe").click()
    expect(newcomer.locator("#my-team-request")).to_contain_text("attend sa réponse")

    team = member_page(browser, live_server, "lina")
    team.goto("/notifications/")
    team.get_by_text("Noé Nouveau demande à rejoindre").first.click()
    team.wait_for_url("**/defis/lab-sante*")
    requests = team.locator("#team-requests")
    expect(requests).to_contain_text("Promotion 7, data scientist.")
    requests.get_by_role("button", name="Accepter Noé Nouveau").click()
    expect(team.locator("#defi-team")).to_contain_text("Noé Nouveau")
    expect(team.locator("#team-requests")).to_have_count(0)

    newcomer.goto("/defis/lab-sante")
    expect(newcomer.locator("#defi-team")).to_contain_text("Noé Nouveau")
    newcomer.locator("#defi-channel").click()
    newcomer.wait_for_url("**/channels/defi-lab-sante")
    expect(newcomer.locator("h1")).to_contain_text("Lab Santé")
    expect(newcomer.locator("#composer")).to_be_visible()
    expect(newcomer.locator("#join-form")).to_have_count(0)  # already a member
