"""The bare server of benchmarks/chat.py: python-socketio alone, no Flask.

    EIG_ASYNC_MODE=threading|gevent python benchmarks/chat_bare.py PORT

`join_channel` enters a room; `send_message` emits `message_posted` to the room
and acks. Served as `python wsgi.py` serves the app in the same mode: Werkzeug's
threaded server with simple-websocket, or gevent's WSGI server (patched first).
"""

import os
import sys

MODE = os.environ.get("EIG_ASYNC_MODE", "threading")
if MODE == "gevent":  # before anything opens a socket
    from gevent import monkey

    monkey.patch_all()

import itertools  # noqa: E402

import socketio  # noqa: E402


def ready(_environ, start_response):
    """What the benchmark polls until the server answers."""
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def echo_server() -> socketio.Server:
    """Rooms and a broadcast: the floor of a fan-out."""
    sio = socketio.Server(async_mode=MODE)
    ids = itertools.count(1)

    @sio.on("join_channel")
    def on_join(sid, data):
        sio.enter_room(sid, data["channel"])
        return {"ok": True}

    @sio.on("send_message")
    def on_send(sid, data):
        message = {**data, "id": next(ids)}
        sio.emit("message_posted", message, to=data["channel"])
        return {"ok": True, "id": message["id"]}

    return sio


def main(port: int) -> None:
    app = socketio.WSGIApp(echo_server(), ready)
    if MODE == "gevent":
        from gevent import pywsgi

        pywsgi.WSGIServer(("127.0.0.1", port), app, log=None).serve_forever()
    else:
        from werkzeug.serving import run_simple

        run_simple("127.0.0.1", port, app, threaded=True)


if __name__ == "__main__":
    main(int(sys.argv[1]))
