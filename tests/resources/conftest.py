"""Uploads go to a temporary folder; the CSRF-on browser fixtures of tests/security."""

import pytest

from tests.security.conftest import browser, browser_factory  # noqa: F401


@pytest.fixture(autouse=True)
def upload_folder(app, tmp_path):
    """Each test stores its files in its own folder, outside the static files."""
    folder = tmp_path / "uploads"
    app.config["UPLOAD_FOLDER"] = str(folder)
    return folder


def stored_files(folder) -> list:
    """What is on disk in the upload folder."""
    return sorted(folder.iterdir()) if folder.exists() else []
