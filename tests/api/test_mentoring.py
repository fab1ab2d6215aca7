"""The mentoring and notifications API: Bearer tokens, JSON errors, CSRF for cookies."""

import pytest
from sqlalchemy import func, select

from app.auth.services import create_api_token
from app.extensions import db
from app.mentoring import services
from app.mentoring.models import MentoringRequest
from app.notifications import services as notifications
from tests.factories import make_member
from tests.mentoring.conftest import make_mentor
from tests.security.conftest import browser_factory, csrf_token  # noqa: F401


def bearer(app, member):
    _, raw = create_api_token(member, "tests")
    client = app.test_client(use_cookies=False)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


@pytest.fixture
def mentor(app):
    return make_mentor(username="dana", display_name="Dana Data", topics="Python")


@pytest.fixture
def eig(app):
    return make_member(username="camille", role="eig", skills=["Python"])


def stored() -> int:
    return db.session.scalar(select(func.count(MentoringRequest.id)))


def error_of(response, status: int, code: str) -> str:
    assert response.status_code == status
    body = response.get_json()["error"]
    assert body["code"] == code
    return body["message"]


def test_suggestions_come_with_their_reasons(app, mentor, eig):
    response = bearer(app, eig).get("/api/v1/mentoring/suggestions?topic=python")
    assert response.status_code == 200
    [suggestion] = response.get_json()["suggestions"]
    assert suggestion["mentor"] == "dana" and suggestion["free_places"] == 2
    assert suggestion["reasons"] == ["Propose du mentorat sur « Python »"]


def test_suggestions_need_a_topic(app, eig):
    api = bearer(app, eig)
    error_of(api.get("/api/v1/mentoring/suggestions"), 400, "invalid")
    error_of(api.get("/api/v1/mentoring/suggestions?topic=x&y=1"), 400, "invalid")


def test_ask_then_answer_through_the_api(app, mentor, eig):
    asked = bearer(app, eig).post(
        "/api/v1/mentoring/requests",
        json={"mentor": "dana", "topic": "Python", "message": "Aide"},
    )
    assert asked.status_code == 201
    request = asked.get_json()
    assert (request["status"], request["asker"]) == ("pending", "camille")
    mentor_api = bearer(app, mentor)
    assert (
        mentor_api.get("/api/v1/mentoring/requests").get_json()["received"][0]["id"]
        == (request["id"])
    )
    answered = mentor_api.post(
        f"/api/v1/mentoring/requests/{request['id']}/answer",
        json={"decision": "accept", "message": "Oui"},
    )
    assert answered.status_code == 200
    assert answered.get_json()["status"] == "accepted"
    mine = bearer(app, eig).get("/api/v1/notifications").get_json()
    assert mine["unread"] == 1
    assert mine["notifications"][0]["kind"] == "mentoring_answer"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"mentor": "camille", "topic": "Python"}, 400, "invalid"),  # oneself
        ({"mentor": "nobody", "topic": "Python"}, 404, "not_found"),
        ({"mentor": "dana", "topic": ""}, 400, "invalid"),
        ({"mentor": "dana", "topic": "Python", "message": "m" * 1001}, 400, "invalid"),
        (["dana"], 400, "invalid"),
    ],
)
def test_bad_requests_store_nothing(app, mentor, eig, body, status, code):
    response = bearer(app, eig).post("/api/v1/mentoring/requests", json=body)
    assert error_of(response, status, code)
    assert stored() == 0


def test_a_request_to_a_mentor_at_capacity_is_refused(app, mentor, eig):
    for _ in range(2):
        first = services.ask_for_mentoring(make_member(role="eig"), mentor, topic="X y")
        services.answer_request(mentor, first.id, accept=True)
    response = bearer(app, eig).post(
        "/api/v1/mentoring/requests", json={"mentor": "dana", "topic": "Python"}
    )
    assert "autant de personnes" in error_of(response, 400, "invalid")
    assert stored() == 2


def test_answering_someone_elses_request_is_refused(app, mentor, eig):
    request = services.ask_for_mentoring(eig, mentor, topic="Python")
    path = f"/api/v1/mentoring/requests/{request.id}/answer"
    error_of(
        bearer(app, make_mentor()).post(path, json={"decision": "accept"}),
        404,
        "not_found",
    )
    error_of(bearer(app, eig).post(path, json={"decision": "accept"}), 403, "forbidden")
    error_of(bearer(app, mentor).post(path, json={"decision": "maybe"}), 400, "invalid")
    db.session.refresh(request)
    assert request.status == "pending"


def test_notifications_are_read_one_by_one(app, eig, mentor):
    notification = notifications.notify(
        "mention", eig, actor=mentor, url="/channels/", text="Coucou"
    )
    api = bearer(app, eig)
    response = api.post(f"/api/v1/notifications/{notification.id}/read")
    assert response.status_code == 200 and response.get_json()["read"] is True
    error_of(
        bearer(app, mentor).post(f"/api/v1/notifications/{notification.id}/read"),
        404,
        "not_found",
    )


def test_a_cookie_session_needs_the_csrf_header(browser_factory, mentor, eig):  # noqa: F811
    client = browser_factory()
    client.login(eig)
    body = {"mentor": "dana", "topic": "Python"}
    refused = client.post("/api/v1/mentoring/requests", json=body)
    assert refused.status_code == 400
    assert stored() == 0
    token = csrf_token(client, "/mentoring/")
    accepted = client.post(
        "/api/v1/mentoring/requests", json=body, headers={"X-CSRFToken": token}
    )
    assert accepted.status_code == 201
    assert stored() == 1


def test_anonymous_callers_get_401(app):
    client = app.test_client()
    for path in ("/api/v1/notifications", "/api/v1/mentoring/requests"):
        error_of(client.get(path), 401, "unauthorized")
