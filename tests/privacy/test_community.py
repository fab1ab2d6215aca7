"""Export and deletion cover resources, comments, bookmarks, notifications, mentoring.

The file comes from tests.resources.files, the removal rules from erase_community."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.mentoring import services as mentoring
from app.notifications import services as notifications
from app.notifications.models import EmailOptOut, Notification
from app.privacy import services as privacy
from app.resources import services as resources
from app.resources import uploads
from app.resources.models import Resource, ResourceComment
from tests.factories import make_defi, make_member, make_resource
from tests.privacy.test_services import rows_mentioning
from tests.resources.files import PDF, upload


@pytest.fixture
def mentor(app):
    member = make_member(username="mentor", role="alumni", skills=["Python"])
    mentoring.save_mentor_profile(member, available=True, topics="Python", capacity=2)
    return member


@pytest.fixture
def camille(app, mentor):
    member = make_member(username="camille", email="camille@example.org")
    defi = make_defi(slug="carto", title="Carte des friches", team=[(member, "eig")])
    make_resource(
        author=member,
        title="Rapport final",
        kind="file",
        url="",
        defi=defi.slug,
        upload=upload("rapport.pdf", PDF),
    )
    make_resource(author=member, title="Le code", url="https://github.com/a/carto")
    other = make_resource(author=mentor, title="Guide du mentor", kind="guide")
    resources.add_comment(member, other, "Merci pour ce guide !")
    resources.set_bookmark(member, other, True)
    mentoring.ask_for_mentoring(member, mentor, topic="Python", message="Au secours")
    notifications.set_preferences(member, {"mention": "digest"})
    db.session.add(EmailOptOut(email="camille@example.org", kind="mention"))
    db.session.commit()
    return member


def test_the_export_holds_what_they_shared_and_received(camille):
    data = privacy.export_data(camille, camille)
    assert sorted(r["title"] for r in data["resources"]) == ["Le code", "Rapport final"]
    assert [r["file"] for r in data["resources"] if r["file"]] == [
        {"name": "rapport.pdf", "type": "application/pdf", "size": len(PDF)}
    ]
    assert [c["body"] for c in data["resource_comments"]] == ["Merci pour ce guide !"]
    assert len(data["bookmarks"]) == 1
    assert data["notification_settings"]["email"]["mention"] == "digest"
    assert data["notification_settings"]["unsubscribed"] == ["mention"]
    request = data["mentoring"]["requests"][0]
    assert (request["as"], request["with"], request["topic"]) == (
        "asker",
        "mentor",
        "Python",
    )


def test_the_mentor_export_holds_the_profile_and_the_notification(mentor, camille):
    data = privacy.export_data(mentor, mentor)
    assert data["mentoring"]["mentor_profile"] == {"capacity": 2, "topics": ["Python"]}
    assert data["mentoring"]["requests"][0]["as"] == "mentor"
    assert [n["kind"] for n in data["notifications"]] == [
        "resource_comment",
        "mentoring_request",
    ]


def stored_files() -> list[Path]:
    return [p for p in uploads.folder().iterdir() if p.is_file()]


def test_deletion_removes_files_and_what_names_them(camille, mentor):
    assert len(stored_files()) == 1
    member_id = camille.id
    privacy.delete_account(camille, camille, erase=False)
    db.session.expire_all()
    assert stored_files() == []
    assert rows_mentioning(member_id, "camille@example.org") == []
    assert db.session.scalar(select(func.count(EmailOptOut.id))) == 0
    # The mentor's notifications named Camille: they go; the link and comment stay.
    assert db.session.scalar(select(func.count(Notification.id))) == 0
    titles = db.session.scalars(select(Resource.title).order_by(Resource.title))
    assert list(titles) == ["Guide du mentor", "Le code"]
    comment = db.session.scalar(select(ResourceComment))
    assert (comment.body, comment.author_id) == ("Merci pour ce guide !", None)


def test_erasing_contributions_removes_links_and_comments_too(camille, mentor):
    privacy.delete_account(camille, camille, erase=True)
    titles = db.session.scalars(select(Resource.title))
    assert list(titles) == ["Guide du mentor"]
    assert db.session.scalar(select(ResourceComment)) is None
    assert stored_files() == []
