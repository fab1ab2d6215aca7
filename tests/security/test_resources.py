"""Resources: script stays inert, forms need their CSRF token, files stay private."""

import io

import pytest

from app.resources.models import Resource, ResourceBookmark, ResourceComment
from tests.factories import make_defi, make_member, make_resource
from tests.security.conftest import active_content, fresh, logged_in
from tests.security.test_xss import PAYLOADS


@pytest.fixture
def author(browser_factory, app, tmp_path):
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    member = make_member(username="autrice", display_name="Autrice")
    make_defi(slug="defi-x", title="Défi X", team=[(member, "eig")])
    return member, logged_in(browser_factory, member)


def share_with_payload(client, payload: str):
    """Share through the form with the payload everywhere, the file name included."""
    fields = {
        "kind": "guide",
        "title": "Titre " + payload,
        "url": "https://example.org/guide",
        "description": f"Description {payload}\n\n{payload}",
        "tags": "Mot " + payload,
        "defi": "defi-x",
    }
    file = (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "nom " + payload + ".pdf")
    response = client.submit(
        "/resources/new", fields | {"file": file}, "/resources/new"
    )
    if response.status_code == 400:  # a name with a slash is refused: no file then
        assert "Nom de fichier refusé" in response.get_data(as_text=True)
        response = client.submit("/resources/new", fields, "/resources/new")
    assert response.status_code == 302, response.get_data(as_text=True)
    return fresh(Resource, url="https://example.org/guide")


@pytest.mark.parametrize("payload", PAYLOADS)
def test_script_in_a_resource_and_its_comments_stays_inert(author, payload):
    _member, client = author
    resource = share_with_payload(client, payload)
    page = f"/resources/{resource.id}"
    client.submit(f"{page}/comments", {"body": payload}, form_page=page)
    paths = (page, "/resources/", "/defis/defi-x", "/members/autrice", f"{page}/edit")
    for path in paths:
        html = client.get(path).get_data(as_text=True)
        assert active_content(html) == [], path


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("bookmark", {"bookmarked": "y"}),
        ("comments", {"body": "Forgé"}),
        ("delete", {}),
        ("edit", {"kind": "link", "title": "Forgé", "url": "https://a.fr"}),
    ],
)
def test_resource_forms_without_csrf_token_are_refused(browser_factory, action, data):
    member = make_member()
    resource = make_resource(author=member, title="Intact")
    client = logged_in(browser_factory, member)
    response = client.post(f"/resources/{resource.id}/{action}", data=data)
    assert response.status_code == 400
    again = fresh(Resource, id=resource.id)
    assert again is not None and again.title == "Intact"
    assert ResourceBookmark.query.count() == ResourceComment.query.count() == 0


def test_hide_without_csrf_token_is_refused(browser_factory):
    resource = make_resource()
    staff = logged_in(browser_factory, make_member(role="staff"))
    response = staff.post(f"/resources/{resource.id}/hide", data={"hidden": "y"})
    assert response.status_code == 400
    assert not fresh(Resource, id=resource.id).hidden


def test_deactivated_member_cannot_download(browser_factory, author):
    from app.extensions import db

    member, client = author
    data = {
        "kind": "file",
        "title": "Privé",
        "file": (io.BytesIO(b"%PDF-1.4\n%%EOF\n"), "prive.pdf"),
    }
    client.submit("/resources/new", data, form_page="/resources/new")
    resource = fresh(Resource, title="Privé")
    reader = make_member()
    browser = logged_in(browser_factory, reader)
    reader.active = False
    db.session.commit()
    response = browser.get(f"/resources/{resource.id}/file")
    assert response.status_code == 302
    assert "/auth/login" in response.headers["Location"]
    assert member.active
