"""Entry point: `flask --app wsgi ...`, `python wsgi.py`, or gunicorn `wsgi:app`."""

import os

if os.environ.get("EIG_ASYNC_MODE") == "gevent":  # before anything opens a socket
    from gevent import monkey

    if not monkey.is_module_patched("socket"):  # gunicorn -k gevent did already
        monkey.patch_all()

from app import create_app  # noqa: E402
from app.extensions import socketio  # noqa: E402
from config import config_from_env  # noqa: E402

app = create_app(config_from_env())  # EIG_ENV=production: ProductionConfig

if __name__ == "__main__":
    socketio.run(
        app,
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "5000")),
        allow_unsafe_werkzeug=True,
    )
