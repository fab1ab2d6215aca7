"""French done right in every interface text, so that it cannot come back.

French puts a non-breaking space before « : » and inside « guillemets », a narrow
one before « ; ! ? », and one between a number and its unit (20 Mo, 50 %); it
writes the typographic apostrophe (l’équipe), and says "0 membre" (singular for 0
and 1). Three scans hold every interface text to that: the messages marked for
translation, the templates' own text between their tags, and the pages as a
member and the programme team read them (the English side is
test_english_pages.py).
"""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from flask_babel import force_locale, get_translations, ngettext
from sqlalchemy import select

from app.auth import services as auth_services
from app.channels import services as channels
from app.defis import team_requests
from app.extensions import db
from app.mentoring import services as mentoring
from app.notifications.models import Notification
from app.questions import services as questions
from app.questions.models import Question
from tests.factories import make_defi, make_member, make_promotion, make_resource
from tests.page_text import reading_runs

ROOT = Path(__file__).resolve().parent.parent
LETTER = "A-Za-zÀ-ÖØ-öø-ÿŒœ"
RULES = {
    "ordinary space before ':' (U+00A0 needed)": re.compile(r" :"),
    "ordinary space before ';', '!' or '?' (U+202F needed)": re.compile(r" [;!?]"),
    "wide space before ';', '!' or '?' (U+202F needed)": re.compile("\u00a0[;!?]"),
    "no space before ';', '!' or '?'": re.compile(rf"[{LETTER}][;!?](?=\s|$)"),
    "no space before ':'": re.compile(rf"[{LETTER}]:(?=\s|$)"),
    "'«' without U+00A0 after it": re.compile("«(?!\u00a0)"),
    "'»' without U+00A0 before it": re.compile("(?<!\u00a0)»"),
    "ordinary space before a unit": re.compile(r"(?:\d|\)[sd]|\}) (?:Mo|Ko|Go|%|€)\b"),
    "straight apostrophe": re.compile(rf"[{LETTER}]'[{LETTER}%{{]"),
}
# "0 membres", "1 messages": 0 and 1 take the singular in French. Words whose
# singular ends in s are not plurals.
WRONG_PLURAL = re.compile(r"(?<![\d\u00a0\u202f.,])\b[01][ \u00a0\u202f](\w+s)\b")
INVARIABLE = {"mois", "fois", "cours", "accès", "temps", "succès", "refus", "avis"}
# A count that a plain gettext puts before a noun: ngettext must choose the form.
NOT_NOUNS = "dans|sans|sous|plus|vous|nous|mais|puis|depuis|après|très|mois|fois"
COUNT_BEFORE_NOUN = re.compile(
    rf"%\((?:num|count|total|\w+s)\)[sd][ \u00a0\u202f]+(?!(?:{NOT_NOUNS})\b)\w+s\b"
)
CODE = re.compile(r"<(code|kbd|pre)>.*?</\1>", re.S)


def problems_in(text: str) -> list[str]:
    """Each rule the text breaks, with the characters around the place."""
    text = CODE.sub("", text)
    found = []
    for rule, pattern in RULES.items():
        for match in pattern.finditer(text):
            start, end = max(0, match.start() - 40), match.end() + 20
            found.append(f"{rule}: …{text[start:end]}…")
    for match in WRONG_PLURAL.finditer(text):
        if match[1].lower() not in INVARIABLE:
            found.append(f"plural after 0 or 1: …{match[0]}…")
    return found


def extracted_messages() -> list[tuple[str, int, str | tuple[str, ...]]]:
    """The strings marked for translation, extracted as babel.cfg says."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg, "babel.cfg")
    return [
        (path, line, message)
        for path, line, message, *_ in extract_from_dir(ROOT, method_map, options_map)
    ]


def test_the_rules_catch_what_they_are_for():
    assert problems_in("Défi : Lab Santé")
    assert problems_in("Qui s'y connaît ?")
    assert problems_in("Qui s’y connaît?")
    assert problems_in("par exemple « NLP »")
    assert problems_in("20 Mo au plus")
    assert problems_in("0 membres")
    assert problems_in("1 messages non lus")
    assert problems_in("Vous n’avez pas accès à cette page\u00a0!")  # not narrow
    good = "Défi\u00a0: Lab Santé. Qui s’y connaît\u202f? «\u00a0NLP\u00a0», 20\u00a0Mo"
    assert problems_in(good) == []
    assert problems_in("0 membre, 1 mois, 2 membres, 10 messages, 2021 défis") == []
    assert problems_in("l’API (<code>Authorization: Bearer …</code>)") == []


def test_every_message_marked_for_translation_is_typeset_in_french():
    problems = []
    for path, line, message in extracted_messages():
        forms = message if isinstance(message, tuple) else (message,)
        for form in forms:
            problems += [f"{path}:{line}: {p}" for p in problems_in(form)]
        if not isinstance(message, tuple) and COUNT_BEFORE_NOUN.search(message):
            problems.append(f"{path}:{line}: a count before a noun, use ngettext")
    assert problems == [], "\n".join(problems)


TEMPLATE_CODE = re.compile(
    r"\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}|<script\b.*?</script>|<style\b.*?</style>"
    r'|<(\w+)[^>]*\blang="en"[^>]*>.*?</\1>'  # English, as on the busy page
    r"|<[^>]*>",
    re.S,
)


def template_text(source: str) -> str:
    """A template's own words: what stands between its tags and Jinja blocks.

    An expression becomes "{}" so that a rule still sees "{{ n }} Mo" or
    "{{ label }} :"; strings inside it are messages, scanned on their own. Line
    breaks stay, so that line numbers do.
    """

    def blank(match: re.Match) -> str:
        code = match[0]
        return "{}" * code.startswith("{{") + "\n" * code.count("\n")

    return TEMPLATE_CODE.sub(blank, source)


def test_every_template_s_own_text_is_typeset_in_french():
    problems = []
    templates = sorted((ROOT / "app/templates").rglob("*"))
    templates.append(ROOT / "app/ops/busy.html")  # served by the overload guard
    for path in (p for p in templates if p.suffix in (".html", ".txt")):
        lines = template_text(path.read_text()).splitlines()
        for number, line in enumerate(lines, start=1):
            for problem in problems_in(line):
                problems.append(f"{path.relative_to(ROOT)}:{number}: {problem}")
    assert problems == [], "\n".join(problems)


def test_french_plurals_take_the_singular_for_0_and_1(app):
    plurals = {m for _path, _line, m in extracted_messages() if isinstance(m, tuple)}
    assert len(plurals) > 10
    with app.test_request_context("/"), force_locale("fr"):
        french = get_translations()
        for singular, plural in plurals:
            assert french.ungettext(singular, plural, 0) == singular
            assert french.ungettext(singular, plural, 1) == singular
            assert french.ungettext(singular, plural, 2) == plural
    with app.test_request_context("/"), force_locale("en"):
        assert ngettext("%(num)s membre", "%(num)s membres", 0) == "0 members"


@pytest.fixture
def community(app):
    """A small community whose own content is typeset right, with something in
    every list, and the empty states (0 comment, 0 favourite) beside them."""
    staff = make_member(username="equipe", role="staff", display_name="Claire Staff")
    mentor = make_member(username="mentor", role="alumni", display_name="Paul Mentor")
    eig = make_member(username="nouvelle", display_name="Lina Nouvelle")
    defi = make_defi(
        title="Lab Santé",
        tagline="Mieux soigner",
        description="Un défi pour la santé.",
        team=[(mentor, "eig")],
        promotion=make_promotion(number=7, year=2024),
    )
    channel = channels.ensure_defi_channel(defi)
    root = channels.post_message(mentor, channel, "Bonjour à toutes et à tous.")
    channels.post_message(mentor, channel, "Une réponse.", parent_id=root.id)
    mentoring.save_mentor_profile(mentor, available=True, topics="Python", capacity=2)
    mentoring.ask_for_mentoring(eig, mentor, topic="Python", message="Merci.")
    team_requests.ask_to_join(eig, defi, "eig", "Je suis dans cette équipe.")
    resource = make_resource(author=mentor, title="Un outil", description="Utile.")
    questions.ask(eig, channel, "Un outil de test en Python", "Merci.", ["Python"])
    auth_services.invite(staff, "invitee@example.org", "eig")
    db.session.commit()
    return staff, mentor, eig, defi, resource


def member_pages(member, defi, resource) -> dict[str, str]:
    return {
        "home": "/",
        "directory": "/members/",
        "profile": f"/members/{member.username}",
        "profile form": f"/members/{member.username}/edit",
        "défis": "/defis/",
        "défi": f"/defis/{defi.slug}",
        "resources": "/resources/",
        "resource": f"/resources/{resource.id}",
        "resource form": "/resources/new",
        "channels": "/channels/",
        "channel": f"/channels/defi-{defi.slug}",
        "mentoring": "/mentoring/",
        "questions": "/questions/",
        "questions for me": "/questions/?routed=me",
        "ask a question": "/questions/new",
        "a question's thread": f"/channels/defi-{defi.slug}?thread={_question()}",
        "notifications": "/notifications/",
        "notification settings": "/notifications/preferences",
        "search": "/search?q=outil",
        "search, nothing found": "/search?q=introuvable",
        "who knows": "/search/people?q=Python",
        "account": "/auth/account",
        "privacy": "/auth/account/privacy",
        "privacy policy": "/donnees-personnelles",
        "legal": "/mentions-legales",
        "missing page": "/members/personne",
    }


def _question() -> int:
    return db.session.scalar(select(Question.message_id).limit(1))


STAFF_PAGES = {
    "admin": "/admin/",
    "admin members": "/admin/members",
    "audit log": "/admin/audit",
    "new défi": "/defis/new",
}


def scan_pages(client, named_paths: dict[str, str]) -> list[str]:
    problems = []
    for name, path in named_paths.items():
        response = client.get(path)
        assert response.status_code in (200, 404), path
        for run in reading_runs(response.get_data(as_text=True)):
            problems += [f"{name} ({path}): {p}" for p in problems_in(run)]
    return problems


def test_every_page_reads_right_in_french(client, auth, community):
    staff, mentor, eig, defi, resource = community
    assert db.session.scalar(select(Notification.id).limit(1)) is not None
    problems = scan_pages(client, {"welcome": "/", "login": "/auth/login"})
    auth.login(eig)
    problems += scan_pages(client, member_pages(eig, defi, resource))
    auth.logout()
    auth.login(mentor)
    problems += scan_pages(client, member_pages(mentor, defi, resource))
    auth.logout()
    auth.login(staff)
    problems += scan_pages(client, member_pages(staff, defi, resource) | STAFF_PAGES)
    assert problems == [], "\n".join(problems)


def test_a_resource_without_comments_says_0_commentaire(client, auth, community):
    _staff, _mentor, eig, _defi, resource = community
    auth.login(eig)
    html = client.get(f"/resources/{resource.id}").get_data(as_text=True)
    assert "0 commentaire<" in html or "0 commentaire " in html
    assert "0 favori<" in html
