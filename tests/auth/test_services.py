import re
from datetime import timedelta

import pytest

from app.auth import services
from app.errors import Invalid, NotAllowed
from app.extensions import db
from app.members.models import Member
from tests.conftest import text_body
from tests.factories import PASSWORD, make_member, make_promotion

LINK = re.compile(r"http://localhost(/auth/(?:register|reset)/\S+)")


def _link_path(message) -> str:
    return LINK.search(text_body(message)).group(1)


def test_invitation_email_carries_a_working_link(app, client, smtp_server):
    staff = make_member(role="staff")
    promotion = make_promotion(number=7, year=2024)
    services.invite(staff, "Nouvelle@Example.org", "eig", promotion.id)
    [message] = smtp_server.messages
    assert message["To"] == "nouvelle@example.org"
    assert "invitation" in message["Subject"].lower()
    assert message.get_body(preferencelist=("html",)) is not None
    page = client.get(_link_path(message))
    assert page.status_code == 200
    assert "nouvelle@example.org" in page.get_data(as_text=True)


def test_register_creates_the_invited_member_once(app):
    staff = make_member(role="staff")
    promotion = make_promotion(number=7, year=2024)
    invitation, link = services.invite(staff, "lea@example.org", "mentor", promotion.id)
    token = link.rsplit("/", 1)[1]
    member = services.register(
        token, username="lea.m", display_name="Léa M.", password="Une-phrase-longue-1"
    )
    assert (member.role, member.email) == ("mentor", "lea@example.org")
    assert member.promotions == [promotion]
    with pytest.raises(Invalid, match="déjà été utilisé"):
        services.register(token, username="autre", display_name="X", password="x" * 12)
    assert db.session.query(Member).filter_by(email="lea@example.org").count() == 1


def test_register_refuses_bad_username_and_weak_password_and_saves_nothing(app):
    staff = make_member(role="staff")
    _invitation, link = services.invite(staff, "bob@example.org", "eig")
    token = link.rsplit("/", 1)[1]
    with pytest.raises(Invalid, match="identifiant"):
        services.register(
            token, username="B o b", display_name="Bob", password="x" * 14
        )
    with pytest.raises(Invalid, match="12 caractères"):
        services.register(token, username="bob", display_name="Bob", password="court")
    with pytest.raises(Invalid, match="identifiant ou votre nom"):
        services.register(
            token, username="bobby", display_name="Bob", password="bobby" * 3
        )
    db.session.rollback()
    assert db.session.query(Member).filter_by(email="bob@example.org").count() == 0
    assert services.load_invitation(token).accepted_at is None


def test_only_staff_invite_and_members_cannot_be_invited_twice(app):
    eig = make_member(role="eig")
    staff = make_member(role="staff")
    with pytest.raises(NotAllowed):
        services.invite(eig, "x@example.org", "eig")
    with pytest.raises(Invalid, match="déjà"):
        services.invite(staff, eig.email, "eig")
    with pytest.raises(Invalid, match="Rôle inconnu"):
        services.invite(staff, "y@example.org", "admin")
    with pytest.raises(Invalid, match="e-mail invalide"):
        services.invite(staff, "pas-une-adresse", "eig")


def test_expired_invitation_is_refused(app):
    staff = make_member(role="staff")
    invitation, link = services.invite(staff, "tard@example.org", "eig")
    invitation.expires_at = invitation.created_at - timedelta(days=1)
    db.session.commit()
    with pytest.raises(Invalid, match="expiré"):
        services.load_invitation(link.rsplit("/", 1)[1])


def test_login_by_username_or_email_and_wrong_password(app):
    member = make_member(username="camille", email="Camille@Example.org")
    assert services.authenticate("camille", PASSWORD) == member
    assert services.authenticate("camille@example.org", PASSWORD) == member
    with pytest.raises(Invalid, match="incorrect"):
        services.authenticate("camille", "mauvais-mot-de-passe")
    with pytest.raises(Invalid, match="incorrect"):
        services.authenticate("personne", PASSWORD)


def test_deactivated_member_cannot_log_in(app):
    member = make_member(active=False)
    with pytest.raises(Invalid, match="désactivé"):
        services.authenticate(member.username, PASSWORD)


def test_password_reset_by_email_works_once(app, client, smtp_server):
    member = make_member()
    services.request_password_reset(member.email.upper())
    [message] = smtp_server.messages
    path = _link_path(message)
    form = {"password": "Nouveau-secret-2024", "confirm": "Nouveau-secret-2024"}
    assert client.post(path, data=form).status_code == 302
    assert services.authenticate(member.username, "Nouveau-secret-2024") == member
    again = client.post(path, data=form)
    assert again.status_code == 400
    assert "plus valide" in again.get_data(as_text=True)


def test_password_reset_for_unknown_address_sends_nothing(app, smtp_server):
    services.request_password_reset("inconnu@example.org")
    assert smtp_server.messages == []


def test_api_tokens_are_stored_hashed_and_can_be_revoked(app):
    member = make_member()
    token, raw = services.create_api_token(member, "script de synchro")
    assert raw.startswith("eig_") and raw not in token.token_hash
    assert services.member_for_api_token(raw) == member
    services.revoke_api_token(member, token.id)
    assert services.member_for_api_token(raw) is None
    assert services.list_api_tokens(member) == []


def test_a_member_cannot_revoke_someone_elses_token(app):
    from app.errors import NotFound

    owner, other = make_member(), make_member()
    token, raw = services.create_api_token(owner, "ci")
    with pytest.raises(NotFound):
        services.revoke_api_token(other, token.id)
    assert services.member_for_api_token(raw) == owner


def test_changing_password_needs_the_current_one_and_ends_other_sessions(app):
    member = make_member()
    before = member.session_token
    with pytest.raises(Invalid, match="actuel"):
        services.change_password(member, "faux", "Encore-un-secret-99")
    services.change_password(member, PASSWORD, "Encore-un-secret-99")
    assert member.session_token != before
    assert services.authenticate(member.username, "Encore-un-secret-99") == member
