"""Websockets are not compressed: a socket keeps no zlib state, an event is not
compressed once per recipient."""

import base64
import os
import socket

import pytest

from tests.channels.live import app_process
from tests.conftest import free_port


def handshake(url: str, extensions: str) -> str:
    """A raw websocket upgrade offering `extensions`; the response's head."""
    host, port = url.removeprefix("http://").split(":")
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        "GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n"
        f"Host: {host}:{port}\r\nOrigin: {url}\r\n"
        "Upgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
        f"Sec-WebSocket-Extensions: {extensions}\r\n\r\n"
    )
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        conn.sendall(request.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(4096)
            if not chunk:
                break
            head += chunk
    return head.split(b"\r\n\r\n")[0].decode("latin-1")


@pytest.fixture(params=["threading", "gevent"])
def server(request, tmp_path):
    env = {
        "EIG_ASYNC_MODE": request.param,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
        "SECRET_KEY": "compression-test",
        "SEARCH_URL": "memory:",
        "SOCKETIO_MESSAGE_QUEUE": "",
    }
    with app_process(free_port(), env, tmp_path / "app.log") as url:
        yield url


def test_a_websocket_offered_permessage_deflate_is_opened_without_it(server):
    head = handshake(server, "permessage-deflate; client_max_window_bits")
    status, *headers = head.split("\r\n")
    assert " 101 " in status, head
    names = {line.split(":", 1)[0].strip().lower() for line in headers}
    assert "upgrade" in names
    assert "sec-websocket-extensions" not in names, head
