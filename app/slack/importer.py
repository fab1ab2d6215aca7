"""Importing a Slack export's messages, in bulk and in Slack's time order.

Every message of the export is read first (a thread's root may sit in another
day's file, or after its reply), sorted by `ts`, then written 1,000 at a time,
each batch in one transaction with its keys, reactions and search outbox rows.
An interrupted import resumes: what a batch committed is skipped the next time,
as is everything a first run of the same workspace brought.

Imported messages take ids below zero, counted up from `FIRST_ID` in time order
after those of earlier imports. So a channel shows its imported history first,
in order, then what was posted live; nothing imported is ever unread (read
marks are ids above zero); and live ids keep growing for `after=<id>`.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, insert, select

from app.channels.models import Channel, Message, Reaction
from app.channels.services import render_body
from app.extensions import db
from app.members.models import Member
from app.search.models import SearchOutbox
from app.slack.export import Export, Problem, SlackChannel, valid_ts
from app.slack.models import ImportedMessage, ImportedReaction
from app.slack.mrkdwn import emoji_character, to_markdown
from app.slack.people import People, table
from app.slack.plan import NOISE
from app.timeutil import utcnow

FIRST_ID = -2_000_000_000
BATCH = 1000
NOT_IMPORTED = "fichier non importé : {}"
PRIVATE = "canal privé"


@dataclass(order=True)
class Pending:
    """A message read from the export, waiting for its id."""

    when: tuple[int, int]
    ts: str = field(compare=False)
    channel: SlackChannel = field(compare=False)
    file: str = field(compare=False)
    record: dict = field(compare=False)


@dataclass
class Tally:
    imported: Counter = field(default_factory=Counter)  # by Slack channel id
    already: Counter = field(default_factory=Counter)
    noise: Counter = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)


def _moment(ts: str) -> tuple[int, int]:
    seconds, _, fraction = ts.partition(".")
    return int(seconds), int((fraction + "000000")[:6])


def _time(ts: str) -> datetime:
    seconds, micro = _moment(ts)
    return datetime.fromtimestamp(seconds, UTC).replace(microsecond=micro)


def _files(record: dict) -> list[str]:
    found = record.get("files")
    files = found if isinstance(found, list) else []
    names = [f.get("name") or f.get("title") for f in files if isinstance(f, dict)]
    return [NOT_IMPORTED.format(name) for name in names if isinstance(name, str)]


def _attachments(record: dict) -> list[str]:
    """What a bot's attachments say, when the message itself has no text."""
    found = record.get("attachments")
    items = found if isinstance(found, list) else []
    texts = [a.get("fallback") or a.get("text") for a in items if isinstance(a, dict)]
    return [text for text in texts if isinstance(text, str) and text.strip()]


def _reaction_emoji(name: str) -> str:
    """The character of a reaction, skin tone dropped (Slack counts them apart,
    members see one emoji); an unknown custom emoji keeps its :name:."""
    base = name.split("::")[0]
    return (emoji_character(base) or f":{base}:")[:32]


class Importer:
    def __init__(
        self,
        export: Export,
        people: People,
        channels: dict[str, Channel],
        *,
        hold: bool = False,
    ) -> None:
        self.export, self.people, self.channels = export, people, channels
        self.hold = hold
        self.tally = Tally(problems=export.problems)
        self.keys: dict[tuple[str, str], int] = {
            (row.slack_channel, row.ts): row.message_id
            for row in db.session.execute(
                select(
                    ImportedMessage.slack_channel,
                    ImportedMessage.ts,
                    ImportedMessage.message_id,
                ).where(ImportedMessage.workspace == people.workspace)
            )
        }
        lowest = db.session.scalar(select(func.max(Message.id)).where(Message.id < 0))
        self.next_id = max(FIRST_ID, (lowest or FIRST_ID - 1) + 1)
        # What a link to a channel shows; a private one, not even its name.
        self.paths = {
            slack_id: (channel.name, f"/channels/{channel.slug}")
            if channel.is_public
            else (PRIVATE, "")
            for slack_id, channel in channels.items()
        }

    def _read(self) -> list[Pending]:
        pending = []
        for channel in self.export.channels:
            if channel.id not in self.channels:
                continue
            for file, record in self.export.messages(channel):
                if record.get("subtype") in NOISE:
                    self.tally.noise[channel.id] += 1
                    continue
                ts = record["ts"]
                pending.append(Pending(_moment(ts), ts, channel, file, record))
        pending.sort()
        return pending

    def pending(self) -> list[Pending]:
        """What the export holds that is not imported yet, in time order."""
        return [p for p in self._read() if not self._known(p)]

    def run(
        self,
        pending: list[Pending] | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> Tally:
        pending = self.pending() if pending is None else pending
        for start in range(0, len(pending), BATCH):
            batch = pending[start : start + BATCH]
            self._write(batch)
            if progress:
                progress(len(batch))
        return self.tally

    def _known(self, item: Pending) -> bool:
        if (item.channel.id, item.ts) in self.keys:
            self.tally.already[item.channel.id] += 1
            return True
        return False

    def _write(self, batch: list[Pending]) -> None:
        rows: dict[str, list[dict]] = {
            "messages": [],
            "keys": [],
            "reactions": [],
            "imported": [],
        }
        for item in batch:
            if (item.channel.id, item.ts) in self.keys:  # the same ts twice
                self.tally.problems.append(Problem(item.file, "ts en double"))
                continue
            message = self._message(item)
            if message is None:
                continue
            rows["messages"].append(message)
            rows["keys"].append(
                {
                    "message_id": message["id"],
                    "workspace": self.people.workspace,
                    "slack_channel": item.channel.id,
                    "ts": item.ts,
                }
            )
            self._reactions(item.record, message["id"], rows)
            self.tally.imported[item.channel.id] += 1
        self._insert(rows)
        db.session.commit()

    def _insert(self, rows: dict) -> None:
        if not rows["messages"]:
            return
        db.session.execute(insert(table(Message)), rows["messages"])
        db.session.execute(insert(table(ImportedMessage)), rows["keys"])
        if rows["reactions"]:
            db.session.execute(insert(table(Reaction)), rows["reactions"])
        if rows["imported"]:
            db.session.execute(insert(table(ImportedReaction)), rows["imported"])
        searchable = [m["id"] for m in rows["messages"] if not m["held"]]
        if searchable:
            now = utcnow()
            db.session.execute(
                insert(table(SearchOutbox)),
                [
                    {"kind": "message", "object_id": i, "created_at": now}
                    for i in searchable
                ],
            )

    def _body(self, item: Pending, mentioned: dict[str, Member]) -> str:
        def person(slack_id: str):
            found = self.people.person(slack_id)
            if found and found.username:
                member = self.people.member(self.people.authors[slack_id])
                assert member is not None  # found.username is this member's
                mentioned[found.username] = member
            return found

        found = item.record.get("text")
        text = found if isinstance(found, str) else ""
        lines = [to_markdown(text, person, self.paths.get)] if text.strip() else []
        if not lines:
            lines = [
                to_markdown(t, person, self.paths.get)
                for t in _attachments(item.record)
            ]
        return "\n\n".join([*lines, *_files(item.record)]).strip()

    def _parent(self, item: Pending) -> int | None:
        thread_ts = item.record.get("thread_ts")
        if not isinstance(thread_ts, str) or thread_ts == item.ts:
            return None
        parent = self.keys.get((item.channel.id, thread_ts))
        if parent is None:
            self.tally.problems.append(
                Problem(
                    item.file,
                    "réponse dont le premier message manque : gardée hors fil",
                )
            )
        return parent

    def _message(self, item: Pending) -> dict | None:
        mentioned: dict[str, Member] = {}
        body = self._body(item, mentioned)
        if not body:
            self.tally.problems.append(Problem(item.file, "message vide"))
            return None
        author = self.people.author(item.record)
        member = self.people.member(author)
        edited = item.record.get("edited")
        edited_ts = edited.get("ts") if isinstance(edited, dict) else None
        message_id = self.next_id
        self.next_id += 1
        parent_id = self._parent(item)
        self.keys[(item.channel.id, item.ts)] = message_id
        return {
            "id": message_id,
            "channel_id": self.channels[item.channel.id].id,
            "author_id": member.id if member else None,
            "imported_author_id": author.id,
            "parent_id": parent_id,
            "client_id": None,
            "body": body,
            "html": render_body(body, list(mentioned.values())),
            "created_at": _time(item.ts),
            "edited_at": _time(edited_ts) if valid_ts(edited_ts) else None,
            "deleted_at": None,
            "deleted_by_id": None,
            "held": self.hold and member is None,
        }

    def _reactions(self, record: dict, message_id: int, rows: dict) -> None:
        found = record.get("reactions")
        seen: set[tuple] = set()
        for reaction in found if isinstance(found, list) else []:
            if not isinstance(reaction, dict) or not isinstance(
                reaction.get("name"), str
            ):
                continue
            emoji = _reaction_emoji(reaction["name"])
            listed = reaction.get("users")
            users = listed if isinstance(listed, list) else []
            for user_id in users:
                author = (
                    self.people.authors.get(user_id)
                    if isinstance(user_id, str)
                    else None
                )
                if author is None:
                    continue
                member = self.people.member(author)
                key = (member.id if member else f"a{author.id}", emoji)
                if key in seen:
                    continue
                seen.add(key)
                if member is not None:
                    rows["reactions"].append(
                        {
                            "message_id": message_id,
                            "member_id": member.id,
                            "emoji": emoji,
                            "created_at": _time(record["ts"]),
                        }
                    )
                else:
                    rows["imported"].append(
                        {
                            "message_id": message_id,
                            "author_id": author.id,
                            "emoji": emoji,
                        }
                    )
