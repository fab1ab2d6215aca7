"""What other domains call after their commit: one function per event, so that
their own code changes by one line. Texts are stored in French, like e-mails."""

from sqlalchemy import select

from app.extensions import db
from app.members.models import Member
from app.notifications.services import notify, notify_many


def notify_mention(author: Member, channel, message, member_ids: list[int]) -> None:
    """Members @mentioned in a message they may read."""
    if not member_ids:
        return
    people = db.session.scalars(select(Member).where(Member.id.in_(member_ids)))
    notify_many(
        "mention",
        list(people),
        actor=author,
        url=f"/channels/{channel.slug}#message-{message.id}",
        text=f"{author.display_name} vous a mentionné dans # {channel.name}.",
    )


def notify_channel_invitation(actor: Member, channel, member: Member) -> None:
    """A member brought into a channel by someone else."""
    notify(
        "channel_invitation",
        member,
        actor=actor,
        url=f"/channels/{channel.slug}",
        text=f"{actor.display_name} vous a ajouté au canal # {channel.name}.",
    )


def notify_resource_comment(author: Member, resource, owner: Member) -> None:
    """Someone commented on a member's resource (called by the resources domain)."""
    notify(
        "resource_comment",
        owner,
        actor=author,
        url=f"/resources/{resource.id}",
        text=f"{author.display_name} a commenté votre ressource « {resource.title} ».",
    )
