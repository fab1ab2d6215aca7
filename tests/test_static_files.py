"""A light page: fingerprinted static URLs cached for a year, compressed answers,
and only the DSFR icons the app uses."""

import gzip
import re
from pathlib import Path

import brotli
import pytest

from app import icons
from app.static_files import IMMUTABLE, fingerprints
from tests.factories import make_member

STATIC = Path(__file__).resolve().parent.parent / "app" / "static"
BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}
ASSET = re.compile(r'(?:href|src)="(/static/[^"]+)"')


@pytest.fixture
def home(client, auth):
    auth.login(make_member(username="alice"))
    return client.get("/").get_data(as_text=True)


def on_disk(url: str) -> bytes:
    """The file a fingerprinted URL names."""
    _, _, fingerprint, path = url.split("/", 3)
    assert re.fullmatch(r"[0-9a-f]{12}", fingerprint), url
    return (STATIC / path).read_bytes()


def test_every_asset_of_a_page_is_fingerprinted_and_cached_for_a_year(client, home):
    assets = ASSET.findall(home)
    assert len(assets) >= 6, assets
    for url in assets:
        response = client.get(url, headers=BROWSER)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == IMMUTABLE, url
        assert "nosniff" in response.headers["X-Content-Type-Options"]
        # A session cookie would make browsers fetch it again at each login.
        assert "Set-Cookie" not in response.headers, url
        assert "Cookie" not in response.headers["Vary"], url
        body = response.get_data()
        if response.headers.get("Content-Encoding") == "br":
            body = brotli.decompress(body)
        assert body == on_disk(url), url


def test_the_stylesheet_comes_compressed_with_brotli_or_gzip(client, home):
    url = next(u for u in ASSET.findall(home) if u.endswith("dsfr.main.min.css"))
    raw = on_disk(url)
    br = client.get(url, headers=BROWSER)
    assert br.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in br.headers["Vary"]
    assert len(br.get_data()) < len(raw) / 6
    assert brotli.decompress(br.get_data()) == raw
    gz = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(gz.get_data()) == raw
    plain = client.get(url)
    assert "Content-Encoding" not in plain.headers and plain.get_data() == raw


def test_pages_are_compressed_too(client, auth):
    auth.login(make_member(username="alice"))
    response = client.get("/", headers=BROWSER)
    assert response.headers["Content-Encoding"] == "br"
    assert b"EIG Link" in brotli.decompress(response.get_data())


def test_fonts_and_icons_found_by_relative_urls_share_the_fingerprint(client, home):
    css_url = next(u for u in ASSET.findall(home) if u.endswith("dsfr.main.min.css"))
    folder = css_url.rsplit("/", 1)[0]
    for relative in ("fonts/Marianne-Regular.woff2", "icons/system/add-line.svg"):
        response = client.get(f"{folder}/{relative}")
        assert response.status_code == 200, relative
        assert response.headers["Cache-Control"] == IMMUTABLE


def test_a_stale_or_missing_fingerprint_gets_the_current_file_revalidated(client):
    for url in ("/static/css/app.css", "/static/0123456789ab/css/app.css"):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "no-cache"
        assert response.get_data() == (STATIC / "css" / "app.css").read_bytes()


@pytest.mark.parametrize(
    "url",
    [
        "/static/0123456789ab/../../config.py",
        "/static/0123456789ab/%2e%2e/%2e%2e/config.py",
        "/static/nothing.css",
    ],
)
def test_nothing_outside_the_static_folder_is_served(client, url):
    assert client.get(url).status_code == 404


def test_a_changed_file_changes_its_folder_fingerprint_only(tmp_path):
    def folder(name: str, script: str) -> Path:
        root = tmp_path / name
        (root / "js").mkdir(parents=True)
        (root / "css").mkdir()
        (root / "js" / "a.js").write_text(script)
        (root / "css" / "a.css").write_text("p{}")
        return root

    before = fingerprints(folder("before", "let a = 1;"))
    after = fingerprints(folder("after", "let a = 2;"))
    assert before["js"] != after["js"]
    assert before["css"] == after["css"]


def test_the_icon_stylesheet_holds_every_icon_used_and_no_other():
    used = icons.used_icons()
    written = icons.ICONS_SUBSET.read_text(encoding="utf-8")
    expected = icons.subset(icons.DSFR_ICONS.read_text(encoding="utf-8"), used)
    assert written == expected, "an icon was added or removed: run flask dsfr-icons"
    missing = {n for n in used if not re.search(rf"\.{n}:before", written)}
    assert not missing, f"not DSFR icons: {sorted(missing)}"
    assert len(written) < 10_000


def test_the_busy_page_links_to_files_that_exist():
    from app.ops.overload import PAGE

    for url in ASSET.findall(PAGE):
        assert (STATIC / url.removeprefix("/static/")).is_file(), url
