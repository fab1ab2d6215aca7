"""The staff pages: finding an account among hundreds, deactivating only after a
confirmation, inviting an address that already has an invitation waiting."""

import html
import re

from sqlalchemy import func, select

from app.audit import AuditEntry
from app.auth import services as auth
from app.auth.models import Invitation
from app.extensions import db
from app.members.models import Member
from tests.factories import make_member
from tests.security.conftest import fresh, logged_in


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def rows(page: str) -> list[str]:
    return re.findall(r"<tr>.*?</tr>", page.split("<tbody>")[1], re.S)


def staff_browser(browser_factory):
    staff = make_member(username="equipe", role="staff", display_name="Léa Équipe")
    return logged_in(browser_factory, staff), staff


def test_staff_find_a_member_by_name_email_role_and_state(browser_factory):
    browser, _staff = staff_browser(browser_factory)
    make_member(username="adelaide", display_name="Adélaïde Roux", role="eig")
    make_member(
        username="bruno", display_name="Bruno Petit", role="mentor", email="bp@ville.fr"
    )
    gone = make_member(username="chloe", display_name="Chloé Roux", role="alumni")
    gone.active = False
    db.session.commit()

    found = text(browser.get("/admin/members?q=adelaide"))  # accents ignored
    assert "1 compte" in found and "Adélaïde Roux" in found
    assert "Bruno Petit" not in found
    assert "Bruno Petit" in text(browser.get("/admin/members?q=ville.fr"))
    roux = text(browser.get("/admin/members?q=roux"))
    assert "2 comptes" in roux
    only_gone = text(browser.get("/admin/members?q=roux&state=inactive"))
    assert "Chloé Roux" in only_gone and "Adélaïde Roux" not in only_gone
    mentors = text(browser.get("/admin/members?role=mentor"))
    assert len(rows(mentors)) == 1 and "Bruno Petit" in mentors
    nobody = text(browser.get("/admin/members?q=personne"))
    assert "Aucun compte ne correspond" in nobody
    assert 'value="roux"' in roux  # the search box keeps what was typed


def test_deactivating_asks_for_a_confirmation_first(browser_factory):
    browser, _staff = staff_browser(browser_factory)
    make_member(username="cible", display_name="Camille Cible")
    listing = text(browser.get("/admin/members?q=camille"))
    assert 'name="active" value="0"' not in listing  # no one-click deactivation
    link = re.search(r'href="(/admin/members/cible/deactivate\?[^"]*)"', listing)[1]
    assert "q=camille" in link  # the confirmation leads back to the same search

    page = text(browser.get(link))
    assert "Désactiver le compte de Camille Cible\u202f?" in page
    assert "Annuler" in page
    assert fresh(Member, username="cible").active is True  # looking changes nothing

    response = browser.submit(
        "/admin/members/cible/active", {"active": "0", "q": "camille"}, form_page=link
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/members?q=camille")
    assert fresh(Member, username="cible").active is False
    after = text(browser.get("/admin/members?q=camille"))
    assert "Camille Cible est désactivé." in after and "Réactiver" in after


def test_deactivating_oneself_is_refused_with_a_message(browser_factory):
    browser, _staff = staff_browser(browser_factory)
    response = browser.submit("/admin/members/equipe/active", {"active": "0"})
    assert response.status_code == 302
    page = text(browser.get(response.headers["Location"]))
    assert "Vous ne pouvez pas désactiver votre propre compte." in page
    assert fresh(Member, username="equipe").active is True


def invite(browser, email: str, role: str = "eig"):
    return browser.submit(
        "/admin/invitations",
        {"email": email, "role": role, "promotion_id": "0"},
        form_page="/admin/",
    )


def test_inviting_a_waiting_address_says_so_and_offers_to_resend(browser_factory):
    browser, _staff = staff_browser(browser_factory)
    assert invite(browser, "nouvelle@example.org").status_code == 302
    first = db.session.scalar(select(Invitation))
    old_nonce = first.nonce

    again = invite(browser, "nouvelle@example.org", role="mentor")
    page = text(again)
    assert again.status_code == 400
    assert "attend déjà la réponse de cette adresse" in page
    assert f'/admin/invitations/{first.id}/resend"' in page
    assert db.session.scalar(select(func.count(Invitation.id))) == 1

    resent = browser.submit(
        f"/admin/invitations/{first.id}/resend", form_page="/admin/"
    )
    assert resent.status_code == 302
    assert fresh(Invitation, id=first.id).nonce != old_nonce  # the old link is void
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id))
    assert list(actions) == ["invitation.create", "invitation.resend"]
    listing = text(browser.get("/admin/"))
    assert "Invitation envoyée à nouvelle@example.org" in listing
    assert "en attente" in listing and ">EIG<" in listing  # labels, not codes


def test_an_accepted_invitation_is_not_resent(browser_factory, app):
    browser, staff = staff_browser(browser_factory)
    invitation, _link = auth.invite(staff, "arrivee@example.org", "eig")
    invitation.accepted_at = invitation.created_at
    db.session.commit()
    listing = text(browser.get("/admin/"))
    assert f"/admin/invitations/{invitation.id}/resend" not in listing
    response = browser.submit(
        f"/admin/invitations/{invitation.id}/resend", form_page="/admin/"
    )
    page = text(browser.get(response.headers["Location"]))
    assert "Cette invitation a déjà été acceptée." in page
    assert "acceptée" in page


def test_non_staff_cannot_resend_or_see_the_confirmation(browser_factory, app):
    staff = make_member(role="staff")
    invitation, _link = auth.invite(staff, "x@example.org", "eig")
    nonce = invitation.nonce
    make_member(username="cible")
    browser = logged_in(browser_factory, make_member(role="alumni"))
    assert browser.get("/admin/members/cible/deactivate").status_code == 403
    response = browser.submit(f"/admin/invitations/{invitation.id}/resend")
    assert response.status_code == 403
    assert fresh(Invitation, id=invitation.id).nonce == nonce


def test_an_invitation_naming_a_defi_seats_the_newcomer_in_its_team(
    browser_factory, app
):
    from app.channels.models import ChannelMember
    from app.channels.services import defi_channel
    from tests.factories import make_defi
    from tests.security.test_invitations import register

    browser, _staff = staff_browser(browser_factory)
    defi = make_defi(slug="lab-sante", title="Lab Santé")
    form = text(browser.get("/admin/"))
    assert "Lab Santé (" in form  # the défis are offered
    response = browser.submit(
        "/admin/invitations",
        {"email": "arrivee@example.org", "role": "mentor", "promotion_id": "0",
         "defi_id": str(defi.id)},
        form_page="/admin/",
    )  # fmt: skip
    assert response.status_code == 302
    invitation = db.session.scalar(select(Invitation))
    assert invitation.defi.slug == "lab-sante"
    assert "Lab Santé" in text(browser.get("/admin/"))
    link = auth.invitation_link(invitation)
    assert register(browser_factory(), link, username="arrivee").status_code == 302

    member = fresh(Member, username="arrivee")
    assert [(m.defi.slug, m.role) for m in member.defi_memberships] == [
        ("lab-sante", "mentor")
    ]
    seat = db.session.scalar(
        select(ChannelMember).where(
            ChannelMember.channel_id == defi_channel(defi).id,
            ChannelMember.member_id == member.id,
        )
    )
    assert seat is not None


def test_staff_are_not_invited_into_a_defi_team(browser_factory, app):
    from tests.factories import make_defi

    browser, _staff = staff_browser(browser_factory)
    defi = make_defi(slug="lab-sante", title="Lab Santé")
    response = browser.submit(
        "/admin/invitations",
        {"email": "x@example.org", "role": "staff", "promotion_id": "0",
         "defi_id": str(defi.id)},
        form_page="/admin/",
    )  # fmt: skip
    assert response.status_code == 400
    assert "ne rejoint pas l’équipe d’un défi" in text(response)
    assert db.session.scalar(select(Invitation)) is None
