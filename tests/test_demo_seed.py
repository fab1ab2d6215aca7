"""`flask seed-demo` gives a community with something in every feature."""

from sqlalchemy import func, select

from app.channels.models import Channel, Message, Reaction
from app.channels.services import unread_counts
from app.extensions import db
from app.members.models import Member
from app.mentoring.models import STATUSES, MentoringRequest, MentorProfile
from app.notifications.models import Notification
from app.resources.models import ResourceBookmark, ResourceComment
from tests.conftest import _reset_schema


def count(model_column, *where) -> int:
    return db.session.scalar(select(func.count(model_column)).where(*where))


def seed(app, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["seed-demo", *args])
    assert result.exit_code == 0, result.output
    return result.output


def conversations() -> list[tuple]:
    """What the seed wrote, in order, without the dates (they follow today)."""
    rows = db.session.execute(
        select(Channel.slug, Member.username, Message.body, Message.parent_id)
        .join(Channel, Message.channel)
        .join(Member, Message.author)
        .order_by(Message.id)
    )
    return [tuple(row) for row in rows]


def test_the_demo_has_conversations_mentoring_and_news_for_the_admin(app):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-defis"])
    made = runner.invoke(
        args=["create-admin", "admin", "admin@eig-link.example"],
        input="Chouette-Marianne-2017\n",
    )
    assert made.exit_code == 0, made.output
    output = seed(app)
    assert "Conversations de démonstration" in output, output
    messages = count(Message.id)
    assert messages >= 300
    assert count(func.distinct(Message.channel_id)) >= 10
    kinds = set(
        db.session.scalars(
            select(Channel.kind).join(Message, Channel.id == Message.channel_id)
        )
    )
    assert kinds == {"defi", "topic", "direct"}
    topics = set(
        db.session.scalars(select(Channel.slug).where(Channel.kind == "topic"))
    )
    assert {"entraide", "data", "design"} <= topics
    assert any(slug.startswith("promo-") for slug in topics)
    assert count(Message.id, Message.parent_id.is_not(None)) >= 20  # threads
    assert count(Reaction.message_id) >= 50
    assert count(Message.id, Message.html.contains('href="/members/')) >= 5
    assert count(ResourceBookmark.member_id) and count(ResourceComment.id)

    assert count(MentorProfile.member_id) >= 20
    states = set(db.session.scalars(select(MentoringRequest.status)))
    assert states == set(STATUSES)
    requests = count(MentoringRequest.id)
    assert requests >= 20

    admin = db.session.scalar(select(Member).where(Member.username == "admin"))
    unread = count(
        Notification.id,
        Notification.recipient_id == admin.id,
        Notification.read_at.is_(None),
    )
    assert unread >= 3  # two mentions and a direct message
    assert sum(unread_counts(admin).values()) > 0

    again = seed(app)
    assert "0 membres" in again and "Conversations" not in again
    assert count(Message.id) == messages
    assert count(MentoringRequest.id) == requests


def test_the_same_seed_writes_the_same_conversations(app):
    app.test_cli_runner().invoke(args=["seed-defis"])
    seed(app, "--members", "40", "--seed", "7")
    first = conversations()
    assert len(first) > 100
    db.session.remove()  # ends the transaction: PostgreSQL drops no table under it
    _reset_schema()
    app.test_cli_runner().invoke(args=["seed-defis"])
    seed(app, "--members", "40", "--seed", "7")
    assert conversations() == first
