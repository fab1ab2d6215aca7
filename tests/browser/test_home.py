"""The home page of a demo member, in a real browser: what waits for them."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from app.auth.services import set_password
from app.extensions import db
from app.members.models import Member
from app.mentoring.models import MentoringRequest
from tests.browser.conftest import member_page
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def seeded_asker(app) -> str:
    """Seed the demo, then give a password to an EIG with a request under way."""
    runner = app.test_cli_runner()
    with app.app_context():
        for args in (["seed-defis"], ["seed-demo"]):
            result = runner.invoke(args=args)
            assert result.exit_code == 0, result.output
        askers = select(MentoringRequest.asker_id).where(
            MentoringRequest.status.in_(("pending", "accepted"))
        )
        member = db.session.scalar(
            select(Member).where(Member.id.in_(askers)).order_by(Member.id)
        )
        set_password(member, PASSWORD)
        db.session.commit()
        return member.username


def test_a_demo_members_home_shows_unread_mentions_and_requests(browser, live_server):
    username = seeded_asker(live_server.app)
    page = member_page(browser, live_server, username)
    unread = page.locator("#unread-channels li")
    expect(unread.first).to_contain_text("non lu")
    expect(page.locator("#mentions li").first).to_contain_text("vous a mentionné")
    expect(page.locator("#mentoring li").first).to_contain_text(":")
    expect(page.locator("#first-steps")).to_have_count(1)

    link = page.locator("#unread-channels a", has_text="Entraide")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/channels/entraide")
    expect(page.locator("h1")).to_contain_text("Entraide")
    for size in ({"width": 1280, "height": 800}, {"width": 390, "height": 844}):
        page.set_viewport_size(size)
        page.goto("/")
        expect(page.locator("#mentions")).to_be_visible()
