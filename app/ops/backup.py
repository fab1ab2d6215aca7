"""Back up and restore the database and the uploaded files, as one tar archive.

The database part comes from SQLite's online backup or pg_dump (pg_restore back).
The search index is derived data: a restore rebuilds it from the restored rows.
"""

import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import URL

from app.errors import Invalid
from app.extensions import db
from app.resources import uploads

# A restore that waits for a lock held by a running app gives up instead of hanging.
PG_LOCK_TIMEOUT = "-c lock_timeout=30s"
REQUIRED_TABLE = "members"


DATABASE_MEMBER = "database"
UPLOADS_PREFIX = "uploads/"


def backup(target: Path) -> None:
    """Write a consistent copy of the database and the uploads to `target`,
    while the app serves."""
    partial = target.with_name(target.name + ".part")
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / DATABASE_MEMBER
        _dump_database(dump)
        with tarfile.open(partial, "w") as archive:
            archive.add(dump, arcname=DATABASE_MEMBER)
            for path in sorted(uploads.folder().iterdir()):
                if path.is_file() and not path.name.endswith(".part"):
                    archive.add(path, arcname=UPLOADS_PREFIX + path.name)
    partial.replace(target)  # a backup file is complete or absent


def _dump_database(dump: Path) -> None:
    if _backend() == "sqlite":
        _sqlite_backup(dump)
    else:
        _pg(["pg_dump", "--format=custom", "--no-owner", f"--file={dump}"])


def restore(source: Path) -> int:
    """Replace every table and uploaded file with the backup's, then rebuild the
    search index. Returns how many documents the index holds again."""
    if not source.is_file():
        raise Invalid(f"Fichier introuvable : {source}")
    with tempfile.TemporaryDirectory() as work:
        dump, files = _unpack(source, Path(work))
        _restore_database(dump)
        _replace_uploads(files)
    from app.search.services import rebuild

    return rebuild()


def _unpack(source: Path, work: Path) -> tuple[Path, list[Path]]:
    """The archive's database and files, checked: regular files with plain names."""
    (work / "uploads").mkdir()
    try:
        with tarfile.open(source) as archive:
            members = archive.getmembers()
            names = {m.name for m in members}
            if DATABASE_MEMBER not in names or not all(map(_safe, members)):
                raise Invalid("Ce fichier n'est pas une sauvegarde d'EIG Link.")
            for member in members:
                extracted = archive.extractfile(member)
                assert extracted is not None, "_safe lets regular files only"
                with extracted as data:
                    (work / member.name).write_bytes(data.read())
    except tarfile.TarError:
        raise Invalid("Ce fichier n'est pas une sauvegarde d'EIG Link.") from None
    return work / DATABASE_MEMBER, sorted((work / "uploads").iterdir())


def _safe(member: tarfile.TarInfo) -> bool:
    if not member.isfile():
        return False
    if member.name == DATABASE_MEMBER:
        return True
    key = member.name.removeprefix(UPLOADS_PREFIX)
    return member.name.startswith(UPLOADS_PREFIX) and _is_key(key)


def _is_key(key: str) -> bool:
    try:
        uploads.path_of(key)
    except ValueError:
        return False
    return True


def _replace_uploads(files: list[Path]) -> None:
    """The uploads folder holds exactly the backup's files afterwards."""
    folder = uploads.folder()
    keep = {path.name for path in files}
    for path in files:
        shutil.copyfile(path, folder / path.name)
    for path in folder.iterdir():
        if path.is_file() and path.name not in keep:
            path.unlink()


def _restore_database(source: Path) -> None:
    db.session.remove()
    if _backend() == "sqlite":
        _sqlite_restore(source)
    else:
        db.engine.dispose()  # no pooled connection keeps a lock on the old tables
        _pg(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                str(source),
            ]
        )
    db.session.remove()


def _backend() -> str:
    name = db.engine.url.get_backend_name()
    if name not in ("sqlite", "postgresql"):
        raise Invalid(f"Sauvegarde impossible pour une base {name}.")
    return name


@contextmanager
def _live_sqlite() -> Iterator[sqlite3.Connection]:
    """A connection of the app's pool (the only one of an in-memory database)."""
    pooled = db.engine.raw_connection()
    try:
        yield pooled.driver_connection  # type: ignore[misc]
    finally:
        pooled.close()  # back to the pool, still open


def _sqlite_backup(target: Path) -> None:
    copy = sqlite3.connect(target)
    try:
        with _live_sqlite() as live:
            live.backup(copy)
    finally:
        copy.close()


def _sqlite_restore(source: Path) -> None:
    backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        _check_sqlite_backup(backup_db)
        with _live_sqlite() as live:
            backup_db.backup(live)
    finally:
        backup_db.close()


def _check_sqlite_backup(backup_db: sqlite3.Connection) -> None:
    """Refuse a file that is not a sound EIG Link database before touching ours."""
    try:
        (result,) = backup_db.execute("PRAGMA integrity_check").fetchone()
        tables = {row[0] for row in backup_db.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as error:
        raise Invalid(f"Ce fichier n'est pas une sauvegarde SQLite : {error}") from None
    if result != "ok" or REQUIRED_TABLE not in tables:
        raise Invalid("Ce fichier n'est pas une sauvegarde d'EIG Link.")


def _pg(command: list[str]) -> None:
    """Run a PostgreSQL client tool on the app's database (password by env only)."""
    if shutil.which(command[0]) is None:
        raise Invalid(f"{command[0]} est introuvable : installez postgresql-client.")
    url: URL = db.engine.url
    dsn = url.set(drivername="postgresql", password=None)
    env = {**os.environ, "PGOPTIONS": PG_LOCK_TIMEOUT}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    dbname = dsn.render_as_string(hide_password=False)
    done = subprocess.run(
        [*command, f"--dbname={dbname}"], env=env, capture_output=True, text=True
    )
    if done.returncode:
        raise Invalid(f"{command[0]} a échoué : {done.stderr.strip()[-2000:]}")
