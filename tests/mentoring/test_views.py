"""The mentoring pages, with CSRF on: asking, answering, offering, figures."""

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.mentoring import services
from app.mentoring.models import MentoringRequest, MentorProfile
from tests.factories import make_member
from tests.mentoring.conftest import make_mentor
from tests.security.conftest import fresh, logged_in


def requests_stored() -> int:
    return db.session.scalar(select(func.count(MentoringRequest.id)))


@pytest.fixture
def mentor(app):
    return make_mentor(
        username="dana", display_name="Dana Data", topics="Pseudonymisation"
    )


@pytest.fixture
def eig(app):
    return make_member(username="camille", role="eig", display_name="Camille Eig")


def ask_page(client, topic="pseudonymisation"):
    return client.get(f"/mentoring/ask?topic={topic}").get_data(as_text=True)


def test_the_ask_page_shows_suggestions_with_their_reasons(
    browser_factory, mentor, eig
):
    page = ask_page(logged_in(browser_factory, eig))
    assert "Dana Data" in page
    assert "Propose du mentorat sur « Pseudonymisation »" in page
    assert "2 places libres" in page


def test_an_eig_asks_from_the_suggestions(browser_factory, mentor, eig):
    client = logged_in(browser_factory, eig)
    form_page = "/mentoring/ask?topic=pseudonymisation"
    response = client.submit(
        "/mentoring/requests",
        {"mentor": "dana", "topic": "pseudonymisation", "message": "Au secours"},
        form_page,
    )
    assert response.status_code == 302
    request = fresh(MentoringRequest, mentor_id=mentor.id)
    assert response.headers["Location"] == f"/mentoring/requests/{request.id}"
    page = client.get("/mentoring/").get_data(as_text=True)
    assert "« pseudonymisation »" in page and "En attente" in page


def test_asking_without_the_csrf_token_stores_nothing(browser_factory, mentor, eig):
    client = logged_in(browser_factory, eig)
    response = client.post(
        "/mentoring/requests", data={"mentor": "dana", "topic": "pseudonymisation"}
    )
    assert response.status_code == 400
    assert requests_stored() == 0


def test_asking_oneself_or_a_full_mentor_says_why(browser_factory, mentor, eig):
    client = logged_in(browser_factory, eig)
    response = client.submit(
        "/mentoring/requests", {"mentor": "camille", "topic": "Python"}
    )
    assert response.status_code == 302
    assert "vous-même" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    profile = db.session.get(MentorProfile, mentor.id)
    profile.capacity = 1
    db.session.commit()
    first = services.ask_for_mentoring(make_member(role="eig"), mentor, topic="X y")
    services.answer_request(mentor, first.id, accept=True)
    response = client.submit("/mentoring/requests", {"mentor": "dana", "topic": "RGPD"})
    assert response.status_code == 400  # the mentor's form again, the reason on top
    page = response.get_data(as_text=True)
    assert "autant de personnes" in page and 'id="error-summary"' in page
    assert 'id="ask-mentor-form"' in page and 'value="RGPD"' in page
    assert requests_stored() == 1


def test_a_too_short_topic_is_said_under_the_topic_field(browser_factory, mentor, eig):
    client = logged_in(browser_factory, eig)
    response = client.submit(
        "/mentoring/requests",
        {"mentor": "dana", "topic": "x", "message": "Bonjour"},
        "/mentoring/ask?mentor=dana",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert '<a href="#topic">' in page  # the summary links to the field
    assert re.search(r'id="topic-messages"[^>]*>\s*<p class="fr-message', page)
    assert re.search(r">\s*Bonjour</textarea>", page)  # what was typed stays
    assert requests_stored() == 0


def test_an_unknown_mentor_is_a_clear_error(browser_factory, eig):
    client = logged_in(browser_factory, eig)
    response = client.submit(
        "/mentoring/requests", {"mentor": "nobody", "topic": "X y"}
    )
    assert response.status_code == 400
    assert "Choisissez un mentor" in response.get_data(as_text=True)


def test_the_mentor_accepts_with_a_message(browser_factory, mentor, eig):
    request = services.ask_for_mentoring(eig, mentor, topic="Pseudonymisation")
    client = logged_in(browser_factory, mentor)
    page = f"/mentoring/requests/{request.id}"
    assert "Accepter" in client.get(page).get_data(as_text=True)
    response = client.submit(f"{page}/accept", {"message": "Avec plaisir"}, page)
    assert response.status_code == 302
    stored = fresh(MentoringRequest, id=request.id)
    assert (stored.status, stored.answer) == ("accepted", "Avec plaisir")
    assert "Avec plaisir" in client.get(page).get_data(as_text=True)


def test_a_too_long_answer_is_said_under_the_message_field(
    browser_factory, mentor, eig
):
    request = services.ask_for_mentoring(eig, mentor, topic="Pseudonymisation")
    page = f"/mentoring/requests/{request.id}"
    client = logged_in(browser_factory, mentor)
    response = client.submit(f"{page}/accept", {"message": "x" * 1001}, page)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert '<a href="#message">' in html
    assert re.search(r'id="message-messages"[^>]*>\s*<p class="fr-message', html)
    assert fresh(MentoringRequest, id=request.id).status == "pending"


def test_the_mentor_declines(browser_factory, mentor, eig):
    request = services.ask_for_mentoring(eig, mentor, topic="Pseudonymisation")
    client = logged_in(browser_factory, mentor)
    page = f"/mentoring/requests/{request.id}"
    client.submit(f"{page}/decline", {}, page)
    assert fresh(MentoringRequest, id=request.id).status == "declined"


def test_answering_someone_elses_request_is_refused(browser_factory, mentor, eig):
    request = services.ask_for_mentoring(eig, mentor, topic="Pseudonymisation")
    page = f"/mentoring/requests/{request.id}"
    stranger = logged_in(browser_factory, make_mentor())
    assert stranger.get(page).status_code == 404
    response = stranger.submit(f"{page}/accept", {"message": "Moi !"})
    assert response.status_code == 404
    assert "Au secours" not in response.get_data(as_text=True)
    asker = logged_in(browser_factory, eig)
    response = asker.submit(f"{page}/accept", {}, page)
    assert response.status_code == 403
    assert fresh(MentoringRequest, id=request.id).status == "pending"


def test_either_side_closes_an_accepted_mentoring(browser_factory, mentor, eig):
    request = services.ask_for_mentoring(eig, mentor, topic="Pseudonymisation")
    services.answer_request(mentor, request.id, accept=True)
    client = logged_in(browser_factory, eig)
    page = f"/mentoring/requests/{request.id}"
    client.submit(f"{page}/close", {}, page)
    assert fresh(MentoringRequest, id=request.id).status == "closed"


def test_a_mentor_saves_an_offer(browser_factory):
    member = make_member(role="alumni")
    client = logged_in(browser_factory, member)
    response = client.submit(
        "/mentoring/profile",
        {"available": "y", "topics": "Python, RGPD", "capacity": "3"},
        "/mentoring/profile",
    )
    assert response.status_code == 302
    profile = fresh(MentorProfile, member_id=member.id)
    assert profile.capacity == 3 and [t.name for t in profile.topics] == [
        "Python",
        "RGPD",
    ]


def test_an_out_of_range_capacity_is_shown_not_saved(browser_factory):
    member = make_member(role="mentor")
    client = logged_in(browser_factory, member)
    response = client.submit(
        "/mentoring/profile",
        {"topics": "Python", "capacity": "99"},
        "/mentoring/profile",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'class="fr-input-group fr-input-group--error"' in page
    assert 'aria-invalid="true"' in page and 'id="capacity"' in page
    assert '<a href="#capacity">' in page  # the summary links to the field
    assert fresh(MentorProfile, member_id=member.id) is None


def test_staff_see_figures_and_no_names(browser_factory, mentor, eig):
    services.ask_for_mentoring(eig, mentor, topic="Pseudonymisation")
    page = logged_in(browser_factory, make_member(role="staff")).get("/mentoring/")
    html = page.get_data(as_text=True)
    assert "Chiffres du mentorat" in html and "Taux d’acceptation" in html
    assert "Camille Eig" not in html
    member_page = logged_in(browser_factory, make_member()).get("/mentoring/")
    assert "Chiffres du mentorat" not in member_page.get_data(as_text=True)
