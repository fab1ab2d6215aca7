"""Markdown to safe HTML: markdown-it-py without raw HTML, then nh3's allow-list."""

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# "js-default" disables raw HTML (the default preset passes <script> through).
_md = MarkdownIt("js-default", {"linkify": False, "typographer": False})

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
    """Render member-written Markdown; nothing in it can run script or load content."""
    if not text:
        return Markup("")
    html = _md.render(text)
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
        filter_style_properties={"text-align"},
    )
    return Markup(clean)
