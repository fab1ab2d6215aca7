"""The questions pages: ask from the form, find it in the list, accept an answer
in its thread, pass on one sent to you; bad forms say why and save nothing."""

import pytest
from sqlalchemy import func, select

from app.channels import services as channels
from app.channels.models import Message
from app.errors import Invalid, NotAllowed
from app.extensions import db
from app.notifications import services as notifications
from app.questions import services as questions
from app.questions.models import Question
from tests.factories import make_defi, make_member


@pytest.fixture
def community(app):
    zoe = make_member(username="zoe", display_name="Zoé")
    alice = make_member(
        username="alice", display_name="Alice", role="alumni", skills=["Kubernetes"]
    )
    make_defi(slug="infra", title="Infra", team=[(alice, "eig")])
    entraide = channels.create_channel(alice, name="Entraide")
    return {"zoe": zoe, "alice": alice, "entraide": entraide}


def ask(client, **fields):
    data = {
        "title": "Qui a déjà mis Kubernetes en production ?",
        "body": "Nous hésitons entre deux hébergeurs.",
        "tags": "Kubernetes, Hébergement",
        "channel": "entraide",
        "defi": "",
    } | fields
    return client.post("/questions/new", data=data)


def test_the_form_offers_entraide_first_and_the_defis(client, auth, community):
    auth.login(community["zoe"])
    page = client.get("/questions/new").get_data(as_text=True)
    assert '<option selected value="entraide">' in page
    assert '<option value="infra">Infra</option>' in page


def test_asking_posts_the_question_and_says_who_it_went_to(client, auth, community):
    auth.login(community["zoe"])
    response = ask(client)
    question = db.session.scalar(select(Question))
    assert response.headers["Location"].endswith(
        f"/channels/entraide?thread={question.message_id}"
    )
    assert [t.name for t in question.tags] == ["Hébergement", "Kubernetes"]
    page = client.get("/questions/").get_data(as_text=True)
    assert "Qui a déjà mis Kubernetes en production ?" in page
    assert "1 membre" in page or "envoyée à 1" in page
    assert "Sans réponse" in page


def test_a_routed_member_sees_why_and_can_pass(client, auth, community):
    auth.login(community["zoe"])
    ask(client)
    auth.logout()
    auth.login(community["alice"])
    page = client.get("/questions/?routed=me").get_data(as_text=True)
    assert "compétence\u00a0: Kubernetes" in page and "Je passe" in page
    question = db.session.scalar(select(Question))
    response = client.post(f"/questions/{question.id}/pass")
    assert response.status_code == 302
    assert "Vous avez passé." in client.get("/questions/?routed=me").get_data(
        as_text=True
    )


def test_the_asker_accepts_an_answer_in_the_thread(client, auth, community):
    auth.login(community["zoe"])
    ask(client)
    question = db.session.scalar(select(Question))
    answer = channels.post_message(
        community["alice"],
        community["entraide"],
        "Oui, chez nous.",
        None,
        question.message_id,
    )
    thread = f"/channels/entraide?thread={question.message_id}"
    assert "Accepter cette réponse" in client.get(thread).get_data(as_text=True)
    client.post(f"/questions/{question.id}/accept", data={"message_id": answer.id})
    page = client.get(thread).get_data(as_text=True)
    assert 'id="accepted-answer"' in page and "Réponse acceptée" in page
    assert "Résolu" in client.get("/questions/?status=solved").get_data(as_text=True)
    client.post(f"/questions/{question.id}/reopen")
    assert db.session.get(Question, question.id).status == "open"


def test_others_see_no_accept_button(client, auth, community):
    auth.login(community["zoe"])
    ask(client)
    question = db.session.scalar(select(Question))
    channels.post_message(
        community["alice"], community["entraide"], "Oui.", None, question.message_id
    )
    auth.logout()
    auth.login(community["alice"])
    page = client.get(f"/channels/entraide?thread={question.message_id}")
    assert "Accepter cette réponse" not in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"title": ""}, "Donnez un titre à votre question."),
        ({"body": ""}, "Décrivez votre question en quelques lignes."),
        ({"tags": ", ".join(f"t{n}" for n in range(7))}, "au plus 5 tags"),
        ({"channel": "ailleurs"}, "Ce canal n’existe pas ou ne vous est pas ouvert."),
        ({"defi": "inconnu"}, "Ce défi n’existe pas."),
    ],
)
def test_a_bad_form_says_why_and_saves_nothing(client, auth, community, fields, error):
    auth.login(community["zoe"])
    response = ask(client, **fields)
    assert response.status_code == 400
    assert error in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Message.id))) == 0


def test_the_choice_to_receive_questions_is_in_the_preferences(client, auth, community):
    alice = community["alice"]
    auth.login(alice)
    page = client.get("/notifications/preferences").get_data(as_text=True)
    assert 'checked id="takes_questions"' in page  # on for alumni
    assert "M’envoyer les questions des membres" in page
    data = dict(notifications.preferences(alice))  # the box left unticked
    client.post("/notifications/preferences", data=data)
    assert db.session.get(type(alice), alice.id).takes_questions is False
    auth.logout()
    auth.login(community["zoe"])
    ask(client)
    assert db.session.scalar(select(Question)).routes == []


def test_a_new_thread_in_entraide_is_a_question_by_default(client, auth, community):
    message = channels.post_message(
        community["zoe"], community["entraide"], "Qui connaît **Kubernetes** ?"
    )
    question = db.session.scalar(select(Question))
    assert question.message_id == message.id
    assert question.title == "Qui connaît Kubernetes ?"
    assert [route.member.username for route in question.routes] == ["alice"]
    reply = channels.post_message(
        community["alice"], community["entraide"], "Moi", None, message.id
    )
    assert db.session.get(Question, question.id).message_id != reply.id
    auth.login(community["zoe"])
    client.post(f"/questions/{question.id}/unmark")
    assert db.session.scalar(select(func.count(Question.id))) == 0


def test_the_author_makes_a_thread_of_another_channel_a_question(
    client, auth, community
):
    infra = channels.create_channel(community["zoe"], name="Hébergement")
    message = channels.post_message(community["zoe"], infra, "Un souci de cluster")
    auth.login(community["alice"])
    thread = f"/channels/{infra.slug}?thread={message.id}"
    assert 'id="mark-question"' not in client.get(thread).get_data(as_text=True)
    auth.logout()
    auth.login(community["zoe"])
    page = client.get(thread).get_data(as_text=True)
    assert 'id="mark-question"' in page and 'value="Un souci de cluster"' in page
    response = client.post(
        f"/questions/mark/{message.id}",
        data={"title": "Un cluster Kubernetes qui tombe", "tags": "Kubernetes"},
    )
    assert response.status_code == 302
    question = db.session.scalar(select(Question))
    assert question.title == "Un cluster Kubernetes qui tombe"
    assert [route.member.username for route in question.routes] == ["alice"]
    assert (
        client.post(
            f"/questions/mark/{message.id}", data={"title": "Encore"}
        ).status_code
        == 400
    )


def test_a_private_channels_question_goes_to_its_members_only(community):
    secret = channels.create_channel(community["zoe"], name="Secret", private=True)
    question = questions.ask(
        community["zoe"], secret, "Kubernetes en production", "Détails.", ["Kubernetes"]
    )
    assert question.routes == []  # Alice knows, but cannot read it


def test_a_routed_member_passes_from_the_thread(client, auth, community):
    auth.login(community["zoe"])
    ask(client)
    question = db.session.scalar(select(Question))
    auth.logout()
    auth.login(community["alice"])
    page = client.get(f"/channels/entraide?thread={question.message_id}")
    text = page.get_data(as_text=True)
    assert 'id="pass-question"' in text and "compétence\u00a0: Kubernetes" in text
    client.post(f"/questions/{question.id}/pass")
    page = client.get(f"/channels/entraide?thread={question.message_id}")
    assert 'id="pass-question"' not in page.get_data(as_text=True)


def test_an_untouched_choice_keeps_following_the_role(client, auth, community):
    zoe = community["zoe"]  # an EIG: not sent questions unless she asks to be
    auth.login(zoe)
    client.post("/notifications/preferences", data=dict(notifications.preferences(zoe)))
    assert db.session.get(type(zoe), zoe.id).takes_questions is None


def test_a_deleted_question_is_gone_from_its_thread_and_the_api(
    client, auth, community
):
    auth.login(community["zoe"])
    ask(client)
    question = db.session.scalar(select(Question))
    channels.delete_message(community["zoe"], question.message_id)
    page = client.get(f"/channels/entraide?thread={question.message_id}")
    assert "eig-message__question" not in page.get_data(as_text=True)
    assert client.get(f"/api/v1/questions/{question.id}").status_code == 404


def test_what_was_answered_in_a_private_channel_stays_off_the_profile(
    client, auth, community
):
    secret = channels.create_channel(community["zoe"], name="Secret", private=True)
    channels.invite_to_channel(community["zoe"], secret, community["alice"])
    question = questions.ask(
        community["zoe"], secret, "Un souci discret", "Détails.", ["Confidentiel"]
    )
    answer = channels.post_message(
        community["alice"], secret, "Voici.", None, question.message_id
    )
    questions.accept(community["zoe"], question, answer.id)
    auth.login(community["zoe"])
    assert "Confidentiel" not in client.get("/members/alice").get_data(as_text=True)


def test_no_question_in_a_direct_conversation_nor_an_archived_channel(community):
    direct = channels.start_direct(community["zoe"], [community["alice"]])
    message = channels.post_message(community["zoe"], direct, "Une question ?")
    with pytest.raises(Invalid):
        questions.mark(community["zoe"], message, "Une question")
    question = questions.ask(community["zoe"], community["entraide"], "Titre", "Corps")
    answer = channels.post_message(
        community["alice"], community["entraide"], "Réponse", None, question.message_id
    )
    channels.set_archived(community["alice"], community["entraide"], True)
    with pytest.raises(NotAllowed):
        questions.accept(community["zoe"], question, answer.id)
