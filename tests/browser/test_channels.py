"""Live channels in a real browser: two members, two contexts, one Socket.IO."""

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from app.channels import services as channels
from app.extensions import db
from app.members.models import Member
from tests.browser.conftest import LiveServer, member_page
from tests.factories import make_defi, make_member

pytestmark = pytest.mark.browser


def open_member_page(browser: Browser, live_server: LiveServer, username: str) -> Page:
    """A fresh context (its own cookies), logged in through the real login form."""
    return member_page(browser, live_server, username)


def open_channel(page: Page, slug: str) -> None:
    page.goto(f"/channels/{slug}")
    expect(page.locator("#connection-state")).to_have_attribute(
        "data-state", "connected"
    )


def badge(page: Page, slug: str):
    return page.locator(f'#channel-list [data-channel="{slug}"] .eig-unread')


def expect_no_unread(page: Page, slug: str) -> None:
    """The badge says 0 and carries `hidden`."""
    expect(badge(page, slug)).to_have_attribute("data-unread", "0")
    expect(badge(page, slug)).to_have_attribute("hidden", "")


@pytest.fixture
def members(browser, live_server):
    """Alice and Bruno, team of one défi; its channel's slug; their two pages."""
    with live_server.app.app_context():
        alice = make_member(display_name="Alice Martin")
        bruno = make_member(display_name="Bruno Petit")
        defi = make_defi(team=[(alice, "eig"), (bruno, "eig")])
        slug = channels.ensure_defi_channel(defi).slug
        db.session.commit()
        names = alice.username, bruno.username
    pages = [open_member_page(browser, live_server, name) for name in names]
    yield slug, names, pages
    for page in pages:
        page.context.close()


def test_message_appears_live_for_the_other_member_and_stays(members):
    slug, _names, (alice, bruno) = members
    open_channel(alice, slug)
    open_channel(bruno, slug)
    expect(alice.locator("#connection-state")).to_have_text("Connecté")
    expect(bruno.locator("#no-messages")).to_be_visible()

    composer = alice.locator("#body")
    composer.click()
    composer.type("Bonjour l'équipe")
    composer.press("Shift+Enter")  # a new line, not a message
    composer.type("deuxième ligne")
    expect(composer).to_have_value("Bonjour l'équipe\ndeuxième ligne")
    expect(alice.locator("#messages .eig-message")).to_have_count(0)

    composer.press("Enter")
    expect(composer).to_have_value("")
    received = bruno.locator("#messages .eig-message")
    expect(received).to_have_count(1)
    expect(received).to_contain_text("Bonjour l'équipe")
    expect(received).to_contain_text("deuxième ligne")
    expect(received.locator(".eig-message__author")).to_have_text("Alice Martin")
    expect(bruno.locator("#no-messages")).to_have_count(0)
    expect(alice.locator("#messages .eig-message")).to_have_count(1)  # once only

    bruno.reload()  # the history is rendered by the server
    history = bruno.locator("#messages .eig-message")
    expect(history).to_have_count(1)
    expect(history).to_contain_text("Bonjour l'équipe")
    expect(history.locator(".eig-message__author")).to_have_text("Alice Martin")


def test_unread_badge_counts_live_then_clears_when_the_channel_opens(
    members, live_server
):
    defi_slug, (alice_name, bruno_name), (alice, bruno) = members
    with live_server.app.app_context():
        alice_member = db.session.scalar(select(Member).filter_by(username=alice_name))
        bruno_member = db.session.scalar(select(Member).filter_by(username=bruno_name))
        other = channels.create_channel(alice_member, name="Entraide")
        channels.join_channel(bruno_member, other)
        other_slug = other.slug

    open_channel(bruno, defi_slug)  # Bruno looks at the défi channel
    expect_no_unread(bruno, other_slug)
    open_channel(alice, other_slug)
    alice.locator("#body").fill("Quelqu'un a une idée ?")
    alice.locator("#body").press("Enter")
    expect(alice.locator("#messages .eig-message")).to_have_count(1)

    expect(badge(bruno, other_slug)).to_be_visible()  # no reload
    expect(badge(bruno, other_slug)).to_have_attribute("data-unread", "1")
    expect(badge(bruno, other_slug)).not_to_have_attribute("hidden", "")
    expect(badge(bruno, other_slug)).to_contain_text("1")
    expect_no_unread(bruno, defi_slug)
    expect(bruno.locator("#messages .eig-message")).to_have_count(0)

    bruno.locator(f'#channel-list [data-channel="{other_slug}"] a').click()
    bruno.wait_for_url(f"{live_server.url}/channels/{other_slug}")
    expect(bruno.locator("#messages")).to_contain_text("Quelqu'un a une idée ?")
    expect_no_unread(bruno, other_slug)

    open_channel(bruno, defi_slug)  # mark_read was stored, not only shown
    expect_no_unread(bruno, other_slug)


def test_a_badge_with_nothing_unread_is_not_shown(members):
    slug, _names, (_alice, bruno) = members
    open_channel(bruno, slug)
    expect_no_unread(bruno, slug)
    expect(badge(bruno, slug)).to_be_hidden(timeout=2_000)


def test_mention_is_completed_and_a_reaction_shows_for_the_other(members):
    slug, (_alice_name, bruno_name), (alice, bruno) = members
    open_channel(alice, slug)
    open_channel(bruno, slug)
    composer = alice.locator("#body")
    composer.click()
    composer.type("Merci @Brun")  # found by name too
    option = alice.locator("#mention-list [role=option]").first
    expect(option).to_contain_text("Bruno Petit")
    composer.press("Enter")  # picks the member, does not send
    expect(composer).to_have_value(f"Merci @{bruno_name} ")
    alice.locator("#preview-button").click()
    expect(alice.locator("#preview a")).to_have_attribute(
        "href", f"/members/{bruno_name}"
    )
    composer.press("Enter")
    message = bruno.locator("#messages .eig-message").first
    expect(message.locator("a", has_text=f"@{bruno_name}")).to_be_visible()

    message.locator(".eig-react").click()
    message.get_by_role("button", name="🎉").click()
    expect(alice.locator("#messages .eig-reaction")).to_have_text("🎉 1")
    expect(message.locator(".eig-reaction")).to_have_attribute("aria-pressed", "true")


def test_a_reply_shows_under_its_question_and_in_its_thread(members, live_server):
    slug, _names, (alice, bruno) = members
    open_channel(alice, slug)
    open_channel(bruno, slug)
    composer = bruno.locator("#body")
    composer.click()
    composer.type("Quelqu'un connaît Airflow ?")
    composer.press("Enter")
    question = alice.locator("#messages .eig-message").first
    expect(question).to_contain_text("Airflow")
    question.get_by_role("button", name="Répondre").click()
    expect(alice.locator("#replying")).to_contain_text("Bruno Petit")
    alice.locator("#body").type("Oui, au défi Sequoia")
    alice.locator("#body").press("Enter")
    reply = bruno.locator("#messages .eig-message--reply")
    expect(reply).to_contain_text("en réponse à Bruno Petit")
    thread_link = bruno.locator(".eig-message__thread a")
    expect(thread_link).to_have_text("1 réponse")
    thread_link.click()
    expect(bruno.locator("#thread-title")).to_be_visible()
    expect(bruno.locator("#messages .eig-message")).to_have_count(2)


def test_a_channel_page_opens_one_socket_and_the_bell_rings_through_it(
    members, live_server
):
    slug, (alice_name, bruno_name), (alice, bruno) = members
    opened = []
    bruno.on("websocket", lambda _socket: opened.append(bruno.url))  # by page
    open_channel(bruno, slug)
    bell = bruno.locator("header .fr-header__tools [data-notification-bell]")
    expect(bell).to_have_attribute("data-live", "connected")

    with live_server.app.app_context():
        author = db.session.scalar(select(Member).filter_by(username=alice_name))
        channel = channels.readable_channel(author, slug)
        channels.post_message(author, channel, f"Tu as vu, @{bruno_name} ?")

    expect(bruno.locator("#messages .eig-message")).to_have_count(1)
    expect(bell.locator("[data-unread-count]")).to_contain_text("1 non lue")
    on_channel = [url for url in opened if url.endswith(f"/channels/{slug}")]
    assert len(on_channel) == 1, opened  # the bell and the channel share it


def test_a_page_without_the_chat_is_not_sent_the_channels_messages(
    members, live_server
):
    slug, (alice_name, bruno_name), (_alice, bruno) = members
    frames = []
    bruno.on(
        "websocket",
        lambda socket: socket.on("framereceived", lambda frame: frames.append(frame)),
    )
    bruno.goto("/defis")  # the bell only
    bell = bruno.locator("header .fr-header__tools [data-notification-bell]")
    expect(bell).to_have_attribute("data-live", "connected")

    with live_server.app.app_context():
        author = db.session.scalar(select(Member).filter_by(username=alice_name))
        channel = channels.readable_channel(author, slug)
        channels.post_message(author, channel, "Une nouvelle pour l'équipe")
        channels.post_message(author, channel, f"Et toi, @{bruno_name} ?")

    expect(bell.locator("[data-unread-count]")).to_contain_text("1 non lue")
    texts = [f if isinstance(f, str) else f.decode() for f in frames]
    assert not [t for t in texts if "message_posted" in t], texts
