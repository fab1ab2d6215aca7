"""In English, every page's own words are English; French content says it is French.

The community's content stays as written (défis from the public data set are
French, members write in their own language): what is left French must be content,
and the défis carry lang="fr" (RGAA 8.7). The scan reads what a reader sees and
hears (text, and the labels of controls) minus scripts, styles and lang="fr"
elements, and looks for words that only untranslated interface text would hold.
"""

import re

import pytest
from sqlalchemy import select

from app.audit import AuditEntry
from app.auth import services as auth_services
from app.auth.services import set_password
from app.channels.models import Channel
from app.defis.models import Defi
from app.extensions import db
from app.members.models import Member
from app.notifications import hooks
from app.resources.models import Resource
from tests.factories import PASSWORD, make_member
from tests.page_text import visible_text

# Words of the French interface that the demo's content does not use. Common words
# (" de ", "vous", "membres") cannot be listed: the demo's members write in French
# (headlines, skills, messages, channel descriptions) and their text, of no known
# language, carries no lang. "Licence" is British English too.
FRENCH_WORDS = (
    "Équipe du programme",
    "équipe du programme",
    "Mentor·e",
    "Pas encore",
    "Aucun",
    "Rechercher",
    "Licence Ouverte 2.0 (Etalab)",
    "ou ultérieure",
    "domaine public",
    "Non précisée",
    "Se connecter",
    "Mot de passe",
    "Identifiant",
    "Enregistrer",
    "Annuler",
    "Supprimer",
    "Modifier",
    "Envoyer",
    "Répondre",
    "Voir ",
    "Demande",
    "Mentorat",
    "mentorat",
    "Ressource",
    "Partager",
    "Rôle",
    "Toutes",
    "Suivant",
    "Précédent",
    "Accueil",
    "Annuaire",
    "Compétence",
    "Thématique",
    "Votre",
    "Vos ",
    "non lu",
    "Connexion",
    "Déconnexion",
    "Fermer",
    "En attente",
    "en attente",
    "Acceptée",
    "Déclinée",
    "Expirée",
    "Terminée",
    "acceptée",
    "remplacée",
    "expirée",
    "Invitation envoyée",
    "Chiffres clés",
    "Réalisations",
    "commentaire",
    "favori",
    "Récapitulatif",
    "Rejoindre",
    "Membre",
    "Réponse",
    "réponse",
    "Désactivé",
    "Actifs",
    "Rôle changé",
    "réservée",
    "introuvable",
    "n’existe pas",
    "Bienvenue",
    "Bonjour",
    "Mon compte",
    "Retour",
    "Filtrer",
    "Trier",
    "Type de",
    "Jeton",
    "Canaux",
    "Fichier",
    "Jeu de données",
    "Mot-clé",
    "Année",
    "Inviter",
    "Les plus",
    "Cette",
    "Pour ",
    "Poser",
    "Résolu",
    "Sans réponse",
    "Je passe",
    "demande à rejoindre",
    "comme EIG",
)


def french_left(text: str) -> list[str]:
    """Each French word found, with the words around it."""
    found = []
    for word in FRENCH_WORDS:
        for match in re.finditer(re.escape(word), text):
            start, end = max(0, match.start() - 50), match.end() + 50
            found.append(f"{word.strip()!r} in …{text[start:end]}…")
    return found


@pytest.fixture
def community(app):
    """The real défis and the demo community, as `flask seed-demo` makes them."""
    runner = app.test_cli_runner()
    for args in (["seed-defis"], ["seed-demo", "--members", "40"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    staff = make_member(username="equipe", role="staff", display_name="Claire Staff")
    member = db.session.scalar(  # a demo alumni, in a défi's team
        select(Member).where(Member.role == "alumni").order_by(Member.id)
    )
    set_password(member, PASSWORD)
    db.session.commit()
    # A notification each, stored in French, shown in the reader's language.
    defi = member.defi_memberships[0].defi
    hooks.notify_team_request(member, defi, "eig", [staff])
    hooks.notify_team_declined(staff, defi, member)
    return staff, member


def pages(member: Member) -> dict[str, str]:
    defi = db.session.scalar(select(Defi).order_by(Defi.id))
    resource = db.session.scalar(select(Resource).order_by(Resource.id))
    channel = db.session.scalar(
        select(Channel).where(Channel.kind == "topic").order_by(Channel.id)
    )
    return {
        "home": "/",
        "directory": "/members/",
        "profile": f"/members/{member.username}",
        "défis": "/defis/",
        "défi": f"/defis/{defi.slug}",
        "resources": "/resources/",
        "resource": f"/resources/{resource.id}",
        "channels": "/channels/",
        "channel": f"/channels/{channel.slug}",
        "mentoring": "/mentoring/",
        "questions": "/questions/",
        "ask a question": "/questions/new",
        "notifications": "/notifications/",
        "search": "/search?q=donn%C3%A9es",
        "account": "/auth/account",
    }


STAFF_PAGES = {
    "admin": "/admin/",
    "admin members": "/admin/members",
    "audit log": "/admin/audit",
}


def english_page(client, path: str) -> str:
    separator = "&" if "?" in path else "?"
    response = client.get(f"{path}{separator}lang=en")
    assert response.status_code == 200, path
    html = response.get_data(as_text=True)
    assert '<html lang="en"' in html, path
    return html


def assert_english(client, named_paths: dict[str, str]) -> None:
    problems = []
    for name, path in named_paths.items():
        for found in french_left(visible_text(english_page(client, path))):
            problems.append(f"{name} ({path}): {found}")
    assert problems == [], "French left in English pages:\n" + "\n".join(problems)


def test_a_member_sees_every_page_in_english(client, auth, community):
    _staff, member = community
    client.get("/?lang=en")  # before logging in: the welcome is in English too
    auth.login(member)
    assert_english(client, pages(member))
    assert "declined your request to join" in english_page(client, "/notifications/")


def test_the_staff_sees_every_page_in_english(client, auth, community):
    staff, member = community
    auth_services.invite(staff, "nouvelle@example.org", "eig")
    assert db.session.scalar(select(AuditEntry.id).limit(1)) is not None
    client.get("/?lang=en")
    auth.login(staff)
    assert_english(client, pages(member) | STAFF_PAGES)
    notifications = english_page(client, "/notifications/")
    assert "asks to join the team of the défi" in notifications
    assert "as EIG." in notifications


def test_login_and_registration_by_invitation_are_in_english(client, community):
    staff, _member = community
    _invitation, link = auth_services.invite(staff, "nouvelle@example.org", "eig")
    assert_english(
        client,
        {
            "login": "/auth/login",
            "register": "/auth/register/" + link.rsplit("/", 1)[1],
            "password reset": "/auth/reset",
        },
    )


def test_a_defi_title_is_marked_french_on_the_english_defi_page(
    client, auth, community
):
    _staff, member = community
    defi = db.session.scalar(select(Defi).order_by(Defi.id))
    auth.login(member)
    html = english_page(client, f"/defis/{defi.slug}")
    title = re.escape(str(defi.title))
    assert re.search(rf'<h1[^>]*lang="fr"[^>]*>\s*{title}\s*</h1>', html), html[:3000]
    french = client.get(f"/defis/{defi.slug}?lang=fr").get_data(as_text=True)
    assert not re.search(r'<h1[^>]*lang="fr"', french)  # a French page: no need
