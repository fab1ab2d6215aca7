"""Writing to the people one finds: from a profile, and by typing a name with
its accents left out in the channels page's people picker; at desktop and phone
sizes."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import TIMEOUT_MS, LiveServer
from tests.factories import PASSWORD, make_member

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": (1280, 800), "mobile": (390, 844)}
# Screenshots for a person to look at, when EIG_SHOTS names a folder.
SHOTS = os.environ.get("EIG_SHOTS")


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request) -> tuple[str, dict]:
    width, height = VIEWPORTS[request.param]
    return request.param, {"width": width, "height": height}


@pytest.fixture
def people(live_server):
    """Camille, who logs in, and Hélène Ancienne, whom she wants to reach."""
    with live_server.app.app_context():
        make_member(username="camille", display_name="Camille Nouvelle")
        make_member(
            username="helene.a",
            display_name="Hélène Ancienne",
            role="alumni",
            headline="Data scientist à la DINUM",
            open_to_mentoring=True,
        )
        make_member(username="helmut", display_name="Helmut Autre")


@pytest.fixture
def camille(browser: Browser, live_server: LiveServer, people, viewport) -> Page:
    _, size = viewport
    context = browser.new_context(
        base_url=live_server.url,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        viewport=size,
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.csp_violations = []
    page.on(
        "console",
        lambda m: (
            page.csp_violations.append(m.text) if "Content Security" in m.text else None
        ),
    )
    page.goto("/auth/login")
    page.locator("#username").fill("camille")
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/")
    yield page
    context.close()


def shoot(page: Page, name: str, viewport) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}-{viewport[0]}.png", full_page=False)


def expect_conversation_with_helene(page: Page) -> None:
    page.wait_for_url("**/channels/dm-*")
    expect(page.locator("#channel-title")).to_contain_text("Hélène Ancienne")
    current = page.locator(
        '#channel-list [aria-current="page"] .eig-channel-list__name'
    )
    expect(current).to_have_text("Hélène Ancienne")  # not after oneself


def test_a_member_writes_from_a_profile(camille: Page, viewport):
    camille.goto("/members/helene.a")
    button = camille.get_by_role("button", name="Envoyer un message à Hélène Ancienne")
    expect(button).to_be_visible()
    expect(camille.locator("#ask-mentoring")).to_have_text("Demander du mentorat")
    shoot(camille, "profile", viewport)
    button.click()
    expect_conversation_with_helene(camille)


def test_a_member_writes_from_a_directory_card_by_keyboard(camille: Page, viewport):
    """The cards' buttons share one form (the cards are cached for everyone)."""
    camille.goto("/members/?q=helene")
    card = camille.locator("#member-list li").filter(has_text="Hélène Ancienne")
    button = card.get_by_role("button", name="Envoyer un message à Hélène Ancienne")
    expect(button).to_be_visible()
    card.scroll_into_view_if_needed()
    shoot(camille, "directory", viewport)
    button.focus()
    camille.keyboard.press("Enter")
    expect_conversation_with_helene(camille)


def test_a_member_finds_a_name_typed_without_accents(camille: Page, viewport):
    camille.goto("/channels/")
    field = camille.get_by_role("combobox", name="Nom ou identifiant du membre")
    field.scroll_into_view_if_needed()
    field.press_sequentially("helene anc", delay=20)
    listbox = camille.get_by_role("listbox", name="Membres trouvés")
    option = listbox.get_by_role("option", name="Hélène Ancienne @helene.a")
    expect(option).to_be_visible()
    expect(listbox.get_by_role("option")).to_have_count(1)
    expect(field).to_have_attribute("aria-expanded", "true")
    field.press("ArrowDown")
    expect(field).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    expect(option).to_have_attribute("aria-selected", "true")
    listbox.scroll_into_view_if_needed()
    shoot(camille, "picker", viewport)
    field.press("Enter")
    expect_conversation_with_helene(camille)
    assert camille.csp_violations == []  # the picker is a module file, no inline code


def test_escape_closes_the_suggestions(camille: Page, viewport):
    camille.goto("/channels/")
    field = camille.get_by_role("combobox", name="Nom ou identifiant du membre")
    field.press_sequentially("hel", delay=20)
    listbox = camille.get_by_role("listbox", name="Membres trouvés")
    expect(listbox.get_by_role("option")).to_have_count(2)
    field.press("Escape")
    expect(listbox).to_be_hidden()
    expect(field).to_have_attribute("aria-expanded", "false")
