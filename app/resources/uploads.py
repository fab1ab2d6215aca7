"""Uploaded files: checked, stored outside the static folder under generated names.

The resource services write a file before their commit and delete it if the
commit fails; a deleted resource's file goes after the commit.
"""

import logging
import os
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import IO

from flask import current_app
from flask_babel import gettext as _

from app.errors import Invalid, about_field
from app.resources.filetypes import detect

log = logging.getLogger(__name__)
CHUNK = 1 << 16
MAX_NAME = 200


@dataclass(frozen=True)
class Upload:
    """A file as a member sent it: the name their browser gave, and its bytes."""

    filename: str
    stream: IO[bytes]


@dataclass(frozen=True)
class StoredFile:
    key: str  # the generated name on disk
    name: str  # the name shown and offered on download
    mime: str
    size: int


def folder() -> Path:
    """Where uploads live: UPLOAD_FOLDER, by default the instance folder's uploads/."""
    configured = current_app.config.get("UPLOAD_FOLDER")
    path = (
        Path(configured) if configured else Path(current_app.instance_path) / "uploads"
    )
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def max_bytes() -> int:
    return int(current_app.config["UPLOAD_MAX_BYTES"])


def path_of(key: str) -> Path:
    """The file stored under a generated key (never a name a member chose)."""
    if not key or not key.replace("-", "").replace("_", "").isalnum():
        raise ValueError("not a generated upload key")
    return folder() / key


def clean_filename(name: str) -> str:
    """The member's file name if it is a plain name; Invalid otherwise.

    NFKC first: fullwidth `．．／` is `../` once a browser or the ASCII download
    name folds it, so it is checked in that form.
    """
    name = unicodedata.normalize("NFKC", (name or "").strip())
    if not name:
        raise Invalid(_("Le fichier envoyé n’a pas de nom."))
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in name):
        raise Invalid(
            _("Nom de fichier refusé : il contient des caractères de contrôle.")
        )
    if "/" in name or "\\" in name or not name.strip("."):
        raise Invalid(_("Nom de fichier refusé : donnez un simple nom, sans chemin."))
    if len(name) > MAX_NAME:
        raise Invalid(
            _(
                "Nom de fichier trop long (%(most)s caractères au plus).",
                most=MAX_NAME,
            )
        )
    return name


def _download_name(name: str, extension: str) -> str:
    """The name with the extension of what the file really is."""
    stem, suffix = PurePath(name).stem, PurePath(name).suffix.lower()
    if suffix == extension or (extension == ".jpg" and suffix == ".jpeg"):
        return name
    if extension == ".gz" and name.lower().endswith((".tar.gz", ".tgz")):
        return name
    return (stem or "fichier") + extension


def readable_size(size: int) -> str:
    """20 Mo, 100 Ko: sizes as the messages show them."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.3g}\u00a0Mo"
    return f"{max(size // 1024, 1)}\u00a0Ko"


def _copy(stream: IO[bytes], target: Path, limit: int) -> int:
    """Copy at most `limit` bytes; Invalid (and nothing kept) beyond."""
    size = 0
    with target.open("xb") as out:
        while chunk := stream.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise Invalid(
                    _(
                        "Le fichier dépasse la taille maximale (%(size)s).",
                        size=readable_size(limit),
                    )
                )
            out.write(chunk)
        out.flush()
        os.fsync(out.fileno())
    if size == 0:
        raise Invalid(_("Le fichier envoyé est vide."))
    return size


def save(upload: Upload) -> StoredFile:
    """Check and store an upload; Invalid, and nothing left on disk, if refused.

    The refusal names the form's `file` field: a form shows it under that field.
    """
    key = secrets.token_urlsafe(24)
    partial = folder() / f"{key}.part"
    try:
        with about_field("file"):
            name = clean_filename(upload.filename)
            size = _copy(upload.stream, partial, max_bytes())
            kind = detect(partial)
        os.link(partial, path_of(key))  # unlike a rename, never overwrites a file
    finally:
        partial.unlink(missing_ok=True)
    return StoredFile(key, _download_name(name, kind.extension), kind.mime, size)


def delete(key: str | None) -> None:
    """Remove a stored file; a missing one is only logged."""
    if not key:
        return
    try:
        path_of(key).unlink()
    except FileNotFoundError:
        log.warning("Upload %s was already gone", key)


def stray_files(known_keys: set[str], min_age_seconds: float) -> list[Path]:
    """Files of the upload folder no resource names, older than `min_age_seconds`:
    what a process stopped between writing a file and committing left behind."""
    import time

    limit = time.time() - min_age_seconds
    return [
        path
        for path in folder().iterdir()
        if path.is_file()
        and path.name.removesuffix(".part") not in known_keys
        and path.stat().st_mtime < limit
    ]
