"""Questions in search: found by their title and tags, opening on their thread,
marked "Résolu" once solved and ranked above what only mentions the words."""

from app.channels import services as channels
from app.questions import services as questions
from app.search import services as search
from tests.factories import make_member


def hits(viewer, text: str) -> list[str]:
    return [hit.url for hit in search.search(viewer, text, kind="message").hits]


def test_a_solved_question_ranks_first_and_says_so(client, auth, app):
    zoe = make_member(username="zoe")
    alice = make_member(username="alice", role="alumni")
    room = channels.create_channel(alice, name="Géo")
    for n in range(3):
        channels.post_message(alice, room, f"Le géocodage des adresses, épisode {n}.")
    question = questions.ask(
        zoe, room, "Géocodage des adresses en masse", "Quel outil ?", ["Géomatique"]
    )
    thread = f"/channels/geo?thread={question.message_id}"
    assert thread in hits(zoe, "géomatique")  # its tags are searched
    answer = channels.post_message(
        alice, room, "La BAN a une API pour ça.", parent_id=question.message_id
    )
    questions.accept(zoe, question, answer.id)
    assert hits(zoe, "géocodage adresses")[0] == thread
    auth.login(zoe)
    page = client.get("/search?q=g%C3%A9ocodage").get_data(as_text=True)
    assert page.count("fr-badge--success") == 1 and "Résolu" in page
    questions.undo_accept(zoe, question)
    page = client.get("/search?q=g%C3%A9ocodage").get_data(as_text=True)
    assert "Résolu" not in page


def test_the_accepted_answer_is_marked_in_search(client, auth, app):
    zoe = make_member(username="zoe")
    alice = make_member(username="alice", role="alumni")
    room = channels.create_channel(alice, name="Géo")
    question = questions.ask(zoe, room, "Un outil de sondage libre", "Merci.", [])
    answer = channels.post_message(
        alice,
        room,
        "Framaforms fait très bien l’affaire.",
        parent_id=question.message_id,
    )
    questions.accept(zoe, question, answer.id)
    auth.login(zoe)
    page = client.get("/search?q=framaforms").get_data(as_text=True)
    assert "Résolu" in page
