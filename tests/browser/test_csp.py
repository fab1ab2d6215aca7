"""The Content-Security-Policy blocks nothing the pages themselves need."""

import pytest
from playwright.sync_api import expect

from app.channels import services as channels
from app.extensions import db
from tests.browser.test_channels import open_channel, open_member_page
from tests.factories import make_defi, make_member

pytestmark = pytest.mark.browser


def test_pages_and_the_live_channel_run_without_csp_violations(browser, live_server):
    with live_server.app.app_context():
        member = make_member(display_name="Camille Roux")
        defi = make_defi(team=[(member, "eig")])
        slug = channels.ensure_defi_channel(defi).slug
        db.session.commit()
        username = member.username
    page = open_member_page(browser, live_server, username)
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security" in m.text else None,
    )
    try:
        for path in ("/", "/members/", "/defis/", "/search?q=defi"):
            page.goto(path)
            expect(page.locator("main")).to_be_visible()
        open_channel(page, slug)  # socket.io connected under the policy
        page.locator("#body").fill("Bonjour sous CSP")
        page.locator("#body").press("Enter")
        expect(page.locator("#messages .eig-message")).to_have_count(1)
        assert violations == []
    finally:
        page.context.close()
