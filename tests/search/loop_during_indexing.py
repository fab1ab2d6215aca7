"""Run under gevent: how long the event loop stalls while the index is written.

    python -m tests.search.loop_during_indexing INDEX_DIR

Prints one JSON line: for a large Whoosh write done as the app does it under gevent
(`sync._write`) and done in the loop's own thread (`sync._apply`), the write's
seconds and the longest gap between the ticks of a greenlet that asks to run
every 5 ms meanwhile.
"""

from gevent import monkey

monkey.patch_all()

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import gevent  # noqa: E402

from app import create_app  # noqa: E402
from app.search import sync  # noqa: E402
from config import TestConfig  # noqa: E402
from search_index import Document  # noqa: E402

DOCS = 3000


def _documents(first: int) -> list[Document]:
    words = [
        "données",
        "santé",
        "transport",
        "énergie",
        "justice",
        "carte",
        "budget",
        "école",
    ]
    return [
        Document(
            kind="member",
            id=first + n,
            title=f"Membre {first + n} {words[n % len(words)]}",
            body=" ".join(words[(n + k) % len(words)] for k in range(60)),
        )
        for n in range(DOCS)
    ]


def _measure(write, index, first: int) -> dict:
    gaps, running = [], True

    def tick() -> None:
        last = time.monotonic()
        while running:
            gevent.sleep(0.005)
            now = time.monotonic()
            gaps.append(now - last)
            last = now

    ticker = gevent.spawn(tick)
    gevent.sleep(0.05)
    started = time.monotonic()
    write(index, {"member": (_documents(first), [])})
    seconds = time.monotonic() - started
    running = False
    ticker.join()
    return {"write": seconds, "longest_gap": max(gaps)}


def main() -> None:
    config = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    config |= {
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        "SEARCH_URL": f"whoosh:{sys.argv[1]}",
        "ASYNC_MODE": "gevent",
    }
    app = create_app(config)
    with app.app_context():
        index = app.extensions["search"].index
        result = {
            "native_thread": _measure(sync._write, index, 0),
            "loop_thread": _measure(sync._apply, index, DOCS),
        }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
