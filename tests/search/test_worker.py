"""The background indexer: a stream of commits is searchable within a second, and
indexed in a few rounds rather than one per commit."""

import time

import pytest

from app.search import services, sync
from tests.conftest import file_app
from tests.factories import make_member

STREAM, SPACING = 30, 0.02  # a commit every 20 ms for 0.6 s


@pytest.fixture
def background_app(tmp_path):
    with file_app(tmp_path / "app.db", SEARCH_SYNC="background") as app:
        yield app


def searchable(viewer, text: str) -> int:
    return services.search(viewer, text, kind="member").total


def test_a_stream_of_commits_is_indexed_in_a_few_rounds_within_a_second(
    background_app, monkeypatch
):
    rounds = []
    process = sync.process_outbox
    monkeypatch.setattr(sync, "process_outbox", lambda: rounds.append(1) or process())
    viewer = make_member(password=None)
    time.sleep(0.5)  # the viewer's own round is over
    rounds.clear()
    for n in range(STREAM):
        make_member(display_name=f"Vaillant {n}", password=None)  # one commit each
        time.sleep(SPACING)
    last_commit = time.monotonic()
    while searchable(viewer, "vaillant") < STREAM:
        assert time.monotonic() - last_commit < 1.0, "not searchable within 1 s"
        time.sleep(0.01)
    assert 1 <= len(rounds) <= 6, rounds  # one per commit would be 30
