"""Index in the background: commits return at once, the index follows within a second.

One thread per process drains the outbox. It waits for a pause in the commits
(QUIET_SECONDS) before indexing, but never longer than GATHER_SECONDS after the
first one: a busy channel costs one index commit per round of about a dozen
messages, not one per message (a Whoosh commit of one document costs 5 to 9 ms,
one of 25 under 1 ms each), and a lone change is searchable 50 ms after it.
"""

import logging
import threading
import time

from flask import Flask

from app.background import OnDemandThread
from app.search import sync

log = logging.getLogger(__name__)
QUIET_SECONDS = 0.05  # no commit for this long: index what came
GATHER_SECONDS = 0.25  # a steady stream of commits: index at least this often


class IndexWorker:
    """Wakes up after commits that changed indexed data, and indexes them."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._wake = threading.Event()
        self._thread = OnDemandThread(self._run, "search-index", self.drain)

    def notify(self) -> None:
        """Called after a commit: index what it changed, soon."""
        self._thread.ensure()
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._gather()
            self.drain()

    def _gather(self) -> None:
        """Return once commits pause, or GATHER_SECONDS after the first one."""
        deadline = time.monotonic() + GATHER_SECONDS
        while True:
            self._wake.clear()
            left = deadline - time.monotonic()
            if left <= 0 or not self._wake.wait(min(QUIET_SECONDS, left)):
                return

    def drain(self) -> None:
        """Index what the outbox holds now."""
        try:
            with self.app.app_context():
                sync.process_outbox()
        except Exception:  # the outbox keeps the rows: the next round retries
            log.exception("Background indexing failed")
