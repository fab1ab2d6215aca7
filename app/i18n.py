"""Translations: compile the .po catalogs into the instance folder at start-up.

The repository holds only text catalogs (app/translations/<lang>/LC_MESSAGES/*.po);
the binary .mo files Flask-Babel reads are derived data, like the search index.
"""

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask

SOURCE_DIR = Path(__file__).parent / "translations"


def compile_translations(app: Flask, source: Path = SOURCE_DIR) -> Path:
    """Write a .mo beside the instance for every newer .po; point Flask-Babel there."""
    target = Path(app.instance_path) / "translations"
    for po_path in sorted(source.glob("*/LC_MESSAGES/*.po")):
        mo_path = target / po_path.relative_to(source).with_suffix(".mo")
        if _up_to_date(mo_path, po_path):
            continue
        _compile(po_path, mo_path)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(target)
    return target


def _up_to_date(mo_path: Path, po_path: Path) -> bool:
    try:
        return mo_path.stat().st_mtime >= po_path.stat().st_mtime
    except FileNotFoundError:
        return False


def _compile(po_path: Path, mo_path: Path) -> None:
    """Compile one catalog; several processes may start at once, so swap it in."""
    locale = po_path.parent.parent.name
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=locale)
    mo_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=mo_path.parent, suffix=".mo.tmp")
    try:
        os.fchmod(fd, 0o644)  # mkstemp makes it private; it is no secret
        with os.fdopen(fd, "wb") as mo_file:
            # Fuzzy entries stay out, as with `pybabel compile`: better French
            # than a guessed translation.
            write_mo(mo_file, catalog, use_fuzzy=False)
        os.replace(tmp_name, mo_path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
