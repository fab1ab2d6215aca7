"""What a member sees in a real browser: invitation, login, profile, directory."""

import re

import pytest
from playwright.sync_api import Page, expect

from app.auth import services as auth_services
from tests.factories import PASSWORD, make_defi, make_member, make_promotion

pytestmark = pytest.mark.browser


def log_in(page: Page, username: str, password: str = PASSWORD) -> None:
    page.goto("/auth/login")
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def header_links(page: Page):
    return page.locator(".fr-header__tools-links")


def test_invited_person_registers_and_lands_on_profile_edit(page, live_server):
    with live_server.app.app_context():
        staff = make_member(role="staff")
        _invitation, link = auth_services.invite(staff, "nouvelle@example.org", "eig")
    assert link.startswith(live_server.url + "/auth/register/")

    page.goto(link)
    expect(page.get_by_role("heading", name="Rejoindre EIG Link")).to_be_visible()
    expect(page.locator("main")).to_contain_text("nouvelle@example.org")
    page.locator("#display_name").fill("Nora Nouvelle")
    page.locator("#username").fill("nora.nouvelle")
    page.locator("#password").fill(PASSWORD)
    page.locator("#confirm").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()

    page.wait_for_url(re.compile(r"/members/nora\.nouvelle/edit$"))
    expect(page.get_by_role("status")).to_contain_text("Votre compte est créé")
    expect(
        page.get_by_role("heading", name="Modifier le profil de Nora Nouvelle")
    ).to_be_visible()
    expect(header_links(page).get_by_role("link", name="Nora Nouvelle")).to_be_visible()


def test_member_logs_in_and_a_wrong_password_is_refused(page, live_server):
    with live_server.app.app_context():
        username = make_member(display_name="Camille Durand").username

    log_in(page, username, "pas-le-bon-mot-de-passe")
    expect(page.locator(".fr-message--error")).to_have_text(
        "Identifiant ou mot de passe incorrect."
    )
    expect(header_links(page).get_by_role("link", name="Se connecter")).to_be_visible()

    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("status")).to_contain_text("Bienvenue, Camille Durand !")
    expect(
        header_links(page).get_by_role("link", name="Camille Durand")
    ).to_be_visible()


def test_member_edits_profile_and_sees_skills_bio_and_link(page, live_server):
    with live_server.app.app_context():
        username = make_member(display_name="Léa Martin").username
    log_in(page, username)
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"/members/{username}/edit")
    page.locator("#skills").fill("Python, NLP")
    page.locator("#bio").fill("Data scientist, **gras** et fière.")
    page.locator("#github_url").fill("https://github.com/x")
    page.get_by_role("button", name="Enregistrer").click()

    page.wait_for_url(f"{live_server.url}/members/{username}")
    expect(page.get_by_role("status")).to_contain_text("Profil enregistré.")
    expect(page.locator("#member-skills .fr-tag")).to_have_text(["NLP", "Python"])
    expect(page.locator("#member-bio strong")).to_have_text("gras")
    expect(page.locator("#member-bio")).not_to_contain_text("**")
    github = page.locator("#member-links").get_by_role("link", name="GitHub")
    expect(github).to_have_attribute("href", "https://github.com/x")


def test_directory_filters_by_skill_then_promotion(page, live_server):
    with live_server.app.app_context():
        p3 = make_promotion(number=3, year=2019)
        p5 = make_promotion(number=5, year=2021)
        make_member(display_name="Alice Python", skills=["Python"], promotions=[p3])
        make_member(display_name="Bruno Python", skills=["Python"], promotions=[p5])
        make_member(display_name="Chloé Design", skills=["Design"], promotions=[p3])
        viewer = make_member(display_name="Zoé Lectrice").username
    log_in(page, viewer)
    page.wait_for_url(f"{live_server.url}/")
    page.goto("/members/")
    expect(page.locator("#result-count")).to_have_text("4 membres")
    members = page.locator("#member-list .fr-card__title")

    page.locator("#filter-skill").select_option(label="Python")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r"[?&]skill=Python"))
    expect(page.locator("#result-count")).to_have_text("2 membres")
    expect(members).to_have_text(["Alice Python", "Bruno Python"])

    page.locator("#filter-promotion").select_option(label="Promotion 3 (2019)")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r"[?&]promotion=promotion-3"))
    expect(page.locator("#result-count")).to_have_text("1 membre")
    expect(members).to_have_text(["Alice Python"])

    page.locator("#filter-skill").select_option(value="")
    page.get_by_role("button", name="Filtrer").click()
    page.wait_for_url(re.compile(r"[?&]skill=(&|$)"))
    expect(page.locator("#result-count")).to_have_text("2 membres")
    expect(members).to_have_text(["Alice Python", "Chloé Design"])


def test_member_goes_from_directory_to_defi_to_team_member(page, live_server):
    with live_server.app.app_context():
        alice = make_member(display_name="Alice Martin")
        bruno = make_member(display_name="Bruno Petit")
        make_defi(title="Signaux faibles", team=[(alice, "eig"), (bruno, "mentor")])
        alice_name, bruno_username = alice.username, bruno.username
    log_in(page, alice_name)
    page.wait_for_url(f"{live_server.url}/")

    page.goto("/members/")
    card = page.locator(".eig-member-card").filter(has_text="Alice Martin")
    expect(card).to_contain_text("Défi : Signaux faibles")
    card.get_by_role("link", name="Alice Martin").click()
    page.wait_for_url(f"{live_server.url}/members/{alice_name}")
    page.locator("#member-defis").get_by_role("link", name="Signaux faibles").click()

    expect(page.locator("#defi-title")).to_have_text("Signaux faibles")
    team = page.locator("#defi-team")
    expect(team).to_contain_text("Bruno Petit — Mentor")
    team.get_by_role("link", name="Bruno Petit").click()
    page.wait_for_url(f"{live_server.url}/members/{bruno_username}")
    expect(page.locator("#member-name")).to_have_text("Bruno Petit")
    expect(page.locator("#member-defis")).to_contain_text("Signaux faibles")


def test_defi_list_card_opens_the_defi(page, live_server):
    with live_server.app.app_context():
        username = make_member().username
        slug = make_defi(title="Open Justice").slug
    log_in(page, username)
    page.wait_for_url(f"{live_server.url}/")

    page.goto("/defis/")
    page.locator("#defi-list").get_by_role("link", name="Open Justice").click()
    page.wait_for_url(f"{live_server.url}/defis/{slug}")
    expect(page.locator("#defi-title")).to_have_text("Open Justice")


def test_page_is_french_and_skip_link_comes_first(page):
    page.goto("/auth/login")
    expect(page.locator("html")).to_have_attribute("lang", "fr")

    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_text("Contenu")
    expect(focused).to_have_attribute("href", "#contenu")
    page.keyboard.press("Enter")
    expect(page.locator("main#contenu")).to_be_focused()
