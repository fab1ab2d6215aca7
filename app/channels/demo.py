"""Conversations for the demo community (`flask seed-demo`).

Demo members write in a few défi channels, in topic channels ("entraide",
"data", "design", one per promotion) and in direct conversations, over the last
three weeks: threads, reactions and @mentions included. Staff accounts that are
not demo accounts (the demo admin) are in the topic channels with messages left
unread, are mentioned, and get the notifications that go with it. Everything
comes from templates and a seeded random generator: the same seed writes the
same community, and a second run writes nothing.
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from markupsafe import Markup
from sqlalchemy import select

from app.channels.models import REACTIONS, Channel, ChannelMember, Message, Reaction
from app.channels.services import direct_slug, ensure_defi_channels, render_body
from app.collation import french_key
from app.defis.models import Defi, Promotion
from app.extensions import db
from app.members.demo import DEMO_DOMAIN, demo_members
from app.members.models import Member
from app.mentoring.models import MentoringRequest
from app.notifications.models import Notification
from app.notifications.texts import excerpt, render_in
from app.timeutil import utcnow

TOPICS = (
    ("entraide", "Entraide", "Une question, un blocage, un coup de main : ici."),
    ("data", "Data", "Données, modèles, pipelines et visualisations."),
    ("design", "Design", "Design de services, recherche utilisateur, DSFR, RGAA."),
)
DEFI_CHANNELS = 8  # défi channels with a conversation
DIRECT_CONVERSATIONS = 6
ADMIN_UNREAD = 3  # messages left unread in each of the admins' channels
SPAN = timedelta(days=21)  # how far back the conversations start

OPENERS = (
    "Bonjour à toutes et à tous ! Quelqu'un a déjà utilisé {skill} dans une "
    "administration ? Je cherche des retours d'expérience.",
    "Petite victoire du jour : la première version de {defi} est en ligne 🎉",
    "Je partage notre guide de mise en production, écrit pour les prochaines "
    "promotions. Vos relectures sont les bienvenues.",
    "Point d'équipe jeudi à 10 h : l'ordre du jour est dans le pad, ajoutez vos "
    "sujets.",
    "Quelqu'un sait comment obtenir un accès aux données de production sans "
    "attendre trois mois ?",
    "On cherche une personne à l'aise avec {skill} pour relire notre code avant "
    "la démo de fin de défi.",
    "Question RGPD : pour l'analyse d'impact, vous êtes passés par votre DPO "
    "dès le début ?",
    "Retour de l'atelier d'hier : huit agents interrogés, beaucoup de frictions "
    "sur la saisie. Je mets la synthèse dans le drive.",
    "Qui vient au séminaire de promotion la semaine prochaine ?",
    "La nouvelle API est déployée en recette, la documentation est à jour : "
    "dites-moi si quelque chose manque.",
    "Vous utilisez quoi pour les tests de bout en bout ? On hésite encore.",
    "Notre démo de mi-parcours est calée au 14, merci pour les relectures !",
    "Je cherche un exemple de convention de partage de données entre deux "
    "ministères : quelqu'un en a une sous la main ?",
    "Astuce du jour : le DSFR fournit des composants accessibles prêts à "
    "l'emploi, inutile de refaire les onglets.",
)
REPLIES = (
    "Oui ! On l'a fait l'an dernier, je t'envoie notre documentation.",
    "Bravo, très belle étape 👏",
    "Merci pour le partage, c'est exactement ce qu'il me fallait.",
    "Je regarde ça demain matin.",
    "@{mention} a travaillé sur un sujet très proche, demande-lui !",
    "De notre côté on est passés par le DPO : compter trois semaines.",
    "Je serai là !",
    "Même problème chez nous, on a contourné avec un export CSV en attendant.",
    "Je peux relire vendredi si ça te va.",
    "Super nouvelle, on en parle au prochain point.",
    "On utilise Playwright, c'est stable et rapide en intégration continue.",
    "Je te mets en relation avec notre référente juridique.",
    "Merci, c'est noté !",
    "Est-ce que tu as regardé ce qu'a fait le défi de l'an dernier ?",
)
DIRECT_LINES = (
    "Salut ! Tu aurais dix minutes cette semaine pour parler de {skill} ?",
    "Avec plaisir, jeudi après-midi ?",
    "Parfait, je t'envoie une invitation.",
    "Merci encore pour ton aide d'hier, ça a débloqué la mise en production.",
    "Je t'envoie le lien du dépôt dès qu'il est public.",
)
ADMIN_LINES = (
    "Bonjour @{admin}, pourriez-vous ouvrir un accès à la promotion pour notre "
    "nouvelle recrue ?",
    "@{admin} la salle du séminaire est-elle confirmée ?",
)
BUSY_LINE = "@{name} tu aurais un moment pour relire ma note de cadrage ?"
ADMIN_DIRECT = (
    "Bonjour, une question sur le calendrier de fin de défi : la démo finale "
    "est-elle bien le 30 ?",
    "Et peut-on inviter nos partenaires de l'administration ?",
)


@dataclass
class Draft:
    """A message to write: where, by whom, when, answering which."""

    channel: Channel
    author: Member
    body: str
    at: datetime
    parent: "Draft | None" = None
    mentions: list[Member] = field(default_factory=list)
    message: Message | None = None


@dataclass
class Writer:
    """What the seed draws from, and what it has drafted so far."""

    rng: random.Random
    members: list[Member]
    admins: list[Member]
    start: datetime
    drafts: list[Draft] = field(default_factory=list)

    def when(self) -> datetime:
        return self.start + self.rng.random() * SPAN

    def fill(self, template: str, channel: Channel, author: Member) -> tuple:
        mention = self.rng.choice([m for m in self.members if m is not author])
        skills = [s.name for s in author.skills] or ["Python"]
        defi = channel.defi.title if channel.defi is not None else "notre outil"
        body = template.format(
            skill=self.rng.choice(skills),
            defi=defi,
            mention=mention.username,
            admin=self.admins[0].username if self.admins else "",
        )
        return body, [mention] if "@" + mention.username in body else []


def seed_demo_conversations(seed: int = 2017) -> int:
    """Write the demo community's conversations once; returns how many messages."""
    members = demo_members()
    if not members or _already_seeded(members):
        return 0
    ensure_defi_channels()
    rng = random.Random(seed)
    admins = _admins()
    writer = Writer(rng, members, admins, utcnow() - SPAN - timedelta(days=1))
    for channel in _conversation_channels(rng, members, admins):
        _converse(writer, channel, _seats(channel))
    for pair in _direct_pairs(rng, members):
        _talk_directly(writer, pair)
    for admin in admins:
        _reach_admin(writer, admin)
    busy = _busy_members()
    _ask_busy(writer, busy)
    messages = _write(writer)
    _react(rng, messages)
    _mark_read(rng, admins + busy)
    _notify(writer, admins)
    db.session.commit()
    return len(messages)


def _already_seeded(members: list[Member]) -> bool:
    ids = [m.id for m in members]
    written = select(Message.id).where(Message.author_id.in_(ids)).limit(1)
    return db.session.scalar(written) is not None


def _admins() -> list[Member]:
    """The staff accounts that are not demo ones: who runs the demo."""
    return list(
        db.session.scalars(
            select(Member)
            .where(
                Member.role == "staff",
                Member.active.is_(True),
                ~Member.email.endswith("@" + DEMO_DOMAIN),
            )
            .order_by(Member.id)
        )
    )


def _conversation_channels(rng, members, admins) -> list[Channel]:
    """A few défi channels with a team to talk, and the topic channels."""
    chosen = sorted(
        (c for c in _defi_channels() if len(_seats(c)) >= 2), key=lambda c: c.slug
    )
    channels = rng.sample(chosen, min(DEFI_CHANNELS, len(chosen)))
    for slug, name, description in TOPICS:
        people = rng.sample(members, len(members) // 3)
        channels.append(_topic(slug, name, description, people + admins))
    for promotion in _promotions(members):
        people = [m for m in members if promotion in m.promotions]
        name = promotion.label
        description = (
            f"Entre membres de la promotion {promotion.number} "
            f"({promotion.programme}, {promotion.year})."
        )
        if len(people) >= 2:
            slug = f"promo-{promotion.slug}"[:80]
            channels.append(_topic(slug, name, description, people + admins))
    return channels


def _defi_channels() -> list[Channel]:
    return list(db.session.scalars(select(Channel).join(Defi, Channel.defi)))


def _promotions(members: list[Member]) -> list[Promotion]:
    return sorted({p for m in members for p in m.promotions}, key=lambda p: p.slug)


def _topic(slug: str, name: str, description: str, people) -> Channel:
    channel = db.session.scalar(select(Channel).where(Channel.slug == slug))
    if channel is None:
        channel = Channel(slug=slug, name=name, kind="topic", description=description)
        db.session.add(channel)
    seated = {seat.member_id for seat in channel.memberships}
    for member in people:
        if member.id not in seated:
            channel.memberships.append(ChannelMember(member=member))
            seated.add(member.id)
    return channel


def _seats(channel: Channel) -> list[Member]:
    return [seat.member for seat in channel.memberships if seat.member.active]


def _converse(writer: Writer, channel: Channel, people: list[Member]) -> None:
    """A few threads: an opener, replies in its thread or after it."""
    rng, speakers = writer.rng, [p for p in people if p in writer.members]
    if len(speakers) < 2:
        return
    for _ in range(rng.randint(5, 8)):
        author = rng.choice(speakers)
        body, mentions = writer.fill(rng.choice(OPENERS), channel, author)
        opener = Draft(channel, author, body, writer.when(), mentions=mentions)
        writer.drafts.append(opener)
        at = opener.at
        for _ in range(rng.randint(0, 5)):
            at += timedelta(minutes=rng.randint(2, 400))
            replier = rng.choice([p for p in speakers if p is not author])
            body, mentions = writer.fill(rng.choice(REPLIES), channel, replier)
            parent = opener if rng.random() < 0.6 else None
            writer.drafts.append(Draft(channel, replier, body, at, parent, mentions))


def _direct_pairs(rng, members: list[Member]) -> list[tuple[Member, Member]]:
    people = rng.sample(members, 2 * min(DIRECT_CONVERSATIONS, len(members) // 2))
    return list(zip(people[::2], people[1::2], strict=True))


def _direct(people: list[Member]) -> Channel:
    slug = direct_slug(m.id for m in people)
    if existing := db.session.scalar(select(Channel).where(Channel.slug == slug)):
        return existing
    names = ", ".join(sorted((m.display_name for m in people), key=french_key))
    channel = Channel(slug=slug, name=names[:80], kind="direct")
    channel.memberships = [ChannelMember(member=m) for m in people]
    db.session.add(channel)
    return channel


def _talk_directly(writer: Writer, pair: tuple[Member, Member]) -> None:
    channel, at = _direct(list(pair)), writer.when()
    for turn, line in enumerate(DIRECT_LINES):
        author = pair[turn % 2]
        body, _ = writer.fill(line, channel, author)
        writer.drafts.append(Draft(channel, author, body, at))
        at += timedelta(minutes=writer.rng.randint(3, 180))


def _reach_admin(writer: Writer, admin: Member) -> None:
    """Recent messages for the admin: mentions in topic channels, and a member
    writing to them directly."""
    recent = utcnow() - timedelta(hours=20)
    topics = [d.channel for d in writer.drafts if d.channel.kind == "topic"]
    for hours, line in enumerate(ADMIN_LINES):
        author = writer.rng.choice(writer.members)
        body = line.format(admin=admin.username)
        channel = topics[0] if topics and hours == 0 else topics[-1]
        at = recent + timedelta(hours=hours * 3)
        writer.drafts.append(Draft(channel, author, body, at, mentions=[admin]))
    asker = writer.rng.choice(writer.members)
    channel = _direct([asker, admin])
    for minutes, line in enumerate(ADMIN_DIRECT):
        at = recent + timedelta(hours=8, minutes=minutes * 4)
        writer.drafts.append(Draft(channel, asker, line, at))


def _busy_members() -> list[Member]:
    """EIGs with a mentoring request under way (the mentoring seed runs first):
    the demo members whose home page has something in every part."""
    askers = select(MentoringRequest.asker_id).where(
        MentoringRequest.status.in_(("pending", "accepted"))
    )
    return list(
        db.session.scalars(
            select(Member).where(Member.id.in_(askers)).order_by(Member.id).limit(5)
        )
    )


def _ask_busy(writer: Writer, busy: list[Member]) -> None:
    """A recent question to each busy member in "entraide", which they follow."""
    channel = db.session.scalar(select(Channel).where(Channel.slug == "entraide"))
    if channel is None:
        return
    recent = utcnow() - timedelta(hours=6)
    for minutes, member in enumerate(busy):
        _topic(channel.slug, channel.name, channel.description, [member])
        author = writer.rng.choice([m for m in writer.members if m is not member])
        body = BUSY_LINE.format(name=member.username)
        at = recent + timedelta(minutes=minutes * 7)
        writer.drafts.append(Draft(channel, author, body, at, mentions=[member]))


def _write(writer: Writer) -> list[Message]:
    """Store the drafts oldest first: ids grow with time, as live ones do."""
    messages = []
    for draft in sorted(writer.drafts, key=lambda d: d.at):
        message = Message(
            channel=draft.channel,
            author=draft.author,
            body=draft.body,
            html=render_body(draft.body, draft.mentions),
            parent=draft.parent.message if draft.parent else None,
            created_at=draft.at,
            reactions=[],
        )
        draft.message = message
        db.session.add(message)
        messages.append(message)
    db.session.flush()
    return messages


def _react(rng: random.Random, messages: list[Message]) -> None:
    for message in messages:
        if message.channel.kind == "direct" or rng.random() > 0.4:
            continue
        others = [m for m in _seats(message.channel) if m is not message.author]
        for member in rng.sample(others, min(len(others), rng.randint(1, 3))):
            message.reactions.append(
                Reaction(
                    member=member,
                    emoji=rng.choice(REACTIONS),
                    created_at=message.created_at + timedelta(minutes=5),
                )
            )


def _mark_read(rng: random.Random, behind: list[Member]) -> None:
    """Demo members have read most of their channels; the admins and the busy
    members have the last few messages of each of theirs unread."""
    for channel in db.session.scalars(select(Channel)):
        ids = list(
            db.session.scalars(
                select(Message.id)
                .where(Message.channel_id == channel.id)
                .order_by(Message.id)
            )
        )
        if not ids:
            continue
        for seat in channel.memberships:
            if seat.member in behind:  # the last few left unread
                seat.last_read_id = ids[-ADMIN_UNREAD - 1] if len(ids) > 4 else 0
            elif rng.random() < 0.8:
                seat.last_read_id = ids[-1]


def _notify(writer: Writer, admins: list[Member]) -> None:
    """The notifications the messages would have sent: mentions, and direct
    messages (one person's burst is one, as live). Stored as rows, not through
    notify(): a seed e-mails nobody. The admins' are unread, as are the demo
    members' of the last three days."""
    bursts: dict[str, Notification] = {}
    read_before = utcnow() - timedelta(days=3)
    for draft in sorted(writer.drafts, key=lambda d: d.at):
        params = {"actor": draft.author.display_name}
        if draft.channel.kind == "direct":
            assert draft.message is not None  # _write stored every draft
            html = Markup(draft.message.html)
            params["excerpt"] = excerpt(html.striptags())
            others = [m for m in _seats(draft.channel) if m is not draft.author]
            for member in others:
                key = f"dm:{draft.channel.id}:{draft.author.id}:{member.id}"
                if key in bursts:
                    bursts[key].count += 1
                    continue
                row = _notification("direct_message", member, draft, params)
                row.group_key, bursts[key] = key[: key.rindex(":")], row
        else:
            params["channel"] = draft.channel.name
            for member in draft.mentions:
                if member is not draft.author:
                    _notification("mention", member, draft, params)
    admin_ids = {admin.id for admin in admins}
    for row in [r for r in db.session.new if isinstance(r, Notification)]:
        if row.recipient_id not in admin_ids and row.created_at < read_before:
            row.read_at = row.created_at + timedelta(hours=1)


def _notification(kind: str, member: Member, draft, params: dict) -> Notification:
    url = f"/channels/{draft.channel.slug}#message-{draft.message.id}"
    row = Notification(
        kind=kind,
        recipient_id=member.id,
        actor_id=draft.author.id,
        url=url,
        text=render_in("fr", kind, params)[:300],
        params=params,
        count=1,
        created_at=draft.at,
        shown=True,
    )
    db.session.add(row)
    return row
