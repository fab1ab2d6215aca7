"""Notification e-mails: one at once, or the daily digest of the others."""

from collections import defaultdict
from datetime import datetime

from flask_babel import force_locale, gettext, ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app import timeutil
from app.extensions import db
from app.mail import send_templated
from app.members.models import Member
from app.notifications import links, texts
from app.notifications.models import Notification


def _locale(recipient: Member) -> str:
    return recipient.locale or "fr"


def email_notification(notification: Notification, recipient: Member, label: object):
    """E-mail one notification, in the recipient's language; True once taken."""
    with force_locale(_locale(recipient)):
        subject = gettext("EIG Link\u00a0: %(text)s", text=texts.render(notification))
    subject = subject[:150]
    return send_templated(
        recipient.email,
        subject,
        "notification",
        locale=_locale(recipient),
        unsubscribe_url=links.unsubscribe_url(notification.kind, member=recipient),
        notification=notification,
        recipient=recipient,
        link=links.open_link(notification),
        kind_label=label,
    )


def emailed_since(recipient: Member, since: datetime) -> bool:
    """Whether the member was e-mailed a notification after `since`."""
    last = db.session.scalar(
        select(func.max(Notification.emailed_at)).where(
            Notification.recipient_id == recipient.id
        )
    )
    return last is not None and last > since


def held_for(recipient: Member, before: int) -> list[Notification]:
    """Unread notifications held back by the grouping window, for kinds the
    member wants e-mailed at once (the digest's own kinds wait for it)."""
    from app.notifications.services import email_mode

    waiting = db.session.scalars(
        select(Notification)
        .where(
            Notification.recipient_id == recipient.id,
            Notification.in_digest.is_(True),
            Notification.read_at.is_(None),
            Notification.id < before,
        )
        .order_by(Notification.id)
    )
    return [n for n in waiting if email_mode(recipient, n.kind) == "instant"]


def email_group(recipient: Member, items: list[Notification]) -> bool:
    """One e-mail for several notifications of a member; True once taken."""
    from app.notifications.services import KIND_LABELS

    return _send_digest(recipient, items, KIND_LABELS, grouped=True)


def send_digests(kind_labels: dict) -> int:
    """E-mail each member the unread notifications waiting for their digest.

    A digest that the server refuses stays waiting for the next run; notifications
    read in the meantime leave the queue without an e-mail.
    """
    waiting = db.session.scalars(
        select(Notification)
        .where(Notification.in_digest.is_(True))
        .options(selectinload(Notification.recipient))
        .order_by(Notification.id)
    )
    by_member: dict[int, list[Notification]] = defaultdict(list)
    for notification in waiting:
        if notification.read_at is not None or not notification.recipient.active:
            notification.in_digest = False
        else:
            by_member[notification.recipient_id].append(notification)
    db.session.commit()
    sent = 0
    for items in by_member.values():
        if _send_digest(items[0].recipient, items, kind_labels):
            now = timeutil.utcnow()
            for notification in items:
                notification.in_digest, notification.emailed_at = False, now
            db.session.commit()
            sent += 1
    return sent


def _send_digest(
    recipient: Member, items: list[Notification], kind_labels, grouped=False
) -> bool:
    kinds = sorted({n.kind for n in items})
    with force_locale(_locale(recipient)):
        subject = ngettext(
            "EIG Link : votre récapitulatif (%(num)d notification)",
            "EIG Link : votre récapitulatif (%(num)d notifications)",
            len(items),
        )
    unsubscribe = [
        {"label": kind_labels[k], "url": links.unsubscribe_url(k, member=recipient)}
        for k in kinds
    ]
    return send_templated(
        recipient.email,
        subject,
        "digest",
        locale=_locale(recipient),
        unsubscribe_url=unsubscribe[0]["url"],
        recipient=recipient,
        items=[{"notification": n, "link": links.open_link(n)} for n in items],
        list_url=links.absolute("/notifications/"),
        unsubscribe_links=unsubscribe,
        grouped=grouped,
    )
