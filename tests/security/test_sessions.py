"""Sessions end when they should: logout, deactivation, password change, reset."""

import re
from urllib.parse import quote, urlsplit

import pytest
from sqlalchemy import event

from app.admin import services as admin
from app.auth import services as auth_services
from app.extensions import db
from app.members.models import Member
from app.notifications import delivery
from tests.factories import PASSWORD, make_member
from tests.security.conftest import csrf_token, fresh, logged_in

NEW_PASSWORD = "Un-tout-nouveau-secret-2024"


def session_cookie(client) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None
    return cookie.value


def browser_with_cookie(browser_factory, value: str):
    """Another browser replaying a copied session cookie."""
    thief = browser_factory()
    thief.set_cookie("session", value)
    return thief


# Logout ---------------------------------------------------------------------


def test_logout_ends_the_session_even_for_a_copied_cookie(browser_factory):
    member = make_member()
    client = logged_in(browser_factory, member)
    copied = session_cookie(client)
    assert browser_with_cookie(browser_factory, copied).is_logged_in()

    response = client.submit("/auth/logout")
    assert response.status_code == 302
    assert not client.is_logged_in()
    assert not browser_with_cookie(browser_factory, copied).is_logged_in()


def test_logout_ends_every_other_session_of_the_member(browser_factory):
    member = make_member()
    laptop = logged_in(browser_factory, member)
    phone = logged_in(browser_factory, member)
    laptop.submit("/auth/logout")
    assert not phone.is_logged_in()


def test_logout_of_one_member_leaves_others_logged_in(browser_factory):
    alice = logged_in(browser_factory, make_member())
    bob = logged_in(browser_factory, make_member())
    alice.submit("/auth/logout")
    assert bob.is_logged_in()


def test_logout_by_get_is_not_possible(browser_factory):
    client = logged_in(browser_factory, make_member())
    assert client.get("/auth/logout").status_code == 405
    assert client.is_logged_in()


# Deactivation ---------------------------------------------------------------


def test_deactivation_ends_sessions_and_refuses_login(browser_factory):
    member = make_member()
    staff = make_member(role="staff")
    client = logged_in(browser_factory, member)
    copied = session_cookie(client)

    admin.set_active(staff, member, False)

    assert not client.is_logged_in()
    assert not browser_with_cookie(browser_factory, copied).is_logged_in()
    response = browser_factory().login(member)
    assert response.status_code == 400
    assert "Ce compte a été désactivé" in response.get_data(as_text=True)


def test_deactivation_from_the_admin_page_ends_sessions(browser_factory):
    member = make_member(username="partant")
    client = logged_in(browser_factory, member)
    staff = logged_in(browser_factory, make_member(role="staff"))
    response = staff.submit("/admin/members/partant/active", {"active": "0"})
    assert response.status_code == 302
    assert not client.is_logged_in()
    assert browser_factory().login(member).status_code == 400


def test_reactivated_member_logs_in_again(browser_factory):
    member = make_member()
    staff = make_member(role="staff")
    admin.set_active(staff, member, False)
    admin.set_active(staff, member, True)
    assert browser_factory().login(member).status_code == 302


def test_deactivated_member_with_a_remember_cookie_stays_out(browser_factory):
    member = make_member()
    client = browser_factory()
    assert client.login(member, remember="y").status_code == 302
    assert client.get_cookie("remember_token") is not None
    admin.set_active(make_member(role="staff"), member, False)
    client.delete_cookie("session")  # a new browser session: only "remember" is left
    assert not client.is_logged_in()


# Password change --------------------------------------------------------------


def change_password(client, current: str, new: str):
    return client.submit(
        "/auth/account/password",
        {"pw-current": current, "pw-password": new, "pw-confirm": new},
        form_page="/auth/account",
    )


def test_password_change_ends_other_sessions_and_keeps_this_one(browser_factory):
    member = make_member()
    here = logged_in(browser_factory, member)
    elsewhere = logged_in(browser_factory, member)
    copied = session_cookie(here)

    assert change_password(here, PASSWORD, NEW_PASSWORD).status_code == 302

    assert here.is_logged_in()
    assert not elsewhere.is_logged_in()
    assert not browser_with_cookie(browser_factory, copied).is_logged_in()
    assert browser_factory().login(member).status_code == 400
    assert browser_factory().login(member, NEW_PASSWORD).status_code == 302


def test_password_change_with_the_request_log_on_logs_the_member(
    browser_factory, capfd
):
    member = make_member()
    here = logged_in(browser_factory, member)
    assert here.application.config["REQUEST_LOG"]

    assert change_password(here, PASSWORD, NEW_PASSWORD).status_code == 302

    lines = [line for line in capfd.readouterr().err.splitlines() if '"route"' in line]
    changed = [line for line in lines if '"/auth/account/password"' in line]
    assert changed and f'"member": "{member.id}"' in changed[-1]
    assert here.is_logged_in()


def test_password_changes_are_rate_limited_per_member(secure_app, browser_factory):
    secure_app.config["PASSWORD_CHANGE_RATE_LIMIT"] = "3 per hour"
    member, other = make_member(), make_member()
    client = logged_in(browser_factory, member)
    for _ in range(3):  # wrong guesses at the current password count too
        response = change_password(client, "pas-le-bon-mot-de-passe", NEW_PASSWORD)
        assert response.status_code == 400
    response = change_password(client, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 429
    wait = re.search(
        r"Trop de changements de mot de passe\. Réessayez dans (\d+) min\.",
        response.get_data(as_text=True),
    )
    assert wait and 50 <= int(wait[1]) <= 60
    # Nothing changed: the old password still works, this session is still open.
    assert client.is_logged_in()
    assert browser_factory().login(member).status_code == 302
    # From another browser the same member is still limited; others are not.
    again = change_password(logged_in(browser_factory, member), PASSWORD, NEW_PASSWORD)
    assert again.status_code == 429
    mine = change_password(logged_in(browser_factory, other), PASSWORD, NEW_PASSWORD)
    assert mine.status_code == 302


def test_password_change_needs_the_current_password(browser_factory):
    member = make_member()
    client = logged_in(browser_factory, member)
    response = change_password(client, "pas-le-bon-mot-de-passe", NEW_PASSWORD)
    assert response.status_code == 400
    assert "Le mot de passe actuel est incorrect" in response.get_data(as_text=True)
    assert browser_factory().login(member).status_code == 302


# Password reset -------------------------------------------------------------


def reset_link(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"https?://\S+/auth/reset/\S+", body)
    assert match, body
    return urlsplit(match.group(0)).path


def ask_for_reset(browser, email: str):
    return browser.submit("/auth/reset", {"email": email}, form_page="/auth/reset")


def set_new_password(browser, path: str, password: str = NEW_PASSWORD):
    return browser.post(
        path,
        data={
            "csrf_token": csrf_token(browser, "/auth/reset"),
            "password": password,
            "confirm": password,
        },
    )


def test_password_reset_link_works_once(browser_factory, smtp_server):
    member = make_member(email="oubli@example.org")
    other_session = logged_in(browser_factory, member)
    browser = browser_factory()
    assert ask_for_reset(browser, "Oubli@Example.org").status_code == 302
    (message,) = smtp_server.messages
    assert message["To"] == "oubli@example.org"
    path = reset_link(message)

    assert browser.get(path).status_code == 200
    response = set_new_password(browser, path)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/auth/login"

    again = browser_factory().get(path)
    assert again.status_code == 400
    assert "plus valide" in again.get_data(as_text=True)
    assert (
        set_new_password(
            browser_factory(), path, "Encore-un-autre-secret-99"
        ).status_code
        == 400
    )
    assert not other_session.is_logged_in()
    assert browser_factory().login(member, NEW_PASSWORD).status_code == 302


def test_reset_link_dies_when_the_password_changes_otherwise(
    browser_factory, smtp_server
):
    member = make_member(email="oubli@example.org")
    ask_for_reset(browser_factory(), "oubli@example.org")
    path = reset_link(smtp_server.messages[0])
    client = logged_in(browser_factory, member)
    change_password(client, PASSWORD, NEW_PASSWORD)
    assert browser_factory().get(path).status_code == 400


@pytest.mark.parametrize("known", ["inconnu@example.org", "parti@example.org"])
def test_reset_request_reveals_nothing_and_sends_nothing(
    browser_factory, smtp_server, known
):
    make_member(email="parti@example.org", active=False)
    response = ask_for_reset(browser_factory(), known)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/auth/login"
    assert smtp_server.messages == []


class ResetWork:
    """What a reset request does: its SQL, its signed links, its rendered e-mails
    and what it sends, recorded around the real functions."""

    def __init__(self, monkeypatch):
        self.steps: list[str] = []
        self.sent: list[str] = []
        self._spy(monkeypatch, "_reset_fingerprint", lambda *a: "fingerprint")
        self._spy(monkeypatch, "render_templated", lambda *a, **k: f"render {a[1]}")
        self._spy(monkeypatch, "_absolute", lambda *a: "link")
        sending = (monkeypatch, "send_email_later", lambda to, *a: self.sent.append(to))
        self._spy(*sending, owner=delivery)

    def _spy(self, monkeypatch, name, note, owner=auth_services):
        real = getattr(owner, name)

        def spy(*args, **kwargs):
            step = note(*args, **kwargs)
            if step:
                self.steps.append(step)
            return real(*args, **kwargs)

        monkeypatch.setattr(owner, name, spy)

    def _on_sql(self, _conn, _cursor, statement, *_args):
        self.steps.append(statement)

    def during(self, request):
        """The response to `request()`, the steps it took and whom it e-mailed."""
        self.steps, self.sent = [], []
        event.listen(db.engine, "before_cursor_execute", self._on_sql)
        try:
            response = request()
        finally:
            event.remove(db.engine, "before_cursor_execute", self._on_sql)
        return response, self.steps, self.sent


def test_reset_request_does_the_same_work_for_unknown_addresses(
    browser_factory, smtp_server, monkeypatch
):
    make_member(email="oubli@example.org")
    make_member(email="parti@example.org", active=False)
    work = ResetWork(monkeypatch)
    answers, works = [], []
    for email in ("oubli@example.org", "inconnu@example.org", "parti@example.org"):
        browser = browser_factory()
        token = csrf_token(browser, "/auth/reset")
        response, steps, sent = work.during(
            lambda b=browser, e=email, t=token: b.post(
                "/auth/reset", data={"email": e, "csrf_token": t}
            )
        )
        page = browser.get(response.headers["Location"]).get_data(as_text=True)
        assert "Si un compte actif utilise cette adresse" in page
        answers.append((response.status_code, response.headers["Location"]))
        works.append((steps, sent))
    # The same answer, the same queries, links and renders: only sending differs.
    assert answers[0] == answers[1] == answers[2] == (302, "/auth/login")
    (known, sent_known), (unknown, sent_unknown), (gone, sent_gone) = works
    assert "render password_reset" in known and "fingerprint" in known
    assert known == unknown == gone
    assert (sent_known, sent_unknown, sent_gone) == (["oubli@example.org"], [], [])
    assert [m["To"] for m in smtp_server.messages] == ["oubli@example.org"]


def test_tampered_reset_link_is_refused(browser_factory, smtp_server):
    make_member(email="oubli@example.org")
    ask_for_reset(browser_factory(), "oubli@example.org")
    path = reset_link(smtp_server.messages[0])
    # Not the last character: its low bits are base64 padding, ignored on decoding.
    tampered = path[:-5] + ("A" if path[-5] != "A" else "B") + path[-4:]
    assert browser_factory().get(tampered).status_code == 400
    assert browser_factory().get("/auth/reset/n-importe-quoi").status_code == 400


# Cookies and redirects --------------------------------------------------------


def set_cookie_headers(response, name: str) -> list[str]:
    return [
        header
        for header in response.headers.getlist("Set-Cookie")
        if header.startswith(name + "=")
    ]


def test_session_cookies_are_httponly_and_samesite_lax(browser_factory):
    response = browser_factory().login(make_member(), remember="y")
    assert response.status_code == 302
    for name in ("session", "remember_token"):
        (header,) = set_cookie_headers(response, name)
        assert "HttpOnly" in header
        assert "SameSite=Lax" in header


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "https://evil.example",
        "http://evil.example/auth/login",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "javascript:alert(1)",
        "evil.example",
    ],
)
def test_login_never_redirects_to_another_site(browser_factory, target):
    client = browser_factory()
    token = csrf_token(client, "/auth/login")
    member = make_member()
    response = client.post(
        "/auth/login?next=" + quote(target, safe=""),
        data={"username": member.username, "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert "evil" not in location and "javascript" not in location
    assert urlsplit(location).netloc in ("", "localhost")


def test_login_redirects_to_the_page_asked_for(browser_factory):
    client = browser_factory()
    token = csrf_token(client, "/auth/login")
    member = make_member()
    response = client.post(
        "/auth/login?next=" + quote("/members/?role=eig", safe=""),
        data={"username": member.username, "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/members/?role=eig"


def test_member_row_keeps_a_rotated_session_token(browser_factory):
    member = make_member()
    before = member.session_token
    client = logged_in(browser_factory, member)
    client.submit("/auth/logout")
    assert fresh(Member, id=member.id).session_token != before
