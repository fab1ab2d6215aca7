"""Resource pages through real forms, with CSRF on: share, find, bookmark, download."""

import io
import re

import pytest

from app.resources import services
from app.resources.models import Resource, ResourceBookmark, ResourceComment
from tests.factories import make_defi, make_member, make_resource
from tests.resources import files
from tests.resources.conftest import stored_files
from tests.security.conftest import fresh, logged_in


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def author():
    return make_member(username="ada", display_name="Ada Lovelace")


@pytest.fixture
def ada(browser_factory, author):
    return logged_in(browser_factory, author)


@pytest.fixture
def reader(browser_factory):
    return logged_in(browser_factory, make_member(display_name="Lou Lectrice"))


def form(**overrides) -> dict:
    values = {
        "kind": "guide",
        "title": "Guide de pseudonymisation",
        "url": "",
        "description": "Étape par étape.",
        "tags": "NLP, Justice",
        "licence": "etalab-2.0",
        "defi": "",
    }
    return values | overrides


def share(client, data: dict, file: tuple[bytes, str] | None = None):
    if file is not None:
        data = data | {"file": (io.BytesIO(file[0]), file[1])}
    return client.submit("/resources/new", data, form_page="/resources/new")


def test_member_shares_a_file_for_a_defi_and_finds_it_there(ada, upload_folder):
    make_defi(slug="open-justice", title="Open Justice")
    response = share(ada, form(defi="open-justice"), (files.PDF, "guide.pdf"))
    assert response.status_code == 302
    resource = fresh(Resource, title="Guide de pseudonymisation")
    assert response.headers["Location"] == f"/resources/{resource.id}"
    page = text(ada.get(f"/resources/{resource.id}"))
    assert "Télécharger guide.pdf" in page and "Licence Ouverte 2.0" in page
    assert "Open Justice" in page
    assert "Guide de pseudonymisation" in text(ada.get("/defis/open-justice"))
    assert "Guide de pseudonymisation" in text(ada.get("/members/ada"))
    assert len(stored_files(upload_folder)) == 1


def test_repository_url_shows_forge_owner_and_repository(ada):
    url = "https://gitlab.com/healthdatahub/outil-pseudo"
    assert share(ada, form(kind="code", url=url)).status_code == 302
    resource = fresh(Resource, url=url)
    page = text(ada.get(f"/resources/{resource.id}"))
    assert "GitLab" in page and "healthdatahub" in page and "outil-pseudo" in page
    assert "GitLab · healthdatahub/outil-pseudo" in text(ada.get("/resources/"))


def test_sharing_without_csrf_token_is_refused(ada, upload_folder):
    data = form() | {"file": (io.BytesIO(files.PDF), "guide.pdf")}
    assert ada.post("/resources/new", data=data).status_code == 400
    assert fresh(Resource, title="Guide de pseudonymisation") is None
    assert stored_files(upload_folder) == []


@pytest.mark.parametrize(
    ("file", "url", "message"),
    [
        ((files.EXE, "rapport.pdf"), "", "programme exécutable"),
        ((files.zip_bomb(1)[:50], "casse.zip"), "", "illisible"),
        ((files.PDF, "../../../app/static/x.pdf"), "", "sans chemin"),
        ((files.PDF, "rapport\x07.pdf"), "", "caractères de contrôle"),
        (None, "javascript:alert(1)", "Adresse invalide"),
        (None, "", "adresse de la ressource ou joignez un fichier"),
    ],
)
def test_bad_input_gets_a_clear_error_and_nothing_is_stored(
    ada, upload_folder, file, url, message
):
    response = share(ada, form(url=url), file)
    assert response.status_code == 400
    assert message in text(response)
    assert Resource.query.count() == 0
    assert stored_files(upload_folder) == []


def test_upload_over_the_limit_gets_a_clear_error(app, ada, upload_folder):
    # Small limits keep the test client's request bodies in memory.
    app.config.update(UPLOAD_MAX_BYTES=100 * 1024, MAX_CONTENT_LENGTH=200 * 1024)
    big = files.PDF + b"0" * (100 * 1024)
    response = share(ada, form(), (big, "gros.pdf"))
    assert response.status_code == 400
    assert "Le fichier dépasse la taille maximale (100 Ko)." in text(response)
    response = share(ada, form(), (big + big, "enorme.pdf"))
    assert response.status_code == 413
    assert "trop volumineux" in text(response)
    assert Resource.query.count() == 0
    assert stored_files(upload_folder) == []


def test_download_is_an_attachment_for_members_only(
    browser_factory, ada, reader, upload_folder
):
    assert share(ada, form(), (files.PDF, "guide.pdf")).status_code == 302
    resource = fresh(Resource, title="Guide de pseudonymisation")
    response = reader.get(f"/resources/{resource.id}/file")
    assert response.status_code == 200
    assert response.data == files.PDF
    response.close()  # the file the server opened
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "guide.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    anonymous = browser_factory().get(f"/resources/{resource.id}/file")
    assert anonymous.status_code == 302
    assert "/auth/login" in anonymous.headers["Location"]


def test_a_resource_without_file_has_no_download(reader, upload_folder):
    resource = make_resource()
    assert reader.get(f"/resources/{resource.id}/file").status_code == 404
    lost = services.share_resource(
        make_member(),
        kind="file",
        title="Perdu",
        upload=files.upload("a.pdf", files.PDF),
    )
    for stored in stored_files(upload_folder):
        stored.unlink()  # e.g. a volume restored without its uploads
    assert reader.get(f"/resources/{lost.id}/file").status_code == 404


def test_member_bookmarks_and_comments(reader):
    resource = make_resource(title="Outil cartographique")
    page = f"/resources/{resource.id}"
    response = reader.submit(f"{page}/bookmark", {"bookmarked": "y"}, form_page=page)
    assert response.status_code == 302
    assert ResourceBookmark.query.count() == 1
    assert "Retirer des favoris" in text(reader.get(page))
    assert "1 favori" in text(reader.get("/resources/"))
    assert card_titles(reader.get("/resources/?bookmarked=1")) == [
        "Outil cartographique"
    ]
    reader.submit(f"{page}/bookmark", {}, form_page=page)
    assert ResourceBookmark.query.count() == 0

    body = "Très **utile** <script>alert(1)</script>"
    response = reader.submit(f"{page}/comments", {"body": body}, form_page=page)
    comment = fresh(ResourceComment, resource_id=resource.id)
    assert response.headers["Location"].endswith(f"#comment-{comment.id}")
    shown = text(reader.get(page))
    assert "<strong>utile</strong>" in shown and "<script>alert" not in shown
    reader.submit(f"{page}/comments/{comment.id}/delete", form_page=page)
    assert ResourceComment.query.count() == 0


def test_empty_comment_is_refused_with_a_message(reader):
    resource = make_resource()
    page = f"/resources/{resource.id}"
    response = reader.submit(f"{page}/comments", {"body": "  "}, form_page=page)
    assert response.status_code == 400  # the page again, the reason under the field
    assert re.search(
        r'id="body-messages"[^>]*>\s*<p class="fr-message fr-message--error">'
        r"Le commentaire est vide",
        text(response),
    )
    assert '<a href="#body">' in text(response)
    assert ResourceComment.query.count() == 0


def test_author_edits_and_deletes_and_the_file_goes(ada, author, upload_folder):
    assert share(ada, form(), (files.PDF, "guide.pdf")).status_code == 302
    resource = fresh(Resource, title="Guide de pseudonymisation")
    edit = f"/resources/{resource.id}/edit"
    assert ada.get(edit).status_code == 200
    response = ada.submit(edit, form(title="Guide mis à jour"), form_page=edit)
    assert response.status_code == 302
    assert fresh(Resource, id=resource.id).title == "Guide mis à jour"
    page = f"/resources/{resource.id}"
    assert ada.submit(f"{page}/delete", form_page=page).status_code == 302
    assert fresh(Resource, id=resource.id) is None
    assert stored_files(upload_folder) == []


def test_others_cannot_edit_delete_or_hide(reader):
    resource = make_resource(title="Intouchable")
    page = f"/resources/{resource.id}"
    assert reader.get(f"{page}/edit").status_code == 403
    edit = reader.submit(f"{page}/edit", form(title="Piraté"))
    assert edit.status_code == 403
    assert reader.submit(f"{page}/delete").status_code == 403
    assert reader.submit(f"{page}/hide", {"hidden": "y"}).status_code == 403
    again = fresh(Resource, id=resource.id)
    assert (again.title, again.hidden) == ("Intouchable", False)


def test_staff_hide_a_resource_from_members(browser_factory, reader):
    resource = make_resource(title="Hors sujet")
    staff = logged_in(browser_factory, make_member(role="staff"))
    page = f"/resources/{resource.id}"
    assert (
        staff.submit(f"{page}/hide", {"hidden": "y"}, form_page=page).status_code == 302
    )
    assert fresh(Resource, id=resource.id).hidden
    assert reader.get(page).status_code == 404
    assert "Hors sujet" not in text(reader.get("/resources/"))
    assert "Masquée" in text(staff.get("/resources/"))


def card_titles(response) -> list[str]:
    return re.findall(r'fr-card__title"><a href="[^"]+">([^<]+)</a>', text(response))


def test_list_filters_paginate_and_explain_bad_filters(app, reader):
    app.config["RESOURCES_PER_PAGE"] = 2
    for title in ("Un", "Deux", "Trois"):
        make_resource(title=title, kind="tool")
    make_resource(title="Quatre", kind="guide")
    first = reader.get("/resources/?kind=tool")
    assert "3 ressources" in text(first)
    assert card_titles(first) == ["Trois", "Deux"]
    assert card_titles(reader.get("/resources/?kind=tool&page=2")) == ["Un"]
    bad = reader.get("/resources/?kind=virus")
    assert bad.status_code == 400 and "Type de ressource inconnu" in text(bad)


def test_header_links_to_resources(reader):
    assert 'href="/resources/"' in text(reader.get("/"))


def test_share_form_preselects_the_defi(reader):
    make_defi(slug="open-justice", title="Open Justice")
    page = text(reader.get("/resources/new?defi=open-justice"))
    assert '<option selected value="open-justice">' in page


def test_unknown_resource_is_404(reader):
    assert reader.get("/resources/999").status_code == 404
