"""The Slack workspace's people, as imported authors linked to members.

A Slack user whose e-mail is a member's is that member. Anyone else stays an
imported author (a name, no account) until someone joins with that e-mail:
`claim` then hands them their messages, reactions and private seats.
"""

from typing import cast

from sqlalchemy import CursorResult, Table, delete, func, insert, select, update

from app.channels.models import Channel, ChannelMember, Message, Reaction
from app.extensions import Model, db
from app.members.models import Member
from app.search.models import SearchOutbox
from app.slack.export import Export
from app.slack.models import ImportedReaction, ImportedSeat, SlackAuthor
from app.slack.mrkdwn import Person
from app.timeutil import utcnow

UNKNOWN = "Compte Slack inconnu ({})"


class People:
    """The workspace's authors, created or updated, by Slack id."""

    def __init__(self, export: Export) -> None:
        self.workspace = export.workspace
        self.export = export
        self.authors: dict[str, SlackAuthor] = {
            a.slack_id: a
            for a in db.session.scalars(
                select(SlackAuthor).where(SlackAuthor.workspace == self.workspace)
            )
        }
        emails = {u.email for u in export.users.values() if u.email}
        self.members = {
            m.email.lower(): m
            for m in db.session.scalars(
                select(Member).where(func.lower(Member.email).in_(emails))
            )
        }
        self.by_id: dict[int, Member | None] = {m.id: m for m in self.members.values()}
        for user in export.users.values():
            self._upsert(user.id, user.name, user.email, user.deleted, user.bot)

    def _upsert(
        self, slack_id: str, name: str, email: str = "", deleted=False, bot=False
    ) -> SlackAuthor:
        author = self.authors.get(slack_id)
        if author is None:
            author = SlackAuthor(workspace=self.workspace, slack_id=slack_id)
            db.session.add(author)
            self.authors[slack_id] = author
        author.name, author.email = name[:120], email[:254]
        author.deleted, author.bot = deleted, bot
        member = self.members.get(email) if email else None
        if author.member_id is None and member is not None:
            author.member_id = member.id
        return author

    def author(self, record: dict) -> SlackAuthor:
        """Who wrote a message: a user, a bot, or a placeholder for an unknown id."""
        user_id = _string(record.get("user"))
        bot_id = _string(record.get("bot_id"))
        slack_id = user_id[:40] or (f"bot:{bot_id}"[:40] if bot_id else "?")
        if slack_id in self.authors:
            return self.authors[slack_id]
        if user_id or not bot_id:
            author = self._upsert(slack_id, UNKNOWN.format(slack_id))
        else:
            author = self._upsert(slack_id, _bot_name(record, bot_id), bot=True)
        db.session.flush()  # its id goes into the rows written in bulk
        return author

    def member(self, author: SlackAuthor | None) -> Member | None:
        if author is None or author.member_id is None:
            return None
        member = self.by_id.get(author.member_id)
        if member is None:
            member = db.session.get(Member, author.member_id)
            self.by_id[author.member_id] = member
        return member if member is not None and member.active else None

    def person(self, slack_id: str) -> Person | None:
        """Whom a mention designates, for the mrkdwn conversion."""
        author = self.authors.get(slack_id)
        if author is None:
            return None
        member = self.member(author)
        return Person(author.name, member.username if member else None)


def _string(value: object) -> str:
    return value if isinstance(value, str) else ""


def table(model: type[Model]) -> Table:
    """A model's table, for inserts in bulk: SQLAlchemy types `__table__` as a
    FromClause, but a declarative model's is always a Table."""
    return cast(Table, model.__table__)


def _bot_name(record: dict, bot_id: str) -> str:
    profile = record.get("bot_profile")
    name = record.get("username") or (
        profile.get("name") if isinstance(profile, dict) else None
    )
    return name if isinstance(name, str) and name.strip() else bot_id


def claim(member: Member) -> int:
    """Give a member what was imported under their e-mail; returns how many
    messages became theirs. No commit: the caller's transaction holds it."""
    email = (member.email or "").lower()
    authors = list(
        db.session.scalars(
            select(SlackAuthor.id).where(
                func.lower(SlackAuthor.email) == email,
                SlackAuthor.member_id.is_(None),
                SlackAuthor.email != "",
            )
        )
    )
    if not authors:
        return 0
    db.session.execute(
        update(SlackAuthor)
        .where(SlackAuthor.id.in_(authors))
        .values(member_id=member.id)
    )
    mine = Message.imported_author_id.in_(authors)
    released = list(db.session.scalars(select(Message.id).where(mine, Message.held)))
    result = db.session.execute(
        update(Message).where(mine).values(author_id=member.id, held=False)
    )
    claimed = cast(CursorResult, result).rowcount  # an UPDATE's result
    _hand_over_reactions(member, authors)
    _hand_over_seats(member, authors)
    if released:  # held messages become searchable now
        db.session.info["search_pending"] = True  # see app/search/sync.py
        db.session.execute(
            insert(table(SearchOutbox)),
            [
                {"kind": "message", "object_id": i, "created_at": utcnow()}
                for i in released
            ],
        )
    return claimed


def _hand_over_reactions(member: Member, authors: list[int]) -> None:
    theirs = ImportedReaction.author_id.in_(authors)
    rows = db.session.execute(
        select(ImportedReaction.message_id, ImportedReaction.emoji).where(theirs)
    ).all()
    have = set(
        db.session.execute(
            select(Reaction.message_id, Reaction.emoji).where(
                Reaction.member_id == member.id
            )
        ).all()
    )
    new = {(m, e) for m, e in rows} - have
    if new:
        db.session.execute(
            insert(table(Reaction)),
            [
                {
                    "message_id": m,
                    "member_id": member.id,
                    "emoji": e,
                    "created_at": utcnow(),
                }
                for m, e in sorted(new)
            ],
        )
    db.session.execute(delete(ImportedReaction).where(theirs))


def _hand_over_seats(member: Member, authors: list[int]) -> None:
    theirs = ImportedSeat.author_id.in_(authors)
    channels = set(db.session.scalars(select(ImportedSeat.channel_id).where(theirs)))
    seated = set(
        db.session.scalars(
            select(ChannelMember.channel_id).where(ChannelMember.member_id == member.id)
        )
    )
    for channel_id in sorted(channels - seated):
        _open_seat(channel_id, member.id)
    db.session.execute(delete(ImportedSeat).where(theirs))


def seat(channel: Channel, author: SlackAuthor, member: Member | None) -> None:
    """A Slack member of a conversation gets its seat here, or keeps it for later."""
    if member is not None:
        if db.session.get(ChannelMember, (channel.id, member.id)) is None:
            _open_seat(channel.id, member.id)
    elif db.session.get(ImportedSeat, (channel.id, author.id)) is None:
        db.session.add(ImportedSeat(channel_id=channel.id, author_id=author.id))


def _open_seat(channel_id: int, member_id: int) -> None:
    """A seat from which nothing already there is unread."""
    newest = db.session.scalar(
        select(func.max(Message.id)).where(Message.channel_id == channel_id)
    )
    db.session.add(
        ChannelMember(
            channel_id=channel_id, member_id=member_id, last_read_id=max(newest or 0, 0)
        )
    )
