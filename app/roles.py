"""What one process answers: EIG_ROLE=all, web or realtime.

`all` (the default, `dev.py run`) serves pages and sockets from one process. In
production nginx sends `/socket.io/` to `realtime` processes and everything else
to `web` processes, so a page render never holds a socket's ack. They meet
through the database and the Socket.IO message queue: a web process commits,
then publishes the event to Redis, and the realtime processes deliver it.

A request that reaches the wrong kind of process gets a plain 404 rather than
half working (a socket on a web process would never hear the others' events),
so a misrouted deployment fails at once.
"""

import socketio as python_socketio
from flask import Flask

ROLES = ("all", "web", "realtime")
SOCKET_PATH = "/socket.io/"
# A realtime process also answers its supervisor and the load balancer.
REALTIME_PATHS = ("/healthz", "/readyz")


def check(app: Flask) -> str:
    """The process's role; web and realtime need the message queue between them."""
    role = app.config["ROLE"]
    if role not in ROLES:
        raise RuntimeError(f"EIG_ROLE must be one of {', '.join(ROLES)}")
    if role != "all" and not app.config.get("SOCKETIO_MESSAGE_QUEUE"):
        raise RuntimeError(
            f"EIG_ROLE={role} needs SOCKETIO_MESSAGE_QUEUE: web and realtime "
            "processes only meet through it"
        )
    return role


def queue_options(app: Flask) -> dict:
    """Flask-SocketIO's message queue settings for this role.

    A web process only publishes: a write-only manager opens no subscriber
    connection and decodes none of the other processes' events.
    """
    url, channel = (
        app.config.get("SOCKETIO_MESSAGE_QUEUE"),
        app.config["SOCKETIO_CHANNEL"],
    )
    if not url:
        # Flask-SocketIO keeps its options between init_app calls: without
        # this, an app built after a web one would keep its write-only manager.
        return {"message_queue": None, "client_manager": None}
    if app.config["ROLE"] != "web":
        return {"message_queue": url, "channel": channel}
    if url.startswith(("redis://", "rediss://")):
        manager = python_socketio.RedisManager
    else:
        manager = python_socketio.KombuManager
    return {"client_manager": manager(url, channel=channel, write_only=True)}


def only_its_paths(wsgi_app, role: str):
    """WSGI middleware: 404 for the paths that belong to the other role."""
    if role == "all":
        return wsgi_app

    def app(environ, start_response):
        path = environ.get("PATH_INFO", "")
        is_socket = path.startswith(SOCKET_PATH)
        if role == "web" and is_socket:
            return _not_here(
                start_response, "EIG_ROLE=web : /socket.io/ va aux processus realtime."
            )
        if role == "realtime" and not (is_socket or path in REALTIME_PATHS):
            return _not_here(
                start_response, "EIG_ROLE=realtime : seul /socket.io/ est servi ici."
            )
        return wsgi_app(environ, start_response)

    return app


def _not_here(start_response, text: str) -> list[bytes]:
    body = f"Introuvable sur ce processus. {text}\n".encode()
    start_response(
        "404 Not Found",
        [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Content-Length", str(len(body))),
        ],
    )
    return [body]
