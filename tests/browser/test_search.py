"""Searching in a real browser: the header box suggests as you type, /search filters."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_journeys import log_in
from tests.factories import make_defi, make_member

pytestmark = pytest.mark.browser


def logged_in(page: Page, live_server, username: str) -> None:
    log_in(page, username)
    page.wait_for_url(f"{live_server.url}/")


def test_header_box_suggests_and_opens_a_suggestion_with_the_keyboard(
    page, live_server
):
    with live_server.app.app_context():
        make_member(display_name="Nadia Lambert", skills=["NLP"])
        nadine = make_member(display_name="Nadine Morel").username
        viewer = make_member(display_name="Zoé Lectrice").username
    logged_in(page, live_server, viewer)

    box = page.get_by_role("combobox", name="Rechercher")
    expect(box).to_have_attribute("aria-expanded", "false")
    box.press_sequentially("nadi", delay=30)
    listbox = page.get_by_role("listbox", name="Suggestions")
    options = listbox.get_by_role("option")
    expect(options).to_have_count(2)
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#header-search-status")).to_have_text(
        "2 suggestions disponibles."
    )

    position = [text.startswith("Nadine") for text in options.all_inner_texts()]
    nadine_index = position.index(True)
    for _ in range(nadine_index + 1):
        box.press("ArrowDown")
    chosen = options.nth(nadine_index)
    expect(chosen).to_have_attribute("aria-selected", "true")
    expect(chosen).to_contain_text("Membre")
    expect(box).to_have_attribute("aria-activedescendant", chosen.get_attribute("id"))
    expect(box).to_be_focused()

    box.press("Escape")
    expect(listbox).to_be_hidden()
    expect(box).to_have_attribute("aria-expanded", "false")
    expect(box).not_to_have_attribute("aria-activedescendant", re.compile(".*"))

    box.press("ArrowDown")  # reopens on the first option
    expect(options.first).to_have_attribute("aria-selected", "true")
    box.press("ArrowUp")  # wraps to the last one
    expect(options.last).to_have_attribute("aria-selected", "true")
    expect(options.first).to_have_attribute("aria-selected", "false")
    for _ in range(nadine_index + 1):  # wraps to the first, then down to Nadine
        box.press("ArrowDown")
    expect(chosen).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    page.wait_for_url(f"{live_server.url}/members/{nadine}")
    expect(page.locator("#member-name")).to_have_text("Nadine Morel")


def test_enter_without_a_selection_opens_the_results_page(page, live_server):
    with live_server.app.app_context():
        make_member(display_name="Ada Lovelace", skills=["NLP"])
        viewer = make_member(display_name="Zoé Lectrice").username
    logged_in(page, live_server, viewer)

    box = page.get_by_role("combobox", name="Rechercher")
    box.fill("Lovelace")
    expect(page.get_by_role("option", name=re.compile("Ada Lovelace"))).to_be_visible()
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=Lovelace$"))
    expect(page.locator("#search-count")).to_have_text("1 résultat pour « Lovelace »")
    expect(page.get_by_role("combobox", name="Rechercher")).to_have_value("Lovelace")


def test_results_are_filtered_by_type(page, live_server):
    with live_server.app.app_context():
        make_member(display_name="Paul Pseudo", skills=["Pseudonymisation"])
        slug = make_defi(title="Pseudonymisation des décisions").slug
        viewer = make_member(display_name="Zoé Lectrice").username
    logged_in(page, live_server, viewer)

    page.goto("/search?q=pseudonymisation")
    results = page.locator("#search-results h2")
    expect(page.locator("#search-count")).to_have_text(
        "2 résultats pour « pseudonymisation »"
    )
    expect(results).to_have_count(2)

    types = page.get_by_role("navigation", name="Type de résultat")
    types.get_by_role("link", name="Défis (1)").click()
    page.wait_for_url(re.compile(r"[?&]type=defi"))
    expect(results).to_have_text(["Pseudonymisation des décisions"])
    current = types.get_by_role("link", name="Défis (1)")
    expect(current).to_have_attribute("aria-current", "page")

    types.get_by_role("link", name="Membres (1)").click()
    page.wait_for_url(re.compile(r"[?&]type=member"))
    expect(results).to_have_text(["Paul Pseudo"])

    types.get_by_role("link", name="Tout (2)").click()
    expect(results).to_have_count(2)
    page.get_by_role("link", name="Pseudonymisation des décisions").click()
    page.wait_for_url(f"{live_server.url}/defis/{slug}")
