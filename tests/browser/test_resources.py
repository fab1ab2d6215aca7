"""In a real browser: share a file for a défi; another member finds, bookmarks and
downloads it."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_journeys import log_in
from tests.factories import make_defi, make_member

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def log_out(page: Page) -> None:
    page.context.clear_cookies()


def test_shared_file_is_found_on_the_defi_page_bookmarked_and_downloaded(
    page, live_server, tmp_path
):
    live_server.app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    with live_server.app.app_context():
        make_defi(slug="open-justice", title="Open Justice")
        author = make_member(display_name="Ada Lovelace").username
        reader = make_member(display_name="Lou Lectrice").username

    log_in(page, author)
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Ressources"
    ).click()
    page.get_by_role("link", name="Partager une ressource").click()
    page.locator("#kind").select_option(label="Guide")
    page.locator("#title").fill("Guide de pseudonymisation")
    page.locator("#file").set_input_files(
        {"name": "guide.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    page.locator("#description").fill("Les **étapes** pour pseudonymiser.")
    page.locator("#tags").fill("NLP, Justice")
    page.locator("#licence").select_option(label="Licence Ouverte 2.0 (Etalab)")
    page.locator("#defi").select_option(label="Open Justice")
    page.get_by_role("button", name="Partager", exact=True).click()
    page.wait_for_url(re.compile(r"/resources/\d+$"))
    expect(page.get_by_role("status")).to_contain_text("Ressource partagée.")
    expect(page.locator("#resource-description strong")).to_have_text("étapes")
    log_out(page)

    log_in(page, reader)
    page.wait_for_url(f"{live_server.url}/")
    page.goto("/defis/open-justice")
    resources = page.locator("#defi-resources")
    expect(resources).to_contain_text("Guide de pseudonymisation")
    resources.get_by_role("link", name="Guide de pseudonymisation").click()
    page.wait_for_url(re.compile(r"/resources/\d+$"))
    expect(page.locator("#resource-author")).to_contain_text("Ada Lovelace")

    page.get_by_role("button", name="Ajouter aux favoris").click()
    expect(page.get_by_role("status")).to_contain_text("Ajoutée à vos favoris.")
    expect(page.locator("#bookmark-count")).to_have_text("1 favori")
    expect(page.get_by_role("button", name="Retirer des favoris")).to_be_visible()

    with page.expect_download() as download_info:
        page.locator("#resource-download").click()
    download = download_info.value
    assert download.suggested_filename == "guide.pdf"
    saved = tmp_path / "downloaded.pdf"
    download.save_as(saved)
    assert saved.read_bytes() == PDF
