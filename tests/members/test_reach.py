"""Reaching the people one finds: "Envoyer un message" on profiles, directory
cards and search results, "Demander du mentorat" on a mentor's profile."""

import html as html_lib
import re

import pytest

from app.channels.models import Channel
from app.extensions import db
from tests.factories import make_member

FORM = re.compile(
    r'<form method="post" action="/channels/direct" class="eig-message-form">'
    r'\s*<input type="hidden" name="csrf_token" value="[^"]+">'
    r'\s*<input type="hidden" name="direct-username" value="([^"]+)">'
)
# A page of many cards: one form with the token, buttons that submit it.
SHARED_FORM = re.compile(
    r'<form id="([\w-]+)" method="post" action="/channels/direct" '
    r'class="eig-message-form" hidden>'
    r'\s*<input type="hidden" name="csrf_token" value="[^"]+">'
)
SHARED_BUTTON = re.compile(
    r'<button type="submit" form="([\w-]+)" name="direct-username" value="([^"]+)"'
)


@pytest.fixture
def viewer(auth):
    member = make_member(username="zoe", display_name="Zoé Lectrice", skills=["R"])
    auth.login(member)
    return member


@pytest.fixture
def helene(app):
    return make_member(
        username="helene",
        display_name="Hélène Dupont",
        role="alumni",
        skills=["Pseudonymisation"],
    )


def message_targets(response) -> list[str]:
    """Whom the page's message buttons write to, each with a CSRF token."""
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    forms = set(SHARED_FORM.findall(page))
    shared = [name for form, name in SHARED_BUTTON.findall(page) if form in forms]
    return FORM.findall(page) + shared


def test_a_profile_offers_to_send_a_message(client, viewer, helene):
    page = client.get("/members/helene")
    assert message_targets(page) == ["helene"]
    assert "Envoyer un message" in page.get_data(as_text=True)


def test_ones_own_profile_offers_no_message(client, viewer):
    assert message_targets(client.get("/members/zoe")) == []


def test_the_message_button_opens_the_direct_conversation(client, viewer, helene):
    response = client.post("/channels/direct", data={"direct-username": "helene"})
    channel = db.session.query(Channel).filter_by(kind="direct").one()
    assert response.headers["Location"].endswith(f"/channels/{channel.slug}")


def test_directory_cards_offer_a_message_to_others_only(client, viewer, helene):
    assert message_targets(client.get("/members/")) == ["helene"]


def test_who_knows_results_offer_a_message(client, viewer, helene):
    page = client.get("/search/people?q=pseudonymisation")
    assert message_targets(page) == ["helene"]


def test_member_search_hits_offer_a_message_but_not_to_oneself(client, viewer, helene):
    make_member(username="zoe2", display_name="Zoé Autre")
    page = client.get("/search?q=zoe&type=member")
    assert message_targets(page) == ["zoe2"]


def mentoring_link(response) -> str | None:
    page = html_lib.unescape(response.get_data(as_text=True))
    found = re.search(r'id="ask-mentoring" href="([^"]+)"', page)
    return found and found.group(1)


def test_a_mentors_profile_offers_to_ask_for_mentoring(client, viewer, helene):
    helene.open_to_mentoring = True
    db.session.commit()
    link = mentoring_link(client.get("/members/helene"))
    assert link == "/mentoring/ask?mentor=helene"
    form = client.get(link).get_data(as_text=True)
    assert 'id="ask-mentor-form"' in form
    assert 'name="mentor" value="helene"' in form


def test_no_mentoring_action_for_a_member_not_mentoring(client, viewer, helene):
    assert mentoring_link(client.get("/members/helene")) is None


def test_no_mentoring_action_for_a_viewer_who_cannot_ask(client, auth, helene):
    helene.open_to_mentoring = True
    db.session.commit()
    auth.login(make_member(username="ancien", role="alumni"))
    assert mentoring_link(client.get("/members/helene")) is None


def test_asking_the_chosen_mentor_sends_the_request(client, viewer, helene):
    helene.open_to_mentoring = True
    db.session.commit()
    response = client.post(
        "/mentoring/requests",
        data={"mentor": "helene", "topic": "Pseudonymisation", "message": "Bonjour"},
    )
    assert response.status_code == 302
    assert "/mentoring/requests/" in response.headers["Location"]


def test_asking_someone_who_does_not_mentor_shows_the_topic_search(client, viewer):
    make_member(username="pasmentor", role="alumni")
    page = client.get("/mentoring/ask?mentor=pasmentor").get_data(as_text=True)
    assert 'id="ask-mentor-form"' not in page
    assert 'id="topic-form"' in page
