"""Models to search documents: the only module that knows both."""

import functools

from flask_babel import force_locale

from app.channels.models import Message
from app.defis.models import Defi
from app.members.models import Member
from app.resources.models import Resource
from app.resources.vocabulary import KIND_LABELS, licence_label
from app.text import html_text
from search_index import Document


def _clamp(value: float) -> float:
    return max(0.5, min(2.0, value))


def _in_french(build):
    """The index analyses French: labels go in in French whatever the page's
    language (a member editing their profile in English reindexes it)."""

    @functools.wraps(build)
    def in_french(*args, **kwargs):
        with force_locale("fr"):
            return build(*args, **kwargs)

    return in_french


def read_text(html: str | None, source: str) -> str:
    """What a reader sees of a Markdown text (so snippets show no `####` or
    `**`); its source when no HTML was stored."""
    return html_text(html) if html else source


@_in_french
def member_document(member: Member) -> Document | None:
    """A member's profile as a document; None when it must not be found."""
    if not member.active:
        return None
    defis = [f"{m.defi.title} ({m.role_label})" for m in member.defi_memberships]
    promotions = [p.label for p in member.promotions]
    body = " · ".join(
        part
        for part in (
            member.headline,
            member.public_city,
            member.role_label,
            *promotions,
            *defis,
            read_text(member.bio_html, member.bio),
        )
        if part
    )
    richness = 0.9 + 0.05 * min(len(member.skills), 4) + (0.1 if member.bio else 0)
    return Document(
        kind="member",
        id=member.id,
        title=member.display_name,
        body=body,
        tags=[s.name for s in member.skills],
        url=f"/members/{member.username}",
        facets={
            "promotion": sorted({str(p.year) for p in member.promotions}),
            "skill": [s.name for s in member.skills],
            "role": [member.role],
        },
        boost=_clamp(richness),
        updated_at=member.updated_at,
    )


def defi_document(defi: Defi) -> Document:
    """A défi page as a document."""
    figures = [
        f"{f.get('amount', '')} {f.get('description', '')}"
        for f in defi.key_figures or []
    ]
    outputs = [
        f"{r.get('title', '')} {r.get('description', '')}"
        for r in defi.realisations or []
    ]
    body = "\n".join(
        part
        for part in (
            defi.tagline,
            defi.administration.name,
            defi.establishment or "",
            defi.location,
            read_text(defi.description_html, defi.description or ""),
            *figures,
            *outputs,
            *(defi.aliases or []),
        )
        if part
    )
    recency = 0.95 + 0.01 * max(0, min(defi.year - 2017, 8))
    richness = 0.1 if defi.description else 0.0
    return Document(
        kind="defi",
        id=defi.id,
        title=defi.title,
        body=body,
        tags=[t.name for t in defi.themes] + [s.name for s in defi.expertises],
        url=f"/defis/{defi.slug}",
        facets={
            "promotion": [str(defi.year)],
            "tag": [t.name for t in defi.themes],
            "skill": [s.name for s in defi.expertises],
        },
        boost=_clamp(recency + richness),
        updated_at=defi.updated_at,
    )


def message_document(message: Message) -> Document | None:
    """A channel message; only the channel's readers may find a private one.

    The title names the channel, not the author, whose name could change or who
    could leave: the message stays, as the channel page shows it.
    """
    if message.deleted or message.held:
        return None
    channel = message.channel
    question = message.question
    if question is not None:
        return _question_document(message, question)
    return Document(
        kind="message",
        id=message.id,
        title=f"# {channel.name}",
        body=read_text(message.html, message.body),
        url=f"/channels/{channel.slug}#message-{message.id}",
        facets={"channel": [channel.slug]},
        access=[channel.access_key],
        # An accepted answer is what the next person asking wants to find.
        boost=1.2 if message.answered is not None else 0.9,
        updated_at=message.edited_at or message.created_at,
    )


def _question_document(message: Message, question) -> Document:
    """A question's first message: found by its title and tags, ranked higher
    once solved, and opening on its thread."""
    channel = message.channel
    return Document(
        kind="message",
        id=message.id,
        title=question.title,
        body=read_text(message.html, message.body),
        tags=[tag.name for tag in question.tags],
        url=f"/channels/{channel.slug}?thread={message.id}",
        facets={"channel": [channel.slug]},
        access=[channel.access_key],
        boost=1.5 if question.accepted_message_id is not None else 1.0,
        updated_at=message.edited_at or message.created_at,
    )


@_in_french
def resource_document(resource: Resource) -> Document | None:
    """A shared resource; a hidden one (moderation) is not found."""
    if resource.hidden:
        return None
    repository = resource.repository
    body = "\n".join(
        part
        for part in (
            str(KIND_LABELS[resource.kind]),
            resource.defi.title if resource.defi else "",
            f"{repository.forge} {repository.label}" if repository else "",
            resource.file_name or "",
            licence_label(resource.licence) if resource.licence else "",
            read_text(resource.description_html, resource.description),
        )
        if part
    )
    promotion = [str(resource.defi.year)] if resource.defi else []
    return Document(
        kind="resource",
        id=resource.id,
        title=resource.title,
        body=body,
        tags=[t.name for t in resource.tags],
        url=f"/resources/{resource.id}",
        facets={
            "tag": [t.name for t in resource.tags],
            "resource_kind": [resource.kind],
            "promotion": promotion,
        },
        boost=_clamp(1.0 + (0.05 if resource.description else 0.0)),
        updated_at=resource.updated_at,
    )
