"""Slack's mrkdwn into EIG Link's Markdown.

Slack stores a message's text with its own markup: `<@U123>` mentions,
`<#C123|name>` channel links, `<!here>`, `<https://…|label>` links, the `&amp;`
`&lt;` `&gt;` escapes, `*bold*`, `_italic_`, `~strike~` and `:emoji:` names.
None of them may survive an import: each becomes what a member would have
written here. The result still goes through the message sanitiser like any
other message.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

import emoji

# Code keeps its text: nothing inside ``` or ` is converted, but escapes.
_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)
_ANGLE = re.compile(r"<([^<>\n]+)>")
_EMOJI = re.compile(r":([a-z0-9_+'\-]+):(?::skin-tone-([2-6]):)?")
_BOLD = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_ITALIC = re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_STRIKE = re.compile(r"(?<![\w~])~(?=\S)([^~\n]+?)(?<=\S)~(?![\w~])")
_SKIN_TONES = {str(n): chr(0x1F3FB + n - 2) for n in range(2, 7)}
_BROADCASTS = {"channel": "@channel", "here": "@here", "everyone": "@everyone"}
_HOLD = "\ue000{}\ue001"  # a converted piece, out of the way of the other rules
_HELD = re.compile("\ue000(\\d+)\ue001")


@dataclass(frozen=True)
class Person:
    """Whom a Slack user id designates: a member (by username) or just a name."""

    name: str
    username: str | None = None


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def emoji_character(name: str, skin_tone: str | None = None) -> str | None:
    """The character of a Slack emoji name ("+1", "tada"), None if unknown."""
    character = emoji.emojize(f":{name}:", language="alias")
    if character == f":{name}:":
        return None
    return character + (_SKIN_TONES.get(skin_tone or "", ""))


def _label(text: str) -> str:
    """A link's label, in Markdown brackets."""
    return unescape(text).replace("[", "\\[").replace("]", "\\]")


class _Converter:
    def __init__(self, people, channels) -> None:
        self.people: Callable[[str], Person | None] = people
        self.channels: Callable[[str], tuple[str, str] | None] = channels
        self.held: list[str] = []

    def hold(self, text: str) -> str:
        self.held.append(text)
        return _HOLD.format(len(self.held) - 1)

    def angle(self, match: re.Match) -> str:
        inside = match[1]
        target, _, label = inside.partition("|")
        if target.startswith("@"):
            return self.hold(self.mention(target[1:], label))
        if target.startswith("#"):
            return self.hold(self.channel(target[1:], label))
        if target.startswith("!"):
            return self.hold(self.special(target[1:], label))
        if re.match(r"(https?|mailto):", target):
            url = unescape(target).replace(" ", "%20").replace(")", "%29")
            text = label or target.removeprefix("mailto:")
            return self.hold(f"[{_label(text)}]({url})")
        return match[0]  # not a Slack token: text that happened to hold < >

    def mention(self, user_id: str, label: str) -> str:
        person = self.people(user_id)
        if person and person.username:
            return f"@{person.username}"
        return unescape(person.name if person else label or "quelqu’un")

    def channel(self, channel_id: str, label: str) -> str:
        found = self.channels(channel_id)
        if found is None:
            return f"#{unescape(label)}" if label else "#canal"
        name, path = found
        return f"[#{_label(name)}]({path})" if path else f"#{name}"

    def special(self, name: str, label: str) -> str:
        keyword = name.split("^")[0]
        if keyword in _BROADCASTS:
            return _BROADCASTS[keyword]
        return unescape(label) if label else ""

    def text(self, text: str) -> str:
        text = _ANGLE.sub(self.angle, text)
        text = _BOLD.sub(r"**\1**", text)
        text = _ITALIC.sub(r"*\1*", text)
        text = _STRIKE.sub(r"~~\1~~", text)
        text = _EMOJI.sub(lambda m: emoji_character(m[1], m[2]) or m[0], text)
        return unescape(text)

    def restore(self, text: str) -> str:
        return _HELD.sub(lambda m: self.held[int(m[1])], text)


def to_markdown(
    text: str,
    people: Callable[[str], Person | None],
    channels: Callable[[str], tuple[str, str] | None],
) -> str:
    """Convert one message's text.

    `people` gives the Person behind a Slack user id (None if unknown);
    `channels` gives the (name, path) of an imported channel (None if not;
    an empty path: the name alone, not a link).
    """
    converter = _Converter(people, channels)
    pieces, last = [], 0
    for code in _CODE.finditer(text or ""):
        pieces.append(converter.text(text[last : code.start()]))
        pieces.append(converter.hold(unescape(code[0])))
        last = code.end()
    pieces.append(converter.text((text or "")[last:]))
    return converter.restore("".join(pieces)).strip()
