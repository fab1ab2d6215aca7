"""The DSFR icons EIG Link uses, and a stylesheet with only those.

The DSFR's icon stylesheet declares its 1,500 icons (214 kB) where the pages
use about 25. `flask dsfr-icons` keeps the rules of the icons named in the
templates, scripts and Python code, and writes them to ICONS_SUBSET, which
base.html loads; a test fails when a new icon is used before the command is
run again. The rules are read with tinycss2, a CSS parser, and left as written.
"""

import re
from pathlib import Path

import tinycss2

APP = Path(__file__).resolve().parent
DSFR_ICONS = APP / "static" / "dsfr" / "utility" / "icons" / "icons.main.min.css"
ICONS_SUBSET = DSFR_ICONS.with_name("icons.subset.min.css")
SOURCES = ("templates/**/*.html", "static/js/*.js", "**/*.py")
ICON_CLASS = re.compile(r"\bfr-(?:icon|fi)-[a-z0-9]+(?:-[a-z0-9]+)*")
HEADER = (
    "/* The DSFR icons EIG Link uses, from icons.main.min.css (DSFR, Etalab-2.0,"
    " see ../../LICENSE.md). Written by `flask dsfr-icons`: do not edit. */\n"
)


def used_icons(root: Path = APP) -> set[str]:
    """The icon classes (fr-icon-…, fr-fi-…) written in the app's sources."""
    names: set[str] = set()
    for pattern in SOURCES:
        for path in root.glob(pattern):
            names.update(ICON_CLASS.findall(path.read_text(encoding="utf-8")))
    return names


def subset(css: str, names: set[str]) -> str:
    """The qualified rules of `css` whose selector names one of `names`."""
    kept = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True):
        if rule.type != "qualified-rule":
            continue  # the DSFR's empty @media blocks, the licence comment
        selector = tinycss2.serialize(rule.prelude)
        if names & set(ICON_CLASS.findall(selector)):
            kept.append(f"{selector}{{{tinycss2.serialize(rule.content)}}}")
    return HEADER + "".join(kept) + "\n"


def write_subset() -> tuple[int, int]:
    """Rewrite ICONS_SUBSET; (icons used, rules written)."""
    names = used_icons()
    css = subset(DSFR_ICONS.read_text(encoding="utf-8"), names)
    ICONS_SUBSET.write_text(css, encoding="utf-8")
    return len(names), css.count("{")
