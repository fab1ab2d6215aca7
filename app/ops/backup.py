"""Back up and restore the database: SQLite's online backup, or pg_dump/pg_restore.

The search index is derived data: a restore rebuilds it from the restored rows.
"""

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import URL

from app.errors import Invalid
from app.extensions import db

# A restore that waits for a lock held by a running app gives up instead of hanging.
PG_LOCK_TIMEOUT = "-c lock_timeout=30s"
REQUIRED_TABLE = "members"


def backup(target: Path) -> None:
    """Write a consistent copy of the whole database to `target`, while it serves."""
    partial = target.with_name(target.name + ".part")
    if _backend() == "sqlite":
        _sqlite_backup(partial)
    else:
        _pg(["pg_dump", "--format=custom", "--no-owner", f"--file={partial}"])
    partial.replace(target)  # a backup file is complete or absent


def restore(source: Path) -> int:
    """Replace every table with the backup's, then rebuild the search index.

    Returns how many documents the index holds again.
    """
    from app.search.services import rebuild

    if not source.is_file():
        raise Invalid(f"Fichier introuvable : {source}")
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
    return rebuild()


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
