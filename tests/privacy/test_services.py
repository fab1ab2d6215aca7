"""RGPD: export holds every kind of a member's data; deletion leaves nothing behind."""

import pytest
from sqlalchemy import select, text

from app.admin.services import set_role
from app.audit import AuditEntry
from app.auth import services as auth
from app.channels import services as channels
from app.channels.models import Message
from app.errors import Invalid, NotAllowed
from app.extensions import db
from app.members.models import Member
from app.privacy import services as privacy
from app.privacy.export import COVERED_TABLES, TRANSIENT_TABLES
from app.search import services as search
from tests.factories import make_defi, make_member, make_promotion


@pytest.fixture
def staff(app):
    return make_member(username="equipe", role="staff", display_name="Équipe EIG")


@pytest.fixture
def camille(app, staff):
    """A member with something of every kind."""
    auth.invite(staff, "camille@example.org", "eig")
    member = make_member(
        username="camille",
        email="camille@example.org",
        display_name="Camille Rivière",
        city="Nantes",
        bio="Je fais de la **cartographie**.",
        skills=["Géomatique", "Python"],
        promotions=[make_promotion(number=5, year=2021)],
    )
    make_defi(slug="carto", title="Carte des friches", team=[(member, "eig")])
    channel = channels.create_channel(member, name="Cartographes")
    message = channels.post_message(member, channel, "Les tuiles vectorielles, enfin")
    channels.toggle_reaction(staff, message.id, "👍")
    channels.toggle_reaction(member, message.id, "🎉")
    auth.create_api_token(member, "script de sauvegarde")
    return member


def tables_pointing_at_members() -> set[str]:
    return {
        table.name
        for table in db.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table.name == "members"
    }


def test_every_table_that_points_at_members_is_exported_or_transient():
    forgotten = tables_pointing_at_members() - COVERED_TABLES - TRANSIENT_TABLES
    assert forgotten == set()


def test_the_export_holds_every_kind_of_the_members_data(camille):
    data = privacy.export_data(camille, camille)
    assert data["profile"]["email"] == "camille@example.org"
    assert data["profile"]["city"] == "Nantes"
    assert data["profile"]["skills"] == ["Géomatique", "Python"]
    assert data["profile"]["promotions"] == ["Promotion 5"]
    assert data["defis"] == [
        {"slug": "carto", "title": "Carte des friches", "role": "eig"}
    ]
    assert [c["slug"] for c in data["channels"]] == ["cartographes"]
    assert [c["slug"] for c in data["channels_created"]] == ["cartographes"]
    assert [m["body"] for m in data["messages"]] == ["Les tuiles vectorielles, enfin"]
    assert [r["emoji"] for r in data["reactions"]] == ["🎉"]
    assert [t["name"] for t in data["api_tokens"]] == ["script de sauvegarde"]
    assert [i["email"] for i in data["invitations"]] == ["camille@example.org"]


def test_the_export_never_holds_secrets_or_other_peoples_reactions(camille):
    flat = str(privacy.export_data(camille, camille))
    assert camille.password_hash not in flat
    assert camille.session_token not in flat
    assert "👍" not in flat  # staff's reaction, not Camille's


def test_a_staff_members_export_lists_their_staff_actions(staff, camille):
    set_role(staff, camille, "alumni")
    actions = privacy.export_data(staff, staff)["staff_actions"]
    assert [(a["action"], a["target"]) for a in actions] == [
        ("invitation.create", "camille@example.org"),
        ("member.role", "camille"),
    ]


def test_only_the_member_or_staff_may_export(camille, staff):
    other = make_member(username="curieux")
    with pytest.raises(NotAllowed):
        privacy.export_data(other, camille)
    assert privacy.export_data(staff, camille)["profile"]["username"] == "camille"
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "member.export")
    )
    assert (entry.actor_id, entry.target) == (staff.id, "camille")


def rows_mentioning(member_id: int, email: str) -> list[str]:
    """Every row of a table pointing at members that still names this member."""
    left = []
    for table in db.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name != "members":
                continue
            column = fk.parent.name
            count = db.session.execute(
                text(f"SELECT COUNT(*) FROM {table.name} WHERE {column} = :id"),
                {"id": member_id},
            ).scalar()
            if count:
                left.append(f"{table.name}.{column}")
    invitations = db.session.execute(
        text("SELECT COUNT(*) FROM invitations WHERE email = :email"), {"email": email}
    ).scalar()
    return left + (["invitations.email"] if invitations else [])


def test_deleting_an_account_leaves_nothing_of_theirs(camille, staff):
    member_id = camille.id
    privacy.delete_account(camille, camille, erase=False)
    db.session.expire_all()
    assert db.session.get(Member, member_id) is None
    assert rows_mentioning(member_id, "camille@example.org") == []


def test_messages_stay_as_former_member_unless_their_removal_is_asked(camille, staff):
    privacy.delete_account(camille, camille, erase=False)
    message = db.session.scalar(select(Message))
    assert message.author_id is None
    assert message.body == "Les tuiles vectorielles, enfin"


def test_removing_messages_erases_their_text_and_the_index_forgets_them(camille, staff):
    assert search.search(staff, "vectorielles", kind="message").hits
    privacy.delete_account(camille, camille, erase=True)
    message = db.session.scalar(select(Message))
    assert (message.body, message.html, message.author_id) == ("", "", None)
    assert message.deleted_at is not None
    assert search.search(staff, "vectorielles", kind="message").hits == []


def test_a_deleted_member_is_no_longer_found(camille, staff):
    assert [h.title for h in search.search(staff, "Rivière").hits] == [
        "Camille Rivière"
    ]
    assert [p.member.username for p in search.who_knows(staff, "géomatique")] == [
        "camille"
    ]
    privacy.delete_account(staff, camille, erase=False)
    assert search.search(staff, "Rivière").hits == []
    assert search.who_knows(staff, "géomatique") == []


def test_staff_deletion_on_request_is_audited(camille, staff):
    privacy.delete_account(staff, camille, erase=True)
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "member.delete")
    )
    assert entry.target == "camille"
    assert entry.details == {"contributions_erased": True}


def test_no_one_else_may_delete_an_account(camille):
    other = make_member(username="malveillant")
    with pytest.raises(NotAllowed):
        privacy.delete_account(other, camille, erase=True)
    assert db.session.get(Member, camille.id) is not None


def test_the_last_staff_member_cannot_delete_their_account(staff):
    with pytest.raises(Invalid, match="dernier"):
        privacy.delete_account(staff, staff, erase=False)
    make_member(username="releve", role="staff")
    privacy.delete_account(staff, staff, erase=False)
    assert db.session.scalar(select(Member).where(Member.username == "equipe")) is None


def test_visibility_choices_are_checked_and_saved(camille):
    with pytest.raises(Invalid):
        privacy.set_visibility(camille, camille, email="tout-le-monde", city="staff")
    privacy.set_visibility(camille, camille, email="members", city="staff")
    db.session.expire_all()
    assert (camille.email_visibility, camille.city_visibility) == ("members", "staff")


def test_a_hidden_city_is_not_searchable_by_other_members(camille, staff):
    other = make_member(username="voisin")
    assert search.search(other, "Nantes", kind="member").hits
    privacy.set_visibility(camille, camille, email="staff", city="staff")
    assert search.search(other, "Nantes", kind="member").hits == []


def test_the_export_holds_the_requests_to_join_a_team(camille, staff):
    from app.defis import team_requests

    defi = make_defi(slug="autre", title="Un autre défi")
    team_requests.ask_to_join(camille, defi, "mentor", "Je connais bien le sujet.")
    [mine] = privacy.export_data(camille, camille)["team_requests"]
    assert (mine["defi"], mine["role"], mine["status"]) == (
        "autre",
        "mentor",
        "pending",
    )
    assert mine["message"] == "Je connais bien le sujet." and mine["mine"] is True
    request = team_requests.pending_request(camille, defi)
    team_requests.answer(staff, request, accept=False)
    [answered] = privacy.export_data(staff, staff)["team_requests"]
    assert answered["mine"] is False and answered["message"] == ""
