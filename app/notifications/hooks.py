"""What other domains call after their commit: one function per event, so that
their own code changes by one line. Each stores its kind's parameters: the text
is written when shown, in the reader's language."""

from markupsafe import Markup
from sqlalchemy import select

from app.extensions import db
from app.members.models import Member
from app.notifications.services import notify, notify_many
from app.notifications.texts import excerpt


def _message_excerpt(message) -> str:
    """The start of a message as it reads (rendered, without Markdown marks)."""
    return excerpt(Markup(message.html or "").striptags())


def _message_url(channel, message) -> str:
    return f"/channels/{channel.slug}#message-{message.id}"


def notify_message(author: Member, channel, message, mentioned_ids: list[int]) -> None:
    """A new message: the others of a direct conversation, the members it
    mentions, and the people of the thread it replies in. Each is told once:
    in a direct conversation as a direct message, elsewhere a mention wins."""
    if channel.kind == "direct":
        notify_direct_message(author, channel, message)
        return
    notify_mention(author, channel, message, mentioned_ids)
    if message.parent_id is not None:
        notify_reply(author, channel, message, skip=set(mentioned_ids))


def notify_mention(author: Member, channel, message, member_ids: list[int]) -> None:
    """Members @mentioned in a message they may read."""
    if not member_ids:
        return
    people = db.session.scalars(select(Member).where(Member.id.in_(member_ids)))
    notify_many(
        "mention",
        list(people),
        actor=author,
        url=_message_url(channel, message),
        params={"actor": author.display_name, "channel": channel.name},
    )


def notify_direct_message(author: Member, channel, message) -> None:
    """The other people of a direct conversation; a burst of one person's
    messages there is one notification whose count grows."""
    from app.channels.services import channel_members

    notify_many(
        "direct_message",
        channel_members(channel),
        actor=author,
        url=_message_url(channel, message),
        params={"actor": author.display_name, "excerpt": _message_excerpt(message)},
        group_key=f"dm:{channel.id}:{author.id}",
    )


def thread_people(channel, root, before_id: int) -> list[Member]:
    """The thread's root author and its earlier repliers who may read it."""
    from app.channels.models import Message
    from app.channels.services import can_read

    repliers = select(Message.author_id).where(
        Message.parent_id == root.id, Message.id < before_id
    )
    people = db.session.scalars(
        select(Member).where(
            (Member.id == root.author_id) | Member.id.in_(repliers),
            Member.active.is_(True),
        )
    )
    return [m for m in people if can_read(m, channel)]


def notify_reply(author: Member, channel, message, skip: set[int]) -> None:
    """A reply: its thread's people, except those its mentions already told."""
    people = [
        m
        for m in thread_people(channel, message.parent, message.id)
        if m.id not in skip
    ]
    notify_many(
        "reply",
        people,
        actor=author,
        url=_message_url(channel, message),
        params={
            "actor": author.display_name,
            "channel": channel.name,
            "excerpt": _message_excerpt(message),
        },
        group_key=f"reply:{message.parent_id}",
    )


def notify_reaction(member: Member, message) -> None:
    """A reaction to a member's message: in-app only, one notification per
    message, whose reactors add up while it is unread."""
    from app.channels.services import can_read

    owner, channel = message.author, message.channel
    if owner is None or not can_read(owner, channel):
        return
    notify(
        "reaction",
        owner,
        actor=member,
        url=_message_url(channel, message),
        params={
            "actor": member.display_name,
            "channel": channel.name,
            "actor_ids": [member.id],
        },
        group_key=f"reaction:{message.id}",
    )


def notify_channel_invitation(actor: Member, channel, member: Member) -> None:
    """A member brought into a channel by someone else."""
    notify(
        "channel_invitation",
        member,
        actor=actor,
        url=f"/channels/{channel.slug}",
        params={"actor": actor.display_name, "channel": channel.name},
    )


def notify_defi_team(actor: Member, defi, member: Member) -> None:
    """A member added to a défi's team by someone else."""
    notify(
        "defi_team",
        member,
        actor=actor,
        url=f"/defis/{defi.slug}",
        params={"actor": actor.display_name, "defi": defi.title},
    )


def notify_team_request(member: Member, defi, role: str, deciders) -> None:
    """A member asks to join a défi's team: its team and the staff are told.

    `role` is the code ("eig", "mentor"): its label is written when shown."""
    notify_many(
        "team_request",
        deciders,
        actor=member,
        url=f"/defis/{defi.slug}#team-requests",
        params={"actor": member.display_name, "defi": defi.title, "role": role},
    )


def notify_team_declined(actor: Member, defi, member: Member) -> None:
    """The team or the staff declined a member's request to join."""
    notify(
        "defi_team",
        member,
        actor=actor,
        url=f"/defis/{defi.slug}",
        params={"actor": actor.display_name, "defi": defi.title, "event": "declined"},
    )


def notify_resource_comment(author: Member, resource, owner: Member) -> None:
    """Someone commented on a member's resource (called by the resources domain)."""
    notify(
        "resource_comment",
        owner,
        actor=author,
        url=f"/resources/{resource.id}",
        params={"actor": author.display_name, "title": resource.title},
    )
