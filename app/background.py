"""A daemon thread per process, started at its first use (so that each forked
worker process gets its own) and drained at exit (a CLI command may end first)."""

import atexit
import threading
from collections.abc import Callable


class OnDemandThread:
    """Runs `loop` in a daemon thread once `ensure()` is first called."""

    def __init__(
        self, loop: Callable[[], None], name: str, at_exit: Callable[[], None]
    ) -> None:
        self._loop, self._name, self._at_exit = loop, name, at_exit
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._exit_registered = False

    def ensure(self) -> None:
        """Start the thread if it is not running (first use, or after a fork)."""
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._loop, name=self._name, daemon=True
                )
                self._thread.start()
                if not self._exit_registered:
                    atexit.register(self._at_exit)
                    self._exit_registered = True
