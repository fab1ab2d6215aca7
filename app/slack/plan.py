"""Where each Slack conversation goes in EIG Link, and what a dry run reports.

- `projet-<x>`: the channel of the défi that x names (its slug, title or an
  alias, accents, case and punctuation ignored); unmatched, a topic channel,
  listed in the report.
- `eigYYYY` (or `promoYYYY`): the topic channel of that year's EIG promotion.
- `domaine-<x>`: the topic channel x.
- Any other public channel: a topic channel of the same name.
- Private channels stay private; DMs and group DMs become direct conversations.
- A mapping file (`--map`) overrides any of it, by Slack name or id:
  `{"projet-old": {"defi": "lab-sante"}, "random": {"topic": "détente"},
  "bots": "skip"}`.
"""

import re
from collections import Counter
from dataclasses import asdict, dataclass

from app.slack.export import Export, SlackChannel
from app.text import fold

# Subtypes that are the workspace talking, not people: never messages here.
NOISE = {
    "channel_join",
    "channel_leave",
    "channel_topic",
    "channel_purpose",
    "channel_name",
    "channel_archive",
    "channel_unarchive",
    "group_join",
    "group_leave",
    "group_topic",
    "group_purpose",
    "group_name",
    "group_archive",
    "group_unarchive",
    "pinned_item",
    "unpinned_item",
    "bot_add",
    "bot_remove",
}
_PROJECT = re.compile(r"projets?[-_](.+)")
_PROMOTION = re.compile(r"(?:eig|promo|promotion)[-_]?(\d{4})")
_DOMAIN = re.compile(r"domaines?[-_](.+)")


@dataclass(frozen=True)
class Target:
    kind: str  # defi, topic, private, direct, skip
    name: str
    defi_slug: str | None = None
    matched: bool = True  # False: a projet-* channel that names no défi


@dataclass(frozen=True)
class DefiRef:
    slug: str
    title: str
    aliases: tuple[str, ...] = ()


def key(text: str) -> str:
    """Accents, case, spaces and punctuation ignored: "Lab'Santé" -> "labsante"."""
    return re.sub(r"[^a-z0-9]", "", fold(text))


class Planner:
    def __init__(
        self,
        defis: list[DefiRef],
        promotions: dict[int, str],  # year -> the EIG promotion's label
        overrides: dict | None = None,
    ) -> None:
        self.promotions = promotions
        self.overrides = overrides or {}
        self.defis: dict[str, DefiRef] = {}
        for defi in defis:
            for name in (defi.slug, defi.title, *defi.aliases):
                self.defis.setdefault(key(name), defi)

    def target(self, channel: SlackChannel) -> Target:
        override = self.overrides.get(channel.name, self.overrides.get(channel.id))
        if override is not None:
            return self._override(channel, override)
        if channel.kind in ("direct", "group_direct"):
            return Target("direct", channel.name)
        if channel.kind == "private":
            return Target("private", channel.name)
        return self._public(channel.name)

    def _public(self, name: str) -> Target:
        folded = fold(name)
        if project := _PROJECT.fullmatch(folded):
            defi = self.defis.get(key(project[1]))
            if defi is None:
                return Target("topic", name, matched=False)
            return Target("defi", defi.title, defi.slug)
        if (year := _PROMOTION.fullmatch(folded)) and int(year[1]) in self.promotions:
            return Target("topic", self.promotions[int(year[1])])
        if domain := _DOMAIN.fullmatch(folded):
            return Target("topic", domain[1])
        return Target("topic", name)

    def _override(self, channel: SlackChannel, override) -> Target:
        if override == "skip":
            return Target("skip", channel.name)
        if isinstance(override, dict) and isinstance(override.get("defi"), str):
            defi = self.defis.get(key(override["defi"]))
            if defi is not None:
                return Target("defi", defi.title, defi.slug)
            return Target("topic", channel.name, matched=False)
        if isinstance(override, dict) and isinstance(override.get("topic"), str):
            return Target("topic", override["topic"])
        raise ValueError(f"--map: {channel.name}: {override!r} is not understood")


def survey(export: Export, planner: Planner, member_emails: set[str]) -> dict:
    """What an import would do, without message text: the dry run's report."""
    channels = []
    authors: Counter[str] = Counter()
    for channel in export.channels:
        counts: Counter[str] = Counter()
        for _file, message in export.messages(channel):
            noise = message.get("subtype") in NOISE
            counts["noise" if noise else "messages"] += 1
            if not noise and isinstance(message.get("user"), str):
                authors[message["user"]] += 1
        channels.append(
            {
                "slack": channel.name,
                "kind": channel.kind,
                "archived": channel.archived,
                "messages": counts["messages"],
                "noise": counts["noise"],
                "target": asdict(planner.target(channel)),
            }
        )
    return {
        "channels": channels,
        "people": _people(export, authors, member_emails),
        "problems": [asdict(problem) for problem in export.problems],
    }


def _people(export: Export, authors: Counter, member_emails: set[str]) -> dict:
    matched, unmatched, unknown = [], [], []
    for user_id in sorted(authors):
        user = export.users.get(user_id)
        if user is None:
            unknown.append(user_id)
        elif user.email and user.email in member_emails:
            matched.append(user.name)
        else:
            unmatched.append(user.name)
    return {"members": matched, "not_members": unmatched, "missing": unknown}
