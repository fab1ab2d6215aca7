"""A process holding many members' sockets in one channel, for tests to freeze.

    python -m tests.channels.many_clients URL FIRST COUNT PASSWORD CHANNEL

Logs in members m<FIRST>..m<FIRST+COUNT-1>, joins each socket to CHANNEL, prints
"ready", then sleeps (at most 120 s). A test stops it with SIGSTOP: its sockets stay
open but answer no ping, as the clients of an overloaded server seem to it.
"""

import sys
import time
from concurrent.futures import ThreadPoolExecutor

from tests.channels.live import logged_in, socket_client


def _join(url: str, username: str, password: str, channel: str):
    client = socket_client(url, logged_in(url, username, password))
    ack = client.call("join_channel", {"channel": channel}, timeout=20)
    assert ack["ok"], ack
    return client


def main() -> None:
    url, first, count, password, channel = sys.argv[1:6]
    names = [f"m{n}" for n in range(int(first), int(first) + int(count))]
    with ThreadPoolExecutor(8) as pool:
        clients = list(pool.map(lambda n: _join(url, n, password, channel), names))
    print("ready", len(clients), flush=True)
    time.sleep(120)


if __name__ == "__main__":
    main()
