"""The home page of a logged-in member: what is new and what waits for them."""

from html import unescape

import pytest

from app.channels import services as channels
from app.channels.models import Channel
from app.mentoring import services as mentoring
from tests.factories import make_defi, make_member, make_promotion, make_resource
from tests.mentoring.conftest import make_mentor


@pytest.fixture
def auth_client(client):
    from tests.conftest import AuthActions

    def log_in(member):
        AuthActions(client).login(member)
        return client

    return log_in


def home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return unescape(response.get_data(as_text=True))


def section(page: str, id_: str) -> str:
    start = page.index(f'id="{id_}"')
    return page[start : page.index("</section>", start)]


def topic(name: str, *people) -> Channel:
    channel = channels.create_channel(people[0], name=name)
    for member in people[1:]:
        channels.join_channel(member, channel)
    return channel


def test_unread_channels_mentions_and_requests_show(app, auth_client):
    camille = make_member(username="camille", display_name="Camille Eig")
    dana = make_mentor(username="dana", display_name="Dana Data", topics="Python")
    data = topic("Data", dana, camille)
    channels.post_message(dana, data, "Bonjour @camille, une question pour toi")
    channels.post_message(dana, data, "Et une autre")
    mentoring.ask_for_mentoring(camille, dana, topic="Python", message="Aide ?")

    page = home(auth_client(camille))
    assert "# Data" in section(page, "unread-channels")
    assert "2 non lus" in section(page, "unread-channels")
    assert "Dana Data vous a mentionné dans # Data" in section(page, "mentions")
    assert "Dana Data : Python" in section(page, "mentoring")
    assert "En attente" in section(page, "mentoring")


def test_the_mentor_sees_the_request_to_answer(app, auth_client):
    camille = make_member(username="camille", display_name="Camille Eig")
    dana = make_mentor(username="dana", display_name="Dana Data", topics="Python")
    mentoring.ask_for_mentoring(camille, dana, topic="Python")
    mentoring_part = section(home(auth_client(dana)), "mentoring")
    assert "À traiter" in mentoring_part and "Camille Eig : Python" in mentoring_part


def test_a_new_members_checklist_ticks_itself_then_goes(app, auth_client):
    camille = make_member(username="camille", display_name="Camille Eig")
    client = auth_client(camille)
    steps = section(home(client), "first-steps")
    assert "0 sur 4 faits" in steps and steps.count('data-step-done="no"') == 4

    camille.headline, camille.bio = "Développeuse", "Je code."
    camille.skills = make_member(skills=["Python"]).skills
    defi = make_defi(team=[(camille, "eig")])
    channels.ensure_defi_channels()
    assert "2 sur 4 faits" in section(home(client), "first-steps")

    channels.post_message(camille, channels.defi_channel(defi), "Bonjour !")
    other = make_member()
    topic("Data", other, camille)
    assert "3 sur 4 faits" in section(home(client), "first-steps")
    topic("Design", other, camille)
    assert 'id="first-steps"' not in home(client)


def test_staff_see_the_programme_figures_and_no_checklist(app, auth_client):
    staff = make_member(role="staff", username="equipe")
    make_member(role="alumni")
    page = home(auth_client(staff))
    figures = section(page, "programme-figures")
    assert "Actifs cette semaine" in figures and "Alumni : 1" in figures
    assert 'id="first-steps"' not in page


def test_others_do_not_see_the_figures(app, auth_client):
    page = home(auth_client(make_member(role="eig")))
    assert 'id="programme-figures"' not in page


def test_new_resources_in_ones_skills_and_newcomers_nearby(app, auth_client):
    promotion = make_promotion(number=7, year=2024)
    camille = make_member(skills=["Python"], promotions=[promotion])
    author = make_member(display_name="Alix Auteur", promotions=[promotion])
    make_resource(author=author, tags=["python"], title="Gabarit Flask")
    make_resource(author=author, tags=["Cuisine"], title="Recettes")
    page = home(auth_client(camille))
    resources = section(page, "new-resources")
    assert "Gabarit Flask" in resources and "Recettes" not in resources
    assert "Alix Auteur" in section(page, "newcomers")


def test_the_latest_messages_of_ones_defis(app, auth_client):
    camille, lou = make_member(), make_member(display_name="Lou Équipe")
    defi = make_defi(team=[(camille, "eig"), (lou, "eig")])
    channels.ensure_defi_channels()
    channels.post_message(lou, channels.defi_channel(defi), "La démo est prête")
    activity = section(home(auth_client(camille)), "defi-activity")
    assert "Lou Équipe" in activity and "La démo est prête" in activity


def test_the_dashboard_reads_in_english(app, auth_client):
    client = auth_client(make_member())
    page = unescape(client.get("/?lang=en").get_data(as_text=True))
    assert "Your first steps" in page and "Vos premiers pas" not in page
