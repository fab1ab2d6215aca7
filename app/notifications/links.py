"""Signed links in e-mails: open a notification once, unsubscribe from one kind.

Both are signed with the app's secret (itsdangerous), like invitation links; an
unsubscribe link works without logging in, a notification link only for its
recipient and only once.
"""

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select

from app import timeutil
from app.errors import Invalid, NotFound
from app.extensions import db
from app.members.models import Member
from app.notifications.models import (
    ACCOUNT_KINDS,
    KINDS,
    EmailOptOut,
    Notification,
    NotificationPreference,
)


class LinkUsed(Invalid):
    """A one-time link opened again."""

    status = 410
    code = "gone"


def _serializer(purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=purpose)


def absolute(path: str) -> str:
    """A link for an e-mail, from BASE_URL: CLI commands make them too."""
    return current_app.config["BASE_URL"].rstrip("/") + path


def open_link(notification: Notification) -> str:
    """The e-mailed link of a notification: marks it read, then shows its page."""
    token = _serializer("notification-link").dumps(
        {"n": notification.id, "r": notification.recipient_id}
    )
    return absolute(f"/notifications/open/{token}")


def use_open_link(member: Member, token: str) -> str:
    """Where a notification link leads, used up on the way; errors say why not."""
    try:
        data = _serializer("notification-link").loads(token)
    except BadSignature:
        raise Invalid(_("Ce lien de notification n’est pas valide.")) from None
    notification = None
    if isinstance(data, dict) and isinstance(data.get("n"), int):
        notification = db.session.get(Notification, data["n"])
    # Someone else's notification and a missing one look the same: nothing leaks.
    if (
        notification is None
        or notification.recipient_id != member.id
        or data.get("r") != member.id
    ):
        raise NotFound(_("Ce lien ne correspond à aucune de vos notifications."))
    if notification.link_used_at is not None:
        raise LinkUsed(
            _("Ce lien a déjà été utilisé. Retrouvez la notification dans votre liste.")
        )
    now = timeutil.utcnow()
    notification.link_used_at = now
    notification.read_at = notification.read_at or now
    db.session.commit()
    return notification.url


# Unsubscribing ----------------------------------------------------------------------


def unsubscribe_url(kind: str, *, member: Member | None = None, email: str = "") -> str:
    """The link that stops one kind of e-mail: a member's kind, or an address's."""
    if kind in KINDS and member is not None:
        data = {"k": kind, "m": member.id}
    elif kind in ACCOUNT_KINDS and email:
        data = {"k": kind, "e": email.strip().lower()}
    else:
        raise ValueError(f"no unsubscribe link for {kind!r}")
    return absolute(
        f"/notifications/unsubscribe/{_serializer('unsubscribe').dumps(data)}"
    )


def read_unsubscribe(token: str) -> tuple[str, Member | None, str]:
    """(kind, member, address) of an unsubscribe link, or Invalid."""
    bad = Invalid(_("Ce lien de désabonnement n’est pas valide."))
    try:
        data = _serializer("unsubscribe").loads(token)
    except BadSignature:
        raise bad from None
    if not isinstance(data, dict):
        raise bad
    kind = data.get("k")
    if kind in KINDS and isinstance(data.get("m"), int):
        member = db.session.get(Member, data["m"])
        if member is None:
            raise bad
        return kind, member, member.email
    if kind in ACCOUNT_KINDS and isinstance(data.get("e"), str):
        return kind, None, data["e"]
    raise bad


def unsubscribe(token: str) -> str:
    """Stop the kind of e-mail an unsubscribe link names; returns that kind."""
    kind, member, email = read_unsubscribe(token)
    if member is not None:
        choice = db.session.get(NotificationPreference, (member.id, kind))
        if choice is None:
            db.session.add(
                NotificationPreference(member_id=member.id, kind=kind, email="off")
            )
        else:
            choice.email = "off"
    elif not opted_out(email, kind):
        db.session.add(EmailOptOut(email=email, kind=kind))
    db.session.commit()
    return kind


def opted_out(email: str, kind: str) -> bool:
    """Whether this address asked for no more e-mails of an account kind."""
    return bool(
        db.session.scalar(
            select(EmailOptOut.id).where(
                func.lower(EmailOptOut.email) == (email or "").strip().lower(),
                EmailOptOut.kind == kind,
            )
        )
    )


def set_account_email(email: str, kind: str, wanted: bool) -> None:
    """Receive an account kind of e-mail again, or stop it (preferences page)."""
    if wanted:
        for row in db.session.scalars(
            select(EmailOptOut).where(
                func.lower(EmailOptOut.email) == email.lower(), EmailOptOut.kind == kind
            )
        ):
            db.session.delete(row)
    elif not opted_out(email, kind):
        db.session.add(EmailOptOut(email=email.lower(), kind=kind))
    db.session.commit()
