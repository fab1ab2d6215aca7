"""`flask backup`, wipe everything, `flask restore`: every row, uploaded file and
search hit is back.

Runs on SQLite, and on PostgreSQL (pg_dump/pg_restore) when TEST_DATABASE_URL is set.
"""

import io
import sqlite3
import tarfile

import pytest
from sqlalchemy import func, select

from app.channels import services as channels
from app.channels.models import Message
from app.defis.models import Defi
from app.extensions import db
from app.members.models import Member
from app.resources import uploads
from app.resources.models import Resource
from app.search import services as search
from search_index import open_index
from tests.factories import make_defi, make_member, make_resource
from tests.resources.files import PDF, upload
from tests.search_index.conftest import postgres_url


@pytest.fixture(
    params=[
        "memory",
        pytest.param("postgres", marks=pytest.mark.postgres),
    ]
)
def search_backend(request, app):
    """The index in memory, or PostgreSQL's full-text search in the same database."""
    if request.param == "postgres":
        url = postgres_url()
        if url is None:
            pytest.skip("PostgreSQL search not tested: TEST_DATABASE_URL is not set")
        state = app.extensions["search"]
        state.index = open_index(f"{url}?table=search_documents_backup_test")
        state.index.clear()
        yield request.param
        state.index.clear()
        state.index.close()
    else:
        yield request.param


@pytest.fixture
def community(app, search_backend):
    """Two members, a défi with its team, a channel with a searchable message."""
    alice = make_member(username="alice", display_name="Alice Durand", skills=["R"])
    bob = make_member(username="bob", display_name="Bob Martin")
    make_defi(slug="open-justice", title="Open Justice", team=[(alice, "eig")])
    room = channels.create_channel(alice, name="Pseudonymisation")
    channels.join_channel(bob, room)
    channels.post_message(alice, room, "La pseudonymisation des décisions de justice")
    make_resource(
        author=alice, kind="file", url="", title="Guide", upload=upload("g.pdf", PDF)
    )
    return alice


def stored_files() -> list[str]:
    return sorted(p.name for p in uploads.folder().iterdir())


def counts() -> dict[str, int]:
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Member, Defi, Message, Resource)
    }


def wipe(app) -> None:
    """Lose everything: every table, every uploaded file and the search index."""
    for path in uploads.folder().iterdir():
        path.unlink()
    db.session.remove()
    db.drop_all()
    db.create_all()
    app.extensions["search"].index.clear()


def found(viewer_name: str, text: str) -> list[str]:
    viewer = db.session.scalar(select(Member).where(Member.username == viewer_name))
    return [hit.title for hit in search.search(viewer, text).hits]


def test_backup_wipe_restore_brings_everything_back(app, community, tmp_path):
    before, files = counts(), stored_files()
    assert len(files) == 1
    assert found("bob", "pseudonymiser")  # stemmed: the message is found
    runner = app.test_cli_runner()
    file = tmp_path / "eiglink.backup"
    result = runner.invoke(args=["backup", str(file)])
    assert result.exit_code == 0, result.output
    assert "Sauvegarde écrite" in result.output and file.stat().st_size > 0

    wipe(app)
    assert counts() == {"Member": 0, "Defi": 0, "Message": 0, "Resource": 0}
    assert stored_files() == []
    assert search.index().count() == 0

    result = runner.invoke(args=["restore", "--yes", str(file)])
    assert result.exit_code == 0, result.output
    assert "index reconstruit" in result.output
    assert counts() == before
    assert stored_files() == files
    assert (uploads.folder() / files[0]).read_bytes() == PDF
    alice = db.session.scalar(select(Member).where(Member.username == "alice"))
    assert [s.name for s in alice.skills] == ["R"]
    assert [m.member.username for m in db.session.get(Defi, 1).team] == ["alice"]
    assert found("bob", "pseudonymiser")
    assert "Open Justice" in found("bob", "justice")
    assert "Alice Durand" in found("bob", "alice")


def test_restore_asks_before_replacing_the_data(app, community, tmp_path):
    file = tmp_path / "eiglink.backup"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup", str(file)]).exit_code == 0
    result = runner.invoke(args=["restore", str(file)], input="n\n")
    assert result.exit_code != 0
    assert counts()["Member"] == 2


def test_restore_refuses_a_file_that_is_no_backup(app, community, tmp_path):
    bogus = tmp_path / "autre.db"
    if db.engine.url.get_backend_name() == "sqlite":
        sqlite3.connect(bogus).execute("CREATE TABLE other (x)").connection.close()
    else:
        bogus.write_text("pas une sauvegarde")
    result = app.test_cli_runner().invoke(args=["restore", "--yes", str(bogus)])
    assert result.exit_code != 0
    assert counts()["Member"] == 2  # nothing was touched


def archive_with(name: str, data: bytes = b"x") -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for member, content in (("database", b"x"), (name, data)):
            info = tarfile.TarInfo(member)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


@pytest.mark.parametrize("name", ["../evil", "uploads/../../evil", "uploads/a b"])
def test_restore_refuses_an_archive_with_a_strange_file_name(
    app, community, tmp_path, name
):
    bogus = tmp_path / "piege.backup"
    bogus.write_bytes(archive_with(name))
    result = app.test_cli_runner().invoke(args=["restore", "--yes", str(bogus)])
    assert result.exit_code != 0
    assert "pas une sauvegarde" in result.output
    assert counts()["Member"] == 2 and len(stored_files()) == 1
    assert not (tmp_path.parent / "evil").exists()
