"""The EIG Link channel of each Slack conversation, found or created.

A défi's channel and an existing topic channel of the same name are reused;
anything else is created. A channel the import creates keeps Slack's archived
state; one that already lived here is left as it is. The link is remembered
(`ImportedChannel`), so a later import of the same workspace finds it again.
"""

from sqlalchemy import func, select

from app.channels.models import Channel
from app.channels.services import (
    MAX_NAME,
    _free_slug,
    _new_channel_slug,
    ensure_defi_channel,
)
from app.defis.models import Defi
from app.extensions import db
from app.slack.export import SlackChannel
from app.slack.models import ImportedChannel
from app.slack.people import People, seat
from app.slack.plan import Planner, Target
from app.text import slugify


def _topic(target: Target, channel: SlackChannel) -> Channel:
    name = target.name[:MAX_NAME]
    found = db.session.scalar(
        select(Channel).where(
            Channel.kind == "topic", func.lower(Channel.name) == name.lower()
        )
    )
    return found or Channel(
        slug=_free_slug(slugify(name) or "canal"),
        name=name,
        kind="topic",
        description=channel.topic[:300],
        archived=channel.archived,
    )


def _create(target: Target, channel: SlackChannel, people: People) -> Channel:
    if target.kind == "defi":
        defi = db.session.scalar(select(Defi).where(Defi.slug == target.defi_slug))
        assert defi is not None  # the planner only targets défis read from the db
        return ensure_defi_channel(defi)
    if target.kind == "topic":
        return _topic(target, channel)
    if target.kind == "private":
        return Channel(
            slug=_new_channel_slug(channel.name, True),
            name=channel.name[:MAX_NAME],
            kind="private",
            description=channel.topic[:300],
            archived=channel.archived,
        )
    names = sorted(
        people.authors[m].name for m in channel.members if m in people.authors
    )
    return Channel(
        slug=_free_slug(f"dm-slack-{slugify(channel.id)}"),
        name=(", ".join(names) or channel.name)[:MAX_NAME],
        kind="direct",
        archived=channel.archived,
    )


def place(
    channels: list[SlackChannel], planner: Planner, people: People
) -> dict[str, Channel]:
    """Each imported conversation's channel, by Slack id, with its members seated."""
    known = {
        row.slack_id: row.channel_id
        for row in db.session.scalars(
            select(ImportedChannel).where(ImportedChannel.workspace == people.workspace)
        )
    }
    placed: dict[str, Channel] = {}
    for channel in channels:
        target = planner.target(channel)
        if target.kind == "skip":
            continue
        found = (
            db.session.get(Channel, known[channel.id]) if channel.id in known else None
        )
        if found is None:
            found = _create(target, channel, people)
            db.session.add(found)
            db.session.flush()
            db.session.add(
                ImportedChannel(
                    workspace=people.workspace, slack_id=channel.id, channel_id=found.id
                )
            )
        for slack_id in channel.members:
            author = people.authors.get(slack_id)
            if author is not None:
                seat(found, author, people.member(author))
        placed[channel.id] = found
    return placed
