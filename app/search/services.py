"""Search for members: one box over everything, and "who knows X"."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.channels.models import PUBLIC_KINDS, Channel, ChannelMember, Message
from app.collation import french_key
from app.defis.models import Defi, DefiMembership
from app.errors import Invalid
from app.extensions import db
from app.members.models import Member
from app.questions.answers import accepted_answers
from app.questions.answers import weight as accepted_weight
from app.resources.models import Resource
from app.text import fold, html_excerpt
from search_index import PUBLIC, Document, Hit, Page, Query, SearchIndex
from search_index.query import parse

SEARCH_KINDS = ("member", "defi", "resource", "message")
KIND_LABELS = {
    "member": _l("Membres"),
    "defi": _l("Défis"),
    "resource": _l("Ressources"),
    "message": _l("Messages"),
}
FILTERS = ("promotion", "skill", "tag", "role", "resource_kind")
FACETS = ("kind", "promotion", "skill", "tag")
INDEXED = (
    ("member", Member),
    ("defi", Defi),
    ("resource", Resource),
    ("message", Message),
)
MAX_QUERY_LENGTH = 500
MAX_PAGE = 500


@dataclass
class PersonMatch:
    member: Member
    score: float
    reasons: list[str] = field(default_factory=list)


def index() -> SearchIndex:
    """The index searches go to (the database fallback while it is missing)."""
    return current_app.extensions["search"].current()


def index_status() -> str:
    """ "ok", or "fallback" while answering from the database."""
    return current_app.extensions["search"].status


def access_keys(viewer: Member) -> tuple[str, ...]:
    """What the viewer may see: public items and the private channels they are in."""
    if not viewer.active:
        return ()
    private = db.session.scalars(
        select(Channel.id)
        .join(ChannelMember, ChannelMember.channel_id == Channel.id)
        .where(
            ChannelMember.member_id == viewer.id,
            Channel.kind.not_in(PUBLIC_KINDS),
        )
    )
    return (PUBLIC, *(f"channel:{channel_id}" for channel_id in private))


def _check(text: str, kind: str, filters: dict[str, str], page: int) -> None:
    if len(text) > MAX_QUERY_LENGTH:
        raise Invalid(
            _(
                "La recherche est trop longue (%(max)s caractères au plus).",
                max=MAX_QUERY_LENGTH,
            )
        )
    if kind and kind not in SEARCH_KINDS:
        raise Invalid(_("Type de résultat inconnu : %(kind)s.", kind=kind[:40]))
    unknown = sorted(set(filters) - set(FILTERS))
    if unknown:
        names = ", ".join(name[:40] for name in unknown)
        raise Invalid(_("Filtre inconnu : %(names)s.", names=names))
    if not 1 <= page <= MAX_PAGE:
        raise Invalid(_("Numéro de page invalide."))


def search(
    viewer: Member,
    text: str,
    *,
    kind: str = "",
    filters: dict[str, str] | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Page:
    """One page of results the viewer may see, with counts per type and facet."""
    text = (text or "").strip()
    filters = {name: value for name, value in (filters or {}).items() if value}
    _check(text, kind, filters, page)
    query = Query(
        text,
        kinds=(kind,) if kind else (),
        filters=filters,
        access=access_keys(viewer),
        page=page,
        per_page=per_page,
        facets=FACETS,
    )
    if parse(text).empty:
        return Page([], 0, page, per_page, {name: {} for name in FACETS})
    # One search: its "kind" facet counts every type, for the type tabs.
    return index().search(query)


@dataclass(frozen=True)
class Suggestion:
    """One line under the header box: what it is, and for a message who wrote
    it and when (its title is then the start of its text)."""

    kind: str
    title: str
    url: str
    author: str = ""
    created_at: datetime | None = None


def suggest(viewer: Member, text: str, limit: int = 8) -> list[Suggestion]:
    """Titles that start like what the viewer types, then what the full search
    finds (a member by a skill, a message by a word), each thing once."""
    text = (text or "")[:200]
    if parse(text).empty:
        return []
    access = access_keys(viewer)
    hits = index().suggest(text, access=access, limit=limit)
    if len(hits) < limit:
        query = Query(text, access=access, per_page=limit, facets=())
        hits = hits + index().search(query).hits
    return _suggestions(_distinct(hits)[:limit])


def _distinct(hits: list[Hit]) -> list[Hit]:
    """Each thing once, and one line per title and type: identical rows say
    nothing (a message is its own line)."""
    seen: set[tuple] = set()
    kept = []
    for hit in hits:
        key = (
            (hit.kind, hit.id) if hit.kind == "message" else (hit.kind, fold(hit.title))
        )
        if key in seen or (hit.kind, hit.id) in seen:
            continue
        seen.update({key, (hit.kind, hit.id)})
        kept.append(hit)
    return kept


def _suggestions(hits: list[Hit]) -> list[Suggestion]:
    ids = [hit.id for hit in hits if hit.kind == "message"]
    messages = (
        {
            m.id: m
            for m in db.session.scalars(
                select(Message)
                .where(Message.id.in_(ids))
                .options(selectinload(Message.author))
            )
        }
        if ids
        else {}
    )
    return [_suggestion(hit, messages.get(hit.id)) for hit in hits]


def _suggestion(hit: Hit, message: Message | None) -> Suggestion:
    if hit.kind != "message" or message is None:
        return Suggestion(hit.kind, hit.title, hit.url)
    author = message.author
    name = author.display_name if author and author.active else str(_l("Ancien membre"))
    return Suggestion(
        hit.kind,
        html_excerpt(message.html, 60),
        hit.url,
        author=f"{name} · {hit.title}",
        created_at=message.created_at,
    )


# Who knows X ---------------------------------------------------------------


def _normalised(hits: list[Hit]) -> dict[int, float]:
    top = max((hit.score for hit in hits), default=0.0) or 1.0
    return {hit.id: hit.score / top for hit in hits}


def _skill_reasons(member: Member, words: set[str]) -> list[str]:
    skills = [s.name for s in member.skills if words & set(fold(s.name).split())]
    return [_("compétence : %(name)s", name=name) for name in skills]


@dataclass
class Evidence:
    """What ties members to a topic besides their own profile."""

    teams: dict[int, list[int]]  # défi id -> member ids
    defi_titles: dict[int, str]
    written: dict[int, int]  # member id -> messages on the topic
    shared: dict[int, int] = field(default_factory=dict)  # member id -> resources
    # member id -> tag -> their answers accepted on questions with that tag
    accepted: dict[int, dict[str, int]] = field(default_factory=dict)


def who_knows(viewer: Member, topic: str, limit: int = 20) -> list[PersonMatch]:
    """Members ranked for a topic by their skills, profile, défis, the resources
    they shared, the messages they wrote and their accepted answers."""
    found = expertise(viewer, topic)
    if found is None:
        return []
    scores, evidence, words = found
    return _explain(scores, evidence, words, limit)


def expertise(
    viewer: Member, topic: str
) -> tuple[dict[int, float], Evidence, set[str]] | None:
    """The scores of the members tied to a topic, the evidence behind them and
    the topic's folded words; None for a topic with no words."""
    topic = (topic or "").strip()
    _check(topic, "", {}, 1)
    parsed = parse(topic)
    if parsed.empty:
        return None
    access = access_keys(viewer)

    def hits(kind: str, count: int) -> list[Hit]:
        query = Query(topic, kinds=(kind,), access=access, per_page=count, facets=())
        return index().search(query).hits

    defis = hits("defi", 30)
    scores = _normalised(hits("member", 50))
    defi_scores = _normalised(defis)
    words = {fold(w) for w in parsed.words}
    evidence = Evidence(
        _teams(list(defi_scores)),
        {h.id: h.title for h in defis},
        _authors(Message, hits("message", 100)),
        _authors(Resource, hits("resource", 50)),
        accepted_answers(words | {fold(topic)}),
    )
    for defi_id, members in evidence.teams.items():
        for member_id in members:
            scores[member_id] = scores.get(member_id, 0.0) + 0.6 * defi_scores[defi_id]
    for member_id, count in evidence.written.items():
        scores[member_id] = scores.get(member_id, 0.0) + min(0.15 * count, 0.45)
    for member_id, count in evidence.shared.items():
        scores[member_id] = scores.get(member_id, 0.0) + min(0.25 * count, 0.75)
    for member_id, tags in evidence.accepted.items():
        scores[member_id] = scores.get(member_id, 0.0) + accepted_weight(tags)
    return scores, evidence, words


def _authors(model: type[Message] | type[Resource], hits: list[Hit]) -> dict[int, int]:
    """How many of these messages (or resources) each member wrote (or shared)."""
    ids = [hit.id for hit in hits]
    rows = db.session.execute(
        select(model.author_id, func.count(model.id))
        .where(model.id.in_(ids), model.author_id.is_not(None))
        .group_by(model.author_id)
    )
    return {author_id: count for author_id, count in rows if author_id is not None}


def _teams(defi_ids: list[int]) -> dict[int, list[int]]:
    rows = db.session.execute(
        select(DefiMembership.defi_id, DefiMembership.member_id).where(
            DefiMembership.defi_id.in_(defi_ids)
        )
    )
    teams: dict[int, list[int]] = {}
    for row in rows:
        teams.setdefault(row.defi_id, []).append(row.member_id)
    return teams


def _reasons(member: Member, evidence: Evidence, words: set[str]) -> list[str]:
    reasons = _skill_reasons(member, words)
    reasons += [
        _("défi : %(title)s", title=evidence.defi_titles[d])
        for d, team in evidence.teams.items()
        if member.id in team
    ]
    if count := evidence.shared.get(member.id):
        reasons.append(ngettext("%(num)s ressource", "%(num)s ressources", count))
    for tag, count in evidence.accepted.get(member.id, {}).items():
        reasons.append(
            ngettext(
                "%(num)s réponse acceptée sur %(topic)s",
                "%(num)s réponses acceptées sur %(topic)s",
                count,
                topic=tag,
            )
        )
    if count := evidence.written.get(member.id):
        reasons.append(ngettext("%(num)s message", "%(num)s messages", count))
    return reasons or [_("profil")]


def _explain(
    scores: dict[int, float], evidence: Evidence, words: set[str], limit: int
) -> list[PersonMatch]:
    best = sorted(scores, key=scores.__getitem__, reverse=True)[: limit * 2]
    members = db.session.scalars(
        select(Member)
        .where(Member.id.in_(best), Member.active.is_(True))
        .options(selectinload(Member.skills))
    )
    matches = [
        PersonMatch(member, scores[member.id], _reasons(member, evidence, words))
        for member in members
    ]
    matches.sort(key=lambda m: (-m.score, french_key(m.member.display_name)))
    return matches[:limit]


def rebuild(progress=None) -> int:
    """Rebuild the whole index from the database; returns how many documents."""
    from search_index import open_index

    state = current_app.extensions["search"]
    target = open_index(state.url) if state.fallback else state.index
    done = target.replace_all(_every_document(progress))
    target.compact()  # e.g. one Whoosh segment, fresh PostgreSQL statistics
    state.index, state.fallback = target, False
    return done


def _every_document(progress=None) -> Iterator[Document]:
    """Every indexed object as a document, read from the database 200 at a time."""
    from app.search.sync import documents

    for kind, model in INDEXED:
        ids = list(db.session.scalars(select(model.id).order_by(model.id)))
        for start in range(0, len(ids), 200):
            batch = set(ids[start : start + 200])
            yield from documents(db.session(), kind, batch)[0]
            if progress:
                progress(len(batch))
