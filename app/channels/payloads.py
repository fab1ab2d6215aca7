"""The one shape of each thing sent to clients, over Socket.IO and the API."""

from flask_babel import lazy_gettext as _l

from app.channels.models import Channel, Message
from app.members.models import Member
from app.text import html_excerpt
from app.timeutil import isoformat

KIND_LABELS = {
    "defi": _l("Défi"),
    "topic": _l("Thématique"),
    "private": _l("Privé"),
    "direct": _l("Message direct"),
}


def member_payload(member: Member | None) -> dict | None:
    if member is None:
        return None
    return {"username": member.username, "display_name": member.display_name}


def message_payload(message: Message) -> dict:
    """A message as clients show it; a deleted one keeps only its place."""
    author = message.author
    return {
        "id": message.id,
        "channel": message.channel.slug,
        "author": member_payload(author) if author and author.active else None,
        "imported_author": message.imported_name,
        "body": message.body,
        "html": message.html,
        "client_id": message.client_id,
        "created_at": isoformat(message.created_at),
        "edited_at": isoformat(message.edited_at),
        "deleted": message.deleted,
        "reactions": reactions_payload(message),
        "parent_id": message.parent_id,
        "parent": _parent_payload(message.parent),
    }


def _parent_payload(parent: Message | None) -> dict | None:
    """What a reply shows of the message it answers: who, and how it began."""
    if parent is None:
        return None
    author = parent.author if parent.author and parent.author.active else None
    excerpt = "" if parent.deleted else html_excerpt(parent.html)
    return {
        "id": parent.id,
        "author": member_payload(author),
        "imported_author": parent.imported_name,
        "excerpt": excerpt,
    }


def reactions_payload(message: Message) -> list[dict]:
    """Each emoji once, with who chose it, in the order they were first chosen."""
    grouped: dict[str, list[str]] = {}
    for reaction in message.reactions:
        grouped.setdefault(reaction.emoji, []).append(reaction.member.username)
    return [
        {"emoji": emoji, "count": len(names), "members": names}
        for emoji, names in grouped.items()
    ]


def channel_payload(channel: Channel, unread: int | None = None) -> dict:
    payload = {
        "slug": channel.slug,
        "name": channel.name,
        "kind": channel.kind,
        "description": channel.description,
        "archived": channel.archived,
        "url": f"/channels/{channel.slug}",
    }
    if unread is not None:
        payload["unread"] = unread
    return payload
