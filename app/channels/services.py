"""Channels and messages: who may read and write where, and what they see."""

import re
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, false, func, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app import realtime
from app.audit import audit
from app.channels import fanout, payloads
from app.channels.models import (
    PUBLIC_KINDS,
    REACTIONS,
    Channel,
    ChannelMember,
    Message,
    Reaction,
)
from app.collation import french, french_key
from app.defis.models import Defi
from app.errors import Invalid, NotAllowed, NotFound
from app.extensions import db
from app.markdown import render_markdown
from app.members.models import Member
from app.notifications import hooks as notifications
from app.text import clean_spaces, slugify
from app.timeutil import utcnow

MAX_BODY = 4000
MAX_NAME = 80
HISTORY_LIMIT = 50
MAX_LIMIT = 200
_MENTION = re.compile(r"(?<![\w@/])@([a-z0-9][a-z0-9._-]{1,39})", re.IGNORECASE)
_CODE = re.compile(r"(```.*?```|`[^`\n]*`)", re.DOTALL)
_SEATS = "_seats_read_with_it"  # not a column: seats readable_channel loaded


# Reading channels ----------------------------------------------------------


def get_channel(slug: str) -> Channel | None:
    return db.session.scalar(select(Channel).where(Channel.slug == slug))


def defi_channel(defi: Defi) -> Channel | None:
    return db.session.scalar(select(Channel).where(Channel.defi_id == defi.id))


def membership(member: Member, channel: Channel) -> ChannelMember | None:
    seat = getattr(channel, _SEATS, {}).get(member.id)
    if seat is not None and inspect(seat).persistent:  # not left since
        return seat
    return db.session.get(ChannelMember, (channel.id, member.id))


def can_read(member: Member, channel: Channel) -> bool:
    """Public channels are open to every member; the others to their members."""
    if not member.active:
        return False
    return channel.is_public or membership(member, channel) is not None


def readable_channel(member: Member, slug: str) -> Channel:
    """The channel, if the member may read it (a private one is not even named).

    The member's seat comes in the same query: `membership` then finds it in the
    session instead of asking the database again (once per socket event)."""
    seat = and_(
        ChannelMember.channel_id == Channel.id, ChannelMember.member_id == member.id
    )
    row = db.session.execute(
        select(Channel, ChannelMember)
        .outerjoin(ChannelMember, seat)
        .where(Channel.slug == slug[:MAX_NAME])
    ).first()
    channel, mine = row if row else (None, None)
    if channel is not None and mine is not None:
        setattr(channel, _SEATS, {member.id: mine})  # the session's map is weak
    if channel is None or not can_read(member, channel):
        raise NotFound(_("Ce canal n’existe pas ou ne vous est pas ouvert."))
    return channel


def member_channels(member: Member) -> list[tuple[Channel, int]]:
    """The member's channels, with their unread counts, most recent first."""
    unread = unread_counts(member)
    channels = db.session.scalars(
        select(Channel)
        .join(ChannelMember, ChannelMember.channel_id == Channel.id)
        .where(ChannelMember.member_id == member.id)
        .order_by(Channel.archived, Channel.kind, french(Channel.name), Channel.id)
    )
    return [(channel, unread.get(channel.id, 0)) for channel in channels]


def member_channel_ids(member: Member) -> list[int]:
    return list(
        db.session.scalars(
            select(ChannelMember.channel_id).where(ChannelMember.member_id == member.id)
        )
    )


def public_channels(member: Member, limit: int = 200) -> list[Channel]:
    """Open channels the member has not joined: topic channels first."""
    joined = select(ChannelMember.channel_id).where(
        ChannelMember.member_id == member.id
    )
    return list(
        db.session.scalars(
            select(Channel)
            .where(Channel.kind.in_(PUBLIC_KINDS), Channel.id.not_in(joined))
            .options(selectinload(Channel.defi))
            .order_by(
                Channel.archived, Channel.kind.desc(), french(Channel.name), Channel.id
            )
            .limit(limit)
        )
    )


def channel_members(channel: Channel) -> list[Member]:
    """Active members of a channel, by name."""
    return list(
        db.session.scalars(
            select(Member)
            .join(ChannelMember, ChannelMember.member_id == Member.id)
            .where(ChannelMember.channel_id == channel.id, Member.active.is_(True))
            .order_by(french(Member.display_name), Member.id)
        )
    )


def unread_counts(member: Member) -> dict[int, int]:
    """Messages of others after the member's last read one, per channel."""
    unread = and_(
        Message.channel_id == ChannelMember.channel_id,
        Message.id > ChannelMember.last_read_id,
        Message.deleted_at.is_(None),
        Message.author_id != member.id,
    )
    rows = db.session.execute(
        select(ChannelMember.channel_id, func.count(Message.id))
        .join(Message, unread)
        .where(ChannelMember.member_id == member.id)
        .group_by(ChannelMember.channel_id)
    )
    return {channel_id: count for channel_id, count in rows}


def list_messages(
    member: Member,
    channel: Channel,
    *,
    after: int | None = None,
    before: int | None = None,
    limit: int = HISTORY_LIMIT,
    thread: int | None = None,
) -> list[Message]:
    """Messages in id order: those after an id (catch-up) or the latest ones;
    with `thread`, only that thread's first message and its replies."""
    if not can_read(member, channel):
        raise NotFound(_("Ce canal n’existe pas ou ne vous est pas ouvert."))
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(
            _(
                "La limite doit être comprise entre 1 et %(most)s.",
                most=MAX_LIMIT,
            )
        )
    query = (
        select(Message)
        .where(Message.channel_id == channel.id, Message.held.is_(False))
        .options(
            selectinload(Message.author),
            selectinload(Message.imported_author),
            selectinload(Message.reactions).selectinload(Reaction.member),
            selectinload(Message.parent).selectinload(Message.author),
            selectinload(Message.parent).selectinload(Message.imported_author),
        )
    )
    if thread is not None:
        query = query.where((Message.id == thread) | (Message.parent_id == thread))
    if after is not None:
        query = query.where(Message.id > after).order_by(Message.id).limit(limit)
        return list(db.session.scalars(query))
    if before is not None:
        query = query.where(Message.id < before)
    latest = db.session.scalars(query.order_by(Message.id.desc()).limit(limit))
    return list(reversed(list(latest)))


# Creating channels and joining them -------------------------------------------


def _free_slug(base: str) -> str:
    base = base or "canal"
    slug, n = base, 2
    while db.session.scalar(select(Channel.id).where(Channel.slug == slug)):
        slug, n = f"{base[: MAX_NAME - 4]}-{n}", n + 1
    return slug


def _new_channel_slug(name: str, private: bool) -> str:
    """A member's new channel's slug, which says nothing of channels they cannot
    see: a private one ends with a random tag, so that no open channel's name
    ever runs into it, and a name spelling a direct conversation's slug
    ("dm-1-2") gets a prefix whether that conversation exists or not."""
    base = slugify(name) or "canal"
    if base.startswith("dm-"):
        base = f"canal-{base}"[:MAX_NAME].rstrip("-")
    if private:
        base = f"{base[: MAX_NAME - 7].rstrip('-')}-{secrets.token_hex(3)}"
    return _free_slug(base)


def _add_member(channel: Channel, member: Member) -> None:
    if channel.id is None or membership(member, channel) is None:
        channel.memberships.append(ChannelMember(member=member))


def ensure_defi_channel(defi: Defi) -> Channel:
    """The défi's channel, created if missing, with its team as members (no commit)."""
    channel = defi_channel(defi)
    if channel is None:
        channel = Channel(
            slug=_free_slug(f"defi-{defi.slug}"[:MAX_NAME]),
            name=defi.title[:MAX_NAME],
            kind="defi",
            description=(defi.tagline or "")[:300],
            defi=defi,
        )
        db.session.add(channel)
    for team_member in defi.team:
        _add_member(channel, team_member.member)
    return channel


def ensure_defi_channels() -> int:
    """Give every défi its channel and every team member a seat; returns created."""
    has_channel = select(Channel.defi_id).where(Channel.defi_id.is_not(None))
    missing = db.session.scalar(
        select(func.count(Defi.id)).where(Defi.id.not_in(has_channel))
    )
    defis = db.session.scalars(select(Defi).options(selectinload(Defi.team)))
    for defi in defis:
        ensure_defi_channel(defi)
    db.session.commit()
    return missing or 0


def _clean_name(name: str) -> str:
    name = clean_spaces(name or "")
    if not name:
        raise Invalid(_("Donnez un nom au canal."))
    if len(name) > MAX_NAME:
        raise Invalid(
            _(
                "Le nom du canal est trop long (%(most)s caractères au plus).",
                most=MAX_NAME,
            )
        )
    return name


def create_channel(
    creator: Member, *, name: str, description: str = "", private: bool = False
) -> Channel:
    """A topic channel open to all, or a private one; the creator joins it."""
    name = _clean_name(name)
    description = clean_spaces(description or "")
    if len(description) > 300:
        raise Invalid(_("La description est trop longue (300 caractères au plus)."))
    channel = Channel(
        slug=_new_channel_slug(name, private),
        name=name,
        kind="private" if private else "topic",
        description=description,
        created_by_id=creator.id,
    )
    channel.memberships.append(ChannelMember(member=creator))
    db.session.add(channel)
    db.session.commit()
    return channel


def direct_slug(member_ids) -> str:
    """The one slug of the direct conversation between these members."""
    return "dm-" + "-".join(str(i) for i in sorted(set(member_ids)))


def open_direct(member: Member, others: list[Member]) -> tuple[Channel, bool]:
    """The direct conversation with these members, and whether it is new."""
    known = get_channel(direct_slug([member.id, *(m.id for m in others)]))
    channel = start_direct(member, others)
    return channel, known is None


def direct_names(viewer: Member) -> dict[int, str]:
    """Each of the viewer's direct conversations named after the others in it."""
    mine = select(ChannelMember.channel_id).where(ChannelMember.member_id == viewer.id)
    rows = db.session.execute(
        select(ChannelMember.channel_id, Member.display_name)
        .join(Member, Member.id == ChannelMember.member_id)
        .join(Channel, Channel.id == ChannelMember.channel_id)
        .where(
            Channel.kind == "direct",
            ChannelMember.channel_id.in_(mine),
            ChannelMember.member_id != viewer.id,
        )
        .order_by(french(Member.display_name), Member.id)
    )
    names: dict[int, list[str]] = {}
    for channel_id, name in rows:
        names.setdefault(channel_id, []).append(name)
    return {channel_id: ", ".join(people) for channel_id, people in names.items()}


def start_direct(member: Member, others: list[Member]) -> Channel:
    """The direct conversation between these members, created the first time."""
    people = {m.id: m for m in [member, *others] if m.active}
    if len(people) < 2 or any(not m.active for m in others):
        raise Invalid(_("Choisissez au moins un autre membre actif."))
    if len(people) > 9:
        raise Invalid(_("Une conversation directe réunit au plus 9 membres."))
    slug = direct_slug(people)
    channel = get_channel(slug)
    if channel is None:
        names = ", ".join(
            sorted((m.display_name for m in people.values()), key=french_key)
        )
        channel = Channel(slug=slug, name=names[:MAX_NAME], kind="direct")
        channel.memberships = [ChannelMember(member=m) for m in people.values()]
        db.session.add(channel)
        db.session.commit()
    return channel


def join_channel(member: Member, channel: Channel) -> None:
    """Join an open channel (private ones are joined by invitation); joining
    a channel one is already in changes nothing."""
    if membership(member, channel) is not None:
        return
    if not channel.is_public:
        raise NotAllowed(
            _("Ce canal est privé : un de ses membres doit vous y inviter.")
        )
    db.session.add(ChannelMember(channel=channel, member=member))
    db.session.commit()


def invite_to_channel(actor: Member, channel: Channel, member: Member) -> None:
    """A member of a private channel (or staff) brings someone in."""
    if channel.kind == "direct":
        raise Invalid(_("On ne peut pas ajouter de membre à une conversation directe."))
    if membership(actor, channel) is None and not actor.is_staff:
        raise NotAllowed(_("Seuls les membres du canal peuvent y inviter."))
    if not member.active:
        raise Invalid(_("Ce membre n’est plus actif."))
    if membership(member, channel) is None:
        db.session.add(ChannelMember(channel=channel, member=member))
        db.session.commit()
        notifications.notify_channel_invitation(actor, channel, member)


def _drop_seat(member: Member, channel: Channel) -> bool:
    """Take the member's seat away (no commit); False when they had none."""
    seat = membership(member, channel)
    if seat is not None:
        db.session.delete(seat)
    return seat is not None


def leave_channel(member: Member, channel: Channel) -> None:
    """Leave a channel; nothing of what was said is lost. The member's open
    sockets, on every process, stop hearing it."""
    member_id, room = member.id, realtime.channel_room(channel.id)
    if _drop_seat(member, channel):
        db.session.commit()
        realtime.leave_room_everywhere(member_id, room)


def drop_from_defi_channel(defi: Defi, member: Member) -> str | None:
    """Take a member out of the défi's channel (no commit); returns the room
    their sockets must leave once the caller has committed."""
    channel = defi_channel(defi)
    if channel is None or not _drop_seat(member, channel):
        return None
    return realtime.channel_room(channel.id)


def set_archived(actor: Member, channel: Channel, archived: bool) -> None:
    """Archive (read-only, still searchable) or reopen; its creator or staff."""
    if not (actor.is_staff or channel.created_by_id == actor.id):
        raise NotAllowed(
            _("Seuls le créateur du canal et l’équipe peuvent l’archiver.")
        )
    channel.archived = archived
    db.session.commit()


# Writing messages ------------------------------------------------------------


def reply_counts(messages: list[Message]) -> dict[int, int]:
    """How many live replies each of these messages has."""
    ids = [m.id for m in messages if m.parent_id is None]
    rows = db.session.execute(
        select(Message.parent_id, func.count(Message.id))
        .where(
            Message.parent_id.in_(ids),
            Message.deleted_at.is_(None),
            Message.held.is_(False),
        )
        .group_by(Message.parent_id)
    )
    # parent_id is set on every row: only replies were asked for.
    return {parent_id: count for parent_id, count in rows if parent_id is not None}


def _clean_body(body: object) -> str:
    if not isinstance(body, str) or not body.strip():
        raise Invalid(_("Le message est vide."))
    if len(body) > MAX_BODY:
        raise Invalid(
            _(
                "Le message est trop long (%(most)s caractères au plus).",
                most=MAX_BODY,
            )
        )
    return body.strip()


def _clean_client_id(client_id: object) -> str | None:
    if client_id in (None, ""):
        return None
    if not isinstance(client_id, str) or len(client_id) > 64:
        raise Invalid(_("Identifiant client invalide (64 caractères au plus)."))
    return client_id


def mentioned_members(body: str) -> list[Member]:
    """Active members named as @username outside code."""
    prose = _CODE.sub(" ", body)
    names = {name.lower() for name in _MENTION.findall(prose)}
    if not names:
        return []
    return list(
        db.session.scalars(
            select(Member).where(
                func.lower(Member.username).in_(names), Member.active.is_(True)
            )
        )
    )


def render_body(body: str, mentioned: list[Member]) -> str:
    """Sanitised HTML, with @mentions of real members linked to their profiles."""
    known = {m.username.lower(): m.username for m in mentioned}

    def link(match: re.Match) -> str:
        username = known.get(match[1].lower())
        return f"[@{username}](/members/{username})" if username else match[0]

    parts = _CODE.split(body)  # odd parts are code: left as written
    text = "".join(
        part if i % 2 else _MENTION.sub(link, part) for i, part in enumerate(parts)
    )
    return str(render_markdown(text))


def preview(body: object) -> str:
    """The HTML a message would show, without storing it."""
    body = _clean_body(body)
    return render_body(body, mentioned_members(body))


def check_can_post(author: Member, channel: Channel) -> None:
    if not can_read(author, channel):
        raise NotFound(_("Ce canal n’existe pas ou ne vous est pas ouvert."))
    if channel.archived:
        raise NotAllowed(_("Ce canal est archivé : on peut le lire, plus y écrire."))


def _existing(author: Member, client_id: str | None) -> Message | None:
    if client_id is None:
        return None
    return db.session.scalar(
        select(Message).where(
            Message.author_id == author.id, Message.client_id == client_id
        )
    )


def _retry_or_flood(author: Member, client_id: str | None) -> Message | None:
    """The message already stored under this client_id (a retry), else None once
    the author is under the flood limit: one query for both questions."""
    count, seconds = current_app.config["CHAT_FLOOD_LIMIT"]
    since = utcnow() - timedelta(seconds=seconds)
    mine = Message.author_id == author.id
    same = Message.client_id == client_id if client_id is not None else false()
    stored_id, sent = db.session.execute(
        select(
            select(Message.id).where(mine, same).scalar_subquery(),
            select(func.count(Message.id))
            .where(mine, Message.created_at > since)
            .scalar_subquery(),
        )
    ).one()
    if stored_id is not None:
        return db.session.get(Message, stored_id)
    if sent >= count:
        raise Invalid(
            _("Vous envoyez des messages trop vite : patientez quelques secondes.")
        )
    return None


def _thread_root(channel: Channel, parent_id: object) -> Message | None:
    """The message a reply answers: its thread's first message, in this channel."""
    if parent_id in (None, ""):
        return None
    if not isinstance(parent_id, int) or isinstance(parent_id, bool):
        raise Invalid(_("Identifiant de message invalide."))
    parent = db.session.get(Message, parent_id)
    if parent is None or parent.channel_id != channel.id or parent.deleted:
        raise NotFound(_("Le message auquel vous répondez n’existe pas."))
    return parent.parent or parent  # threads stay one level deep


def _check_mention_count(notified: list[int]) -> None:
    """One message notifies a bounded number of members (e-mails included)."""
    most = current_app.config["CHAT_MAX_MENTIONS"]
    if len(notified) > most:
        raise Invalid(
            _(
                "Un message peut mentionner au plus %(most)s membres (celui-ci en "
                "mentionne %(count)s) : retirez-en quelques-uns.",
                most=most,
                count=len(notified),
            )
        )


# Called with (author, message) once a new thread root of a question channel
# (QUESTION_CHANNELS, "entraide" by default) is stored: app.questions makes it a
# question. A list rather than an import, as questions build on channels.
on_question_root: list = []


def post_message(
    author: Member,
    channel: Channel,
    body: object,
    client_id: object = None,
    parent_id: object = None,
) -> Message:
    """Store a message, then broadcast it; a retried client_id is stored once."""
    check_can_post(author, channel)
    body, client_id = _clean_body(body), _clean_client_id(client_id)
    parent = _thread_root(channel, parent_id)
    if (message := _retry_or_flood(author, client_id)) is not None:
        return message
    mentioned = mentioned_members(body)
    notified = [m.id for m in mentioned if m.id != author.id and can_read(m, channel)]
    _check_mention_count(notified)
    # Everything is read before the first write: the write lock is held briefly.
    seat = membership(author, channel)
    message = Message(
        channel=channel,
        author=author,
        client_id=client_id,
        body=body,
        html=render_body(body, mentioned),
        parent=parent,
        reactions=[],
    )
    db.session.add(message)
    try:
        db.session.flush()
    except IntegrityError:  # the same client_id, sent at the same time
        db.session.rollback()
        if (existing := _existing(author, client_id)) is None:
            raise  # not that race: some other constraint failed
        return existing
    if seat is None:  # writing in an open channel joins it
        seat = ChannelMember(channel=channel, member=author)
        db.session.add(seat)
    seat.last_read_id = message.id
    # Built before the commit expires what they read: no reloading afterwards.
    payload = payloads.message_payload(message)
    room = realtime.channel_room(channel.id)
    # Most messages notify nobody: asking after the commit would reload the
    # channel and the message only to find that out (2 of 8 queries a message).
    notifies = bool(notified) or parent is not None or channel.kind == "direct"
    asks = parent is None and channel.slug in current_app.config["QUESTION_CHANNELS"]
    db.session.commit()
    realtime.publish(room, "message_posted", payload)
    for member_id in notified:
        realtime.publish(realtime.member_room(member_id), "mentioned", payload)
    if notifies:
        notifications.notify_message(author, channel, message, notified)
    if asks:
        for callback in on_question_root:
            callback(author, message)
    return message


def _own_message(actor: Member, message_id: object, moderate: bool) -> Message:
    if not isinstance(message_id, int) or isinstance(message_id, bool):
        raise Invalid(_("Identifiant de message invalide."))
    message = db.session.get(Message, message_id)
    if message is None or message.deleted or not can_read(actor, message.channel):
        raise NotFound(_("Ce message n’existe pas."))
    if message.author_id != actor.id and not (moderate and actor.is_staff):
        raise NotAllowed(_("Seul son auteur peut modifier ce message."))
    return message


def edit_message(actor: Member, message_id: object, body: object) -> Message:
    """The author rewrites their message; "modifié" shows beside it."""
    message = _own_message(actor, message_id, moderate=False)
    if message.channel.archived:
        raise NotAllowed(_("Ce canal est archivé : on peut le lire, plus y écrire."))
    body = _clean_body(body)
    message.body, message.html = body, render_body(body, mentioned_members(body))
    message.edited_at = utcnow()
    db.session.commit()
    realtime.publish(
        realtime.channel_room(message.channel_id),
        "message_edited",
        payloads.message_payload(message),
    )
    return message


def delete_message(actor: Member, message_id: object) -> Message:
    """Its author, or staff moderating, removes a message; its text is erased."""
    message = _own_message(actor, message_id, moderate=True)
    message.body, message.html = "", ""
    message.deleted_at = utcnow()
    if message.author_id != actor.id:
        message.deleted_by_id = actor.id
        audit(actor, "message.hide", f"{message.channel.slug}#{message.id}")
    db.session.commit()
    realtime.publish(
        realtime.channel_room(message.channel_id),
        "message_deleted",
        {"id": message.id, "channel": message.channel.slug},
    )
    return message


def toggle_reaction(member: Member, message_id: object, emoji: object) -> Message:
    """Add the member's emoji to a message, or take it back."""
    fanout.hit_or_refuse(
        "reaction",
        member.id,
        current_app.config["CHAT_REACTION_RATE_LIMIT"],
        _("Vous réagissez trop vite : patientez un peu avant de réagir à nouveau."),
    )
    if emoji not in REACTIONS:
        raise Invalid(_("Réaction inconnue."))
    if not isinstance(message_id, int) or isinstance(message_id, bool):
        raise Invalid(_("Identifiant de message invalide."))
    message = db.session.get(Message, message_id)
    if message is None or message.deleted or not can_read(member, message.channel):
        raise NotFound(_("Ce message n’existe pas."))
    if message.channel.archived:
        raise NotAllowed(_("Ce canal est archivé : on peut le lire, plus y écrire."))
    mine = db.session.get(Reaction, (message.id, member.id, emoji))
    if mine is None:
        message.reactions.append(Reaction(member=member, emoji=emoji))
    else:
        message.reactions.remove(mine)
    db.session.commit()
    if mine is None:
        notifications.notify_reaction(member, message)
    realtime.publish(
        realtime.channel_room(message.channel_id),
        "message_reacted",
        {
            "id": message.id,
            "channel": message.channel.slug,
            "reactions": payloads.reactions_payload(message),
        },
    )
    return message


def mark_read(member: Member, channel: Channel, message_id: object) -> int:
    """Remember the last message read; returns what is left unread there."""
    if not isinstance(message_id, int) or isinstance(message_id, bool):
        raise Invalid(_("Identifiant de message invalide."))
    seat = membership(member, channel)
    if seat is None:
        raise NotAllowed(_("Rejoignez le canal pour suivre vos messages non lus."))
    newest = db.session.scalar(
        select(func.max(Message.id)).where(Message.channel_id == channel.id)
    )
    seat.last_read_id = max(seat.last_read_id, min(message_id, newest or 0))
    db.session.commit()
    return unread_counts(member).get(channel.id, 0)


def announce_typing(member: Member, channel: Channel, skip_sid: str) -> None:
    """Tell the others in the channel that the member is typing."""
    if not can_read(member, channel) or channel.archived:
        raise NotFound(_("Ce canal n’existe pas ou ne vous est pas ouvert."))
    realtime.publish(
        realtime.channel_room(channel.id),
        "typing",
        {"channel": channel.slug, "member": payloads.member_payload(member)},
        skip_sid=skip_sid,
    )
