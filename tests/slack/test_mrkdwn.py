"""Every mrkdwn form becomes Markdown; no Slack token survives."""

import re

import pytest

from app.markdown import render_markdown as render
from app.slack.mrkdwn import Person, emoji_character, to_markdown

PEOPLE = {
    "U1": Person("Alice Martin", "alice"),  # a member
    "U2": Person("Bruno Ancien"),  # kept as a named imported author
}
CHANNELS = {"C1": ("entraide", "/channels/entraide")}


def convert(text: str) -> str:
    return to_markdown(text, PEOPLE.get, CHANNELS.get)


@pytest.mark.parametrize(
    ("slack", "markdown"),
    [
        ("Merci <@U1> !", "Merci @alice !"),
        ("Merci <@U1|alice.m> !", "Merci @alice !"),
        ("Vu avec <@U2>", "Vu avec Bruno Ancien"),
        ("Vu avec <@U9|carole>", "Vu avec carole"),  # missing from users.json
        ("Voir <#C1|entraide>", "Voir [#entraide](/channels/entraide)"),
        ("Voir <#C7|archives>", "Voir #archives"),  # not imported
        ("<!channel> réunion", "@channel réunion"),
        ("<!here> qui est là ?", "@here qui est là ?"),
        ("<!subteam^S1|@design> avis ?", "@design avis ?"),
        ("<https://beta.gouv.fr|le site>", "[le site](https://beta.gouv.fr)"),
        ("<https://beta.gouv.fr>", "[https://beta.gouv.fr](https://beta.gouv.fr)"),
        ("<mailto:a@b.fr|écrire>", "[écrire](mailto:a@b.fr)"),
        ("<mailto:a@b.fr>", "[a@b.fr](mailto:a@b.fr)"),
        ("R&amp;D &lt;3 &gt; 2", "R&D <3 > 2"),
        ("*gras* et _italique_ et ~barré~", "**gras** et *italique* et ~~barré~~"),
        ("snake_case_name et 2*3*4", "snake_case_name et 2*3*4"),
        ("`*pas* <converti>`", "`*pas* <converti>`"),
        ("```\nif a &lt; b:\n    *x*\n```", "```\nif a < b:\n    *x*\n```"),
        (":tada: bravo :+1::skin-tone-3:", "🎉 bravo 👍🏼"),
        (":emoji_maison: reste", ":emoji_maison: reste"),
    ],
)
def test_each_mrkdwn_form(slack, markdown):
    assert convert(slack) == markdown


def test_no_slack_token_survives_a_busy_message():
    text = (
        "<!channel> <@U1> et <@U2|bruno> : voir <#C1|entraide>, "
        "<https://a.fr/x?y=1&amp;z=2|la doc> &amp; <mailto:x@y.fr|x> :tada:"
    )
    result = convert(text)
    assert not re.search(r"<[@#!]|<https?:|<mailto:|&lt;|&gt;|&amp;", result)
    assert "[la doc](https://a.fr/x?y=1&z=2)" in result


def test_the_result_renders_through_the_message_sanitiser():
    html = render(convert("*Important* : <https://a.fr|lien> <script>"))
    assert "<strong>Important</strong>" in html
    assert '<a href="https://a.fr"' in html
    assert "<script>" not in html


def test_skin_tones_and_unknown_names():
    assert emoji_character("wave", "5") == "👋🏾"
    assert emoji_character("pas_un_emoji") is None
