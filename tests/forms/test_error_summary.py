"""A refused form says what went wrong where: a summary at the top of the page
linking to each field, "Erreur : " before the title, each message under its
field, and a refused file under the file field rather than in a banner."""

import io
import re
from urllib.parse import urlsplit

import pytest

from app.members.models import Member
from app.resources.models import Resource
from tests.factories import make_member
from tests.resources import files
from tests.security.conftest import fresh, logged_in

NBSP = "\u00a0"


def page_of(response) -> str:
    return response.get_data(as_text=True)


def title(page: str) -> str:
    return re.search(r"<title>(.*?)</title>", page, re.S).group(1)


def summary(page: str) -> str:
    """The error summary box, or "" when the page has none."""
    found = re.search(
        r'<div class="fr-alert fr-alert--error[^"]*" id="error-summary".*?</div>',
        page,
        re.S,
    )
    return found.group(0) if found else ""


def summary_links(page: str) -> list[tuple[str, str]]:
    return re.findall(r'<a href="#([^"]+)">([^<]*)</a>', summary(page))


def messages_under(page: str, field_id: str) -> list[str]:
    """The error messages in the field's own messages group."""
    group = re.search(
        rf'<div class="fr-messages-group" id="{field_id}-messages"[^>]*>(.*?)</div>',
        page,
        re.S,
    )
    assert group, f"no messages group for #{field_id}"
    return re.findall(
        r'<p class="fr-message fr-message--error">([^<]*)</p>', group.group(1)
    )


def banners(page: str) -> str:
    """The flashed messages (small alerts), where errors used to go."""
    return " ".join(
        re.findall(
            r'<div class="fr-alert fr-alert--\w+ fr-alert--sm.*?</div>', page, re.S
        )
    )


def test_a_failed_login_gets_the_summary_the_title_and_messages_under_fields(
    browser_factory,
):
    client = browser_factory()
    empty = page_of(client.get("/auth/login"))
    assert summary(empty) == "" and not title(empty).startswith("Erreur")
    assert "js/error-summary.js" not in empty

    response = client.submit(
        "/auth/login", {"username": "", "password": ""}, "/auth/login"
    )
    assert response.status_code == 400
    page = page_of(response)
    assert title(page).startswith(f"Erreur{NBSP}: Connexion")
    box = summary(page)
    assert 'tabindex="-1"' in box and "Il y a un problème" in box
    assert [target for target, _text in summary_links(page)] == ["username", "password"]
    assert summary_links(page)[0][1] == (
        f"Identifiant ou adresse e-mail{NBSP}: Ce champ est requis."
    )
    assert messages_under(page, "username") and messages_under(page, "password")
    assert "js/error-summary.js" in page  # the script that focuses the summary


def test_english_pages_say_error_and_there_is_a_problem(browser_factory):
    client = browser_factory()
    client.get("/auth/login?lang=en")
    response = client.submit(
        "/auth/login", {"username": "", "password": ""}, "/auth/login"
    )
    page = page_of(response)
    assert title(page).startswith("Error: ")
    assert "There is a problem" in summary(page)


def share(client, file: tuple[bytes, str], **overrides):
    data = {
        "kind": "guide",
        "title": "Guide",
        "url": "",
        "description": "",
        "tags": "",
        "licence": "",
        "defi": "",
        "file": (io.BytesIO(file[0]), file[1]),
    } | overrides
    return client.submit("/resources/new", data, form_page="/resources/new")


@pytest.fixture
def ada(app, browser_factory, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    return logged_in(browser_factory, make_member(username="ada"))


def test_a_refused_file_type_is_said_under_the_file_field(ada):
    response = share(ada, (files.EXE, "rapport.pdf"))
    assert response.status_code == 400
    page = page_of(response)
    [message] = messages_under(page, "file")
    assert "programme exécutable" in message
    assert 'class="fr-upload-group fr-upload-group--error' in page
    assert re.search(
        r'<input aria-describedby="file-messages" aria-invalid="true"', page
    )
    assert summary_links(page) == [("file", f"Fichier{NBSP}: {message}")]
    assert "programme exécutable" not in banners(page)
    assert title(page).startswith(f"Erreur{NBSP}: ")
    assert Resource.query.count() == 0


def test_a_too_large_file_is_said_under_the_file_field(app, ada):
    app.config.update(UPLOAD_MAX_BYTES=10 * 1024)
    response = share(ada, (files.PDF + b"0" * (20 * 1024), "gros.pdf"))
    assert response.status_code == 400
    page = page_of(response)
    assert messages_under(page, "file") == [
        "Le fichier dépasse la taille maximale (10 Ko)."
    ]
    assert [target for target, _text in summary_links(page)] == ["file"]
    assert "taille maximale" not in banners(page)


def test_a_field_error_and_a_service_refusal_both_link_to_their_fields(ada):
    response = share(ada, (files.PDF, "guide.pdf"), title="", url="javascript:alert(1)")
    page = page_of(response)
    # WTForms refuses the empty title first; the service is not reached.
    assert [target for target, _text in summary_links(page)] == ["title"]
    response = share(ada, (files.PDF, "guide.pdf"), url="javascript:alert(1)")
    page = page_of(response)
    assert [target for target, _text in summary_links(page)] == ["url"]
    assert messages_under(page, "url")[0].startswith("Adresse invalide")


def test_a_refused_profile_link_is_said_under_its_field(browser_factory):
    member = make_member(username="lou")
    client = logged_in(browser_factory, member)
    response = client.submit(
        "/members/lou/edit",
        {"display_name": "Lou", "github_url": "https://example.org/lou"},
        form_page="/members/lou/edit",
    )
    assert response.status_code == 400
    page = page_of(response)
    assert [target for target, _text in summary_links(page)] == ["github_url"]
    assert "github.com" in messages_under(page, "github_url")[0]
    assert fresh(Member, username="lou").github_url in (None, "")


def test_a_refused_invitation_stays_on_the_page_under_the_email_field(browser_factory):
    client = logged_in(browser_factory, make_member(role="staff"))
    response = client.submit(
        "/admin/invitations",
        {"email": "pas-une-adresse", "role": "eig", "promotion_id": "0"},
        form_page="/admin/",
    )
    assert response.status_code == 400
    page = page_of(response)
    assert [target for target, _text in summary_links(page)] == ["email"]
    assert messages_under(page, "email")
    assert title(page).startswith(f"Erreur{NBSP}: ")


def test_a_taken_username_is_said_under_the_username_field(browser_factory):
    from app.auth import services

    make_member(username="prise")
    _invitation, link = services.invite(
        make_member(role="staff"), "nouvelle@example.org", "eig"
    )
    path = urlsplit(link).path
    password = "un mot de passe assez long"
    response = browser_factory().submit(
        path,
        {
            "display_name": "Nouvelle Venue",
            "username": "prise",
            "password": password,
            "confirm": password,
        },
        form_page=path,
    )
    assert response.status_code == 400
    page = page_of(response)
    assert [target for target, _text in summary_links(page)] == ["username"]
    assert messages_under(page, "username")
    assert fresh(Member, email="nouvelle@example.org") is None


def test_a_defi_title_already_taken_is_said_under_the_title_field(browser_factory):
    from tests.factories import make_defi, make_promotion

    promotion = make_promotion()
    make_defi(title="Open Justice", slug="open-justice", promotion=promotion)
    client = logged_in(browser_factory, make_member(role="staff"))
    response = client.submit(
        "/defis/new",
        {
            "title": "Open Justice",
            "promotion_id": str(promotion.id),
            "administration": "DINUM",
        },
        form_page="/defis/new",
    )
    assert response.status_code == 400
    page = page_of(response)
    assert [target for target, _text in summary_links(page)] == ["title"]
    assert messages_under(page, "title") == ["Un défi porte déjà ce titre."]
    assert "déjà ce titre" not in banners(page)


def test_a_refused_radio_choice_links_to_the_groups_first_button(browser_factory):
    client = logged_in(browser_factory, make_member())
    settings = "/auth/account/privacy"
    response = client.submit(
        f"{settings}/visibility", {"email": "internet", "city": "members"}, settings
    )
    assert response.status_code == 400
    page = page_of(response)
    assert [target for target, _text in summary_links(page)] == ["email-0"]
    assert 'id="email-0"' in page
    assert messages_under(page, "email")
    assert 'class="fr-fieldset fr-fieldset--error"' in page
