"""Translations: compile the .po catalogs into the instance folder at start-up.

The repository holds only text catalogs (app/translations/<lang>/LC_MESSAGES/*.po);
the binary .mo files Flask-Babel reads are derived data, like the search index.

French, the source language, gets a catalog too, derived from messages.pot: without
one, gettext picks the plural for every count but 1 ("0 membres"), where French
says "0 membre".
"""

import os
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask_babel import format_number, get_translations
from jinja2 import pass_context
from markupsafe import Markup

SOURCE_DIR = Path(__file__).parent / "translations"
SOURCE_LOCALE = "fr"


def compile_translations(app: Flask, source: Path = SOURCE_DIR) -> Path:
    """Write a .mo beside the instance for every newer .po; point Flask-Babel there."""
    target = Path(app.instance_path) / "translations"
    for po_path in sorted(source.glob("*/LC_MESSAGES/*.po")):
        mo_path = target / po_path.relative_to(source).with_suffix(".mo")
        if _up_to_date(mo_path, po_path):
            continue
        _write(_read_po(po_path), mo_path)
    template = source / "messages.pot"
    mo_path = target / SOURCE_LOCALE / "LC_MESSAGES" / "messages.mo"
    if template.exists() and not _up_to_date(mo_path, template):
        _write(_source_plurals(template), mo_path)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(target)
    return target


def _up_to_date(mo_path: Path, po_path: Path) -> bool:
    try:
        return mo_path.stat().st_mtime >= po_path.stat().st_mtime
    except FileNotFoundError:
        return False


def _read_po(po_path: Path) -> Catalog:
    with po_path.open("rb") as po_file:
        return read_po(po_file, locale=po_path.parent.parent.name)


def _source_plurals(template: Path) -> Catalog:
    """The plural messages, each its own translation, under French plural rules."""
    with template.open("rb") as pot_file:
        messages = read_po(pot_file)
    catalog = Catalog(locale=SOURCE_LOCALE)  # Plural-Forms: (n > 1)
    for message in messages:
        if message.id and message.pluralizable:
            catalog.add(message.id, string=message.id)
    return catalog


def _write(catalog: Catalog, mo_path: Path) -> None:
    """Compile one catalog; several processes may start at once, so swap it in."""
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


def format_counts(app: Flask) -> None:
    """Counts in templates as the reader's language writes them: "1 234" in
    French (a narrow no-break space), "1,234" in English. Jinja's own ngettext
    puts `num` in as a bare int; this one formats it, and otherwise behaves the
    same (autoescaping, a `num` given by the caller kept)."""

    @pass_context
    def ngettext(context, singular: str, plural: str, count: int, /, **variables):
        variables.setdefault("num", format_number(count))
        text = get_translations().ungettext(singular, plural, count)
        if context.eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    app.jinja_env.globals["ngettext"] = ngettext
