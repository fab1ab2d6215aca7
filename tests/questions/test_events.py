"""The questions' live events over Socket.IO: the members a question is sent
to hear `question_routed` in their own room, and the channel's readers hear
`question_solved` when an answer is accepted or the acceptance undone."""

from app.channels import services as channels
from app.questions import services as questions
from tests.channels.conftest import connect, events  # noqa: F401  (fixture)
from tests.factories import make_member


def test_routed_members_and_channel_readers_are_told_live(app, connect):  # noqa: F811
    zoe = make_member(username="zoe")
    alice = make_member(username="alice", role="alumni", skills=["Docker"])
    bob = make_member(username="bob")
    room = channels.create_channel(alice, name="Infra")
    alice_socket, bob_socket = connect(alice), connect(bob)
    assert bob_socket.emit("join_channel", {"channel": room.slug}, callback=True)["ok"]
    bob_socket.get_received()

    question = questions.ask(zoe, room, "Docker en production", "Des conseils ?", [])
    routed = events(alice_socket, "question_routed")
    assert routed == [
        {
            "id": question.id,
            "title": "Docker en production",
            "url": f"/channels/infra?thread={question.message_id}",
        }
    ]
    assert events(bob_socket, "question_routed") == []

    answer = channels.post_message(alice, room, "Oui.", None, question.message_id)
    bob_socket.get_received()
    questions.accept(zoe, question, answer.id)
    questions.undo_accept(zoe, question)
    solved = events(bob_socket, "question_solved")
    assert [(e["status"], e["accepted_message_id"]) for e in solved] == [
        ("solved", answer.id),
        ("open", None),
    ]
