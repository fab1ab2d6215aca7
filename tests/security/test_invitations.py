"""Invitation links: signed, single-use, expiring, revocable, made by staff only."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from itsdangerous import URLSafeTimedSerializer

from app.auth import services
from app.auth.models import Invitation
from app.errors import NotAllowed
from app.extensions import db
from app.members.models import Member
from app.timeutil import utcnow
from tests.factories import make_member
from tests.security.conftest import csrf_token, fresh

NEW_PASSWORD = "Bienvenue-dans-la-communaute-7"


@pytest.fixture
def staff(app):
    return make_member(role="staff")


def path_of(link: str) -> str:
    return urlsplit(link).path


def register(browser, link: str, username: str = "nouvelle"):
    """Fill the registration form of an invitation link, as the invitee would."""
    path = path_of(link)
    page = browser.get(path)
    if page.status_code != 200:
        return page
    return browser.post(
        path,
        data={
            "csrf_token": csrf_token(browser, path),
            "display_name": "Nouvelle Venue",
            "username": username,
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )


def accounts_for(email: str) -> int:
    return db.session.query(Member).filter_by(email=email).count()


def test_invitation_link_creates_one_account_with_the_invited_role(
    browser_factory, staff
):
    _invitation, link = services.invite(staff, "nouvelle@example.org", "mentor")
    browser = browser_factory()
    response = register(browser, link)
    assert response.status_code == 302
    member = fresh(Member, email="nouvelle@example.org")
    assert member.role == "mentor"
    assert browser.is_logged_in()


def test_role_cannot_be_raised_through_the_registration_form(browser_factory, staff):
    _invitation, link = services.invite(staff, "nouvelle@example.org", "eig")
    browser = browser_factory()
    path = path_of(link)
    browser.post(
        path,
        data={
            "csrf_token": csrf_token(browser, path),
            "display_name": "Nouvelle Venue",
            "username": "nouvelle",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
            "role": "staff",
        },
    )
    assert fresh(Member, username="nouvelle").role == "eig"


def test_invitation_link_works_only_once(browser_factory, staff):
    _invitation, link = services.invite(staff, "nouvelle@example.org", "eig")
    assert register(browser_factory(), link).status_code == 302

    second = browser_factory()
    page = second.get(path_of(link))
    assert page.status_code == 400
    assert "déjà été utilisé" in page.get_data(as_text=True)
    response = second.post(
        path_of(link),
        data={
            "csrf_token": csrf_token(second, "/auth/login"),
            "display_name": "Double",
            "username": "double",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 400
    assert accounts_for("nouvelle@example.org") == 1
    assert fresh(Member, username="double") is None


def tampered_tokens(link: str, invitation: Invitation, secret: str) -> list[str]:
    token = path_of(link).rsplit("/", 1)[1]
    mid = token[-5]  # not the last character: its low bits are base64 padding
    forged_payload = {"id": invitation.id, "n": "0" * 32}
    return [
        token[:-5] + ("A" if mid != "A" else "B") + token[-4:],  # signature altered
        token[:5] + ("x" if token[5] != "x" else "y") + token[6:],  # payload altered
        "not-a-token",
        URLSafeTimedSerializer("another-key", salt="invitation").dumps(
            {"id": invitation.id, "n": invitation.nonce}
        ),
        URLSafeTimedSerializer(secret, salt="invitation").dumps(forged_payload),
        URLSafeTimedSerializer(secret, salt="password-reset").dumps(
            {"id": invitation.id, "n": invitation.nonce}
        ),
    ]


def test_forged_or_tampered_links_are_refused(app, browser_factory, staff):
    invitation, link = services.invite(staff, "nouvelle@example.org", "eig")
    for token in tampered_tokens(link, invitation, app.config["SECRET_KEY"]):
        browser = browser_factory()
        response = register(browser, f"/auth/register/{token}")
        assert response.status_code == 400, token
        assert "Ce lien" in response.get_data(as_text=True)
    assert accounts_for("nouvelle@example.org") == 0


def test_expired_invitation_is_refused(browser_factory, staff):
    invitation, link = services.invite(staff, "nouvelle@example.org", "eig")
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = register(browser_factory(), link)
    assert response.status_code == 400
    assert "a expiré" in response.get_data(as_text=True)
    assert accounts_for("nouvelle@example.org") == 0


def test_signature_older_than_max_age_is_refused(app, browser_factory, staff):
    _invitation, link = services.invite(staff, "nouvelle@example.org", "eig")
    app.config["INVITATION_MAX_AGE"] = timedelta(seconds=-1)  # the link is too old
    response = register(browser_factory(), link)
    assert response.status_code == 400
    assert "a expiré" in response.get_data(as_text=True)
    assert accounts_for("nouvelle@example.org") == 0


def test_resending_an_invitation_voids_the_older_link(browser_factory, staff):
    invitation, old_link = services.invite(staff, "nouvelle@example.org", "eig")
    with pytest.raises(services.AlreadyInvited):
        services.invite(staff, "nouvelle@example.org", "alumni")
    _same, new_link = services.resend_invitation(staff, invitation)
    assert new_link != old_link
    response = register(browser_factory(), old_link)
    assert response.status_code == 400
    assert "dernier e-mail reçu" in response.get_data(as_text=True)
    assert register(browser_factory(), new_link).status_code == 302
    assert fresh(Member, email="nouvelle@example.org").role == "eig"


def test_an_expired_invitation_may_be_replaced(app, staff):
    invitation, _link = services.invite(staff, "tard@example.org", "eig")
    invitation.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()
    second, _link = services.invite(staff, "tard@example.org", "mentor")
    assert second.id != invitation.id
    assert fresh(Invitation, id=invitation.id).revoked_at is not None


@pytest.mark.parametrize("role", ["eig", "alumni", "mentor"])
def test_non_staff_cannot_invite(app, role):
    member = make_member(role=role)
    with pytest.raises(NotAllowed):
        services.invite(member, "ami@example.org", "staff")
    assert db.session.query(Invitation).count() == 0


def test_invitation_for_an_existing_member_is_refused(staff):
    from app.errors import Invalid

    with pytest.raises(Invalid):
        services.invite(staff, staff.email.upper(), "eig")


@pytest.mark.parametrize("same_username", [False, True])
def test_two_registrations_racing_on_one_link_make_one_account(
    browser_factory, staff, monkeypatch, same_username
):
    """The second form was checked before the first committed: it gets a clear
    400, and nothing of it is written."""
    _invitation, link = services.invite(staff, "course@example.org", "eig")
    check_email = services.members.check_email
    rival = browser_factory()

    def first_commits_meanwhile(email):
        check_email(email)  # the loser's checks pass: nothing is committed yet
        monkeypatch.setattr(services.members, "check_email", check_email)
        assert register(rival, link, "gagnante").status_code == 302

    loser = browser_factory()
    form_page = loser.get(path_of(link))
    assert form_page.status_code == 200
    monkeypatch.setattr(services.members, "check_email", first_commits_meanwhile)
    response = loser.post(
        path_of(link),
        data={
            "csrf_token": csrf_token(loser, path_of(link)),
            "display_name": "Perdante",
            "username": "gagnante" if same_username else "perdante",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 400
    assert "déjà été utilisé" in response.get_data(as_text=True)
    assert accounts_for("course@example.org") == 1
    assert fresh(Member, username="perdante") is None
    invitation = fresh(Invitation, email="course@example.org")
    assert invitation.member_id == fresh(Member, username="gagnante").id
