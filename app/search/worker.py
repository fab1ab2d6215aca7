"""Index in the background: commits return at once, the index follows within a second.

One thread per process drains the outbox; changes that come while it works are
taken together in its next round, so a busy channel costs one index commit per
round, not one per message.
"""

import atexit
import logging
import threading
import time

from flask import Flask

from app.search import sync

log = logging.getLogger(__name__)
GATHER_SECONDS = 0.05  # let a burst of commits arrive before indexing them


class IndexWorker:
    """Wakes up after commits that changed indexed data, and indexes them."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._at_exit = False

    def notify(self) -> None:
        """Called after a commit: index what it changed, soon."""
        self._ensure_thread()
        self._wake.set()

    def _ensure_thread(self) -> None:
        # Started on first use, so each forked worker process gets its own.
        with self._start_lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="search-index", daemon=True
                )
                self._thread.start()
                if not self._at_exit:  # a CLI command ends before the thread does
                    atexit.register(self.drain)
                    self._at_exit = True

    def _run(self) -> None:
        while True:
            self._wake.wait()
            time.sleep(GATHER_SECONDS)
            self._wake.clear()
            self.drain()

    def drain(self) -> None:
        """Index what the outbox holds now."""
        try:
            with self.app.app_context():
                sync.process_outbox()
        except Exception:  # the outbox keeps the rows: the next round retries
            log.exception("Background indexing failed")
