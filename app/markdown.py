"""Markdown to safe HTML: markdown-it-py without raw HTML, then nh3's allow-list.

Rendering is bounded: brackets that never close (`[![[![…`, `[[[…`) make
markdown-it rescan the rest of the paragraph at each one, up to seconds of CPU
for 20,000 characters. The inline parser counts that lookahead work, and a text
that needs more than WORK_PER_CHAR per character (plus WORK_BASE) is refused.
Ordinary texts, links and images included, need about 0.1 per character.
"""

import functools

import nh3
from flask_babel import lazy_gettext as _l
from markdown_it import MarkdownIt
from markdown_it.parser_inline import ParserInline
from markupsafe import Markup, escape
from sqlalchemy import event

from app.errors import Invalid

WORK_PER_CHAR = 2  # lookahead steps allowed per character of the text
WORK_BASE = 20_000  # and for any text: a few unclosed brackets are fine

TOO_COMPLEX = _l(
    "Ce texte est trop complexe à mettre en forme : trop de crochets « [ » "
    "sans « ] » ou imbriqués. Fermez-les, ou écrivez « \\[ » pour un crochet seul."
)


class TooComplex(Invalid):
    """The text would cost too much to render: the message says what to change."""

    def __init__(self) -> None:
        super().__init__(str(TOO_COMPLEX))


class _BudgetedInline(ParserInline):
    """markdown-it's inline parser, counting the lookahead steps of one render."""

    def skipToken(self, state) -> None:  # noqa: N802 (markdown-it's name)
        budget = state.env["work_left"]
        budget[0] -= 1
        if budget[0] < 0:
            raise TooComplex()
        super().skipToken(state)


# "js-default" disables raw HTML (the default preset passes <script> through).
_md = MarkdownIt("js-default", {"linkify": False, "typographer": False})
_md.inline = _BudgetedInline()  # the preset keeps every inline rule on

ALLOWED_TAGS = {
    "a",
    "p",
    "br",
    "hr",
    "strong",
    "em",
    "del",
    "s",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"style"},
    "td": {"style"},
    "ol": {"start"},
}


def render_markdown(text: str | None) -> Markup:
    """Render member-written Markdown; nothing in it can run script or load content.

    Raises TooComplex (an Invalid) when the text would cost too much to render."""
    if not text:
        return Markup("")
    return Markup(_render(text))


@functools.lru_cache(maxsize=16)  # a service checks a text, then stores its HTML
def _render(text: str) -> str:
    html = _md.render(text, {"work_left": [WORK_PER_CHAR * len(text) + WORK_BASE]})
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
        filter_style_properties={"text-align"},
    )
    return clean


def check_markdown(text: str | None) -> None:
    """Refuse, with a French message, a text too costly to render (TooComplex)."""
    render_markdown(text)


def render_stored(text: str | None) -> str:
    """The HTML stored with a text: rendered, or as plain paragraphs when the
    text is too costly (data written before the bound, seeds, imports)."""
    try:
        return str(render_markdown(text))
    except TooComplex:
        paragraphs = (text or "").split("\n\n")
        return "".join(f"<p>{escape(p)}</p>" for p in paragraphs if p.strip())


def keep_rendered(source, html_name: str) -> None:
    """Store the HTML of the `source` column in `html_name` whenever the text is
    written (forms, API, seeds, imports): pages and the API read it as stored."""

    @event.listens_for(source, "set")
    def render_on_write(target, value, _old, _initiator) -> None:
        setattr(target, html_name, render_stored(value))
