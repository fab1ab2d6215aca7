"""In a real browser: after a refused form, the error summary has the focus, and
each of its links takes the focus to its field."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import member_page
from tests.browser.test_accessibility import SIZES, violations
from tests.factories import make_member
from tests.resources.files import EXE

pytestmark = pytest.mark.browser


def watch_csp(page: Page) -> list[str]:
    """The policy's refusals the console reports from now on."""
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security" in m.text else None,
    )
    return violations


def test_a_failed_login_focuses_the_summary_whose_links_focus_the_fields(page):
    violations = watch_csp(page)
    page.goto("/auth/login")
    expect(page.locator("#error-summary")).to_have_count(0)
    page.get_by_role("button", name="Se connecter").click()

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title(re.compile("^Erreur\u00a0: Connexion"))
    expect(summary.get_by_role("heading")).to_have_text("Il y a un problème")
    expect(summary.get_by_role("link")).to_have_count(2)

    summary.get_by_role("link", name=re.compile("^Mot de passe")).click()
    expect(page.locator("#password")).to_be_focused()
    summary.get_by_role("link", name=re.compile("^Identifiant")).click()
    expect(page.locator("#username")).to_be_focused()
    # The keyboard works too: from the summary, Tab reaches its first link.
    page.locator("#error-summary").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#username")).to_be_focused()
    assert violations == []


def test_a_refused_file_is_said_under_the_file_field_and_reached_from_the_summary(
    browser, live_server, tmp_path
):
    live_server.app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    with live_server.app.app_context():
        username = make_member(display_name="Ada Lovelace").username
    page = member_page(browser, live_server, username)
    try:
        violations = watch_csp(page)
        page.goto("/resources/new")
        page.locator("#title").fill("Rapport")
        page.locator("#file").set_input_files(
            {"name": "rapport.pdf", "mimeType": "application/pdf", "buffer": EXE}
        )
        page.get_by_role("button", name="Partager", exact=True).click()

        summary = page.locator("#error-summary")
        expect(summary).to_be_focused()
        expect(page).to_have_title(re.compile("^Erreur\u00a0: "))
        expect(page.locator("#file-messages")).to_contain_text("programme exécutable")
        expect(page.locator(".fr-alert--sm")).to_have_count(0)  # no banner
        summary.get_by_role("link", name=re.compile("^Fichier")).click()
        expect(page.locator("#file")).to_be_focused()
        assert violations == []
    finally:
        page.context.close()


@pytest.mark.parametrize("size", SIZES)
def test_a_refused_form_has_no_serious_axe_violation(
    browser, live_server, tmp_path, size
):
    live_server.app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    with live_server.app.app_context():
        username = make_member().username
    width, height = SIZES[size]
    page = member_page(
        browser,
        live_server,
        username,
        viewport={"width": width, "height": height},
        bypass_csp=True,  # axe is injected as a script of the test's own
    )
    try:
        page.goto("/resources/new")
        page.locator("#url").fill("javascript:alert(1)")
        page.locator("#file").set_input_files(
            {"name": "rapport.pdf", "mimeType": "application/pdf", "buffer": EXE}
        )
        page.get_by_role("button", name="Partager", exact=True).click()
        expect(page.locator("#error-summary")).to_be_focused()
        assert violations(page) == []
    finally:
        page.context.close()
