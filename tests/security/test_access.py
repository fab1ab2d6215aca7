"""Who reaches which page: anonymous visitors, each role, deactivated members."""

import io
from urllib.parse import urlsplit

import pytest

from app.auth.models import Invitation
from app.defis.models import Defi
from app.extensions import db
from app.members.models import Member
from app.resources.services import share_resource
from app.resources.uploads import Upload
from tests.factories import make_defi, make_member
from tests.security.conftest import fresh, logged_in

ROLES = ("anonymous", "eig", "alumni", "mentor", "staff", "deactivated")

OK, LOGIN, FORBIDDEN, HOME = "200", "login", "403", "home"
MEMBERS = {"eig": OK, "alumni": OK, "mentor": OK, "staff": OK}
STAFF_ONLY = {"eig": FORBIDDEN, "alumni": FORBIDDEN, "mentor": FORBIDDEN, "staff": OK}
EIG_ONLY = {"eig": OK, "alumni": FORBIDDEN, "mentor": FORBIDDEN, "staff": FORBIDDEN}
MENTORS_ONLY = {"eig": FORBIDDEN, "alumni": OK, "mentor": OK, "staff": FORBIDDEN}

# Another member's profile and a défi whose team none of the visitors belongs to.
PAGES = {
    "/": {"anonymous": OK, "deactivated": OK, **MEMBERS},
    "/healthz": {"anonymous": OK, "deactivated": OK, **MEMBERS},
    "/readyz": {"anonymous": OK, "deactivated": OK, **MEMBERS},
    "/auth/login": {"anonymous": OK, "deactivated": OK, **dict.fromkeys(MEMBERS, HOME)},
    "/auth/reset": {"anonymous": OK, "deactivated": OK, **MEMBERS},
    "/auth/account": MEMBERS,
    "/auth/account/privacy": MEMBERS,
    "/auth/account/export": MEMBERS,
    "/donnees-personnelles": {"anonymous": OK, "deactivated": OK, **MEMBERS},
    "/mentions-legales": {"anonymous": OK, "deactivated": OK, **MEMBERS},
    "/members/": MEMBERS,
    "/members/autre": MEMBERS,
    "/members/autre/edit": STAFF_ONLY,
    "/defis/": MEMBERS,
    "/defis/defi-cible": MEMBERS,
    "/defis/defi-cible/edit": STAFF_ONLY,
    "/defis/new": STAFF_ONLY,
    "/resources/": MEMBERS,
    "/resources/new": MEMBERS,
    "/resources/1": MEMBERS,
    "/resources/1/file": MEMBERS,
    "/resources/1/edit": STAFF_ONLY,
    "/admin/": STAFF_ONLY,
    "/admin/members": STAFF_ONLY,
    "/admin/audit": STAFF_ONLY,
    "/admin/members/autre/privacy": STAFF_ONLY,
    "/admin/members/autre/export": STAFF_ONLY,
    "/mentoring/": MEMBERS,
    "/mentoring/ask?topic=python": EIG_ONLY,
    "/mentoring/profile": MENTORS_ONLY,
    "/notifications/": MEMBERS,
    "/notifications/preferences": MEMBERS,
}

MATRIX = [
    pytest.param(path, role, expected.get(role, LOGIN), id=f"{role}-{path}")
    for path, expected in PAGES.items()
    for role in ROLES
]


@pytest.fixture
def community(app, tmp_path):
    """The other member, the défi and the resource (with a file) visitors look at."""
    other = make_member(username="autre", display_name="Autre Membre")
    make_defi(slug="defi-cible", title="Défi cible", team=[(other, "eig")])
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    upload = Upload("guide.pdf", io.BytesIO(b"%PDF-1.4\n%%EOF\n"))
    resource = share_resource(
        other, kind="guide", title="Guide", defi="defi-cible", upload=upload
    )
    assert resource.id == 1
    return other


def visit_as(browser_factory, role: str):
    """A browser for this kind of visitor."""
    if role == "anonymous":
        return browser_factory()
    member = make_member(role="eig" if role == "deactivated" else role)
    client = logged_in(browser_factory, member)
    if role == "deactivated":
        member.active = False  # as the programme team would, token left unchanged
        db.session.commit()
    return client


def assert_outcome(response, expected: str) -> None:
    if expected == OK:
        assert response.status_code == 200
    elif expected == FORBIDDEN:
        assert response.status_code == 403
    elif expected == LOGIN:
        assert response.status_code == 302
        assert urlsplit(response.headers["Location"]).path == "/auth/login"
    elif expected == HOME:
        assert response.status_code == 302
        assert urlsplit(response.headers["Location"]).path == "/"


@pytest.mark.parametrize(("path", "role", "expected"), MATRIX)
def test_page_access_depends_on_role(browser_factory, community, path, role, expected):
    client = visit_as(browser_factory, role)
    response = client.get(path)
    assert_outcome(response, expected)
    response.close()  # a download holds its file open until then


def test_login_redirect_remembers_the_page_asked_for(browser_factory, community):
    response = browser_factory().get("/members/autre")
    assert response.status_code == 302
    assert "next=/members/autre" in response.headers["Location"]


# Profiles ------------------------------------------------------------------


def test_member_edits_own_profile(browser_factory):
    member = make_member(headline="Avant")
    client = logged_in(browser_factory, member)
    page = f"/members/{member.username}/edit"
    assert client.get(page).status_code == 200
    response = client.submit(
        page, {"display_name": member.display_name, "headline": "Après"}, page
    )
    assert response.status_code == 302
    assert fresh(Member, id=member.id).headline == "Après"


@pytest.mark.parametrize("role", ["eig", "alumni", "mentor"])
def test_member_cannot_edit_another_profile(browser_factory, community, role):
    client = logged_in(browser_factory, make_member(role=role))
    assert client.get("/members/autre/edit").status_code == 403
    response = client.submit(
        "/members/autre/edit",
        {"display_name": "Piraté", "headline": "Piraté", "bio": "Piraté"},
    )
    assert response.status_code == 403
    other = fresh(Member, username="autre")
    assert (other.display_name, other.headline, other.bio) == ("Autre Membre", "", "")


def test_staff_edits_any_profile(browser_factory, community):
    client = logged_in(browser_factory, make_member(role="staff"))
    response = client.submit(
        "/members/autre/edit",
        {"display_name": "Autre Membre", "headline": "Corrigé par l'équipe"},
    )
    assert response.status_code == 302
    assert fresh(Member, username="autre").headline == "Corrigé par l'équipe"


def test_deactivated_profile_is_hidden_from_members_but_not_staff(browser_factory):
    gone = make_member(active=False)
    member = logged_in(browser_factory, make_member())
    staff = logged_in(browser_factory, make_member(role="staff"))
    assert member.get(f"/members/{gone.username}").status_code == 404
    assert staff.get(f"/members/{gone.username}").status_code == 200
    directory = member.get("/members/").get_data(as_text=True)
    assert gone.display_name not in directory


# Défis ----------------------------------------------------------------------

DEFI_EDIT = {"title": "Défi cible", "tagline": "Nouveau chapeau"}


@pytest.mark.parametrize("team_role", ["eig", "mentor"])
def test_defi_team_member_edits_the_defi(browser_factory, team_role):
    member = make_member(role="eig" if team_role == "eig" else "mentor")
    make_defi(slug="defi-cible", title="Défi cible", team=[(member, team_role)])
    client = logged_in(browser_factory, member)
    assert client.get("/defis/defi-cible/edit").status_code == 200
    response = client.submit("/defis/defi-cible/edit", DEFI_EDIT)
    assert response.status_code == 302
    assert fresh(Defi, slug="defi-cible").tagline == "Nouveau chapeau"


@pytest.mark.parametrize("role", ["eig", "alumni", "mentor"])
def test_member_outside_the_team_cannot_edit_the_defi(browser_factory, community, role):
    client = logged_in(browser_factory, make_member(role=role))
    response = client.submit("/defis/defi-cible/edit", DEFI_EDIT)
    assert response.status_code == 403
    assert fresh(Defi, slug="defi-cible").tagline == "Mieux servir les usagers"


def test_member_outside_the_team_cannot_join_it(browser_factory, community):
    intruder = make_member()
    client = logged_in(browser_factory, intruder)
    response = client.submit(
        "/defis/defi-cible/team", {"username": intruder.username, "role": "eig"}
    )
    assert response.status_code == 403
    team = fresh(Defi, slug="defi-cible").team
    assert [m.member.username for m in team] == ["autre"]


def test_member_outside_the_team_cannot_remove_its_members(browser_factory, community):
    client = logged_in(browser_factory, make_member())
    response = client.submit("/defis/defi-cible/team/autre/remove")
    assert response.status_code == 403
    assert len(fresh(Defi, slug="defi-cible").team) == 1


def test_staff_edits_any_defi(browser_factory, community):
    client = logged_in(browser_factory, make_member(role="staff"))
    response = client.submit("/defis/defi-cible/edit", DEFI_EDIT)
    assert response.status_code == 302
    assert fresh(Defi, slug="defi-cible").tagline == "Nouveau chapeau"


@pytest.mark.parametrize("role", ["eig", "alumni", "mentor"])
def test_only_staff_create_defis(browser_factory, community, role):
    client = logged_in(browser_factory, make_member(role=role))
    promotion_id = fresh(Defi, slug="defi-cible").promotion_id
    response = client.submit(
        "/defis/new",
        {
            "title": "Défi pirate",
            "promotion_id": promotion_id,
            "administration": "Ministère pirate",
        },
    )
    assert response.status_code == 403
    assert fresh(Defi, title="Défi pirate") is None


# Staff actions --------------------------------------------------------------


@pytest.fixture
def target():
    return make_member(username="cible", role="eig")


@pytest.mark.parametrize("role", ["eig", "alumni", "mentor"])
def test_non_staff_cannot_deactivate_a_member(browser_factory, target, role):
    client = logged_in(browser_factory, make_member(role=role))
    response = client.submit("/admin/members/cible/active", {"active": "0"})
    assert response.status_code == 403
    assert fresh(Member, username="cible").active is True


@pytest.mark.parametrize("role", ["eig", "alumni", "mentor"])
def test_non_staff_cannot_change_roles(browser_factory, target, role):
    member = make_member(role=role)
    client = logged_in(browser_factory, member)
    for username in ("cible", member.username):  # nor promote themselves
        response = client.submit(f"/admin/members/{username}/role", {"role": "staff"})
        assert response.status_code == 403
    assert fresh(Member, username="cible").role == "eig"
    assert fresh(Member, id=member.id).role == role


@pytest.mark.parametrize("role", ["eig", "alumni", "mentor"])
def test_non_staff_cannot_invite(browser_factory, role):
    client = logged_in(browser_factory, make_member(role=role))
    response = client.submit(
        "/admin/invitations",
        {"email": "ami@example.org", "role": "staff", "promotion_id": "0"},
    )
    assert response.status_code == 403
    assert db.session.query(Invitation).count() == 0


def test_staff_deactivates_and_changes_roles(browser_factory, target):
    client = logged_in(browser_factory, make_member(role="staff"))
    assert (
        client.submit("/admin/members/cible/role", {"role": "alumni"}).status_code
        == 302
    )
    assert fresh(Member, username="cible").role == "alumni"
    response = client.submit("/admin/members/cible/active", {"active": "0"})
    assert response.status_code == 302
    assert fresh(Member, username="cible").active is False
