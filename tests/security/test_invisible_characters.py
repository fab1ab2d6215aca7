"""Names and titles lose controls and invisible formatting (bidi, zero-width)."""

import pytest

from app.auth.services import create_api_token
from app.channels import services as channels
from app.members.models import Member
from app.text import clean_spaces
from tests.factories import make_member
from tests.security.conftest import fresh, logged_in

# Each one makes a name look like another, or reverses the text around it.
INVISIBLE = [
    "\u202e",  # RIGHT-TO-LEFT OVERRIDE
    "\u202d",  # LEFT-TO-RIGHT OVERRIDE
    "\u2066",  # LEFT-TO-RIGHT ISOLATE
    "\u200b",  # ZERO WIDTH SPACE
    "\u200c",  # ZERO WIDTH NON-JOINER
    "\u200d",  # ZERO WIDTH JOINER
    "\u2060",  # WORD JOINER
    "\ufeff",  # ZERO WIDTH NO-BREAK SPACE (BOM)
    "\u00ad",  # SOFT HYPHEN
    "\x07",  # BELL
    "\x1b",  # ESCAPE
    "\x7f",  # DELETE
]


def disguised(name: str) -> str:
    """`name` with every invisible character slipped in, a few at each place."""
    padding = "".join(INVISIBLE)
    return padding + f"{padding}".join(name) + padding


@pytest.mark.parametrize("char", INVISIBLE, ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
def test_one_line_text_drops_each_invisible_character(char):
    assert clean_spaces(f"Cam{char}ille {char}Durand{char}") == "Camille Durand"


def test_one_line_text_keeps_letters_accents_and_emoji():
    assert clean_spaces("  Élodie\tN'Guessan 🚀 中文 ") == "Élodie N'Guessan 🚀 中文"


def test_profile_form_stores_the_display_name_without_invisible_characters(
    browser_factory,
):
    member = make_member()
    client = logged_in(browser_factory, member)
    page = f"/members/{member.username}/edit"
    fields = {"display_name": disguised("Camille"), "headline": "Data\u202eengineer"}
    assert client.submit(page, fields, form_page=page).status_code == 302
    again = fresh(Member, id=member.id)
    assert (again.display_name, again.headline) == ("Camille", "Dataengineer")
    assert "Camille" in client.get(f"/members/{member.username}").get_data(True)


def test_profile_form_refuses_a_name_made_only_of_invisible_characters(
    browser_factory,
):
    member = make_member(display_name="Camille")
    client = logged_in(browser_factory, member)
    page = f"/members/{member.username}/edit"
    response = client.submit(page, {"display_name": "".join(INVISIBLE)}, page)
    assert response.status_code == 400
    assert "Le nom affiché est obligatoire" in response.get_data(as_text=True)
    assert fresh(Member, id=member.id).display_name == "Camille"


def test_api_stores_a_resource_title_without_invisible_characters(app):
    author = make_member()
    _, raw = create_api_token(author, "script")
    client = app.test_client(use_cookies=False)
    response = client.post(
        "/api/v1/resources",
        json={
            "kind": "link",
            "title": disguised("Guide"),
            "url": "https://example.org/guide",
            "tags": ["\u200bNLP\u202e"],
        },
        headers={"Authorization": f"Bearer {raw}"},
    )
    assert response.status_code == 201
    body = response.get_json()
    assert (body["title"], body["tags"]) == ("Guide", ["NLP"])


def test_channel_and_token_names_lose_invisible_characters(app):
    member = make_member()
    room = channels.create_channel(member, name=disguised("Entraide"))
    assert (room.name, room.slug) == ("Entraide", "entraide")
    token, _raw = create_api_token(member, "\u202eportable\u200b")
    assert token.name == "portable"
