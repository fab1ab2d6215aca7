"""Notifications: create one for a member, then tell them live and by e-mail.

Any domain calls `notify(kind, recipient, actor=..., url=..., text=...)` after its
own commit: the notification is stored in a transaction of its own, then pushed
to the member's sockets and e-mailed (at once, or later in the digest).
"""

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from app import realtime, timeutil
from app.errors import Invalid, NotFound
from app.extensions import db
from app.members.models import Member
from app.notifications import delivery, emails, links
from app.notifications.models import (
    EMAIL_MODES,
    KINDS,
    Notification,
    NotificationPreference,
)

KIND_LABELS = {
    "mention": _l("Mentions dans les canaux"),
    "mentoring_request": _l("Demandes de mentorat reçues"),
    "mentoring_answer": _l("Réponses à vos demandes de mentorat"),
    "resource_comment": _l("Commentaires sur vos ressources"),
    "channel_invitation": _l("Invitations dans un canal"),
}
ACCOUNT_KIND_LABELS = {
    "invitation": _l("Invitations à rejoindre EIG Link"),
    "password_reset": _l("Liens de réinitialisation du mot de passe"),
}
MODE_LABELS = {
    "instant": _l("E-mail immédiat"),
    "digest": _l("Récapitulatif quotidien"),
    "off": _l("Pas d'e-mail"),
}
LIST_LIMIT = 50


def notify(
    kind: str, recipient: Member, *, actor: Member | None, url: str, text: str
) -> Notification | None:
    """Tell a member something happened; nothing when they are the actor."""
    created = notify_many(kind, [recipient], actor=actor, url=url, text=text)
    return created[0] if created else None


def notify_many(
    kind: str,
    recipients: Iterable[Member],
    *,
    actor: Member | None,
    url: str,
    text: str,
) -> list[Notification]:
    """The same notification for several members, stored in one transaction."""
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if not url.startswith("/") or url.startswith("//"):
        raise ValueError("a notification points inside the site")
    actor_id = actor.id if actor is not None else None
    people = {m.id: m for m in recipients if m.active and m.id != actor_id}
    now = timeutil.utcnow()
    modes = {m: email_mode(people[m], kind) for m in people}
    created = [
        Notification(
            kind=kind,
            recipient_id=member_id,
            actor_id=actor_id,
            url=url[:500],
            text=text[:300],
            created_at=now,
            in_digest=modes[member_id] == "digest",
        )
        for member_id in people
    ]
    db.session.add_all(created)
    db.session.commit()
    for notification in created:
        _deliver(notification, people[notification.recipient_id], modes)
    return created


def _deliver(notification: Notification, recipient: Member, modes: dict) -> None:
    """After the commit: the live bell, then the e-mail if wanted at once (sent
    by the mail thread unless MAIL_SYNC=inline)."""
    realtime.publish(
        realtime.member_room(recipient.id),
        "notification_created",
        {**notification_payload(notification), "unread": unread_count(recipient)},
    )
    if modes[recipient.id] == "instant":
        delivery.deliver_later(notification, recipient, KIND_LABELS[notification.kind])


def notification_payload(notification: Notification) -> dict:
    """What the API and the live bell show of a notification."""
    return {
        "id": notification.id,
        "kind": notification.kind,
        "text": notification.text,
        "url": notification.url,
        "created_at": timeutil.as_utc(notification.created_at).isoformat(),
        "read": notification.read_at is not None,
    }


# Reading and marking read ---------------------------------------------------------


def list_notifications(member: Member, limit: int = LIST_LIMIT) -> list[Notification]:
    """The member's latest notifications, newest first."""
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.recipient_id == member.id)
            .order_by(Notification.id.desc())
            .limit(limit)
        )
    )


def unread_count(member: Member) -> int:
    """How many notifications the member has not read: the bell's number."""
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.recipient_id == member.id, Notification.read_at.is_(None)
        )
    )


def own_notification(member: Member, notification_id: object) -> Notification:
    """One of the member's notifications; anyone else's is not even named."""
    notification = None
    if isinstance(notification_id, int) and not isinstance(notification_id, bool):
        notification = db.session.get(Notification, notification_id)
    if notification is None or notification.recipient_id != member.id:
        raise NotFound("Cette notification n'existe pas.")
    return notification


def _announce_unread(member: Member) -> None:
    """Every open tab of the member shows the new count."""
    realtime.publish(
        realtime.member_room(member.id),
        "notifications_read",
        {"unread": unread_count(member)},
    )


def mark_read(member: Member, notification_id: object) -> Notification:
    """Mark one of one's notifications as read."""
    notification = own_notification(member, notification_id)
    if notification.read_at is None:
        notification.read_at = timeutil.utcnow()
        db.session.commit()
        _announce_unread(member)
    return notification


def open_from_email(member: Member, token: str) -> str:
    """Follow the link of a notification e-mail (once): where it leads."""
    url = links.use_open_link(member, token)
    _announce_unread(member)
    return url


def mark_all_read(member: Member) -> int:
    """Mark every notification of the member as read; returns how many were not."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.recipient_id == member.id, Notification.read_at.is_(None))
        .values(read_at=timeutil.utcnow())
    )
    db.session.commit()
    _announce_unread(member)
    return result.rowcount


# Preferences ----------------------------------------------------------------------


def email_mode(member: Member, kind: str) -> str:
    """How the member wants e-mail for this kind ("instant" unless they chose)."""
    choice = db.session.get(NotificationPreference, (member.id, kind))
    return choice.email if choice is not None else "instant"


def preferences(member: Member) -> dict[str, str]:
    """The e-mail mode of every kind, for the preferences page."""
    chosen = dict(
        db.session.execute(
            select(NotificationPreference.kind, NotificationPreference.email).where(
                NotificationPreference.member_id == member.id
            )
        ).all()
    )
    return {kind: chosen.get(kind, "instant") for kind in KINDS}


def _check_choice(kind: str, mode: str) -> None:
    if kind not in KINDS:
        raise Invalid("Type de notification inconnu.")
    if mode not in EMAIL_MODES:
        raise Invalid("Choix d'envoi inconnu.")


def set_preferences(member: Member, modes: dict[str, str]) -> None:
    """Choose how e-mail comes, kind by kind; all or nothing."""
    for kind, mode in modes.items():
        _check_choice(kind, mode)
    for kind, mode in modes.items():
        choice = db.session.get(NotificationPreference, (member.id, kind))
        if choice is None:
            db.session.add(
                NotificationPreference(member_id=member.id, kind=kind, email=mode)
            )
        else:
            choice.email = mode
    db.session.commit()


def send_digests() -> int:
    """E-mail the daily digests; returns how many members got one."""
    return emails.send_digests(KIND_LABELS)
