"""The recipient of a direct message is told: the bell's count in the header and
the notifications page follow, live, what another member sends over Socket.IO."""

import uuid

import pytest
from playwright.sync_api import expect

from app.channels import services as channels
from app.extensions import db
from tests.browser.conftest import member_page
from tests.channels.live import logged_in, socket_client
from tests.factories import PASSWORD, make_member

pytestmark = pytest.mark.browser


def send(socket, slug: str, body: str) -> None:
    ack = socket.call(
        "send_message",
        {"channel": slug, "body": body, "client_id": uuid.uuid4().hex},
        timeout=10,
    )
    assert ack["ok"], ack


# The header's count: among the tools on a desktop, in the closed header on a phone.
SIZES = {
    "desktop": ((1280, 800), ".fr-header__tools [data-unread-count]"),
    "phone": ((390, 844), ".fr-header__navbar [data-unread-count]"),
}


@pytest.mark.parametrize("size", SIZES)
def test_a_direct_message_shows_in_the_recipients_bell_and_list(
    browser, live_server, size
):
    (width, height), header_count = SIZES[size]
    with live_server.app.app_context():
        alice = make_member(username="alice", display_name="Alice Martin")
        bruno = make_member(username="bruno", display_name="Bruno Petit")
        slug = channels.start_direct(alice, [bruno]).slug
        db.session.commit()
    viewport = {"width": width, "height": height}
    page = member_page(browser, live_server, "bruno", viewport=viewport)
    page.goto("/notifications/")
    bell = page.locator("[data-notification-bell]").first
    expect(bell).to_have_attribute("data-live", "connected")
    count = page.locator(header_count)
    expect(count).to_be_hidden()

    alice_socket = socket_client(
        live_server.url, logged_in(live_server.url, "alice", PASSWORD)
    )
    try:
        send(alice_socket, slug, "Tu as un moment pour parler du **prototype** ?")
        expect(count).to_be_visible()
        expect(count).to_contain_text("1")
        item = page.locator("#notification-list li").first
        expect(item).to_contain_text(
            "Alice Martin vous a écrit : « Tu as un moment pour parler du prototype ? »"
        )

        send(alice_socket, slug, "C'est urgent")  # the burst grows, not the count
        expect(item).to_contain_text("Alice Martin vous a écrit 2 messages.")
        expect(count).to_contain_text("1")
        expect(page.locator("#notification-list li")).to_have_count(1)
    finally:
        alice_socket.disconnect()

    page.reload()  # what the server renders says the same
    expect(count).to_contain_text("1")
    expect(page.locator("#notification-list li")).to_have_count(1)
    expect(page.locator("#notification-list")).to_contain_text(
        "Alice Martin vous a écrit 2 messages."
    )
    page.locator("#notification-list a").first.click()
    expect(page).to_have_url(
        f"{live_server.url}/channels/{slug}#message-1"
    )  # where the burst began
    page.goto("/notifications/")
    expect(count).to_be_hidden()
    page.context.close()
