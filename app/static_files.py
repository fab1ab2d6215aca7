"""Static files under fingerprinted URLs, cached for a year by browsers.

`url_for("static", filename="dsfr/dsfr.main.min.css")` gives
`/static/<fingerprint>/dsfr/dsfr.main.min.css`, where the fingerprint is a hash of
every file of the top folder (`dsfr/`, `js/`...). A whole folder, not one file:
the DSFR stylesheet finds its fonts and icons by relative URLs, and the
JavaScript modules import one another, so those URLs carry the same
fingerprint and change with it.

A fingerprinted URL is answered with `Cache-Control: immutable` for a year: a
returning browser asks for nothing. Any other URL of a static file (an older
fingerprint, none at all) gets the current file with `no-cache`. In debug mode
every answer is `no-cache`, and a fingerprint is computed once a process:
the development server restarts when code changes, not when a stylesheet does.

Compression (brotli, zstd or gzip) is Flask-Compress's, for every response.
"""

import functools
import hashlib
import re
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Protocol, cast

from flask import Flask, current_app, send_from_directory

YEAR = 365 * 24 * 3600
IMMUTABLE = f"public, max-age={YEAR}, immutable"
FINGERPRINT = re.compile(r"[0-9a-f]{12}")


class _FileChunks(Protocol):
    """What a streamed `send_from_directory` response holds: a WSGI file wrapper."""

    def __iter__(self) -> Iterator[bytes]: ...

    def close(self) -> None: ...


def static_folder(app: Flask) -> str:
    """The app's static folder: Flask's default, which `create_app` keeps."""
    folder = app.static_folder
    assert folder is not None, "the app has a static folder"
    return folder


@functools.cache  # once a process: 1,100 files, 7 MB, 40 ms
def fingerprints(folder: Path) -> dict[str, str]:
    """{top folder or file name: hash of its files' names and contents}."""
    result = {}
    for top in sorted(folder.iterdir()):
        digest = hashlib.sha256()
        files = sorted(top.rglob("*")) if top.is_dir() else [top]
        for path in files:
            if path.is_file():
                digest.update(path.relative_to(folder).as_posix().encode())
                digest.update(path.read_bytes())
        result[top.name] = digest.hexdigest()[:12]
    return result


def install(app: Flask) -> None:
    """Fingerprint the URLs that url_for builds, and serve them."""
    prints = fingerprints(Path(static_folder(app)))
    app.extensions["static_fingerprints"] = prints

    @app.url_defaults
    def add_fingerprint(endpoint: str, values: dict) -> None:
        if endpoint != "static" or "filename" not in values:
            return
        filename = values["filename"]
        fingerprint = prints.get(filename.split("/", 1)[0])
        if fingerprint:
            values["filename"] = f"{fingerprint}/{filename}"

    app.view_functions["static"] = serve


def serve(filename: str):
    """A static file, with a year's cache when its fingerprint is the current one."""
    prints = current_app.extensions["static_fingerprints"]
    head, _, rest = filename.partition("/")
    current = False
    if rest and FINGERPRINT.fullmatch(head):
        current = prints.get(rest.split("/", 1)[0]) == head
        filename = rest
    response = send_from_directory(static_folder(current_app), filename)
    if response.is_streamed:  # read it now, so that Flask-Compress compresses it
        with closing(cast(_FileChunks, response.response)) as chunks:
            response.set_data(b"".join(chunks))
    if current and not current_app.debug:
        response.headers["Cache-Control"] = IMMUTABLE
    else:
        response.headers["Cache-Control"] = "no-cache"
    return response
