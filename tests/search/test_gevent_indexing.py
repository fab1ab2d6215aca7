"""Under gevent, writing the Whoosh index leaves the event loop free to serve.

Whoosh commits are pure Python: run in the loop's thread, one of a few seconds
held every socket of the process for all of it (issue 19: indexing and search
took a quarter of the server's CPU under load). The app writes in gevent's native
thread pool, so the loop gets the interpreter back every few milliseconds.
"""

import json
import subprocess
import sys

from tests.channels.live import ROOT


def test_a_long_whoosh_write_under_gevent_leaves_the_loop_turning(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "tests.search.loop_during_indexing", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    measured = json.loads(result.stdout.strip().splitlines()[-1])
    native, loop = measured["native_thread"], measured["loop_thread"]
    # The same write in the loop's thread stalls it for about all of its length:
    # the measurement can see a stall.
    assert loop["longest_gap"] > 0.5 * loop["write"]
    # The app's way: the loop's longest pause is a small part of the write.
    assert native["longest_gap"] < 0.25 * native["write"]
    assert native["longest_gap"] < 0.5
