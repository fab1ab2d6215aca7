"""French by default, English on request, and catalogs that keep up with the code."""

import os
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from flask import render_template_string
from flask_babel import force_locale

from app.i18n import compile_translations
from tests.factories import make_member

ROOT = Path(__file__).resolve().parent.parent
ENGLISH_PO = ROOT / "app/translations/en/LC_MESSAGES/messages.po"


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True))[1]


def read_catalog(path: Path):
    with path.open("rb") as po_file:
        return read_po(po_file, locale="en")


def plural_forms(string: str | tuple[str, ...]) -> tuple[str, ...]:
    return string if isinstance(string, tuple) else (string,)


def test_pages_are_in_french_by_default(client):
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert html_lang(response) == "fr"
    assert "Se connecter" in html
    assert "Log in" not in html


def test_lang_en_gives_english_and_the_cookie_keeps_it(client):
    response = client.get("/?lang=en")
    html = response.get_data(as_text=True)
    assert html_lang(response) == "en"
    assert "Log in" in html
    assert "Se connecter" not in html
    assert "lang=en" in response.headers["Set-Cookie"]

    login_page = client.get("/auth/login")  # no ?lang: the cookie decides
    html = login_page.get_data(as_text=True)
    assert html_lang(login_page) == "en"
    assert "Username or email address" in html  # a lazily translated form label
    assert "Identifiant ou adresse e-mail" not in html


def test_lang_fr_switches_back_to_french(client):
    client.get("/?lang=en")
    response = client.get("/auth/login?lang=fr")
    assert html_lang(response) == "fr"
    assert html_lang(client.get("/")) == "fr"


def test_an_unknown_language_falls_back_to_french(client):
    response = client.get("/?lang=de")
    assert html_lang(response) == "fr"
    assert "Set-Cookie" not in response.headers


def test_the_language_switch_links_to_the_same_page_in_the_other_language(client):
    html = client.get("/auth/login").get_data(as_text=True)
    assert '<a class="fr-btn fr-icon-translate-2" href="/auth/login?lang=en"' in html
    assert 'lang="en" hreflang="en">English</a>' in html

    html = client.get("/auth/login?lang=en").get_data(as_text=True)
    assert 'href="/auth/login?lang=fr" lang="fr" hreflang="fr">Français</a>' in html
    assert ">English</a>" not in html


def test_flash_messages_and_error_pages_follow_the_language(client, auth):
    member = make_member(display_name="Camille Durand")
    client.get("/?lang=en")
    auth.login(member)
    html = client.get("/").get_data(as_text=True)
    assert "Welcome, Camille Durand!" in html
    assert "Hello Camille Durand" in html
    assert "Page not found" in client.get("/defis/nope").get_data(as_text=True)


def test_english_catalog_translates_every_entry():
    catalog = read_catalog(ENGLISH_PO)
    untranslated = [
        message.id
        for message in catalog
        if message.id and (message.fuzzy or not all(plural_forms(message.string)))
    ]
    assert untranslated == []
    assert len(catalog) > 100
    # Same %(name)s placeholders in the English as in the French.
    assert [message.id for message, errors in catalog.check() if errors] == []


def test_every_marked_string_is_in_the_english_catalog():
    """Run the extraction of babel.cfg: a newly marked string must be translated."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, "babel.cfg")
    extracted = {
        message
        for _file, _line, message, *_ in extract_from_dir(ROOT, method_map, options_map)
    }
    assert "Nom affiché" in extracted  # lazy_gettext (_l) labels of forms.py too
    in_catalog = {message.id for message in read_catalog(ENGLISH_PO) if message.id}
    missing = sorted(str(message) for message in extracted - in_catalog)
    assert missing == [], (
        "Marked strings missing from the English catalog; run the commands of "
        "README.md (Everyday commands) and translate them."
    )


@pytest.fixture
def catalogs(tmp_path):
    """A throwaway copy of the translations, as a fresh clone would have them."""
    source = tmp_path / "translations"
    po_path = source / "en/LC_MESSAGES/messages.po"
    po_path.parent.mkdir(parents=True)
    po_path.write_bytes(ENGLISH_PO.read_bytes())
    return source


def test_catalogs_compile_into_the_instance_folder_only_when_changed(
    app, catalogs, tmp_path
):
    app.instance_path = str(tmp_path / "instance")
    target = compile_translations(app, catalogs)
    mo_path = target / "en/LC_MESSAGES/messages.mo"
    assert app.config["BABEL_TRANSLATION_DIRECTORIES"] == str(target)
    assert mo_path.stat().st_size > 0
    assert list(mo_path.parent.iterdir()) == [mo_path]  # no temporary file left

    compiled_at = mo_path.stat().st_mtime_ns
    compile_translations(app, catalogs)
    assert mo_path.stat().st_mtime_ns == compiled_at  # up to date: left alone

    later = compiled_at + 10**9  # the .po edited after the last compilation
    os.utime(catalogs / "en/LC_MESSAGES/messages.po", ns=(later, later))
    compile_translations(app, catalogs)
    assert mo_path.stat().st_mtime_ns > compiled_at


def test_counts_are_written_as_the_reader_s_language_writes_them(app):
    page = "{{ ngettext('%(num)s membre', '%(num)s membres', n) }}"
    with app.test_request_context("/"):
        assert render_template_string(page, n=1234) == "1\u202f234 membres"
        assert render_template_string(page, n=0) == "0 membre"
    with app.test_request_context("/"), force_locale("en"):
        assert render_template_string(page, n=1234) == "1,234 members"
    given = "{{ ngettext('%(num)s membre', '%(num)s membres', 2, num='{num}') }}"
    with app.test_request_context("/"):
        assert render_template_string(given) == "{num} membres"  # a script fills it
