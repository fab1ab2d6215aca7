"""Routing on the real défis and the demo community: ten questions written the
way EIGs write them each reach, among their three members, someone whose défi
is about it."""

from app.channels import services as channels
from app.questions import services as questions
from tests.factories import make_member

# The question, then the défis (of the shipped data set) that answer it.
QUESTIONS = [
    (
        "Quelqu'un a déjà pseudonymisé des décisions de justice ?",
        {"datajust", "open-justice", "label", "tristan"},
    ),
    ("Comment détecter des faux avis en ligne ?", {"polygraphe"}),
    ("Qui a travaillé sur la cartographie des parcelles agricoles ?", {"cartobio"}),
    ("Des conseils pour prédire les accidents en mer ?", {"predisauvetage"}),
    ("Qui connaît la prise de rendez-vous en préfecture ?", {"planipref"}),
    (
        "Quelqu'un a déjà traité des données de santé de l'assurance maladie ?",
        {"lab-sante", "remboursante", "open-chronic", "gdr-sante"},
    ),
    (
        "Comment mesurer l'empreinte carbone d'un service de l'État ?",
        {"etat-bas-carbone", "nos-gestes-climat"},
    ),
    (
        "Qui a déjà fait de la reconnaissance de plaques d'immatriculation ?",
        {"ia-flash"},
    ),
    ("Des retours sur l'archivage de fichiers bureautiques ?", {"archifiltre"}),
    ("Qui connaît le contrôle des activités nucléaires ?", {"siance"}),
]


def test_each_question_reaches_someone_whose_defi_is_about_it(app):
    runner = app.test_cli_runner()
    for args in (["seed-defis"], ["seed-demo"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    app.config["CHAT_FLOOD_LIMIT"] = (100, 10)  # ten questions in a row
    asker = make_member(username="nouvelle", role="eig")
    room = channels.create_channel(asker, name="Entraide des tests")
    missed = []
    for title, defis in QUESTIONS:
        question = questions.ask(asker, room, title, "Merci d’avance !", [])
        routed = {
            membership.defi.slug
            for route in question.routes
            for membership in route.member.defi_memberships
        }
        if len(question.routes) < 3 or not routed & defis:
            missed.append(f"{title}: sent to members of {sorted(routed)}")
    assert missed == []
