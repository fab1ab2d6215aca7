"""Script written into any profile or défi field comes back as inert text."""

import pytest

from tests.factories import make_defi, make_member
from tests.security.conftest import active_content, logged_in

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    '"><svg onload=alert(1)>',
    '<a href="javascript:alert(1)">lien</a>',
    "[x](JaVaScRiPt:alert(1)) <iframe src=javascript:alert(1)>",
]


@pytest.fixture
def author(browser_factory):
    member = make_member(username="autrice", display_name="Autrice")
    defi = make_defi(slug="defi-x", title="Défi X", team=[(member, "eig")])
    return member, defi, logged_in(browser_factory, member)


def fill_profile_and_defi(client, payload: str) -> None:
    """Put the payload in every text field, through the real edit forms."""
    response = client.submit(
        "/members/autrice/edit",
        {
            "display_name": "Nom " + payload,
            "headline": "Titre " + payload,
            "city": "Ville " + payload,
            "bio": f"Bio {payload}\n\n{payload}",
            "skills": "Compétence " + payload,
        },
        form_page="/members/autrice/edit",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    response = client.submit(
        "/defis/defi-x/edit",
        {
            "title": "Défi " + payload,
            "tagline": "Chapeau " + payload,
            "description": f"Description {payload}\n\n{payload}",
            "themes": "Thème " + payload,
        },
        form_page="/defis/defi-x/edit",
    )
    assert response.status_code == 302, response.get_data(as_text=True)


PAGES = [
    "/members/autrice",
    "/members/",
    "/defis/defi-x",
    "/defis/",
    "/members/autrice/edit",
    "/defis/defi-x/edit",
    "/",
]


def test_the_checker_sees_live_script():
    for payload in PAYLOADS:
        if "<" in payload:  # a Markdown link is inert until rendered
            assert active_content(f"<p>{payload}</p>"), payload


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_in_profile_and_defi_fields_render_inert(author, payload):
    _member, _defi, client = author
    fill_profile_and_defi(client, payload)
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert active_content(html) == [], path
        if "<" in payload:
            assert payload not in html, path  # escaped, not raw


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_are_shown_as_text_to_other_members(browser_factory, author, payload):
    _member, _defi, client = author
    fill_profile_and_defi(client, payload)
    reader = logged_in(browser_factory, make_member())
    profile = reader.get("/members/autrice").get_data(as_text=True)
    assert "Titre " in profile and "Ville " in profile  # the text is there, escaped
    for path in ("/members/autrice", "/members/", "/defis/defi-x", "/defis/"):
        html = reader.get(path).get_data(as_text=True)
        assert active_content(html) == [], path


def test_script_tags_appear_escaped_not_removed_from_plain_fields(author):
    _member, _defi, client = author
    fill_profile_and_defi(client, "<script>alert(1)</script>")
    html = client.get("/members/autrice").get_data(as_text=True)
    assert "Titre &lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("path", ["/members/", "/defis/"])
def test_search_terms_are_reflected_inert(author, payload, path):
    _member, _defi, client = author
    response = client.get(path, query_string={"q": payload})
    assert response.status_code in (200, 400)
    assert active_content(response.get_data(as_text=True)) == []


def test_markdown_links_keep_only_safe_schemes(author):
    _member, _defi, client = author
    client.submit(
        "/members/autrice/edit",
        {
            "display_name": "Autrice",
            "bio": "[site](https://example.org) [mal](javascript:alert(1)) "
            "[data](data:text/html;base64,PHNjcmlwdD4=)",
        },
        form_page="/members/autrice/edit",
    )
    html = client.get("/members/autrice").get_data(as_text=True)
    assert 'href="https://example.org"' in html
    assert active_content(html) == []
    assert 'href="data:' not in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_script_in_mentoring_and_notifications_is_inert(browser_factory, payload):
    from app.mentoring import services as mentoring
    from tests.mentoring.conftest import make_mentor

    mentor = make_mentor(display_name="Mentor " + payload, topics="Python " + payload)
    asker = make_member(role="eig", display_name="Eig " + payload)
    request = mentoring.ask_for_mentoring(
        asker, mentor, topic="Python " + payload[:60], message=payload
    )
    mentoring.answer_request(mentor, request.id, accept=True, message=payload)
    client = logged_in(browser_factory, asker)
    for path in (
        "/notifications/",
        "/mentoring/",
        f"/mentoring/requests/{request.id}",
        "/mentoring/ask?topic=python",
    ):
        page = client.get(path)
        assert page.status_code == 200
        assert active_content(page.get_data(as_text=True)) == [], path
