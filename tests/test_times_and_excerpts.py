"""What a reply shows of its parent, and the times a page shows before the
browser puts them in its own zone."""

from datetime import UTC, datetime

from app.text import html_excerpt
from app.timeutil import isoformat, local_date, local_text


def test_an_excerpt_is_the_read_text_not_the_markdown():
    html = "<h4>Les ambitions</h4><p>Un <b>pipeline</b> &amp; <code>x</code></p>"
    assert html_excerpt(html) == "Les ambitions Un pipeline & x"


def test_a_long_excerpt_is_cut_at_a_word_with_an_ellipsis():
    text = html_excerpt("<p>" + "données ouvertes, " * 20 + "</p>", size=40)
    assert text == "données ouvertes, données ouvertes…"
    assert len(text) <= 41


def test_one_long_word_is_cut_where_it_must_be():
    assert html_excerpt("<p>" + "a" * 300 + "</p>", size=10) == "a" * 10 + "…"


def test_server_times_carry_their_offset_and_read_in_paris():
    winter = datetime(2026, 1, 14, 23, 57)  # naive, as SQLite gives it back: UTC
    assert isoformat(winter) == "2026-01-14T23:57:00+00:00"
    assert local_text(winter) == "15/01/2026 00:57"
    assert local_date(winter) == "15/01/2026"
    summer = datetime(2026, 7, 14, 23, 57, tzinfo=UTC)
    assert local_text(summer) == "15/07/2026 01:57"
