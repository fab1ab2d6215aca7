"""Joining a défi's team: a member asks, the team or the staff answer, through
the real forms (CSRF on); who may answer, and what each answer leaves behind."""

import html

from sqlalchemy import select

from app.audit import AuditEntry
from app.channels.models import ChannelMember
from app.channels.services import defi_channel
from app.defis.models import TeamRequest
from app.extensions import db
from app.notifications.models import Notification
from tests.factories import make_defi, make_member
from tests.security.conftest import fresh, logged_in


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def setting(app):
    lead = make_member(username="lead", display_name="Lina Lead", role="eig")
    newcomer = make_member(username="nouveau", display_name="Noé Nouveau", role="eig")
    staff = make_member(username="equipe", role="staff")
    defi = make_defi(slug="lab-sante", title="Lab Santé", team=[(lead, "eig")])
    return lead, newcomer, staff, defi


def ask(browser, role="eig", message="Promotion 7, développeur du défi."):
    return browser.submit(
        "/defis/lab-sante/join",
        {"join-role": role, "join-message": message},
        form_page="/defis/lab-sante",
    )


def answer(browser, request_id: int, choice: str):
    path = f"/defis/lab-sante/requests/{request_id}/{choice}"
    return browser.submit(path, form_page="/defis/lab-sante")


def test_a_newcomer_asks_and_the_team_accepts(browser_factory, app):
    lead, newcomer, staff, defi = setting(app)
    them = logged_in(browser_factory, newcomer)
    assert "Demandez à la rejoindre" in text(them.get("/defis/lab-sante"))
    response = ask(them)
    assert response.status_code == 302
    page = text(them.get("/defis/lab-sante"))
    assert "Demande envoyée" in page and "attend sa réponse" in page

    told = db.session.scalars(
        select(Notification.recipient_id).where(Notification.kind == "team_request")
    )
    assert set(told) == {lead.id, staff.id}  # the team and the staff

    team = logged_in(browser_factory, lead)
    listing = text(team.get("/defis/lab-sante"))
    assert "1 demande pour rejoindre l’équipe" in listing
    assert "Promotion 7, développeur du défi." in listing
    request = db.session.scalar(select(TeamRequest))
    assert answer(team, request.id, "accept").status_code == 302

    assert fresh(TeamRequest, id=request.id).status == "accepted"
    members = {m.member_id for m in fresh(type(defi), id=defi.id).team}
    assert newcomer.id in members
    channel = defi_channel(defi)
    joined = db.session.scalar(
        select(ChannelMember).where(
            ChannelMember.channel_id == channel.id,
            ChannelMember.member_id == newcomer.id,
        )
    )
    assert joined is not None
    entry = db.session.scalar(select(AuditEntry))
    assert (entry.action, entry.actor_id) == ("defi.team.accept", lead.id)
    assert entry.details == {"member": "nouveau", "role": "eig"}
    told = db.session.scalar(
        select(Notification).where(Notification.recipient_id == newcomer.id)
    )
    assert told.kind == "defi_team" and "Lab Santé" in told.text


def test_the_staff_decline_and_the_member_is_told(browser_factory, app):
    _lead, newcomer, staff, _defi = setting(app)
    ask(logged_in(browser_factory, newcomer), role="mentor")
    request = db.session.scalar(select(TeamRequest))
    assert answer(logged_in(browser_factory, staff), request.id, "decline")
    assert fresh(TeamRequest, id=request.id).status == "declined"
    told = db.session.scalar(
        select(Notification).where(Notification.recipient_id == newcomer.id)
    )
    assert "a décliné votre demande" in told.text
    assert db.session.scalar(select(AuditEntry.action)) == "defi.team.decline"


def test_outsiders_cannot_answer_and_nobody_answers_twice(browser_factory, app):
    lead, newcomer, _staff, defi = setting(app)
    ask(logged_in(browser_factory, newcomer))
    request = db.session.scalar(select(TeamRequest))
    other = logged_in(browser_factory, make_member(role="alumni"))
    assert answer(other, request.id, "accept").status_code == 403
    assert (
        answer(logged_in(browser_factory, newcomer), request.id, "accept").status_code
        == 403
    )
    assert fresh(TeamRequest, id=request.id).status == "pending"

    team = logged_in(browser_factory, lead)
    answer(team, request.id, "decline")
    again = answer(team, request.id, "accept")
    assert "déjà répondu" in text(team.get(again.headers["Location"]))
    assert newcomer.id not in {m.member_id for m in fresh(type(defi), id=defi.id).team}


def test_one_request_at_a_time_and_it_can_be_withdrawn(browser_factory, app):
    _lead, newcomer, _staff, _defi = setting(app)
    them = logged_in(browser_factory, newcomer)
    ask(them)
    second = ask(them)
    assert "attend déjà la réponse" in text(them.get(second.headers["Location"]))
    assert len(db.session.scalars(select(TeamRequest)).all()) == 1
    request = db.session.scalar(select(TeamRequest))
    answer(them, request.id, "withdraw")
    assert fresh(TeamRequest, id=request.id).status == "withdrawn"
    assert "Demandez à la rejoindre" in text(them.get("/defis/lab-sante"))


def test_a_team_member_or_a_bad_role_cannot_ask(browser_factory, app):
    lead, newcomer, _staff, _defi = setting(app)
    inside = logged_in(browser_factory, lead)
    assert "Demandez à la rejoindre" not in text(inside.get("/defis/lab-sante"))
    assert ask(inside).status_code == 403
    them = logged_in(browser_factory, newcomer)
    refused = ask(them, role="staff")
    assert refused.status_code == 302
    assert db.session.scalar(select(TeamRequest)) is None
    too_long = ask(them, message="x" * 501)
    assert "500" in text(them.get(too_long.headers["Location"]))
    assert db.session.scalar(select(TeamRequest)) is None
