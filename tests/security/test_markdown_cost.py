"""Markdown costs at most linear CPU, is refused when it would not, and is
rendered once, on write: reading a page or a list renders nothing."""

import contextlib
import gc
import time

import pytest

from app import markdown
from app.auth.services import create_api_token
from app.channels.services import MAX_BODY, create_channel, list_messages
from app.defis.services import TEXT_LIMITS
from app.extensions import db, socketio
from app.markdown import TooComplex, check_markdown
from app.members.services import PROFILE_LIMITS
from app.resources.fields import LIMITS as RESOURCE_LIMITS
from app.resources.models import Resource
from tests.factories import make_defi, make_member, make_resource

# The longest text each field takes.
FIELDS = {
    "message": MAX_BODY,
    "bio": PROFILE_LIMITS["bio"],
    "resource description": RESOURCE_LIMITS["description"],
    "défi description": TEXT_LIMITS["description"],
}

# The shapes that cost markdown-it the most, as a function of their length.
SHAPES = {
    "[![ runs": "[![",
    "[! runs": "[!",
    "opening brackets": "[",
    "bracket per line": "[a\n",
    "reference runs": "[a][",
    "code and brackets": "`[",
    "images": "![",
    "nested brackets": None,  # n/2 "[" then n/2 "]"
    "emphasis": "*a",
    "nested emphasis": "**_",
    "strikethrough": "~~a",
    "autolinks": "<http:",
    "angle brackets": "<",
    "backticks": "a`",
    "blockquotes": ">",
    "entities": "&a",
    "escapes": "\\",
    "nested lists": None,
    "wide table": None,
}


def shape(name: str, n: int) -> str:
    """`n` characters of that shape."""
    if name == "nested brackets":
        return "[" * (n // 2) + "]" * (n - n // 2)
    if name == "nested lists":
        lines = ("  " * (i % 200) + "- a\n" for i in range(n))
        return "".join(lines)[:n]
    if name == "wide table":
        cells = n // 4
        return ("|" + "a|" * cells + "\n|" + "-|" * cells + "\n")[:n]
    unit = SHAPES[name]
    return (unit * (n // len(unit) + 1))[:n]


def once(text: str) -> float:
    """CPU seconds this thread spends on the write path for this text (other
    threads of the test process, search indexing or mail, do not count, nor
    does a garbage collection of the whole test process's heap)."""
    markdown._render.cache_clear()  # a cached render would cost nothing
    gc.collect()
    gc.disable()
    try:
        start = time.thread_time()
        with contextlib.suppress(TooComplex):
            check_markdown(text)
        return time.thread_time() - start
    finally:
        gc.enable()


def costs(*texts: str) -> list[float]:
    """Best of 5 for each text, measured in turns so that a busy moment of the
    machine weighs on all of them alike."""
    best = [float("inf")] * len(texts)
    for _ in range(5):
        for i, text in enumerate(texts):
            best[i] = min(best[i], once(text))
    return best


@pytest.mark.parametrize("longest", sorted(set(FIELDS.values())))
@pytest.mark.parametrize("name", SHAPES)
def test_doubling_a_worst_shape_at_most_triples_its_cost(longest, name):
    """Each field's longest text (fields of one length are measured once)."""
    half, full = costs(shape(name, longest // 2), shape(name, longest))
    # Under 50 ms (no one notices), timer and cache noise is all there is to see.
    assert full <= 3 * max(half, 0.05), f"{name}: {half:.3f}s then {full:.3f}s"
    # Before the bound, 20,000 characters of `[![` cost about 3 s (150 µs each).
    assert full <= 40e-6 * longest, f"{name}: {full:.3f}s for {longest} characters"


def test_ordinary_markdown_at_the_longest_size_is_not_refused():
    line = (
        "Voir [le dépôt](https://example.org/a) et ![logo](https://example.org/l.png),"
        " [![badge](https://example.org/b.svg)](https://example.org), **gras**,"
        " `code [x]`, [réf][r], [[note]] et [a [b] c](https://example.org).\n"
    )
    text = (line * (FIELDS["défi description"] // len(line)))[:-200]
    text += "\n\n[r]: https://example.org/ref\n"
    html = str(markdown.render_markdown(text))
    assert html.count('<a href="https://example.org/a"') > 50


WORST = shape("[![ runs", 2000)


def test_a_costly_bio_is_refused_with_a_french_message(client, auth):
    member = make_member()
    auth.login(member)
    page = client.post(
        f"/members/{member.username}/edit",
        data={"display_name": member.display_name, "bio": WORST},
    )
    assert "trop complexe" in page.get_data(as_text=True)
    assert member.bio == "" and member.bio_html == ""


def test_a_costly_resource_description_gets_a_400_from_the_api(app):
    _, raw = create_api_token(make_member(), "tests")
    client = app.test_client(use_cookies=False)
    response = client.post(
        "/api/v1/resources",
        headers={"Authorization": f"Bearer {raw}"},
        json={
            "kind": "code",
            "title": "Outil",
            "url": "https://example.org/o",
            "description": WORST,
        },
    )
    assert response.status_code == 400
    assert "trop complexe" in response.get_json()["error"]["message"]
    assert Resource.query.count() == 0


def test_a_costly_message_gets_an_error_ack_and_no_preview(app, client, auth):
    alice = make_member(username="alice")
    channel = create_channel(alice, name="Salon")
    auth.login(alice)
    socket = socketio.test_client(app, flask_test_client=client)
    for event, data in (
        ("preview", {"body": WORST}),
        ("send_message", {"channel": channel.slug, "body": WORST}),
    ):
        ack = socket.emit(event, data, callback=True)
        assert ack["ok"] is False and "trop complexe" in ack["error"], event
    assert list_messages(alice, channel) == []


def test_a_list_of_five_costly_resources_renders_no_markdown(client, auth, monkeypatch):
    """Texts stored before the bound (or by an import) are kept as plain
    paragraphs; the list serves what is stored and renders nothing."""
    auth.login(make_member())
    longest = FIELDS["resource description"]
    for n in range(5):
        make_resource(description="ok", title=f"Lourde {n}")
    for resource in Resource.query.all():  # written as an import would
        resource.description = shape("[![ runs", longest)
    db.session.commit()
    renders = []
    monkeypatch.setattr(markdown._md, "render", lambda *a: renders.append(a))
    start = time.thread_time()
    response = client.get("/api/v1/resources?per_page=5")
    spent = time.thread_time() - start
    items = response.get_json()["items"]
    assert len(items) == 5 and renders == []
    assert all(i["description_html"].startswith("<p>[![[![") for i in items)
    assert spent < 0.5


def test_pages_show_the_stored_html(client, auth):
    member = make_member(bio="Je fais de la **cartographie**.")
    defi = make_defi(description="Un défi _ouvert_.")
    resource = make_resource(description="Un `outil`.")
    auth.login(member)
    for path, html in (
        (f"/members/{member.username}", "<strong>cartographie</strong>"),
        (f"/defis/{defi.slug}", "<em>ouvert</em>"),
        (f"/resources/{resource.id}", "<code>outil</code>"),
    ):
        assert html in client.get(path).get_data(as_text=True), path
