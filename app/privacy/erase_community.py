"""What account deletion does to resources, comments and notifications.

Uploaded files always go (after the commit). Resources without a file and
comments stay, signed "Ancien membre", unless the member asks to erase them.
"""

from sqlalchemy import delete, select

from app.extensions import db
from app.members.models import Member
from app.notifications.models import EmailOptOut, Notification
from app.resources.models import Resource, ResourceComment


def _release_resources(member: Member, erase: bool) -> list[str]:
    """Detach or delete the member's resources; the file keys to delete."""
    keys = []
    rows = db.session.scalars(select(Resource).where(Resource.author_id == member.id))
    for resource in rows:
        if resource.file_key:
            keys.append(resource.file_key)
        if erase or not resource.url:
            db.session.delete(resource)
            continue
        resource.author_id = None
        resource.file_key = resource.file_name = resource.file_type = None
        resource.file_size = None
    return keys


def _release_comments(member: Member, erase: bool) -> None:
    rows = db.session.scalars(
        select(ResourceComment).where(ResourceComment.author_id == member.id)
    )
    for comment in rows:
        if erase:
            db.session.delete(comment)
        else:
            comment.author_id = None


def _forget_notifications(member: Member) -> None:
    """Notifications about what they did name them: those go too."""
    db.session.execute(delete(Notification).where(Notification.actor_id == member.id))
    db.session.execute(delete(EmailOptOut).where(EmailOptOut.email == member.email))


def release(member: Member, erase: bool) -> list[str]:
    """Apply the rules above in the caller's transaction; the files to delete."""
    keys = _release_resources(member, erase)
    _release_comments(member, erase)
    _forget_notifications(member)
    return keys
