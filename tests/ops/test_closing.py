"""A browser that resets its connection leaves no file open on Werkzeug's server.

The development server (dev.py run, the browser tests) skipped close() on the
response when the client reset the connection: the static file stayed open until
the garbage collector found it (a ResourceWarning that failed a browser test).
"""

import gc
import socket
import struct
import sys
import threading
import time

from werkzeug.serving import make_server


def reset_after_request(port: int, path: str) -> None:
    """Send a GET, then reset the connection at once (SO_LINGER 0)."""
    client = socket.create_connection(("127.0.0.1", port))
    client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    client.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    client.close()


def test_a_reset_connection_leaves_no_static_file_open(app, monkeypatch):
    unraisable = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for _ in range(20):
            reset_after_request(server.server_port, "/static/css/app.css")
        deadline = time.monotonic() + 5
        while len(threading.enumerate()) > 2 and time.monotonic() < deadline:
            time.sleep(0.05)  # the request threads end
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
    gc.collect()
    leaks = [u for u in unraisable if isinstance(u.exc_value, ResourceWarning)]
    assert leaks == [], [str(u.exc_value) for u in leaks]
