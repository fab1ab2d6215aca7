"""The repositories of the défi data set, offered as resources of their défis."""

from collections.abc import Iterable
from urllib.parse import urlsplit

from sqlalchemy import select

from app.defis.models import Defi
from app.errors import Invalid
from app.extensions import db
from app.resources.fields import clean_url, refresh_search_text
from app.resources.forges import repository_of
from app.resources.models import Resource


def _title(url: str) -> tuple[str, str]:
    """(kind, title) for a repository URL of the data set."""
    repository = repository_of(url)
    if repository is None:
        return "link", urlsplit(url).hostname or url
    if repository.name is None:
        return "code", f"{repository.owner} ({repository.forge})"
    return "code", repository.name


def _resource(defi: Defi, url: str) -> Resource:
    kind, title = _title(url)
    resource = Resource(
        kind=kind,
        title=title[:160],
        url=url,
        description=(
            f"Code source du défi « {defi.title} » ({defi.year}), "
            "tel que le publie le site du programme EIG."
        ),
        licence="",
        defi=defi,
        author=None,
        tags=[],
    )
    refresh_search_text(resource)
    return resource


def offer_repositories(defis: Iterable[Defi]) -> int:
    """Add each défi's repositories as its resources, once; returns how many added.

    Runs inside the caller's transaction (flask seed-defis) and does not commit.
    """
    known = {
        (row.defi_id, row.url)
        for row in db.session.execute(
            select(Resource.defi_id, Resource.url).where(Resource.url.is_not(None))
        )
    }
    added = 0
    for defi in defis:
        for raw in defi.repositories or []:
            try:
                url = clean_url(raw)
            except Invalid:
                continue  # not an http(s) address: nothing to offer
            if url is None or (defi.id, url) in known:
                continue
            db.session.add(_resource(defi, url))
            known.add((defi.id, url))
            added += 1
    return added
