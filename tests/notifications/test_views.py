"""The bell, the list, preferences and e-mail links, with CSRF on."""

import html
import re
from contextlib import contextmanager
from urllib.parse import urlsplit

from itsdangerous import URLSafeSerializer

from app.extensions import socketio
from app.notifications import links, services
from app.notifications.models import Notification
from tests.factories import PASSWORD
from tests.security.conftest import fresh, logged_in

BELL = re.compile(r"data-unread-count(?: hidden)?>(\d+)<")


def ping(recipient, actor, url="/mentoring/", text="Bob vous a écrit."):
    return services.notify("mention", recipient, actor=actor, url=url, text=text)


def bell(client) -> int:
    return int(BELL.search(client.get("/members/").get_data(as_text=True)).group(1))


def test_the_bell_counts_unread_notifications_on_every_page(
    browser_factory, alice, bob
):
    client = logged_in(browser_factory, alice)
    assert bell(client) == 0
    ping(alice, bob)
    ping(alice, bob)
    assert bell(client) == 2
    page = client.get("/notifications/").get_data(as_text=True)
    assert page.count("Bob vous a écrit.") == 2


def test_following_a_notification_reads_it_and_opens_its_page(
    browser_factory, alice, bob
):
    notification = ping(alice, bob)
    client = logged_in(browser_factory, alice)
    response = client.get(f"/notifications/{notification.id}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/mentoring/"
    assert bell(client) == 0


def test_someone_elses_notification_is_not_found(browser_factory, alice, bob):
    notification = ping(alice, bob, url="/channels/secret-plan")
    client = logged_in(browser_factory, bob)
    response = client.get(f"/notifications/{notification.id}")
    assert response.status_code == 404
    assert "secret-plan" not in response.get_data(as_text=True)
    assert client.submit(f"/notifications/{notification.id}/read").status_code == 404
    assert fresh(Notification, id=notification.id).read_at is None


def test_mark_read_needs_the_csrf_token(browser_factory, alice, bob):
    notification = ping(alice, bob)
    client = logged_in(browser_factory, alice)
    assert client.post(f"/notifications/{notification.id}/read").status_code == 400
    assert fresh(Notification, id=notification.id).read_at is None
    response = client.submit(f"/notifications/{notification.id}/read")
    assert response.status_code == 302
    assert fresh(Notification, id=notification.id).read_at is not None


def test_mark_all_read(browser_factory, alice, bob):
    ping(alice, bob)
    ping(alice, bob)
    client = logged_in(browser_factory, alice)
    client.submit("/notifications/read-all")
    assert bell(client) == 0


def test_preferences_page_saves_each_kind(browser_factory, alice):
    client = logged_in(browser_factory, alice)
    page = "/notifications/preferences"
    assert "Commentaires sur vos ressources" in client.get(page).get_data(as_text=True)
    data = dict(services.preferences(alice))
    data.update({f"{kind}_in_app": "y" for kind in services.KINDS})
    data.update(mention="digest", resource_comment="off")
    del data["reply_in_app"]  # its box unticked
    response = client.submit(page, data, page)
    assert response.status_code == 302
    assert services.email_mode(alice, "mention") == "digest"
    assert services.email_mode(alice, "resource_comment") == "off"
    assert not services.in_app(alice, "reply")
    assert services.in_app(alice, "mention")
    assert links.opted_out(alice.email, "password_reset")  # its box was unticked
    client.submit(page, {**data, "password_reset": "y"}, page)
    assert not links.opted_out(alice.email, "password_reset")


def test_preferences_refuse_an_unknown_mode(browser_factory, alice):
    client = logged_in(browser_factory, alice)
    page = "/notifications/preferences"
    data = dict(services.preferences(alice))
    response = client.submit(page, {**data, "mention": "loud"}, page)
    assert response.status_code == 200
    assert services.email_mode(alice, "mention") == "instant"


# Links from e-mails -----------------------------------------------------------------


def open_path(notification) -> str:
    return urlsplit(links.open_link(notification)).path


def test_an_email_link_asks_to_log_in_first(browser_factory, alice, bob):
    path = open_path(ping(alice, bob))
    anonymous = browser_factory()
    response = anonymous.get(path)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/auth/login"


def test_a_replayed_email_link_is_a_clear_error(browser_factory, alice, bob):
    path = open_path(ping(alice, bob))
    client = logged_in(browser_factory, alice)
    assert client.get(path).status_code == 302
    replay = client.get(path)
    assert replay.status_code == 410
    assert "déjà été utilisé" in replay.get_data(as_text=True)


def test_a_forged_or_foreign_email_link_leaks_nothing(app, browser_factory, alice, bob):
    notification = ping(alice, bob, url="/channels/secret-plan")
    forged = URLSafeSerializer("guess", salt="notification-link").dumps(
        {"n": notification.id, "r": bob.id}
    )
    client = logged_in(browser_factory, bob)
    response = client.get(f"/notifications/open/{forged}")
    assert response.status_code == 400
    assert "n’est pas valide" in html.unescape(response.get_data(as_text=True))
    foreign = client.get(open_path(notification))
    assert foreign.status_code == 404
    assert "secret-plan" not in foreign.get_data(as_text=True)
    assert fresh(Notification, id=notification.id).link_used_at is None


def test_unsubscribing_needs_no_login_but_a_button(browser_factory, alice):
    path = urlsplit(links.unsubscribe_url("mentoring_request", member=alice)).path
    anonymous = browser_factory()
    page = anonymous.get(path)
    assert page.status_code == 200
    assert "Demandes de mentorat reçues" in page.get_data(as_text=True)
    assert services.email_mode(alice, "mentoring_request") == "instant"
    assert anonymous.post(path).status_code == 400  # no CSRF token
    response = anonymous.submit(path, {}, path)
    assert response.status_code == 200
    assert services.email_mode(alice, "mentoring_request") == "off"


def test_a_bad_unsubscribe_link_is_a_clear_error(browser_factory):
    response = browser_factory().get("/notifications/unsubscribe/not-a-token")
    assert response.status_code == 400
    assert "désabonnement n’est pas valide" in html.unescape(
        response.get_data(as_text=True)
    )


# Live ------------------------------------------------------------------------------


@contextmanager
def bell_socket(app, username: str):
    """A Socket.IO client of a logged-in member, as the bell's script opens it."""
    http = app.test_client()
    http.post("/auth/login", data={"username": username, "password": PASSWORD})
    socket = socketio.test_client(app, flask_test_client=http)
    socket.get_received()
    try:
        yield socket
    finally:
        socket.disconnect()


def received(socket, name: str) -> list[dict]:
    return [e["args"][0] for e in socket.get_received() if e["name"] == name]


def test_the_bell_hears_new_notifications_live(app, alice, bob):
    with bell_socket(app, "alice") as socket:
        ping(alice, bob, text="En direct")
        ping(bob, alice, text="Pas pour Alice")
        heard = received(socket, "notification_created")
    assert [(n["text"], n["unread"]) for n in heard] == [("En direct", 1)]


def test_reading_updates_the_bell_of_every_open_tab(app, alice, bob):
    notification = ping(alice, bob)
    with bell_socket(app, "alice") as socket:
        services.mark_read(alice, notification.id)
        heard = received(socket, "notifications_read")
    assert heard == [{"unread": 0}]
