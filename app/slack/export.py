"""Reading a Slack export: the zip of "Export data", or its unpacked folder.

The export holds `users.json` and `channels.json`, and where present
`groups.json` (private channels), `dms.json` and `mpims.json`; then one folder
per conversation (named after the channel, or after its id for a DM) with one
JSON file per day. Nothing here trusts the files: a malformed one, or a message
without a usable `ts`, becomes a Problem naming the file and the reason, and
the rest is read. Only a PATH that is no export at all raises NotAnExport.
"""

import json
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TypeGuard

MAX_FILE_BYTES = 64 * 1024 * 1024  # a day of one channel; beyond, a Problem
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")
_TS = re.compile(r"^\d{9,11}(\.\d{1,6})?$")
# (listing file, kind of conversation, folder named after its "name" or its "id")
LISTINGS = (
    ("channels.json", "public", "name"),
    ("groups.json", "private", "name"),
    ("mpims.json", "group_direct", "name"),
    ("dms.json", "direct", "id"),
)


class NotAnExport(Exception):
    """PATH is neither a Slack export's zip nor its folder."""


@dataclass(frozen=True)
class Problem:
    file: str
    reason: str


@dataclass(frozen=True)
class SlackUser:
    id: str
    name: str
    email: str
    deleted: bool = False
    bot: bool = False


@dataclass
class SlackChannel:
    id: str
    name: str
    kind: str  # public, private, direct, group_direct
    folder: str
    members: list[str] = field(default_factory=list)
    archived: bool = False
    topic: str = ""


class _Source:
    """The export's files, from a folder or a zip, by their relative path."""

    def __init__(self, path: Path) -> None:
        self.zip = zipfile.ZipFile(path) if zipfile.is_zipfile(path) else None
        self.root = path
        self.prefix = self._prefix(self.zip) if self.zip else ""

    @staticmethod
    def _prefix(archive: zipfile.ZipFile) -> str:
        """Some zips hold the export in a top folder: find users.json's."""
        for name in archive.namelist():
            if PurePosixPath(name).name == "users.json":
                return name[: -len("users.json")]
        return ""

    def names(self) -> list[str]:
        if self.zip:
            return [
                n[len(self.prefix) :]
                for n in self.zip.namelist()
                if n.startswith(self.prefix)
            ]
        return [p.relative_to(self.root).as_posix() for p in self.root.rglob("*.json")]

    def size(self, name: str) -> int:
        if self.zip:
            return self.zip.getinfo(self.prefix + name).file_size
        return (self.root / name).stat().st_size

    def read(self, name: str) -> bytes:
        if self.zip:
            return self.zip.read(self.prefix + name)
        return (self.root / name).read_bytes()


class Export:
    """An opened export: its users, its conversations, and what was wrong."""

    def __init__(self, path: str | Path) -> None:
        path = Path(path)
        if not path.exists() or not (path.is_dir() or zipfile.is_zipfile(path)):
            raise NotAnExport(f"{path}: ni un dossier ni une archive zip")
        self.source = _Source(path)
        self.names = set(self.source.names())
        if not {"users.json", "channels.json"} & self.names:
            raise NotAnExport(f"{path}: ni users.json ni channels.json")
        self.problems: list[Problem] = []
        self.teams: Counter[str] = Counter()
        self.users = {user.id: user for user in self._users()}
        self.channels = [c for listing in LISTINGS for c in self._channels(*listing)]

    def _json(self, name: str):
        """A file's JSON, or None with a Problem."""
        try:
            if self.source.size(name) > MAX_FILE_BYTES:
                self.problems.append(Problem(name, "fichier trop gros"))
                return None
            return json.loads(self.source.read(name))
        except (OSError, KeyError, zipfile.BadZipFile) as error:
            self.problems.append(Problem(name, f"illisible ({type(error).__name__})"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            self.problems.append(Problem(name, "JSON invalide"))
        return None

    def _records(self, name: str) -> list[dict]:
        data = self._json(name) if name in self.names else []
        if not isinstance(data, list):
            if data is not None:
                self.problems.append(Problem(name, "une liste était attendue"))
            return []
        good = [record for record in data if isinstance(record, dict)]
        if len(good) != len(data):
            self.problems.append(Problem(name, "entrées qui ne sont pas des objets"))
        return good

    def _users(self) -> Iterator[SlackUser]:
        for record in self._records("users.json"):
            profile = _dict(record.get("profile"))
            name = _text(profile.get("real_name")) or _text(record.get("real_name"))
            name = (
                name or _text(profile.get("display_name")) or _text(record.get("name"))
            )
            if team := _text(record.get("team_id")):
                self.teams[team] += 1
            if _text(record.get("id")):
                yield SlackUser(
                    id=_text(record["id"]),
                    name=name or _text(record["id"]),
                    email=_text(profile.get("email")).lower(),
                    deleted=bool(record.get("deleted")),
                    bot=bool(record.get("is_bot")) or bool(profile.get("bot_id")),
                )

    def _channels(
        self, listing: str, kind: str, folder_key: str
    ) -> Iterator[SlackChannel]:
        for record in self._records(listing):
            channel_id = _text(record.get("id"))
            folder = _text(record.get(folder_key))
            if not channel_id or not folder:
                self.problems.append(
                    Problem(listing, "conversation sans id ou sans nom")
                )
                continue
            members = record.get("members")
            topic = _dict(record.get("topic"))
            yield SlackChannel(
                id=channel_id,
                name=_text(record.get("name")) or folder,
                kind=kind,
                folder=folder,
                members=[m for m in members if isinstance(m, str)]
                if isinstance(members, list)
                else [],
                archived=bool(record.get("is_archived")),
                topic=_text(topic.get("value")),
            )

    @property
    def workspace(self) -> str:
        """The workspace's team id, which keys what is imported from it."""
        return self.teams.most_common(1)[0][0] if self.teams else "slack"

    def day_files(self, channel: SlackChannel) -> list[str]:
        prefix = f"{channel.folder}/"
        return sorted(
            name
            for name in self.names
            if name.startswith(prefix) and _DAY.match(name[len(prefix) :])
        )

    def messages(self, channel: SlackChannel) -> Iterator[tuple[str, dict]]:
        """(file, message) for each message with a usable ts, in file order."""
        for name in self.day_files(channel):
            for record in self._records(name):
                if not valid_ts(record.get("ts")):
                    self.problems.append(Problem(name, "message sans ts valide"))
                    continue
                yield name, record


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def valid_ts(value: object) -> TypeGuard[str]:
    """A Slack timestamp: seconds, then up to six digits after the point."""
    return isinstance(value, str) and bool(_TS.match(value))
