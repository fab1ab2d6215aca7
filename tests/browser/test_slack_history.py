"""A défi channel imported from Slack, as a member finds it from the défi page:
its history in Slack's order, imported authors named, threads that open."""

import pytest
from playwright.sync_api import expect

from app.extensions import db
from tests.browser.test_conversation import SIZES, log_in, open_channel, shot
from tests.factories import make_defi, make_member, make_promotion
from tests.slack.build import message, write_export

pytestmark = pytest.mark.browser

DAYS = {
    "projet-lab-sante/2019-03-01.json": [
        message("U2", "1551430100.000200", "Salut !", thread_ts="1551430000.000100"),
        message("U1", "1551430000.000100", "Bonjour <@U2> :wave:"),
        message("U2", "1551430200.000300", "On se voit *jeudi* ?"),
    ],
    "projet-lab-sante/2019-03-04.json": [
        message("U1", "1551690000.000100", "Le compte rendu est en ligne"),
    ],
}


@pytest.fixture(params=SIZES)
def size(request) -> str:
    return request.param


@pytest.fixture
def imported(live_server, tmp_path):
    app = live_server.app
    with app.app_context():
        defi = make_defi(
            slug="lab-sante", title="Lab Santé", promotion=make_promotion(year=2019)
        )
        alice = make_member(email="alice@example.org", display_name="Alice Martin")
        reader = make_member(display_name="Zoé Lectrice")
        db.session.commit()
        names = {"alice": alice.username, "reader": reader.username}
        result = app.test_cli_runner().invoke(
            args=["import-slack", str(write_export(tmp_path, days=DAYS))]
        )
        assert result.exit_code == 0, result.output
        return names | {"defi": defi.slug}


def test_an_imported_defi_channel_shows_its_history_in_order(
    browser, live_server, imported, size
):
    page = log_in(browser, live_server, imported["reader"], size)
    page.goto(f"/defis/{imported['defi']}")
    page.locator("#defi-channel").click()
    expect(page.locator("#connection-state")).to_have_attribute(
        "data-state", "connected"
    )
    bodies = page.locator("#messages .eig-message .eig-message__body")
    expect(bodies).to_have_text(
        [
            "Bonjour Bruno Ancien 👋",
            "Salut !",  # a reply, shown in the flow too, with what it answers
            "On se voit jeudi ?",
            "Le compte rendu est en ligne",
        ]
    )
    first = page.locator("#messages .eig-message").first
    expect(first.locator(".eig-message__author")).to_have_text("Alice Martin")
    reply = page.locator("#messages .eig-message").nth(1)
    expect(reply.locator(".eig-message__author")).to_have_text("Bruno Ancien")
    expect(reply.locator(".eig-message__imported")).to_have_text("importé de Slack")
    expect(reply.locator(".eig-message__reply-to")).to_contain_text(
        "en réponse à Alice Martin"
    )
    expect(page.locator("#messages .eig-message").last).to_be_in_viewport()
    shot(page, "slack-history", size)

    first.get_by_role("link", name="1 réponse").click()
    thread = page.locator("#messages .eig-message .eig-message__body")
    expect(thread).to_have_text(["Bonjour Bruno Ancien 👋", "Salut !"])
    shot(page, "slack-thread", size)


def test_a_member_can_answer_below_the_imported_history(browser, live_server, imported):
    page = log_in(browser, live_server, imported["alice"], "desktop")
    open_channel(page, "defi-lab-sante")
    page.locator("#body").fill("Je reprends ici, sur EIG Link")
    page.locator("#body").press("Enter")
    last = page.locator("#messages .eig-message").last
    expect(last.locator(".eig-message__body")).to_have_text(
        "Je reprends ici, sur EIG Link"
    )
    page.reload()
    expect(page.locator("#messages .eig-message").last).to_contain_text(
        "Je reprends ici"
    )


def test_a_member_erases_what_they_wrote_on_slack_by_keyboard(
    browser, live_server, imported, size
):
    page = log_in(browser, live_server, imported["alice"], size)
    page.goto("/auth/account/privacy")
    heading = page.get_by_role("heading", name="Mes messages importés de Slack")
    line = page.locator("li", has=page.get_by_role("link", name="# Lab Santé"))
    expect(line).to_contain_text("2 messages")
    heading.scroll_into_view_if_needed()
    shot(page, "privacy-slack", size)

    confirm = page.locator("#erase-imported input[type=checkbox]")
    confirm.focus()
    page.keyboard.press("Space")
    expect(confirm).to_be_checked()
    page.keyboard.press("Tab")
    erase = page.get_by_role("button", name="Effacer mes messages importés")
    expect(erase).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".fr-alert--success")).to_contain_text(
        "4 messages importés de Slack sont effacés."  # 2 here, 2 elsewhere
    )
    expect(heading).to_have_count(0)

    open_channel(page, "defi-lab-sante")
    bodies = page.locator("#messages .eig-message")
    expect(bodies).to_have_count(4)
    expect(bodies.first).to_contain_text("Message supprimé")
    expect(bodies.nth(1)).to_contain_text("Salut !")  # Bruno's stays
