"""The audit log: staff see who did what, when; nobody else does."""

from app.admin import services as admin
from app.channels import services as channels
from app.privacy import services as privacy
from tests.factories import make_member
from tests.security.conftest import logged_in


def test_staff_see_who_did_what_and_when(browser_factory):
    staff = make_member(username="equipe", role="staff", display_name="Léa Équipe")
    target = make_member(username="cible", display_name="Cible")
    channel = channels.create_channel(target, name="Débats")
    message = channels.post_message(target, channel, "Un message à masquer")
    channels.delete_message(staff, message.id)
    admin.set_active(staff, target, False)
    admin.set_role(staff, target, "alumni")
    privacy.export_data(staff, target)
    page = logged_in(browser_factory, staff).get("/admin/audit").get_data(True)
    for label in [
        "Compte désactivé",
        "Rôle changé",
        "Message masqué (modération)",
        "Données exportées (RGPD)",
    ]:
        assert label in page
    assert "member.deactivate" not in page  # labels, not codes
    assert "EIG → Alumni" in page and "{" not in page.split("<tbody>")[1]
    assert page.count("Léa Équipe") >= 4
    assert "cible" in page and "debats#" in page
    assert "/20" in page  # the date of each action, dd/mm/yyyy


def test_members_actions_of_their_own_are_not_staff_actions(browser_factory):
    staff = make_member(username="equipe", role="staff")
    member = make_member(username="seule")
    privacy.export_data(member, member)
    page = logged_in(browser_factory, staff).get("/admin/audit").get_data(True)
    assert "Aucune action enregistrée." in page
