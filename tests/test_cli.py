from sqlalchemy import func, select

from app.audit import AuditEntry
from app.auth.models import Invitation
from app.extensions import db
from app.members.models import Member
from app.resources.models import Resource
from tests.factories import make_member, make_promotion


def test_create_admin_reads_the_password_from_standard_input(app):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["create-admin", "programme", "equipe@example.org"],
        input="Chouette-Marianne-2017\n",
    )
    assert result.exit_code == 0, result.output
    member = db.session.scalar(select(Member).where(Member.username == "programme"))
    assert member.role == "staff" and member.password_hash.startswith("$argon2id$")


def test_create_admin_refuses_a_weak_password(app):
    result = app.test_cli_runner().invoke(
        args=["create-admin", "programme", "equipe@example.org"], input="court\n"
    )
    assert result.exit_code != 0
    assert "12 caractères" in result.output
    assert db.session.scalar(select(Member.id)) is None


def test_invite_prints_a_registration_link(app, client):
    make_member(role="staff")
    result = app.test_cli_runner().invoke(
        args=["invite", "new@example.org", "--role", "eig"]
    )
    assert result.exit_code == 0, result.output
    link = result.output.strip().splitlines()[-1]
    assert link.startswith("http://localhost/auth/register/")
    assert client.get(link.removeprefix("http://localhost")).status_code == 200


def test_an_invitation_from_the_command_line_is_credited_to_the_system(
    app, client, auth
):
    make_member(role="staff", username="premiere")  # not the one who invited
    result = app.test_cli_runner().invoke(
        args=["invite", "new@example.org", "--role", "eig"]
    )
    assert result.exit_code == 0, result.output
    entry = db.session.scalar(select(AuditEntry))
    assert entry.actor is None and entry.details == {"role": "eig", "system": True}
    invitation = db.session.scalar(select(Invitation))
    assert invitation.invited_by is None  # the e-mail: "L'équipe du programme"
    staff = make_member(role="staff", username="lectrice")
    auth.login(staff)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Système" in page and "premiere" not in page


def test_invite_by_names_the_staff_member_or_refuses(app):
    make_member(role="staff", username="camille")
    runner = app.test_cli_runner()
    unknown = runner.invoke(
        args=["invite", "a@example.org", "--role", "eig", "--by", "x"]
    )
    assert unknown.exit_code != 0 and "« x »" in unknown.output
    named = runner.invoke(
        args=["invite", "a@example.org", "--role", "eig", "--by", "camille"]
    )
    assert named.exit_code == 0, named.output
    assert db.session.scalar(select(AuditEntry)).actor.username == "camille"


def test_inviting_a_waiting_address_again_asks_for_resend(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["invite", "a@example.org", "--role", "eig"])
    again = runner.invoke(args=["invite", "a@example.org", "--role", "eig"])
    assert again.exit_code != 0 and "--resend" in again.output
    resent = runner.invoke(
        args=["invite", "a@example.org", "--role", "eig", "--resend"]
    )
    assert resent.exit_code == 0, resent.output
    assert resent.output.strip() != first.output.strip()  # a new link
    assert db.session.scalar(select(func.count(Invitation.id))) == 1


def test_promote_alumni_turns_a_promotions_eigs_into_alumni(app):
    p2019, p2024 = (
        make_promotion(number=3, year=2019),
        make_promotion(number=7, year=2024),
    )
    old = make_member(role="eig", promotions=[p2019], password=None)
    new = make_member(role="eig", promotions=[p2024], password=None)
    mentor = make_member(role="mentor", promotions=[p2019], password=None)
    result = app.test_cli_runner().invoke(args=["promote-alumni", "2019"])
    assert result.exit_code == 0 and "1 EIG" in result.output
    assert (old.role, new.role, mentor.role) == ("alumni", "eig", "mentor")


def test_seed_commands_load_defis_and_a_demo_community(app):
    runner = app.test_cli_runner()
    seeded = runner.invoke(args=["seed-defis"]).output
    assert "131 créés" in seeded and "Dépôts proposés comme ressources" in seeded
    first = runner.invoke(args=["seed-demo"]).output
    assert "200 membres" in first and "Ressources de démonstration : 9" in first
    again = runner.invoke(args=["seed-demo"]).output
    assert "0 membres" in again and "Ressources de démonstration" not in again
    members = db.session.scalars(select(Member)).all()
    assert len(members) == 200
    assert {m.role for m in members} == {"eig", "alumni", "mentor", "staff"}
    assert all(m.email.endswith(".example") for m in members)
    assert sum(bool(m.defi_memberships) for m in members) > 150
    register = db.session.scalar(select(Resource).where(Resource.kind == "template"))
    assert register.file_type == "text/csv" and register.author in members


def test_seed_defis_reports_a_broken_file_and_writes_nothing(app, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{oops\n")
    result = app.test_cli_runner().invoke(args=["seed-defis", str(bad)])
    assert result.exit_code != 0 and "rien n'a été écrit" in result.output
