"""/api/v1/questions: ask, list with filters, read, accept, pass; each answer
matches the OpenAPI document, and bad input changes nothing."""

import pytest
from sqlalchemy import func, select

from app.auth.services import create_api_token
from app.channels import services as channels
from app.channels.models import Message
from app.extensions import db
from tests.api.test_openapi import check_against, document
from tests.factories import make_defi, make_member

PREFIX = "/api/v1/questions"


def client_of(app, member):
    _, raw = create_api_token(member, "tests")
    client = app.test_client(use_cookies=False)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


@pytest.fixture
def community(app, reader):
    alice = make_member(
        username="alice", role="alumni", skills=["Cartographie", "PostGIS"]
    )
    bruno = make_member(username="bruno", role="mentor", skills=["Cartographie"])
    make_defi(
        slug="geo",
        title="Géo",
        tagline="Cartographie des risques",
        team=[(alice, "eig")],
    )
    entraide = channels.create_channel(bruno, name="Entraide")
    return {"alice": alice, "bruno": bruno, "entraide": entraide}


def ask(api, **fields):
    body = {
        "title": "Qui a déjà fait de la cartographie avec PostGIS ?",
        "body": "Je cherche des exemples.",
        "tags": ["Cartographie"],
        "channel": "entraide",
    } | fields
    return api.post(PREFIX, json=body)


def test_asking_answers_201_with_the_routed_members_and_their_reasons(api, community):
    response = ask(api)
    assert response.status_code == 201
    question = response.get_json()
    check_against(document(api), "Question", question)
    assert question["status"] == "open" and question["tags"] == ["Cartographie"]
    assert question["url"] == f"/channels/entraide?thread={question['message_id']}"
    reasons = {r["username"]: r["reason"] for r in question["routed_to"]}
    assert set(reasons) == {"alice", "bruno"}
    assert "a travaillé sur le défi Géo" in reasons["alice"]


def test_routed_to_is_shown_to_the_asker_and_staff_only(app, api, community):
    question = ask(api).get_json()
    alice = client_of(app, community["alice"])
    seen = alice.get(f"{PREFIX}/{question['id']}").get_json()
    assert seen["routed_to"] is None
    staff = client_of(app, make_member(username="staff", role="staff"))
    assert len(staff.get(f"{PREFIX}/{question['id']}").get_json()["routed_to"]) == 2


def test_answer_accept_and_find_it_solved(app, api, community):
    question = ask(api).get_json()
    alice = client_of(app, community["alice"])
    answer = alice.post(
        "/api/v1/channels/entraide/messages",
        json={"body": "Oui, voici mon script.", "parent_id": question["message_id"]},
    ).get_json()
    accepted = api.post(
        f"{PREFIX}/{question['id']}/accept", json={"message_id": answer["id"]}
    )
    assert accepted.status_code == 200
    assert accepted.get_json()["accepted_message_id"] == answer["id"]
    solved = api.get(f"{PREFIX}?status=solved").get_json()
    check_against(document(api), "QuestionPage", solved)
    assert [q["id"] for q in solved["items"]] == [question["id"]]
    assert api.get(f"{PREFIX}?status=open").get_json()["items"] == []
    undone = api.post(f"{PREFIX}/{question['id']}/accept", json={"message_id": None})
    assert undone.get_json()["status"] == "open"


def test_filters_by_tag_defi_unanswered_and_routed_to_me(app, api, community):
    first = ask(api).get_json()
    ask(api, title="Un bon outil de design ?", tags=["Design"], defi="geo")
    alice = client_of(app, community["alice"])
    titles = {
        query: [q["id"] for q in api.get(f"{PREFIX}?{query}").get_json()["items"]]
        for query in ("tag=cartographie", "defi=geo", "status=unanswered")
    }
    assert titles["tag=cartographie"] == [first["id"]]
    assert len(titles["defi=geo"]) == 1 and len(titles["status=unanswered"]) == 2
    mine = alice.get(f"{PREFIX}?routed=me").get_json()["items"]
    assert [q["id"] for q in mine] == [first["id"]]
    alice.post(
        "/api/v1/channels/entraide/messages",
        json={"body": "Moi !", "parent_id": first["message_id"]},
    )
    waiting = api.get(f"{PREFIX}?status=unanswered").get_json()["items"]
    assert first["id"] not in [q["id"] for q in waiting] and len(waiting) == 1


def test_passing(app, api, community):
    question = ask(api).get_json()
    bruno = client_of(app, community["bruno"])
    assert bruno.post(f"{PREFIX}/{question['id']}/pass").status_code == 200
    routes = api.get(f"{PREFIX}/{question['id']}").get_json()["routed_to"]
    assert {r["username"]: r["passed"] for r in routes}["bruno"] is True


def test_a_private_channels_questions_are_hidden_from_others(app, api, community):
    secret = channels.create_channel(community["alice"], name="Secret", private=True)
    alice = client_of(app, community["alice"])
    question = ask(alice, channel=secret.slug).get_json()
    assert api.get(f"{PREFIX}/{question['id']}").status_code == 404
    assert api.get(PREFIX).get_json()["items"] == []


@pytest.mark.parametrize(
    ("fields", "status"),
    [
        ({"title": ""}, 400),
        ({"tags": [f"t{n}" for n in range(200)]}, 400),
        ({"tags": "Cartographie"}, 400),
        ({"channel": "nulle-part"}, 404),
        ({"channel": None}, 400),
        ({"defi": "inconnu"}, 404),
        ({"author": "alice"}, 400),
    ],
)
def test_bad_questions_are_refused_and_change_nothing(api, community, fields, status):
    response = ask(api, **fields)
    assert response.status_code == status
    assert response.get_json()["error"]
    assert db.session.scalar(select(func.count(Message.id))) == 0


def test_bad_accepts_and_passes_are_refused(app, api, community):
    question = ask(api).get_json()
    other = ask(api, title="Une autre question ?").get_json()
    alice = client_of(app, community["alice"])
    reply = alice.post(
        "/api/v1/channels/entraide/messages",
        json={"body": "Réponse ailleurs", "parent_id": other["message_id"]},
    ).get_json()
    url = f"{PREFIX}/{question['id']}"
    assert (
        api.post(f"{url}/accept", json={"message_id": reply["id"]}).status_code == 400
    )
    answer = alice.post(
        "/api/v1/channels/entraide/messages",
        json={"body": "Réponse ici", "parent_id": question["message_id"]},
    ).get_json()
    assert (
        alice.post(f"{url}/accept", json={"message_id": answer["id"]}).status_code
        == 403
    )
    assert api.post(f"{url}/accept", json={}).status_code == 400
    outsider = client_of(app, make_member(username="zed"))
    assert outsider.post(f"{url}/pass").status_code == 400
    assert api.get(url).get_json()["status"] == "open"
    assert api.get(f"{PREFIX}/999999").status_code == 404
    assert api.get(f"{PREFIX}?status=maybe").status_code == 400
