"""The embedded SQLite default: what an acked write survives."""

from sqlalchemy import text

from app.extensions import db
from tests.conftest import file_app

FULL = 2  # PRAGMA synchronous: 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA


def test_every_commit_is_synced_to_disk(tmp_path):
    """synchronous=FULL: an acked message survives a power cut, not only a crash."""
    with file_app(tmp_path / "eiglink.db"):
        pragma = db.session.execute(text("PRAGMA synchronous")).scalar()
        journal = db.session.execute(text("PRAGMA journal_mode")).scalar()
    assert pragma == FULL
    assert journal == "wal"
