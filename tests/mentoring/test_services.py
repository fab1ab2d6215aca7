"""Mentoring services: offers, suggestions with reasons, requests and expiry."""

import pytest
from sqlalchemy import func, select

from app.errors import Invalid, NotAllowed, NotFound
from app.extensions import db
from app.mentoring import services
from app.mentoring.models import MentoringRequest
from app.mentoring.suggestions import suggest_mentors
from app.notifications.models import Notification
from tests.factories import make_defi, make_member
from tests.mentoring.conftest import make_mentor


def request_count() -> int:
    return db.session.scalar(select(func.count(MentoringRequest.id)))


def notifications_of(member) -> list[Notification]:
    return list(
        db.session.scalars(
            select(Notification).where(Notification.recipient_id == member.id)
        )
    )


# Offering -------------------------------------------------------------------------


def test_alumni_sets_availability_topics_and_capacity(app):
    mentor = make_mentor(topics="Pseudonymisation, RGPD", capacity=3)
    profile = services.mentor_profile(mentor)
    assert [t.name for t in profile.topics] == ["Pseudonymisation", "RGPD"]
    assert profile.capacity == 3 and mentor.open_to_mentoring


@pytest.mark.parametrize("capacity", [0, 11, "2", None])
def test_capacity_must_be_between_one_and_ten(app, capacity):
    mentor = make_member(role="mentor")
    with pytest.raises(Invalid):
        services.save_mentor_profile(
            mentor, available=True, topics="", capacity=capacity
        )
    assert services.mentor_profile(mentor) is None


def test_an_eig_cannot_offer_mentoring(app, asker):
    with pytest.raises(NotAllowed):
        services.save_mentor_profile(asker, available=True, topics="Python", capacity=2)


# Suggestions -------------------------------------------------------------------------


def test_suggestions_are_ranked_by_overlap_and_explain_why(app, asker):
    make_mentor(display_name="Dana Data", topics="Pseudonymisation", skills=["Python"])
    defi_mentor = make_mentor(display_name="Élie Défi", role="mentor")
    make_defi(
        title="Open Justice", team=[(defi_mentor, "mentor")]
    ).expertises = services.members.get_or_create_skills(["Pseudonymisation"])
    db.session.commit()
    make_mentor(display_name="Sans Rapport", topics="Design")

    found = suggest_mentors(asker, "pseudonymisation des décisions")

    assert [s.mentor.display_name for s in found] == ["Dana Data", "Élie Défi"]
    assert found[0].reasons == [
        "Propose du mentorat sur « Pseudonymisation »",
        "Compétence en commun avec vous : « Python »",
    ]
    assert found[1].reasons == [
        "Expertise « Pseudonymisation » du défi « Open Justice »"
    ]
    assert found[0].score > found[1].score


def test_shared_defi_expertise_with_the_asker_counts(app, asker):
    mentor = make_mentor(display_name="Mentor Proche", topics="Design")
    defi = make_defi(
        title="Données de santé", team=[(mentor, "mentor"), (asker, "eig")]
    )
    defi.expertises = services.members.get_or_create_skills(["Open data"])
    db.session.commit()
    found = suggest_mentors(asker, "cartographie")
    assert [s.mentor.id for s in found] == [mentor.id]
    assert found[0].reasons == ["Expertise commune à vos défis : « Open data »"]


def test_mentors_at_capacity_unavailable_or_self_are_never_suggested(app, clock):
    asker = make_member(role="eig")
    full = make_mentor(display_name="Complet", topics="Python", capacity=1)
    make_mentor(display_name="Indisponible", topics="Python", available=False)
    gone = make_mentor(display_name="Désactivé", topics="Python")
    gone.active = False
    db.session.commit()
    free = make_mentor(display_name="Libre", topics="Python")
    other_eig = make_member(role="eig")
    request = services.ask_for_mentoring(other_eig, full, topic="Python")
    services.answer_request(full, request.id, accept=True)

    found = suggest_mentors(asker, "Python")

    assert [s.mentor.display_name for s in found] == ["Libre"]
    assert found[0].free_places == 2
    assert [s.mentor.id for s in suggest_mentors(free, "Python")] == []  # not self


def test_a_mentor_has_room_again_once_a_mentoring_is_closed(app, clock, asker):
    mentor = make_mentor(topics="Python", capacity=1)
    request = services.ask_for_mentoring(asker, mentor, topic="Python")
    services.answer_request(mentor, request.id, accept=True)
    assert suggest_mentors(make_member(role="eig"), "Python") == []
    services.close_request(asker, request.id)
    assert [s.mentor.id for s in suggest_mentors(asker, "Python")] == [mentor.id]


# Asking -------------------------------------------------------------------------


def test_an_eig_asks_and_the_mentor_is_notified(app, clock, asker):
    mentor = make_mentor(topics="Python")
    request = services.ask_for_mentoring(
        asker, mentor, topic="Python", message="Je bloque sur pandas."
    )
    assert request.status == "pending"
    assert request.expires_at == clock.now + services.PENDING_FOR
    [notification] = notifications_of(mentor)
    assert notification.kind == "mentoring_request"
    assert notification.url == f"/mentoring/requests/{request.id}"
    assert "Camille Asker vous demande du mentorat" in notification.text


def test_asking_oneself_is_refused(app, clock):
    mentor = make_mentor(topics="Python", role="alumni")
    with pytest.raises(NotAllowed):  # an alumni does not ask
        services.ask_for_mentoring(mentor, mentor, topic="Python")
    eig = make_member(role="eig")
    with pytest.raises(Invalid, match="vous-même"):
        services.ask_for_mentoring(eig, eig, topic="Python")
    assert request_count() == 0


def test_asking_a_mentor_at_capacity_is_refused(app, clock, asker):
    mentor = make_mentor(topics="Python", capacity=1)
    first = services.ask_for_mentoring(make_member(role="eig"), mentor, topic="Python")
    services.answer_request(mentor, first.id, accept=True)
    with pytest.raises(Invalid, match="autant de personnes"):
        services.ask_for_mentoring(asker, mentor, topic="Python")
    assert request_count() == 1
    assert notifications_of(asker) == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"topic": "x"}, "2 à 80"),
        ({"topic": "a" * 81}, "2 à 80"),
        ({"topic": "Python", "message": "m" * 1001}, "1000"),
    ],
)
def test_bad_topics_and_messages_are_refused(app, clock, asker, fields, message):
    mentor = make_mentor(topics="Python")
    with pytest.raises(Invalid, match=message):
        services.ask_for_mentoring(asker, mentor, **fields)
    assert request_count() == 0


def test_a_member_who_does_not_mentor_cannot_be_asked(app, clock, asker):
    for target in (make_member(role="eig"), make_mentor(available=False)):
        with pytest.raises(Invalid, match="ne propose pas"):
            services.ask_for_mentoring(asker, target, topic="Python")
    assert request_count() == 0


def test_one_open_request_per_mentor(app, clock, asker):
    mentor = make_mentor(topics="Python")
    services.ask_for_mentoring(asker, mentor, topic="Python")
    with pytest.raises(Invalid, match="déjà une demande"):
        services.ask_for_mentoring(asker, mentor, topic="Pandas")
    assert request_count() == 1


# Answering -------------------------------------------------------------------------


def test_the_mentor_accepts_with_a_message_and_the_asker_is_told(app, clock, asker):
    mentor = make_mentor(topics="Python", display_name="Dana Data")
    request = services.ask_for_mentoring(asker, mentor, topic="Python")
    clock.advance(hours=5)
    services.answer_request(mentor, request.id, accept=True, message="Avec plaisir")
    assert (request.status, request.answer) == ("accepted", "Avec plaisir")
    [told] = notifications_of(asker)
    assert told.kind == "mentoring_answer"
    assert told.text == "Dana Data a accepté votre demande de mentorat « Python »."


def test_the_mentor_declines(app, clock, asker):
    mentor = make_mentor(topics="Python", display_name="Dana Data")
    request = services.ask_for_mentoring(asker, mentor, topic="Python")
    services.answer_request(mentor, request.id, accept=False)
    assert request.status == "declined"
    assert "a décliné" in notifications_of(asker)[0].text


def test_no_one_answers_someone_elses_request(app, clock, asker):
    mentor = make_mentor(topics="Python")
    request = services.ask_for_mentoring(asker, mentor, topic="Python")
    with pytest.raises(NotFound):  # a stranger: the request is not even named
        services.answer_request(make_mentor(), request.id, accept=True)
    with pytest.raises(NotAllowed):  # the asker answers their own request
        services.answer_request(asker, request.id, accept=True)
    db.session.refresh(request)
    assert request.status == "pending" and request.answered_at is None
    assert notifications_of(asker) == []


def test_a_request_is_answered_once(app, clock, asker):
    mentor = make_mentor(topics="Python")
    request = services.ask_for_mentoring(asker, mentor, topic="Python")
    services.answer_request(mentor, request.id, accept=False)
    with pytest.raises(Invalid, match="déclinée"):
        services.answer_request(mentor, request.id, accept=True)
    assert request.status == "declined"


def test_accepting_beyond_capacity_is_refused(app, clock):
    mentor = make_mentor(topics="Python", capacity=1)
    first, second = (
        services.ask_for_mentoring(make_member(role="eig"), mentor, topic="Python")
        for _ in range(2)
    )
    services.answer_request(mentor, first.id, accept=True)
    with pytest.raises(Invalid, match="autant de personnes"):
        services.answer_request(mentor, second.id, accept=True)
    db.session.refresh(second)
    assert second.status == "pending"


# Expiry -------------------------------------------------------------------------


def test_a_pending_request_expires_after_14_days_when_read(app, clock, asker):
    mentor = make_mentor(topics="Python")
    request = services.ask_for_mentoring(asker, mentor, topic="Python")
    clock.advance(days=13, hours=23)
    assert services.requests_of(asker)[0][0].status == "pending"
    clock.advance(hours=2)
    [expired] = services.requests_of(asker)[0]
    assert expired.status == "expired"
    with pytest.raises(Invalid, match="expiré"):
        services.answer_request(mentor, request.id, accept=True)
    assert "a expiré sans réponse" in notifications_of(asker)[-1].text


def test_the_sweep_expires_requests_nobody_reads(app, clock, asker):
    mentor = make_mentor(topics="Python")
    services.ask_for_mentoring(asker, mentor, topic="Python")
    clock.advance(days=15)
    assert services.expire_pending() == 1
    assert services.expire_pending() == 0
    assert db.session.scalar(select(MentoringRequest.status)) == "expired"


def test_an_expired_request_frees_the_pair_for_a_new_one(app, clock, asker):
    mentor = make_mentor(topics="Python")
    services.ask_for_mentoring(asker, mentor, topic="Python")
    clock.advance(days=15)
    again = services.ask_for_mentoring(asker, mentor, topic="Python")
    assert again.status == "pending" and request_count() == 2


# Figures -------------------------------------------------------------------------


def test_staff_see_aggregate_figures(app, clock):
    mentor = make_mentor(topics="Python", capacity=5)
    eigs = [make_member(role="eig") for _ in range(4)]
    requests = [services.ask_for_mentoring(e, mentor, topic="Python") for e in eigs]
    clock.advance(hours=2)
    services.answer_request(mentor, requests[0].id, accept=True)
    clock.advance(hours=2)
    services.answer_request(mentor, requests[1].id, accept=False)
    services.answer_request(mentor, requests[2].id, accept=True)
    services.close_request(mentor, requests[2].id)

    figures = services.figures(make_member(role="staff"))

    assert figures["requests"] == 4
    assert figures["by_status"] == {
        "pending": 1,
        "accepted": 1,
        "declined": 1,
        "closed": 1,
        "expired": 0,
    }
    assert figures["acceptance_rate"] == pytest.approx(2 / 3, abs=0.001)
    assert figures["answer_hours_median"] == 4.0


def test_figures_are_for_staff_only(app):
    with pytest.raises(NotAllowed):
        services.figures(make_member(role="mentor"))


def test_flask_send_digest_sweeps_expired_requests(app, clock, asker):
    services.ask_for_mentoring(asker, make_mentor(topics="Python"), topic="Python")
    clock.advance(days=14, minutes=1)
    result = app.test_cli_runner().invoke(args=["send-digest"])
    assert result.exit_code == 0, result.output
    assert "Demandes de mentorat expirées : 1" in result.output
    assert db.session.scalar(select(MentoringRequest.status)) == "expired"
