"""axe-core on the chat's pages, at desktop and phone sizes: no serious or
critical violation on a channel, the channels page, a profile and the
notifications page, with the live parts (toolbar, reactions, pill) in place."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.channels import services as channels
from app.extensions import db
from tests.browser.conftest import member_page
from tests.factories import make_defi, make_member

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor/axe-core/axe.min.js"
SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
SERIOUS = ("serious", "critical")


def violations(page: Page) -> list[str]:
    """The serious and critical axe-core findings of the page as it is now."""
    page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']}))"
        ".violations.map(v => ({id: v.id, impact: v.impact,"
        " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['nodes']}"
        for v in found
        if v["impact"] in SERIOUS
    ]


@pytest.fixture
def community(live_server):
    """Alice and Bruno in a défi's channel with a question, a reply, a reaction
    and a mention of Alice (a notification)."""
    with live_server.app.app_context():
        alice = make_member(display_name="Alice Martin", open_to_mentoring=True)
        bruno = make_member(display_name="Bruno Petit")
        defi = make_defi(team=[(alice, "eig"), (bruno, "eig")])
        channel = channels.ensure_defi_channel(defi)
        db.session.commit()
        question = channels.post_message(bruno, channel, "Qui connaît **Airflow** ?")
        channels.post_message(
            alice, channel, f"Moi, @{bruno.username} !", parent_id=question.id
        )
        channels.post_message(bruno, channel, f"Merci @{alice.username}")
        channels.toggle_reaction(alice, question.id, "👍")
        return {"slug": channel.slug, "alice": alice.username, "bruno": bruno.username}


@pytest.mark.parametrize("size", SIZES)
def test_the_chat_pages_have_no_serious_violation(
    browser, live_server, community, size
):
    width, height = SIZES[size]
    page = member_page(
        browser,
        live_server,
        community["alice"],
        viewport={"width": width, "height": height},
        bypass_csp=True,  # axe is injected as a script of the test's own
    )
    found = {}
    for path in (
        f"/channels/{community['slug']}",
        "/channels/",
        f"/members/{community['bruno']}",
        "/notifications/",
    ):
        page.goto(path)
        if path.startswith("/channels/") and path != "/channels/":
            expect(page.locator("#connection-state")).to_have_attribute(
                "data-state", "connected"
            )
            page.locator("#messages .eig-message").first.focus()  # its toolbar shows
        found[path] = violations(page)
    assert found == {path: [] for path in found}
    page.context.close()
