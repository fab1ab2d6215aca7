"""A question finds its expert: Zoé asks from the form, Alice (whose skills
match) is told, answers in the thread, Zoé accepts, and the question shows
"Résolu" in the list, in its thread and in search. By keyboard for the accepting; no
serious axe-core finding on the pages on the way."""

import pytest
from playwright.sync_api import expect

from app.channels import services as channels
from app.extensions import db
from tests.browser.conftest import member_page
from tests.browser.test_accessibility import violations
from tests.browser.test_conversation import SIZES, shot
from tests.factories import make_defi, make_member

pytestmark = pytest.mark.browser

TITLE = "Quelqu'un a déjà pseudonymisé des décisions de justice ?"


def log_in(browser, live_server, username: str, size: str):
    """As test_conversation's, with the CSP bypassed for axe-core's script."""
    width, height = SIZES[size]
    return member_page(
        browser,
        live_server,
        username,
        viewport={"width": width, "height": height},
        bypass_csp=True,
    )


@pytest.fixture(params=SIZES)
def size(request) -> str:
    return request.param


@pytest.fixture
def community(live_server):
    with live_server.app.app_context():
        make_member(username="zoe", display_name="Zoé Durand")
        alice = make_member(
            username="alice",
            display_name="Alice Martin",
            role="alumni",
            skills=["Pseudonymisation"],
        )
        make_defi(
            slug="datajust",
            title="DataJust",
            tagline="Pseudonymisation des décisions de justice",
            team=[(alice, "eig")],
        )
        channels.create_channel(alice, name="Entraide")
        db.session.commit()


def test_a_question_reaches_its_expert_and_gets_solved(
    browser, live_server, community, size
):
    zoe = log_in(browser, live_server, "zoe", size)
    zoe.goto("/questions/")
    expect(zoe.locator("#question-list")).to_contain_text("Aucune question")
    shot(zoe, "questions-empty", size)
    zoe.locator("#ask-question").click()
    zoe.locator("#title").fill(TITLE)
    zoe.locator("#body").fill("Nous cherchons un outil **libre**.")
    zoe.locator("#tags").fill("Pseudonymisation")
    expect(zoe.locator("#channel")).to_have_value("entraide")
    shot(zoe, "question-ask", size)
    assert violations(zoe) == []
    zoe.get_by_role("button", name="Poser la question").click()
    expect(zoe.locator(".fr-alert--success")).to_contain_text(
        "elle a été envoyée à 1 membre qui s’y connaît"
    )
    question = zoe.locator(".eig-message__question")
    expect(question).to_contain_text(TITLE)

    alice = log_in(browser, live_server, "alice", size)
    alice.goto("/notifications/")
    item = alice.locator("#notification-list li").first
    expect(item).to_contain_text("Zoé Durand pose une question qui est dans vos cordes")
    alice.goto("/questions/?routed=me")
    expect(alice.locator("#question-list")).to_contain_text(
        "a travaillé sur le défi DataJust"
    )
    alice.locator("#question-list").scroll_into_view_if_needed()
    shot(alice, "question-for-me", size)
    assert violations(alice) == []
    alice.locator("#question-list h2 a").first.click()
    expect(alice.locator("#connection-state")).to_have_attribute(
        "data-state", "connected"
    )
    expect(alice.locator("#pass-question")).to_contain_text("DataJust")
    shot(alice, "question-thread-routed", size)
    alice.locator("#body").fill(
        "Oui : nous avons publié notre modèle, je vous envoie le lien."
    )
    alice.locator("#body").press("Enter")
    expect(alice.locator("#messages .eig-message").last).to_contain_text("modèle")

    zoe.goto("/questions/")
    zoe.locator("#question-list h2 a").first.click()
    accept = zoe.get_by_role("button", name="Accepter cette réponse")
    accept.focus()
    zoe.keyboard.press("Enter")
    expect(zoe.locator("#accepted-answer")).to_contain_text("Alice Martin")
    expect(zoe.locator(".eig-message__accepted")).to_have_count(1)
    # Alice, still in the thread, sees it solved without reloading.
    expect(alice.locator(".eig-message__accepted")).to_have_count(1)
    expect(alice.locator(".eig-question-solved")).to_have_text("Résolu")
    shot(zoe, "question-solved", size)
    assert violations(zoe) == []

    zoe.goto("/questions/?status=solved")
    solved = zoe.locator("#question-list li").first
    expect(solved).to_contain_text(TITLE)
    expect(solved.locator(".fr-badge--success")).to_have_text("Résolu")
    solved.scroll_into_view_if_needed()
    shot(zoe, "question-list", size)

    zoe.goto("/search?q=d%C3%A9cisions+de+justice")
    first = zoe.locator("#search-results li").first
    expect(first).to_contain_text(TITLE)
    expect(first.locator(".fr-badge--success")).to_have_text("Résolu")
    shot(zoe, "question-search", size)


def test_an_author_makes_their_thread_a_question_by_keyboard(
    browser, live_server, community, size
):
    with live_server.app.app_context():
        from app.members.models import Member

        zoe = db.session.scalar(db.select(Member).where(Member.username == "zoe"))
        room = channels.create_channel(zoe, name="Données")
        root = channels.post_message(
            zoe, room, "Nos décisions de justice à pseudonymiser"
        )
        thread = f"/channels/{room.slug}?thread={root.id}"
    page = log_in(browser, live_server, "zoe", size)
    page.goto(thread)
    page.locator("#mark-question summary").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#mark-title")).to_have_value(
        "Nos décisions de justice à pseudonymiser"
    )
    page.locator("#mark-tags").fill("Pseudonymisation")
    shot(page, "question-mark", size)
    page.locator("#mark-tags").press("Enter")
    expect(page.locator(".fr-alert--success")).to_contain_text("1 membre")
    expect(page.locator(".eig-message__question")).to_contain_text(
        "Nos décisions de justice à pseudonymiser"
    )
    expect(page.locator("#unmark-question")).to_be_visible()
