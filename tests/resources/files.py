"""Small real files of each kind, and the bad ones members might send."""

import io
import zipfile

from app.resources.uploads import Upload

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
CSV = "commune;population\nLyon;522250\nSaint-Étienne;173089\n".encode()
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64
SCRIPT = b"#!/bin/sh\necho a,b\n"
HTML = b"<html><body><script>alert(1)</script>a,b</body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'


def zipped(entries: dict[str, bytes], stored_first: str | None = None) -> bytes:
    """A zip archive of these entries (the first one stored, as ODF wants)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            method = zipfile.ZIP_STORED if name == stored_first else None
            archive.writestr(name, data, compress_type=method)
    return buffer.getvalue()


DOCX = zipped(
    {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
)
ODT = zipped(
    {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"},
    stored_first="mimetype",
)
ZIP = zipped({"lisezmoi.txt": b"Bonjour", "donnees/a.csv": CSV})
JAR = zipped({"META-INF/MANIFEST.MF": b"Main-Class: Evil\n", "Evil.class": b"\xca"})


def zip_bomb(megabytes: int = 30) -> bytes:
    """A small zip that would unpack into many megabytes of zeros."""
    return zipped({"zeros.bin": bytes(megabytes * 1024 * 1024)})


def upload(name: str, data: bytes) -> Upload:
    return Upload(filename=name, stream=io.BytesIO(data))
