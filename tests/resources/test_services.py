"""Sharing, editing and deleting resources; their files; bookmarks and comments."""

import os

import pytest
from sqlalchemy import event, func, select

from app.audit import AuditEntry
from app.errors import Invalid, NotAllowed, NotFound
from app.extensions import db
from app.resources import queries, services
from app.resources.models import Resource, ResourceComment
from tests.factories import make_defi, make_member, make_resource
from tests.resources import files
from tests.resources.conftest import stored_files


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def share(author, upload=None, **fields):
    values = {"kind": "file", "title": "Guide", "url": None} | fields
    return services.share_resource(author, upload=upload, **values)


# Sharing -------------------------------------------------------------------


def test_shared_resource_keeps_every_field():
    author = make_member()
    defi = make_defi(slug="open-justice", title="Open Justice")
    resource = services.share_resource(
        author,
        kind="code",
        title="  Pseudonymiseur  ",
        url="https://github.com/etalab/pseudo",
        description="Pour **anonymiser** des décisions.",
        tags="NLP, Pseudonymisation, nlp",
        licence="etalab-2.0",
        defi="open-justice",
    )
    assert resource.title == "Pseudonymiseur"
    assert [t.name for t in resource.tags] == ["NLP", "Pseudonymisation"]
    assert (resource.licence, resource.defi, resource.author) == (
        "etalab-2.0",
        defi,
        author,
    )
    repository = resource.repository
    assert (repository.forge, repository.owner, repository.name) == (
        "GitHub",
        "etalab",
        "pseudo",
    )


def test_a_resource_needs_an_address_or_a_file():
    with pytest.raises(Invalid, match="adresse"):
        share(make_member())
    assert count(Resource) == 0


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.org/a",
        "https://",
        "https://exa mple.org",
        "https://example.org/\x00",
        "https://moi:secret@example.org/",
        "https://example.org/" + "a" * 500,
        "//example.org",
    ],
)
def test_invalid_urls_are_refused_and_nothing_is_stored(url):
    with pytest.raises(Invalid, match="Adresse"):
        share(make_member(), url=url)
    assert count(Resource) == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "virus"}, "Type de ressource inconnu"),
        ({"title": "   "}, "titre est obligatoire"),
        ({"licence": "WTFPL"}, "Licence inconnue"),
        ({"defi": "nulle-part"}, "défi n’existe pas"),
        ({"owner": "x"}, "Champs inconnus"),
        ({"tags": {"a": 1}}, "mots-clés"),
    ],
)
def test_bad_fields_are_named_and_nothing_is_stored(fields, message):
    with pytest.raises(Invalid, match=message):
        share(make_member(), url="https://example.org", **fields)
    assert count(Resource) == 0


# Uploads -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "mime", "download_name"),
    [
        ("rapport.pdf", files.PDF, "application/pdf", "rapport.pdf"),
        ("carte.png", files.PNG, "image/png", "carte.png"),
        ("photo.jpeg", files.JPEG, "image/jpeg", "photo.jpeg"),
        ("population.csv", files.CSV, "text/csv", "population.csv"),
        ("note.docx", files.DOCX, None, "note.docx"),
        ("note.odt", files.ODT, "application/vnd.oasis.opendocument.text", "note.odt"),
        ("code.zip", files.ZIP, "application/zip", "code.zip"),
        # The type comes from the content: a PDF named .txt is a PDF.
        ("rapport.txt", files.PDF, "application/pdf", "rapport.pdf"),
    ],
)
def test_allowed_files_are_stored_under_a_generated_name(
    upload_folder, name, data, mime, download_name
):
    resource = share(make_member(), files.upload(name, data))
    if mime is not None:
        assert resource.file_type == mime
    assert resource.file_name == download_name
    assert resource.file_size == len(data)
    (stored,) = stored_files(upload_folder)
    assert stored.name == resource.file_key and stored.name != name
    assert stored.read_bytes() == data
    assert "static" not in stored.parts


def test_docx_is_recognised_from_its_parts():
    resource = share(make_member(), files.upload("note.docx", files.DOCX))
    assert resource.file_type.endswith("wordprocessingml.document")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("rapport.pdf", files.EXE, "programme exécutable"),
        ("donnees.csv", files.ELF, "programme exécutable"),
        ("donnees.csv", files.SCRIPT, "programme exécutable"),
        ("page.csv", files.HTML, "pas d’un type accepté"),
        ("image.png", files.SVG, "pas d’un type accepté"),
        ("outil.zip", files.JAR, "programme"),
        ("casse.zip", b"PK\x03\x04" + b"\x00" * 40, "illisible"),
        ("vide.pdf", b"", "vide"),
        ("../../etc/passwd.pdf", files.PDF, "sans chemin"),
        ("..\\..\\boot.ini.pdf", files.PDF, "sans chemin"),
        ("..", files.PDF, "sans chemin"),
        ("\uff0e\uff0e\uff0fx.png", files.PNG, "sans chemin"),  # fullwidth ../
        ("\uff0e\uff0e\uff3cboot.pdf", files.PDF, "sans chemin"),  # fullwidth ..\
        ("\ufe68\ufe52\ufe52\ufe68x.pdf", files.PDF, "sans chemin"),  # small \..\
        ("\uff0e\uff0e", files.PDF, "sans chemin"),
        ("rapport\x00.pdf", files.PDF, "caractères de contrôle"),
        ("rapport\n.pdf", files.PDF, "caractères de contrôle"),
        ("gpj.\u202eexe.pdf", files.PDF, "caractères de contrôle"),
        ("", files.PDF, "pas de nom"),
        ("a" * 201 + ".pdf", files.PDF, "trop long"),
    ],
)
def test_refused_uploads_leave_nothing_behind(upload_folder, name, data, message):
    with pytest.raises(Invalid, match=message):
        share(make_member(), files.upload(name, data))
    assert count(Resource) == 0
    assert stored_files(upload_folder) == []


def test_upload_over_the_configured_limit_is_refused(app, upload_folder):
    app.config["UPLOAD_MAX_BYTES"] = 1024 * 1024
    big = files.PDF + b"0" * (1024 * 1024)
    with pytest.raises(Invalid, match="taille maximale .1.Mo"):
        share(make_member(), files.upload("gros.pdf", big))
    assert count(Resource) == 0
    assert stored_files(upload_folder) == []


def test_a_zip_bomb_is_stored_as_it_came_and_never_unpacked(upload_folder):
    bomb = files.zip_bomb(30)
    assert len(bomb) < 200_000
    resource = share(make_member(), files.upload("bombe.zip", bomb))
    assert resource.file_type == "application/zip"
    (stored,) = stored_files(upload_folder)
    assert stored.stat().st_size == len(bomb)
    assert stored.read_bytes() == bomb


def test_failed_commit_leaves_no_orphan_file(upload_folder):
    author = make_member()

    def refuse(session, _context, _instances):
        if any(isinstance(obj, Resource) for obj in session.new):
            raise RuntimeError("base de données indisponible")

    event.listen(db.session, "before_flush", refuse)
    try:
        with pytest.raises(RuntimeError):
            share(author, files.upload("rapport.pdf", files.PDF))
    finally:
        event.remove(db.session, "before_flush", refuse)
    assert count(Resource) == 0
    assert stored_files(upload_folder) == []


def test_files_left_by_an_interrupted_upload_are_pruned(app, upload_folder):
    kept = share(make_member(), files.upload("garde.pdf", files.PDF))
    (upload_folder / "orphelin").write_bytes(files.PDF)
    (upload_folder / "coupe.part").write_bytes(b"%PDF")
    (upload_folder / "en-cours.part").write_bytes(b"%PDF")
    assert services.remove_stray_files(min_age_seconds=3600) == 0  # too recent
    old = 1_000_000_000
    for name in ("orphelin", "coupe.part", kept.file_key):
        os.utime(upload_folder / name, (old, old))
    result = app.test_cli_runner().invoke(args=["prune-uploads"])
    assert "Fichiers orphelins supprimés : 2." in result.output
    remaining = [path.name for path in stored_files(upload_folder)]
    assert remaining == sorted([kept.file_key, "en-cours.part"])


# Editing and deleting ----------------------------------------------------------


def test_deleting_a_resource_deletes_its_file_comments_and_bookmarks(upload_folder):
    author, reader = make_member(), make_member()
    resource = share(author, files.upload("rapport.pdf", files.PDF))
    services.set_bookmark(reader, resource, True)
    services.add_comment(reader, resource, "Merci !")
    services.delete_resource(author, resource)
    assert count(Resource) == count(ResourceComment) == 0
    assert stored_files(upload_folder) == []


def test_a_new_file_replaces_the_old_one(upload_folder):
    author = make_member()
    resource = share(author, files.upload("v1.pdf", files.PDF))
    services.update_resource(author, resource, upload=files.upload("v2.csv", files.CSV))
    (stored,) = stored_files(upload_folder)
    assert stored.read_bytes() == files.CSV
    assert (resource.file_name, resource.file_type) == ("v2.csv", "text/csv")


def test_removing_the_file_needs_an_address_to_remain(upload_folder):
    author = make_member()
    resource = share(author, files.upload("v1.pdf", files.PDF))
    with pytest.raises(Invalid):
        services.update_resource(author, resource, remove_file=True)
    assert len(stored_files(upload_folder)) == 1
    services.update_resource(
        author, resource, remove_file=True, url="https://example.org/guide"
    )
    assert resource.file_key is None and stored_files(upload_folder) == []


def test_a_refused_replacement_keeps_the_old_file(upload_folder):
    author = make_member()
    resource = share(author, files.upload("v1.pdf", files.PDF))
    with pytest.raises(Invalid):
        services.update_resource(author, resource, upload=files.upload("x", files.EXE))
    db.session.rollback()
    (stored,) = stored_files(upload_folder)
    assert stored.name == db.session.get(Resource, resource.id).file_key


def test_only_the_author_and_staff_edit_and_delete():
    author, other, staff = make_member(), make_member(), make_member(role="staff")
    resource = make_resource(author=author)
    with pytest.raises(NotAllowed):
        services.update_resource(other, resource, title="Piraté")
    with pytest.raises(NotAllowed):
        services.delete_resource(other, resource)
    services.update_resource(staff, resource, title="Corrigé")
    assert resource.title == "Corrigé"
    services.delete_resource(staff, resource)
    actions = db.session.scalars(
        select(AuditEntry.action).order_by(AuditEntry.id)
    ).all()
    assert actions == ["resource.update", "resource.delete"]


# Moderation ------------------------------------------------------------------


def test_hidden_resource_is_seen_only_by_its_author_and_staff():
    author, other, staff = make_member(), make_member(), make_member(role="staff")
    resource = make_resource(author=author)
    with pytest.raises(NotAllowed):
        services.set_hidden(other, resource, True)
    services.set_hidden(staff, resource, True)
    with pytest.raises(NotFound):
        queries.get_resource(other, resource.id)
    assert queries.get_resource(author, resource.id).hidden
    assert queries.get_resource(staff, resource.id).hidden
    everything = queries.ResourceFilters()
    assert queries.list_resources(other, everything).total == 0
    assert queries.list_resources(staff, everything).total == 1
    with pytest.raises(NotFound):
        services.set_bookmark(other, resource, True)
    services.set_hidden(staff, resource, False)
    assert queries.get_resource(other, resource.id) == resource
    actions = db.session.scalars(
        select(AuditEntry.action).order_by(AuditEntry.id)
    ).all()
    assert actions == ["resource.hide", "resource.show"]


# Bookmarks and comments --------------------------------------------------------


def test_bookmarks_are_counted_once_per_member():
    resource = make_resource()
    reader = make_member()
    services.set_bookmark(reader, resource, True)
    services.set_bookmark(reader, resource, True)
    services.set_bookmark(make_member(), resource, True)
    db.session.expire_all()
    assert queries.get_resource(reader, resource.id).bookmark_count == 2
    services.set_bookmark(reader, resource, False)
    db.session.expire_all()
    assert queries.get_resource(reader, resource.id).bookmark_count == 1
    assert queries.bookmarked_ids(reader, [resource]) == set()


def test_comment_markdown_is_sanitised():
    resource = make_resource()
    comment = services.add_comment(
        make_member(),
        resource,
        "**Merci** <script>alert(1)</script> [x](javascript:alert(1))",
    )
    assert "<strong>Merci</strong>" in comment.html
    assert "<script" not in comment.html
    assert "href" not in comment.html  # the javascript: link stays text


@pytest.mark.parametrize(("body", "message"), [("  ", "vide"), ("a" * 5001, "long")])
def test_empty_or_long_comments_are_refused(body, message):
    with pytest.raises(Invalid, match=message):
        services.add_comment(make_member(), make_resource(), body)
    assert count(ResourceComment) == 0


def test_comment_hook_runs_after_the_commit(monkeypatch):
    resource = make_resource()
    seen = []

    def record(comment):
        db.session.rollback()  # what the hook sees is committed already
        seen.append(db.session.get(ResourceComment, comment.id).body)

    monkeypatch.setattr(services, "comment_posted", record)
    services.add_comment(make_member(), resource, "Bravo")
    assert seen == ["Bravo"]


def test_comments_are_deleted_by_their_author_or_staff():
    resource = make_resource()
    writer, other, staff = make_member(), make_member(), make_member(role="staff")
    first = services.add_comment(writer, resource, "Un")
    second = services.add_comment(writer, resource, "Deux")
    with pytest.raises(NotAllowed):
        services.delete_comment(other, first.id)
    services.delete_comment(writer, first.id)
    services.delete_comment(staff, second.id)
    assert count(ResourceComment) == 0
    with pytest.raises(NotFound):
        services.delete_comment(writer, 999)


def test_hidden_resource_takes_no_comment():
    staff = make_member(role="staff")
    author = make_member()
    resource = make_resource(author=author)
    services.set_hidden(staff, resource, True)
    with pytest.raises(NotAllowed):
        services.add_comment(author, resource, "Encore ?")
