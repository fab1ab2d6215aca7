"""The channel page as a conversation, at desktop and phone sizes, in Paris time:
it opens on what is new with the composer in sight, follows new messages, offers
a pill when the reader is up in the history, loads older messages on scroll,
and works by keyboard."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from sqlalchemy import select

from app.channels import services as channels
from app.channels.models import Channel, ChannelMember, Message
from app.extensions import db
from app.members.models import Member
from app.timeutil import utcnow
from tests.browser.conftest import LiveServer, member_page
from tests.factories import PASSWORD, make_defi, make_member

pytestmark = pytest.mark.browser

SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
SHOTS = os.environ.get("EIG_SCREENSHOTS")  # a folder: screenshots of each step


@pytest.fixture(params=SIZES)
def size(request) -> str:
    return request.param


def log_in(browser: Browser, live_server: LiveServer, username: str, size: str) -> Page:
    width, height = SIZES[size]
    return member_page(
        browser,
        live_server,
        username,
        timezone_id="Europe/Paris",
        viewport={"width": width, "height": height},
    )


def shot(page: Page, name: str, size: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}-{size}.png")


def seed(channel: Channel, authors: list[Member], count: int) -> list[int]:
    """`count` messages, one a minute, written as the service stores them."""
    start = utcnow() - timedelta(minutes=count + 5)
    ids = []
    for n in range(count):
        body = f"Message numéro {n + 1} : on avance sur le pipeline."
        message = Message(
            channel=channel,
            author=authors[n % len(authors)],
            body=body,
            html=channels.render_body(body, []),
            created_at=start + timedelta(minutes=n),
            reactions=[],
        )
        db.session.add(message)
        db.session.flush()
        ids.append(message.id)
    db.session.commit()
    return ids


def set_read(member: Member, channel: Channel, last_read_id: int) -> None:
    seat = db.session.scalar(
        select(ChannelMember).filter_by(channel_id=channel.id, member_id=member.id)
    )
    seat.last_read_id = last_read_id
    db.session.commit()


@pytest.fixture
def team(live_server):
    """Alice and Bruno in one défi's channel of 120 messages; Bruno has read
    up to the 100th."""
    with live_server.app.app_context():
        alice = make_member(display_name="Alice Martin")
        bruno = make_member(display_name="Bruno Petit")
        defi = make_defi(team=[(alice, "eig"), (bruno, "eig")])
        channel = channels.ensure_defi_channel(defi)
        db.session.commit()
        ids = seed(channel, [alice, bruno], 120)
        set_read(alice, channel, ids[-1])
        set_read(bruno, channel, ids[99])
        names = {"slug": channel.slug, "alice": alice.username, "bruno": bruno.username}
    return {**names, "ids": ids}


def open_channel(page: Page, slug: str) -> None:
    page.goto(f"/channels/{slug}")
    expect(page.locator("#connection-state")).to_have_attribute(
        "data-state", "connected"
    )


def on_screen(page: Page, locator: Locator) -> bool:
    """What the reader sees at the element's centre is the element itself (or
    inside it): not hidden behind the header, the composer or off the screen."""
    box = locator.bounding_box()
    if box is None:
        return False
    x, y = box["x"] + box["width"] / 2, box["y"] + min(box["height"] / 2, 12)
    return locator.evaluate(
        "(node, [x, y]) => { const hit = document.elementFromPoint(x, y);"
        " return hit !== null && (hit === node || node.contains(hit)); }",
        [x, y],
    )


def message(page: Page, message_id: int) -> Locator:
    return page.locator(f"#message-{message_id}")


def post_as(
    live_server: LiveServer, username: str, slug: str, body: str, parent_id=None
) -> int:
    with live_server.app.app_context():
        author = db.session.scalar(select(Member).filter_by(username=username))
        channel = channels.readable_channel(author, slug)
        return channels.post_message(author, channel, body, parent_id=parent_id).id


def test_opens_on_the_newest_message_with_the_composer_in_sight(
    browser, live_server, team, size
):
    alice = log_in(browser, live_server, team["alice"], size)
    open_channel(alice, team["slug"])
    shot(alice, "newest", size)
    assert on_screen(alice, message(alice, team["ids"][-1]))
    assert on_screen(alice, alice.locator("#body"))
    expect(alice.locator("#new-marker")).to_have_count(0)  # nothing unread
    expect(alice.locator("#jump-latest")).to_be_hidden()


def test_opens_on_the_first_unread_under_its_divider(browser, live_server, team, size):
    bruno = log_in(browser, live_server, team["bruno"], size)
    open_channel(bruno, team["slug"])
    shot(bruno, "first-unread", size)
    first_unread = team["ids"][100]
    marker = bruno.locator("#new-marker")
    expect(marker).to_have_text("Nouveaux messages")
    assert on_screen(bruno, marker)
    assert on_screen(bruno, message(bruno, first_unread))
    assert on_screen(bruno, bruno.locator("#body"))
    if size == "phone":  # the closed header still counts what is unread
        count = bruno.locator(".fr-header__navbar [data-unread-messages]")
        expect(count).to_be_visible()
        expect(count).not_to_have_text("0")
        link = bruno.locator(
            ".fr-header__navbar a", has=bruno.locator("[data-unread-messages]")
        )
        assert on_screen(bruno, link)
    # The newest is further down: a button leads there.
    expect(bruno.locator("#jump-latest")).to_be_visible()
    bruno.locator("#jump-latest").click()
    expect(bruno.locator("#jump-latest")).to_be_hidden()
    assert on_screen(bruno, message(bruno, team["ids"][-1]))


def test_sent_and_received_messages_land_on_screen(browser, live_server, team, size):
    alice = log_in(browser, live_server, team["alice"], size)
    open_channel(alice, team["slug"])
    alice.locator("#body").fill("Je pousse la correction ce soir.")
    alice.locator("#body").press("Enter")
    mine = alice.locator("#messages .eig-message").last
    expect(mine).to_contain_text("Je pousse la correction ce soir.")
    assert on_screen(alice, mine)

    incoming = post_as(live_server, team["bruno"], team["slug"], "Super, merci !")
    expect(message(alice, incoming)).to_contain_text("Super, merci !")
    alice.wait_for_timeout(200)  # the scroll follows the insertion
    assert on_screen(alice, message(alice, incoming))
    assert on_screen(alice, alice.locator("#body"))
    shot(alice, "sent-and-received", size)


def test_a_pill_counts_what_arrives_below_a_reader_up_in_the_history(
    browser, live_server, team, size
):
    alice = log_in(browser, live_server, team["alice"], size)
    open_channel(alice, team["slug"])
    message(alice, team["ids"][80]).scroll_into_view_if_needed()
    expect(alice.locator("#jump-latest")).to_be_visible()  # the reader is up
    expect(alice.locator("#jump-latest")).to_have_text("Derniers messages ↓")

    first = post_as(live_server, team["bruno"], team["slug"], "Une nouvelle")
    expect(message(alice, first)).to_have_count(1)
    expect(alice.locator("#jump-latest")).to_have_text("1 nouveau message ↓")
    post_as(live_server, team["bruno"], team["slug"], "Et une autre")
    expect(alice.locator("#jump-latest")).to_have_text("2 nouveaux messages ↓")
    assert on_screen(alice, message(alice, team["ids"][80]))  # the reader stays put
    shot(alice, "pill", size)

    alice.locator("#jump-latest").click()
    expect(alice.locator("#jump-latest")).to_be_hidden()
    assert on_screen(alice, alice.locator("#messages .eig-message").last)


def test_older_history_loads_when_scrolling_up_and_keeps_the_place(
    browser, live_server, team, size
):
    alice = log_in(browser, live_server, team["alice"], size)
    open_channel(alice, team["slug"])
    oldest_shown = team["ids"][-50]
    expect(alice.locator("#messages .eig-message")).to_have_count(50)
    expect(alice.locator("#load-older")).to_have_attribute(
        "href", f"/channels/{team['slug']}?before={oldest_shown}"
    )
    alice.locator("#scroller").evaluate("node => { node.scrollTop = 0; }")
    expect(alice.locator("#messages .eig-message")).to_have_count(100)
    assert on_screen(alice, message(alice, oldest_shown))  # where the reader was
    alice.locator("#scroller").evaluate("node => { node.scrollTop = 0; }")
    expect(alice.locator("#messages .eig-message")).to_have_count(120)
    expect(alice.locator(".eig-chat__older")).to_have_text("Début du canal")


def test_without_javascript_older_messages_are_a_link_away(browser, live_server, team):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.goto("/auth/login")
    page.locator("#username").fill(team["alice"])
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"/channels/{team['slug']}")
    page.get_by_role("link", name="Messages précédents").click()
    expect(page.locator("#messages .eig-message").first).to_contain_text("numéro 21 ")
    expect(
        page.get_by_role("link", name="Revenir aux derniers messages")
    ).to_be_visible()
    context.close()


def test_the_composer_is_a_few_tab_stops_away_and_c_goes_there(
    browser, live_server, team, size
):
    alice = log_in(browser, live_server, team["alice"], size)
    open_channel(alice, team["slug"])
    newest = message(alice, team["ids"][-1])
    expect(newest).to_have_attribute("tabindex", "0")  # the list's one Tab stop
    expect(alice.locator("#messages .eig-message[tabindex='0']")).to_have_count(1)
    others = alice.locator("#messages .eig-message[tabindex='-1'] [tabindex='0']")
    expect(others).to_have_count(0)  # other messages' links and buttons wait
    newest.focus()
    stops = 0
    while stops < 12 and not alice.evaluate("document.activeElement.id === 'body'"):
        alice.keyboard.press("Tab")
        stops += 1
    assert stops <= 8, stops  # author, toolbar (4), then the composer

    newest.focus()
    alice.keyboard.press("ArrowUp")
    expect(message(alice, team["ids"][-2])).to_be_focused()
    alice.keyboard.press("Escape")
    expect(alice.locator("#body")).to_be_focused()
    alice.locator("#body").blur()
    alice.keyboard.press("c")
    expect(alice.locator("#body")).to_be_focused()
    expect(alice.locator("#body")).to_have_value("")
    skip = alice.get_by_role("link", name="Écrire un message")
    expect(skip).to_have_attribute("href", "#body")


def test_edit_by_keyboard_enter_saves_escape_cancels(browser, live_server, team, size):
    alice = log_in(browser, live_server, team["alice"], size)
    open_channel(alice, team["slug"])
    own = message(alice, team["ids"][-2])  # Alice wrote every other message
    own.focus()
    own.get_by_role("button", name="Modifier").focus()
    alice.keyboard.press("Enter")
    area = own.get_by_role("textbox", name="Modifier le message")
    expect(area).to_be_focused()
    area.press("Shift+Enter")
    area.type("avec une ligne de plus")
    shot(alice, "editing", size)
    area.press("Enter")
    expect(own.locator(".eig-message__body")).to_contain_text("avec une ligne de plus")
    expect(own.locator(".eig-message__edited")).to_be_visible()
    expect(own).to_be_focused()

    own.get_by_role("button", name="Modifier").focus()
    alice.keyboard.press("Enter")
    area = own.get_by_role("textbox", name="Modifier le message")
    expect(area).to_be_focused()
    area.fill("Ce texte ne sera pas gardé")
    area.press("Escape")
    expect(area).to_have_count(0)
    expect(own).to_be_focused()
    expect(own.locator(".eig-message__body")).not_to_contain_text("pas gardé")


def test_reaction_picker_by_keyboard_keeps_focus(browser, live_server, team, size):
    alice = log_in(browser, live_server, team["alice"], size)
    open_channel(alice, team["slug"])
    newest = message(alice, team["ids"][-1])
    newest.focus()
    react = newest.get_by_role("button", name="Réagir")
    react.focus()
    alice.keyboard.press("Enter")
    picker = newest.get_by_role("group", name="Réactions")
    first = picker.get_by_role("button").first
    expect(first).to_be_focused()
    alice.keyboard.press("ArrowRight")
    expect(picker.get_by_role("button").nth(1)).to_be_focused()
    alice.keyboard.press("Escape")
    expect(picker).to_have_count(0)
    expect(react).to_be_focused()

    alice.keyboard.press("Enter")
    alice.keyboard.press("Enter")  # the first emoji
    chip = newest.locator(".eig-reaction")
    expect(chip).to_have_attribute("aria-pressed", "true")
    assert alice.evaluate("document.activeElement !== document.body")
    chip.focus()
    alice.keyboard.press("Enter")  # takes it back: the chip goes away
    expect(chip).to_have_count(0)
    assert alice.evaluate("document.activeElement !== document.body")


def test_typing_stops_when_the_message_arrives(browser, live_server, team, size):
    alice = log_in(browser, live_server, team["alice"], size)
    bruno = log_in(browser, live_server, team["bruno"], size)
    open_channel(alice, team["slug"])
    open_channel(bruno, team["slug"])
    bruno.locator("#body").type("J'arr")
    expect(alice.locator("#typing")).to_have_text("Bruno Petit écrit…")
    bruno.locator("#body").type("ive")
    bruno.locator("#body").press("Enter")
    expect(alice.locator("#messages .eig-message").last).to_contain_text("J'arrive")
    expect(alice.locator("#typing")).to_have_text("")


def test_writing_in_an_open_channel_joins_it_on_the_page(browser, live_server, size):
    with live_server.app.app_context():
        owner = make_member(display_name="Alice Martin")
        make_member(username="claire", display_name="Claire Nouvelle")
        slug = channels.create_channel(owner, name="Entraide").slug
    claire = log_in(browser, live_server, "claire", size)
    open_channel(claire, slug)
    expect(claire.locator("#join-form")).to_be_visible()
    expect(claire.locator("#member-count")).to_have_text("1")
    claire.locator("#body").fill("Bonjour à tous !")
    claire.locator("#body").press("Enter")
    expect(claire.locator("#join-form")).to_have_count(0)
    expect(claire.locator("#leave-form")).to_be_visible()
    expect(claire.locator("#member-count")).to_have_text("2")
    expect(claire.locator("#channel-members")).to_contain_text("Claire Nouvelle")


def test_a_reply_shows_its_parent_as_read_text_and_follows_its_edits(
    browser, live_server, team, size
):
    alice = log_in(browser, live_server, team["alice"], size)
    open_channel(alice, team["slug"])
    long_text = "## Le **pipeline** de données " + "avance bien " * 12
    question = post_as(live_server, team["alice"], team["slug"], long_text)
    post_as(live_server, team["bruno"], team["slug"], "D'accord", parent_id=question)
    excerpt = alice.locator(".eig-message--reply .eig-message__excerpt").last
    expect(excerpt).to_contain_text("Le pipeline de données avance bien")
    expect(excerpt).not_to_contain_text("**")
    text = excerpt.text_content()
    assert text.endswith("…") and not text.endswith(" …") and len(text) <= 121
    alice.reload()
    reloaded = alice.locator(".eig-message--reply .eig-message__excerpt").last
    expect(reloaded).to_have_text(text)

    with live_server.app.app_context():
        author = db.session.scalar(select(Member).filter_by(username=team["alice"]))
        channels.edit_message(author, question, "Question _corrigée_")
    expect(reloaded).to_have_text("Question corrigée")


def test_a_reload_shows_the_same_local_time_as_live(browser, live_server, team, size):
    alice = log_in(browser, live_server, team["alice"], size)
    open_channel(alice, team["slug"])
    incoming = post_as(live_server, team["bruno"], team["slug"], "Quelle heure ?")
    live_time = message(alice, incoming).locator("time")
    expect(live_time).to_have_text("à l’instant")
    live = live_time.get_attribute("title")
    alice.reload()
    reloaded = message(alice, incoming).locator("time")
    expect(reloaded).to_have_text("à l’instant")
    assert reloaded.get_attribute("title") == live
    assert reloaded.get_attribute("datetime").endswith("+00:00")


def test_times_are_shown_in_the_readers_zone(browser, live_server, team, size):
    """A message written at 23:30 UTC the day before yesterday is shown at
    00:30 the next day in Paris (winter) or 01:30 (summer)."""
    with live_server.app.app_context():
        stored = db.session.get(Message, team["ids"][-1])
        day = (utcnow() - timedelta(days=3)).replace(
            hour=23, minute=30, second=0, microsecond=0
        )
        stored.created_at = day
        db.session.commit()
    alice = log_in(browser, live_server, team["alice"], size)
    open_channel(alice, team["slug"])
    shown = message(alice, team["ids"][-1]).locator("time")
    paris = alice.evaluate(
        "iso => new Intl.DateTimeFormat('fr', {hour: '2-digit', minute: '2-digit',"
        " timeZone: 'Europe/Paris'}).format(new Date(iso))",
        shown.get_attribute("datetime"),
    )
    assert paris in ("00:30", "01:30")
    expect(shown).to_contain_text(f"à {paris}")


def test_the_channels_page_filters_as_one_types(browser, live_server, size):
    with live_server.app.app_context():
        member = make_member(display_name="Alice Martin")
        for n in range(40):
            title = "Sequoia" if n == 7 else f"Défi {n}"
            channels.ensure_defi_channel(make_defi(title=title, year=2017 + n % 8))
        channels.create_channel(member, name="Entraide")
        db.session.commit()
        username = member.username
    page = log_in(browser, live_server, username, size)
    page.goto("/channels/")
    folds = page.locator("#defi-channels details")
    expect(folds).to_have_count(8)
    expect(page.locator("#defi-channels details[open]")).to_have_count(0)
    shot(page, "channels", size)
    page.get_by_label("Filtrer les canaux").fill("sequoïa")
    expect(page.locator("#defi-channels details:visible")).to_have_count(1)
    expect(page.get_by_role("link", name="# Sequoia")).to_be_visible()
    expect(page.get_by_role("link", name="# Entraide")).to_be_hidden()
    expect(page.locator("#channel-filter-status")).to_have_text("1 canal trouvé.")
    shot(page, "channels-filtered", size)
    page.get_by_label("Filtrer les canaux").fill("")
    expect(page.get_by_role("link", name="# Entraide")).to_be_visible()
