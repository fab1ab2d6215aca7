"""Sharing resources: who may write what, bookmarks, comments and moderation.

Reading (lists, filters, visibility) lives in queries.py. A file is written
before the commit and deleted if the commit fails; a file a resource no longer
needs is deleted after the commit.
"""

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.audit import audit
from app.errors import Invalid, NotAllowed, NotFound
from app.extensions import db
from app.markdown import render_markdown
from app.members.models import Member
from app.notifications import hooks
from app.resources import uploads
from app.resources.fields import clean_fields, get_or_create_tags, refresh_search_text
from app.resources.models import Resource, ResourceBookmark, ResourceComment
from app.resources.queries import can_see
from app.resources.uploads import StoredFile, Upload
from app.timeutil import utcnow

MAX_COMMENT = 5000


# Sharing, editing, deleting ---------------------------------------------------


def can_edit_resource(actor: Member, resource: Resource) -> bool:
    """Its author and staff edit and delete a resource."""
    if not actor.is_authenticated or not actor.active:
        return False
    return actor.is_staff or (
        resource.author_id is not None and resource.author_id == actor.id
    )


def _apply(resource: Resource, clean: dict) -> None:
    if "tags" in clean:
        resource.tags = get_or_create_tags(clean.pop("tags"))
    for name, value in clean.items():
        setattr(resource, name, value)
    refresh_search_text(resource)


def _attach(resource: Resource, stored: StoredFile | None) -> None:
    resource.file_key = stored.key if stored is not None else None
    resource.file_name = stored.name if stored is not None else None
    resource.file_type = stored.mime if stored is not None else None
    resource.file_size = stored.size if stored is not None else None


def _commit(new_file: StoredFile | None = None, old_key: str | None = None) -> None:
    """Commit; on failure the new file goes, on success the replaced one."""
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        uploads.delete(new_file.key if new_file is not None else None)
        raise
    uploads.delete(old_key)


def share_resource(
    author: Member, *, upload: Upload | None = None, **fields
) -> Resource:
    """Share a resource: an address, an uploaded file, or both."""
    clean = clean_fields(fields, complete=True)
    if not clean.get("url") and upload is None:
        raise Invalid(
            _("Donnez l’adresse de la ressource ou joignez un fichier."), field="url"
        )
    resource = Resource(author=author, tags=[])
    _apply(resource, clean)
    stored = uploads.save(upload) if upload is not None else None  # checks first
    _attach(resource, stored)
    db.session.add(resource)
    _commit(new_file=stored)
    return resource


def update_resource(
    actor: Member,
    resource: Resource,
    *,
    upload: Upload | None = None,
    remove_file: bool = False,
    **fields,
) -> Resource:
    """Edit a resource (its author or staff); a new file replaces the old one."""
    if not can_edit_resource(actor, resource):
        raise NotAllowed(
            _("Seuls son auteur et l’équipe du programme modifient une ressource.")
        )
    clean = clean_fields(fields, complete=False)
    url = clean.get("url", resource.url)
    keeps_file = upload is not None or (resource.file_key and not remove_file)
    if not url and not keeps_file:
        raise Invalid(_("Une ressource a une adresse ou un fichier."), field="url")
    _apply(resource, clean)
    old_key = resource.file_key if (upload is not None or remove_file) else None
    stored = uploads.save(upload) if upload is not None else None
    if old_key or stored:
        _attach(resource, stored)
    if actor.id != resource.author_id:
        audit(actor, "resource.update", f"resource:{resource.id}")
    _commit(new_file=stored, old_key=old_key)
    return resource


def delete_resource(actor: Member, resource: Resource) -> None:
    """Delete a resource, its comments and bookmarks; its file after the commit."""
    if not can_edit_resource(actor, resource):
        raise NotAllowed(
            _("Seuls son auteur et l’équipe du programme suppriment une ressource.")
        )
    if actor.id != resource.author_id:
        audit(
            actor,
            "resource.delete",
            f"resource:{resource.id}",
            {"title": resource.title},
        )
    key = resource.file_key
    db.session.delete(resource)
    _commit(old_key=key)


def set_hidden(actor: Member, resource: Resource, hidden: bool) -> None:
    """Staff hide a resource (moderation) or show it again; both are audited."""
    if not actor.is_staff:
        raise NotAllowed(_("Seule l’équipe du programme modère les ressources."))
    resource.hidden_at = utcnow() if hidden else None
    resource.hidden_by_id = actor.id if hidden else None
    action = "resource.hide" if hidden else "resource.show"
    audit(actor, action, f"resource:{resource.id}", {"title": resource.title})
    db.session.commit()


# Bookmarks and comments -------------------------------------------------------


def _check_visible(member: Member, resource: Resource) -> None:
    if not can_see(member, resource):
        raise NotFound(_("Cette ressource n’existe pas."))


def set_bookmark(member: Member, resource: Resource, bookmarked: bool) -> bool:
    """Add the resource to the member's bookmarks, or take it out."""
    _check_visible(member, resource)
    mine = db.session.get(ResourceBookmark, (resource.id, member.id))
    if bookmarked and mine is None:
        db.session.add(ResourceBookmark(resource_id=resource.id, member_id=member.id))
    elif not bookmarked and mine is not None:
        db.session.delete(mine)
    try:
        db.session.commit()
    except IntegrityError:  # the same click, twice at once: it is bookmarked
        db.session.rollback()
    return bookmarked


def add_comment(author: Member, resource: Resource, body: object) -> ResourceComment:
    """Comment on a resource (Markdown, sanitised); then `comment_posted`."""
    _check_visible(author, resource)
    if resource.hidden:
        raise NotAllowed(
            _("Cette ressource est masquée : on ne peut plus la commenter.")
        )
    if not isinstance(body, str) or not body.strip():
        raise Invalid(_("Le commentaire est vide."), field="body")
    if len(body) > MAX_COMMENT:
        raise Invalid(
            _(
                "Le commentaire est trop long (%(most)s caractères au plus).",
                most=MAX_COMMENT,
            ),
            field="body",
        )
    body = body.strip()
    comment = ResourceComment(
        resource=resource, author=author, body=body, html=str(render_markdown(body))
    )
    db.session.add(comment)
    db.session.commit()
    comment_posted(comment)
    return comment


def comment_posted(comment: ResourceComment) -> None:
    """After a comment is committed: the resource's author is told."""
    owner, author = comment.resource.author, comment.author
    if owner is not None and owner.active and author is not None:
        hooks.notify_resource_comment(author, comment.resource, owner)


def delete_comment(actor: Member, comment_id: int) -> None:
    """Its author, or staff moderating, removes a comment."""
    comment = db.session.get(ResourceComment, comment_id)
    if comment is None or not can_see(actor, comment.resource):
        raise NotFound(_("Ce commentaire n’existe pas."))
    if comment.author_id != actor.id:
        if not actor.is_staff:
            raise NotAllowed(_("Seul son auteur peut supprimer ce commentaire."))
        audit(actor, "resource.comment.delete", f"resource:{comment.resource_id}")
    db.session.delete(comment)
    db.session.commit()


def remove_stray_files(min_age_seconds: float = 3600) -> int:
    """Delete uploads no resource refers to (left by a crash); returns how many."""
    rows = db.session.scalars(
        select(Resource.file_key).where(Resource.file_key.is_not(None))
    )
    keys = {key for key in rows if key is not None}
    stray = uploads.stray_files(keys, min_age_seconds)
    for path in stray:
        path.unlink(missing_ok=True)
    return len(stray)
