"""What a file is, read from its bytes (never from its name), against an allow-list.

Archives are recognised by their signature and, for zip files, by the names in
their central directory: nothing is ever decompressed, so a zip bomb is only bytes.
"""

import codecs
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask_babel import gettext as _

from app.errors import Invalid


@dataclass(frozen=True)
class FileType:
    mime: str
    extension: str  # the one a download gets, with its dot


PDF = FileType("application/pdf", ".pdf")
PNG = FileType("image/png", ".png")
JPEG = FileType("image/jpeg", ".jpg")
GIF = FileType("image/gif", ".gif")
WEBP = FileType("image/webp", ".webp")
ZIP = FileType("application/zip", ".zip")
GZIP = FileType("application/gzip", ".gz")
TAR = FileType("application/x-tar", ".tar")
SEVEN_Z = FileType("application/x-7z-compressed", ".7z")
CSV = FileType("text/csv", ".csv")
OOXML = {
    "word/document.xml": FileType(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
    ),
    "xl/workbook.xml": FileType(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"
    ),
    "ppt/presentation.xml": FileType(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ".pptx",
    ),
}
ODF = {
    f"application/vnd.oasis.opendocument.{name}": FileType(
        f"application/vnd.oasis.opendocument.{name}", ext
    )
    for name, ext in (
        ("text", ".odt"),
        ("spreadsheet", ".ods"),
        ("presentation", ".odp"),
    )
}
ALLOWED_TEXT = (
    "PDF, documents bureautiques (docx, xlsx, pptx, odt, ods, odp), "
    "images (PNG, JPEG, GIF, WebP), CSV, archives (zip, tar, gz, 7z)"
)
SIGNATURES = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"\x1f\x8b", GZIP),
    (b"7z\xbc\xaf\x27\x1c", SEVEN_Z),
)
EXECUTABLES = (
    b"MZ",  # Windows
    b"\x7fELF",  # Linux
    b"\xcf\xfa\xed\xfe",  # macOS (Mach-O 64 bits)
    b"\xce\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # macOS universal binaries, Java classes
    b"#!",  # scripts
)
# Zip files that are programs: Java archives and Android packages.
PROGRAM_ENTRIES = ("META-INF/MANIFEST.MF", "AndroidManifest.xml", "classes.dex")
_CONTROL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
HEAD = 4096


def _refused(reason: str) -> Invalid:
    return Invalid(
        _(
            "%(reason)s Formats acceptés : %(formats)s.",
            reason=reason,
            formats=ALLOWED_TEXT,
        )
    )


def _zip_type(path: Path, head: bytes) -> FileType:
    """An office document or a plain zip: read from the directory, not unpacked."""
    mimetype = head[38:120].split(b"PK", 1)[0].decode("ascii", "replace")
    if head[30:38] == b"mimetype" and mimetype in ODF:
        return ODF[mimetype]
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refused(_("Cette archive zip est illisible.")) from None
    if any(name in names for name in PROGRAM_ENTRIES):
        raise _refused(_("Cette archive est un programme (Java ou Android) : refusée."))
    if "[Content_Types].xml" in names:
        for entry, kind in OOXML.items():
            if entry in names:
                return kind
    return ZIP


def _is_text(path: Path) -> bool:
    """UTF-8 (or Windows-1252) text without control characters."""
    for encoding in ("utf-8", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with path.open("rb") as file:
                while chunk := file.read(1 << 16):
                    if _CONTROL.search(chunk):
                        return False
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            return True
        except UnicodeDecodeError:
            continue
    return False


def _csv_type(path: Path, head: bytes) -> FileType | None:
    first_line = head.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    looks_like_markup = head.lstrip()[:1] in (b"<", b"{", b"[")
    if looks_like_markup or not any(sep in first_line for sep in b",;\t|"):
        return None
    return CSV if _is_text(path) else None


def detect(path: Path) -> FileType:
    """The allowed type of the file's content; Invalid, with the reason, otherwise."""
    with path.open("rb") as file:
        head = file.read(HEAD)
    if head.startswith(EXECUTABLES):
        raise _refused(_("Ce fichier est un programme exécutable : refusé."))
    for signature, kind in SIGNATURES:
        if head.startswith(signature):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_type(path, head)
    if head[257:262] == b"ustar":
        return TAR
    csv_kind = _csv_type(path, head)
    if csv_kind is None:
        raise _refused(_("Le contenu de ce fichier n’est pas d’un type accepté."))
    return csv_kind
