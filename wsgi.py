"""Entry point: `flask --app wsgi ...`, `python wsgi.py`, or gunicorn `wsgi:app`."""

import os

from app import create_app
from app.extensions import socketio
from config import config_from_env

app = create_app(config_from_env())  # EIG_ENV=production: ProductionConfig

if __name__ == "__main__":
    socketio.run(
        app,
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "5000")),
        allow_unsafe_werkzeug=True,
    )
