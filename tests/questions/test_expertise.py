"""Expertise grows from answers: an accepted answer counts in "Qui s'y
connaît ?", in the mentoring suggestions and on the profile, with its reason;
the questions sent to a member wait on their dashboard."""

import pytest

from app.channels import services as channels
from app.extensions import db
from app.mentoring.suggestions import suggest_mentors
from app.questions import services as questions
from app.search.services import who_knows
from tests.factories import make_member


@pytest.fixture
def solved(app):
    """Chloé, whose profile says nothing of it, answered Zoé's question on
    pseudonymisation, and Zoé accepted her answer."""
    zoe = make_member(username="zoe", display_name="Zoé")
    chloe = make_member(
        username="chloe", display_name="Chloé", role="alumni", open_to_mentoring=True
    )
    room = channels.create_channel(chloe, name="Entraide")
    question = questions.ask(
        zoe, room, "Anonymiser des jugements", "Comment ?", ["Pseudonymisation"]
    )
    answer = channels.post_message(
        chloe,
        room,
        "Avec un modèle de reconnaissance d’entités.",
        None,
        question.message_id,
    )
    questions.accept(zoe, question, answer.id)
    return zoe, chloe


def test_who_knows_counts_accepted_answers_with_their_reason(solved):
    zoe, chloe = solved
    found = {m.member.username: m.reasons for m in who_knows(zoe, "pseudonymisation")}
    assert found["chloe"] == ["1 réponse acceptée sur Pseudonymisation"]


def test_mentoring_suggestions_count_accepted_answers(solved):
    zoe, chloe = solved
    found = {
        s.mentor.username: s.reasons for s in suggest_mentors(zoe, "Pseudonymisation")
    }
    assert found["chloe"] == ["1 réponse acceptée sur «\u00a0Pseudonymisation\u00a0»"]


def test_the_profile_shows_accepted_answers_per_tag(client, auth, solved):
    zoe, chloe = solved
    auth.login(zoe)
    page = client.get("/members/chloe").get_data(as_text=True)
    assert 'id="member-accepted"' in page and "Pseudonymisation (1)" in page


def test_questions_sent_to_a_member_wait_on_their_dashboard(client, auth, app):
    zoe = make_member(username="zoe")
    alice = make_member(username="alice", role="alumni", skills=["Docker"])
    room = channels.create_channel(alice, name="Entraide")
    question = questions.ask(zoe, room, "Docker en production", "Des conseils ?", [])
    auth.login(alice)
    page = client.get("/").get_data(as_text=True)
    assert 'id="questions-for-me"' in page and "Docker en production" in page
    questions.pass_question(alice, db.session.merge(question))
    assert 'id="questions-for-me"' not in client.get("/").get_data(as_text=True)
