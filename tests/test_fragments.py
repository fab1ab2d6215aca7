"""Cached cards (app/fragments.py): rendered once, never stale, never someone else's.

The directory's member cards and the défi list's cards are cached per process
under a version that every edit of what they show bumps in its own transaction.
These tests edit through the services and forms members use, then read the pages
as members see them; one test edits from a second app on the same database file,
as another web process would.
"""

import re

from flask import g
from sqlalchemy import event

from app.auth.services import set_password
from app.defis import services as defis
from app.extensions import db
from app.fragments import current_version
from app.members import services as members
from tests.conftest import AuthActions, file_app
from tests.factories import make_defi, make_member

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def cards(page: str) -> str:
    """The list of cards of a directory or défi list page."""
    return page.split('id="member-list"', 1)[-1].split('id="defi-list"', 1)[-1]


def count_queries(app, client, url: str) -> tuple[str, int]:
    statements = []

    def record(*_args):
        statements.append(1)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        page = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert page.status_code == 200, url
    return cards(page.get_data(as_text=True)), len(statements)


def test_a_profile_edit_shows_on_the_next_directory_page(app, client, auth):
    staff = make_member(role="staff", display_name="Sacha Staff")
    alice = make_member(display_name="Alice Martin", skills=["Python"])
    auth.login(alice)
    first, cold = count_queries(app, client, "/members/")
    again, warm = count_queries(app, client, "/members/")
    assert "Alice Martin" in first and again == first
    assert warm < cold  # the second page reads no card data

    members.update_profile(alice, alice, display_name="Alice Dupont", skills="Rust")
    page = cards(client.get("/members/").get_data(as_text=True))
    assert "Alice Dupont" in page and "Alice Martin" not in page
    assert "Rust" in page and "Python" not in page

    members.update_profile(staff, alice, headline="Data scientist à la DINUM")
    assert "Data scientist à la DINUM" in client.get("/members/").get_data(as_text=True)


def test_a_defi_edit_shows_on_cards_of_the_list_and_of_its_team(app, client, auth):
    staff = make_member(role="staff")
    bob = make_member(display_name="Bob Leroy")
    defi = make_defi(title="Lab Santé", team=[(bob, "eig")])
    auth.login(bob)
    assert "Lab Santé" in client.get("/defis/").get_data(as_text=True)
    assert "Lab Santé" in client.get("/members/").get_data(as_text=True)

    defis.update_defi(staff, defi, title="Lab Santé publique", themes="Santé")
    listing = client.get("/defis/").get_data(as_text=True)
    directory = client.get("/members/").get_data(as_text=True)
    assert "Lab Santé publique" in listing and ">Santé</p>" in listing
    assert "Lab Santé publique" in directory

    other = make_defi(title="Signaux faibles")
    defis.set_team_member(staff, other, bob, "eig")
    assert "Signaux faibles" in client.get("/members/").get_data(as_text=True)


def test_what_no_card_shows_leaves_the_cached_cards_in_place(app, client, auth):
    alice = make_member()
    auth.login(alice)
    client.get("/members/")
    before = current_version()
    set_password(alice, "Un-autre-mot-de-passe-1")
    alice.locale = "en"
    db.session.commit()
    with app.test_request_context():
        assert current_version() == before
    with app.test_request_context():
        members.update_profile(alice, alice, headline="Nouveau titre")
        assert current_version() != before


def test_a_change_rolled_back_bumps_nothing_later(app):
    alice = make_member(display_name="Alice Martin")
    before = current_version()
    alice.display_name = "Alice Dupont"
    db.session.flush()  # seen by the flush, then undone
    db.session.rollback()
    alice.locale = "en"
    db.session.commit()
    assert current_version() == before
    assert alice.display_name == "Alice Martin"


def test_each_viewer_gets_their_own_button_and_token(app):
    alice = make_member(display_name="Alice Martin")
    bob = make_member(display_name="Bob Leroy")
    pages = {}
    for member in (alice, bob):
        client = app.test_client()
        AuthActions(client).login(member)
        app.config["WTF_CSRF_ENABLED"] = True  # the button's form carries a token
        pages[member.username] = client.get("/members/").get_data(as_text=True)
        app.config["WTF_CSRF_ENABLED"] = False
        g.pop("csrf_token", None)  # the fixture's app context outlives requests
    alice_page, bob_page = pages[alice.username], pages[bob.username]
    assert f'data-message-to="{bob.username}"' in alice_page
    assert f'data-message-to="{alice.username}"' not in alice_page  # not to oneself
    assert f'data-message-to="{alice.username}"' in bob_page
    assert f'data-message-to="{bob.username}"' not in bob_page
    alice_tokens, bob_tokens = (
        set(CSRF.findall(alice_page)),
        set(CSRF.findall(bob_page)),
    )
    assert alice_tokens and bob_tokens and not alice_tokens & bob_tokens


def test_cards_follow_the_language_of_the_page(app, client, auth):
    bob = make_member()
    make_defi(title="Lab Santé", team=[(bob, "eig")])
    auth.login(make_member())
    french = client.get("/members/").get_data(as_text=True)
    english = client.get("/members/?lang=en").get_data(as_text=True)
    assert "Défi : " in french and "Envoyer un message" in french
    assert "Défi: " in english and "Send a message" in english
    assert "Défi : " in client.get("/members/?lang=fr").get_data(as_text=True)


def test_an_edit_in_another_process_shows_at_the_next_request(tmp_path):
    """Two apps on one database file: one serves pages, the other edits."""
    path = tmp_path / "eiglink.db"
    with file_app(path) as serving:
        alice = make_member(display_name="Alice Martin")
        username = alice.username
        client = serving.test_client()
        AuthActions(client).login(alice)
        assert "Alice Martin" in client.get("/members/").get_data(as_text=True)
        db.session.remove()
        with file_app(path) as editing, editing.app_context():
            member = members.get_member(username)
            members.update_profile(member, member, display_name="Alice Dupont")
            db.session.remove()
        page = cards(client.get("/members/").get_data(as_text=True))
        assert "Alice Dupont" in page and "Alice Martin" not in page
