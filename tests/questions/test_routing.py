"""Routing questions to the members who know, in a fixed community.

Zoé (EIG on Lab Santé, with Yann) asks about pseudonymisation. Alice (alumni,
DataJust, skill Pseudonymisation) and Bruno (mentor, skill Pseudonymisation)
know; Denis is an EIG (who takes no questions unless he says so), Emma an alumna
who said no, Chloé knows cartography only.
"""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.channels import services as channels
from app.channels.models import Message
from app.errors import Invalid, NotAllowed, NotFound
from app.extensions import db
from app.notifications.models import Notification
from app.questions import services as questions
from app.questions.models import QuestionRoute
from app.questions.routing import describe
from app.timeutil import utcnow
from tests.factories import make_defi, make_member

PSEUDO = "Quelqu'un a déjà pseudonymisé des décisions de justice ?"


@pytest.fixture
def people(app):
    def member(name: str, role: str, skills=(), **extra):
        username = name.lower().replace("é", "e")
        return make_member(
            username=username, display_name=name, role=role, skills=skills, **extra
        )

    found = {
        "zoe": member("Zoé", "eig"),
        "yann": member("Yann", "alumni", ["Pseudonymisation"]),
        "alice": member("Alice", "alumni", ["Pseudonymisation", "NLP"]),
        "bruno": member("Bruno", "mentor", ["Pseudonymisation"]),
        "chloe": member("Chloé", "alumni", ["Cartographie"]),
        "denis": member("Denis", "eig", ["Pseudonymisation"]),
        "emma": member("Emma", "alumni", ["Pseudonymisation"], takes_questions=False),
    }
    make_defi(
        slug="lab-sante",
        title="Lab Santé",
        team=[(found["zoe"], "eig"), (found["yann"], "eig")],
    )
    make_defi(
        slug="datajust",
        title="DataJust",
        tagline="Pseudonymisation des décisions de justice",
        team=[(found["alice"], "eig")],
    )
    return found


@pytest.fixture
def entraide(people):
    return channels.create_channel(people["chloe"], name="Entraide")


def ask(people, entraide, title=PSEUDO, tags=("Pseudonymisation",), **options):
    return questions.ask(
        people["zoe"],
        entraide,
        title,
        "Le détail de ma question.",
        list(tags),
        **options,
    )


def routed(question) -> dict[str, list[str]]:
    return {
        route.member.username: [describe(r) for r in route.reasons]
        for route in question.routes
    }


def test_the_reasons_are_the_evidence(people, entraide):
    found = routed(ask(people, entraide))
    assert set(found) == {"alice", "bruno"}
    assert "compétence\u00a0: Pseudonymisation" in found["alice"]
    assert "a travaillé sur le défi DataJust" in found["alice"]
    assert found["bruno"][0] == "compétence\u00a0: Pseudonymisation"


def test_the_asker_their_team_and_those_who_said_no_are_skipped(people, entraide):
    found = routed(ask(people, entraide))
    assert not {"zoe", "yann", "emma", "denis"} & set(found)


def test_an_eig_who_opts_in_is_asked(people, entraide):
    people["denis"].takes_questions = True
    db.session.commit()
    assert "denis" in routed(ask(people, entraide))


def test_routed_members_are_notified_with_a_link(people, entraide):
    question = ask(people, entraide)
    notes = db.session.scalars(
        select(Notification).where(Notification.kind == "question")
    ).all()
    assert {n.recipient.username for n in notes} == {"alice", "bruno"}
    assert notes[0].url.endswith(f"?thread={question.message_id}")


def test_the_weekly_cap_holds_then_frees(people, entraide):
    now = utcnow()
    for n in range(3):
        question = ask(people, entraide, title=f"Pseudonymisation, cas {n}", now=now)
        assert "alice" in routed(question)
    fourth = ask(people, entraide, title="Pseudonymisation, cas 4", now=now)
    assert "alice" not in routed(fourth) and "bruno" not in routed(fourth)
    later = ask(
        people, entraide, title="Pseudonymisation, cas 5", now=now + timedelta(days=8)
    )
    assert {"alice", "bruno"} <= set(routed(later))


def test_the_load_is_spread_over_equal_experts(app):
    asker = make_member(username="asker", role="eig")
    experts = [
        make_member(username=f"expert{n}", role="alumni", skills=["Kubernetes"])
        for n in range(4)
    ]
    room = channels.create_channel(asker, name="Infra")
    counts = {expert.username: 0 for expert in experts}
    for n in range(4):
        question = questions.ask(
            asker, room, f"Kubernetes en production, {n}", "Détails.", ["Kubernetes"]
        )
        for route in question.routes:
            counts[route.member.username] += 1
    assert sorted(counts.values()) == [3, 3, 3, 3]


def test_a_member_who_passed_is_not_asked_a_similar_question(people, entraide):
    first = ask(people, entraide)
    questions.pass_question(people["alice"], first)
    again = ask(people, entraide, title="Pseudonymiser des jugements ?")
    assert "alice" not in routed(again) and "bruno" in routed(again)
    other = ask(people, entraide, title="Faire du NLP sur des textes ?", tags=["NLP"])
    assert "alice" in routed(other)


def test_passing_on_a_question_not_routed_to_you_is_refused(people, entraide):
    question = ask(people, entraide)
    with pytest.raises(Invalid):
        questions.pass_question(people["chloe"], question)


def test_unanswered_questions_are_routed_once_more_after_48_hours(people, entraide):
    now = utcnow()
    people["denis"].takes_questions = True
    make_member(username="fanny", role="alumni", skills=["Pseudonymisation"])
    question = ask(people, entraide, now=now)
    first = set(routed(question))
    assert len(first) == 3
    assert questions.route_unanswered(now + timedelta(hours=47)) == 0
    assert questions.route_unanswered(now + timedelta(hours=49)) == 1
    db.session.refresh(question)
    second = {r.member.username for r in question.routes if r.round == 2}
    assert second and not second & first
    assert questions.route_unanswered(now + timedelta(hours=100)) == 0
    assert len(question.routes) == len(first) + len(second)


def test_an_answered_question_is_not_routed_again(people, entraide):
    now = utcnow()
    question = ask(people, entraide, now=now)
    channels.post_message(
        people["alice"], entraide, "Oui, avec spaCy.", parent_id=question.message_id
    )
    assert questions.route_unanswered(now + timedelta(hours=49)) == 0


def test_accepted_answers_raise_the_answerer_for_that_tag(people, entraide):
    question = ask(people, entraide)
    answer = channels.post_message(
        people["chloe"], entraide, "Regardez ce script.", parent_id=question.message_id
    )
    questions.accept(people["zoe"], question, answer.id)
    assert question.status == "solved"
    again = ask(people, entraide, title="Anonymiser des jugements ?")
    assert routed(again)["chloe"] == ["1 réponse acceptée sur Pseudonymisation"]


def test_only_the_asker_or_staff_accept_an_answer_of_the_thread(people, entraide):
    question = ask(people, entraide)
    answer = channels.post_message(
        people["bruno"], entraide, "Avec un modèle NER.", parent_id=question.message_id
    )
    elsewhere = channels.post_message(people["bruno"], entraide, "Autre sujet")
    with pytest.raises(NotAllowed):
        questions.accept(people["bruno"], question, answer.id)
    with pytest.raises(Invalid):
        questions.accept(people["zoe"], question, elsewhere.id)
    assert question.status == "open"
    staff = make_member(username="staff", role="staff")
    questions.accept(staff, question, answer.id)
    assert question.accepted_message_id == answer.id
    questions.undo_accept(people["zoe"], question)
    assert question.status == "open" and question.solved_at is None


@pytest.mark.parametrize(
    ("title", "tags"),
    [
        ("", ["Python"]),
        ("   ", []),
        ("x" * 201, []),
        ("Titre", [f"t{n}" for n in range(200)]),
    ],
)
def test_bad_questions_change_nothing(people, entraide, title, tags):
    before = db.session.scalar(select(func.count(Message.id)))
    with pytest.raises(Invalid):
        ask(people, entraide, title=title, tags=tags)
    assert db.session.scalar(select(func.count(Message.id))) == before
    assert db.session.scalar(select(func.count(QuestionRoute.member_id))) == 0


def test_a_question_in_a_channel_you_cannot_write_to_is_refused(people):
    secret = channels.create_channel(people["alice"], name="Secret", private=True)
    with pytest.raises(NotFound):
        questions.ask(people["zoe"], secret, "Une question ?", "Détails.", [])
    assert db.session.scalar(select(func.count(Message.id))) == 0


def test_the_hourly_command_routes_what_waited_48_hours(app, people, entraide):
    make_member(username="fanny", role="alumni", skills=["Pseudonymisation"])
    people["denis"].takes_questions = True
    ask(people, entraide, now=utcnow() - timedelta(hours=49))
    result = app.test_cli_runner().invoke(args=["route-questions"])
    assert result.exit_code == 0
    assert "Questions relancées : 1." in result.output
