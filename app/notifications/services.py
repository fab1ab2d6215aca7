"""Notifications: create one for a member, then tell them live and by e-mail.

Any domain calls `notify(kind, recipient, actor=..., url=..., text=...)` after its
own commit: the notification is stored in a transaction of its own, then pushed
to the member's sockets and e-mailed (at once, or later in the digest).
"""

from collections.abc import Iterable
from datetime import timedelta
from typing import cast

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import selectinload

from app import realtime, timeutil
from app.errors import Invalid, NotFound
from app.extensions import db
from app.members.models import Member
from app.notifications import delivery, emails, links, texts
from app.notifications.models import (
    DEFAULT_EMAIL,
    EMAIL_MODES,
    IN_APP_ONLY,
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
    "direct_message": _l("Messages directs"),
    "reply": _l("Réponses à vos messages et dans vos fils"),
    "defi_team": _l("Ajouts à l’équipe d’un défi, réponses à vos demandes"),
    "team_request": _l("Demandes à rejoindre l’équipe de vos défis"),
    "reaction": _l("Réactions à vos messages"),
    "question": _l("Questions qui vous sont adressées"),
}
ACCOUNT_KIND_LABELS = {
    "invitation": _l("Invitations à rejoindre EIG Link"),
    "password_reset": _l("Liens de réinitialisation du mot de passe"),
}
MODE_LABELS = {
    "instant": _l("E-mail immédiat"),
    "digest": _l("Récapitulatif quotidien"),
    "off": _l("Pas d’e-mail"),
}
LIST_LIMIT = 50


def notify(
    kind: str,
    recipient: Member,
    *,
    actor: Member | None,
    url: str,
    text: str | None = None,
    params: dict | None = None,
    group_key: str | None = None,
) -> Notification | None:
    """Tell a member something happened; nothing when they are the actor."""
    created = notify_many(
        kind,
        [recipient],
        actor=actor,
        url=url,
        text=text,
        params=params,
        group_key=group_key,
    )
    return created[0] if created else None


def notify_many(
    kind: str,
    recipients: Iterable[Member],
    *,
    actor: Member | None,
    url: str,
    text: str | None = None,
    params: dict | None = None,
    group_key: str | None = None,
) -> list[Notification]:
    """The same notification for several members, stored in one transaction.

    With `params`, the text is rendered when shown, in the reader's language.
    With `group_key`, an unread notification of the same burst is updated
    (its count grows) instead of a new one: no new e-mail for it."""
    _check_notification(kind, url, text, params)
    actor_id = actor.id if actor is not None else None
    people = {m.id: m for m in recipients if m.active and m.id != actor_id}
    choices = {m: _choice(people[m], kind) for m in people}
    people = {m: people[m] for m in people if choices[m] != (False, "off")}
    now = timeutil.utcnow()
    fresh, grouped = [], []
    for member_id in people:
        in_app, mode = choices[member_id]
        row = _burst(member_id, group_key) if group_key else None
        if row is not None:
            _grow(row, actor_id, params, now)
            grouped.append(row)
            continue
        row = Notification(
            kind=kind,
            recipient_id=member_id,
            actor_id=actor_id,
            url=url[:500],
            text=_french(kind, text, params)[:300],
            params=params,
            group_key=group_key,
            count=1,
            shown=in_app,
            created_at=now,
            in_digest=mode == "digest",
        )
        db.session.add(row)
        fresh.append(row)
    db.session.commit()
    modes = {m: choices[m][1] for m in people}
    for notification in [*fresh, *grouped]:
        _deliver(
            notification,
            people[notification.recipient_id],
            modes,
            notification in fresh,
        )
    return [*fresh, *grouped]


def _check_notification(kind, url, text, params) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown notification kind {kind!r}")
    if not url.startswith("/") or url.startswith("//"):
        raise ValueError("a notification points inside the site")
    if text is None and params is None:
        raise ValueError("a notification has a text or parameters")


def _french(kind: str, text: str | None, params: dict | None) -> str:
    """The stored text: the French sentence, for exports and older readers."""
    if params is not None:
        return texts.render_in("fr", kind, params)
    assert text is not None, "_check_notification wants a text or parameters"
    return text


def _burst(member_id: int, group_key: str) -> Notification | None:
    """The unread notification of the same burst, unless its e-mail went out
    more than MAIL_GROUP_SECONDS ago (then a new burst begins)."""
    row = db.session.scalar(
        select(Notification)
        .where(
            Notification.recipient_id == member_id,
            Notification.group_key == group_key,
            Notification.read_at.is_(None),
        )
        .order_by(Notification.id.desc())
        .limit(1)
    )
    if row is None or row.emailed_at is None:
        return row
    window = timedelta(seconds=current_app.config["MAIL_GROUP_SECONDS"])
    fresh = row.emailed_at > timeutil.utcnow() - window
    return row if fresh else None


def _grow(row: Notification, actor_id: int | None, params: dict | None, now) -> None:
    """One more event in a burst: the newest actor and excerpt, a larger count."""
    merged = {**(row.params or {}), **(params or {})}
    if "actor_ids" in merged:  # reactions count people, not events
        merged["actor_ids"] = sorted(
            {
                *(row.params or {}).get("actor_ids", []),
                *(params or {}).get("actor_ids", []),
            }
        )
    row.params, row.actor_id, row.created_at = merged, actor_id, now
    row.count = (row.count or 1) + 1
    row.text = _french(row.kind, row.text, merged)[:300]


def _deliver(
    notification: Notification, recipient: Member, modes: dict, new: bool = True
) -> None:
    """After the commit: the live bell, then the e-mail if wanted at once (sent
    by the mail thread unless MAIL_SYNC=inline). A grown burst sends no e-mail."""
    if notification.shown:
        with force_locale(recipient.locale or "fr"):
            payload = notification_payload(notification)
        realtime.publish(
            realtime.member_room(recipient.id),
            "notification_created",
            {**payload, "unread": unread_count(recipient)},
        )
    if new and modes[recipient.id] == "instant":
        delivery.deliver_later(notification, recipient, KIND_LABELS[notification.kind])


def notification_payload(notification: Notification) -> dict:
    """What the API and the live bell show of a notification, in the current locale."""
    return {
        "id": notification.id,
        "kind": notification.kind,
        "text": texts.render(notification),
        "url": notification.url,
        "created_at": notification.created_at.isoformat(),
        "read": notification.read_at is not None,
        "count": notification.count or 1,
        "actor": notification.actor.username if notification.actor else None,
    }


# Reading and marking read ---------------------------------------------------------


def list_notifications(member: Member, limit: int = LIST_LIMIT) -> list[Notification]:
    """The member's latest notifications, newest first."""
    return list(
        db.session.scalars(
            select(Notification)
            .where(Notification.recipient_id == member.id, Notification.shown)
            .options(selectinload(Notification.actor))
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def unread_count(member: Member) -> int:
    """How many notifications the member has not read: the bell's number."""
    return db.session.execute(
        select(func.count(Notification.id)).where(
            Notification.recipient_id == member.id,
            Notification.read_at.is_(None),
            Notification.shown,
        )
    ).scalar_one()


def own_notification(member: Member, notification_id: object) -> Notification:
    """One of the member's notifications; anyone else's is not even named."""
    notification = None
    if isinstance(notification_id, int) and not isinstance(notification_id, bool):
        notification = db.session.get(Notification, notification_id)
    if notification is None or notification.recipient_id != member.id:
        raise NotFound(_("Cette notification n’existe pas."))
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
    stmt = (
        update(Notification)
        .where(Notification.recipient_id == member.id, Notification.read_at.is_(None))
        .values(read_at=timeutil.utcnow())
    )
    result = cast(CursorResult, db.session.execute(stmt))  # an UPDATE's: rowcount
    db.session.commit()
    _announce_unread(member)
    return result.rowcount


# Preferences ----------------------------------------------------------------------


def _choice(member: Member, kind: str) -> tuple[bool, str]:
    """(shown in-app, e-mail mode) for the member and kind, defaults included."""
    row = db.session.get(NotificationPreference, (member.id, kind))
    if kind in IN_APP_ONLY:
        return (row.in_app if row is not None else True), "off"
    if row is None:
        return True, DEFAULT_EMAIL.get(kind, "instant")
    return row.in_app, row.email


def email_mode(member: Member, kind: str) -> str:
    """How the member wants e-mail for this kind (its default unless they chose)."""
    return _choice(member, kind)[1]


def in_app(member: Member, kind: str) -> bool:
    """Whether this kind shows under the member's bell."""
    return _choice(member, kind)[0]


def preferences(member: Member) -> dict[str, str]:
    """The e-mail mode of every kind, for the preferences page."""
    return {kind: _choice(member, kind)[1] for kind in KINDS}


def in_app_preferences(member: Member) -> dict[str, bool]:
    """Whether each kind shows under the bell, for the preferences page."""
    return {kind: _choice(member, kind)[0] for kind in KINDS}


def _check_choice(kind: str, mode: str) -> None:
    if kind not in KINDS:
        raise Invalid(_("Type de notification inconnu."))
    if mode not in EMAIL_MODES or (kind in IN_APP_ONLY and mode != "off"):
        raise Invalid(_("Choix d’envoi inconnu."))


def set_preferences(
    member: Member, modes: dict[str, str], shown: dict[str, bool] | None = None
) -> None:
    """Choose how e-mail comes and what shows in-app, kind by kind; all or nothing."""
    shown = shown or {}
    for kind, mode in modes.items():
        _check_choice(kind, mode)
    if any(kind not in KINDS for kind in shown):
        raise Invalid(_("Type de notification inconnu."))
    for kind in {*modes, *shown}:
        choice = db.session.get(NotificationPreference, (member.id, kind))
        if choice is None:
            choice = NotificationPreference(
                member_id=member.id, kind=kind, email=email_mode(member, kind)
            )
            db.session.add(choice)
        choice.email = modes.get(kind, choice.email)
        choice.in_app = bool(shown.get(kind, choice.in_app is not False))
    db.session.commit()


def remember_locale(member: Member, locale: str) -> None:
    """The language the member chose on the site: their e-mails use it too."""
    if locale in ("fr", "en") and member.locale != locale:
        member.locale = locale
        db.session.commit()


def send_digests() -> int:
    """E-mail the daily digests; returns how many members got one."""
    return emails.send_digests(KIND_LABELS)
