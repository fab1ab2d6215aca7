"""What a reader sees and hears on a page: its text and the labels of its controls.

Shared by the scans that read every page: English left untranslated, French
typography and plurals.
"""

import re
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"}
VOID |= {"source", "track", "wbr"}
SPOKEN = ("aria-label", "title", "placeholder", "alt")
SILENT = {"script", "style", "code", "kbd", "pre", "samp"}  # not prose
# Elements that start a line of their own: their texts do not run into each other.
BLOCKS = {"address", "article", "aside", "blockquote", "br", "caption", "dd", "details"}
BLOCKS |= {"div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form"}
BLOCKS |= {"h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "legend", "li", "main"}
BLOCKS |= {"nav", "ol", "option", "p", "section", "summary", "table", "td", "th", "tr"}
BLOCKS |= {"ul"}
# Only ASCII white space folds: the non-breaking spaces are what French typography
# is about, and str.split() would fold them too.
ASCII_SPACES = re.compile(r"[ \t\r\f]+")
LINE_BREAKS = re.compile(r"[ \t\r\f\n]*\n[ \t\r\f\n]*")


class VisibleText(HTMLParser):
    """The prose outside scripts, styles and code (and lang="fr" elements, if asked)."""

    def __init__(self, skip_french: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.skip_french = skip_french
        self.parts: list[str] = []  # the text and labels, in page order
        self.text: list[str] = []  # the text alone, as it runs on
        self.labels: list[str] = []
        self.open: list[tuple[str, bool]] = []  # (tag, hidden from the scan)

    @property
    def hidden(self) -> bool:
        return bool(self.open) and self.open[-1][1]

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        french = self.skip_french and values.get("lang") == "fr"
        hidden = self.hidden or tag in SILENT or french
        if not hidden:
            labels = [values[name] for name in SPOKEN if values.get(name)]
            self.parts += labels
            self.labels += labels
        if tag not in VOID:
            self.open.append((tag, hidden))
        if tag in BLOCKS:
            self.text.append("\n")

    def handle_endtag(self, tag):
        if tag in BLOCKS:
            self.text.append("\n")
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                del self.open[index:]
                return

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)
            self.text.append(data)


def fold(text: str) -> str:
    return ASCII_SPACES.sub(" ", LINE_BREAKS.sub("\n", text)).strip()


def visible_text(html: str) -> str:
    """All of it on one line, French content left out."""
    parser = VisibleText(skip_french=True)
    parser.feed(html)
    return fold(" ".join(parser.parts)).replace("\n", " ")


def reading_runs(html: str) -> list[str]:
    """The page's text as it runs on, a line per block, then each label."""
    parser = VisibleText(skip_french=False)
    parser.feed(html)
    return [fold("".join(parser.text))] + [fold(label) for label in parser.labels]
