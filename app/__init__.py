"""EIG Link: the application factory. Wiring only."""

import logging
import secrets
from pathlib import Path

from flask import Flask, has_request_context, request
from flask.helpers import get_debug_flag

from app import inputs
from app import sqlite as _sqlite  # noqa: F401  (engine events)
from app.i18n import compile_translations, format_counts
from config import Config


def create_app(config: type[Config] | dict = Config) -> Flask:
    """Build the app: config, extensions, blueprints, CLI, templates."""
    app = Flask(__name__, instance_relative_config=False)
    if isinstance(config, dict):
        app.config.from_object(Config)
        app.config.update(config)
    else:
        app.config.from_object(config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    _check_production(app)
    _default_settings(app)
    compile_translations(app)  # sets BABEL_TRANSLATION_DIRECTORIES for Babel
    _init_ops(app)  # first: its hooks time and log every request
    inputs.install(app)  # then no NUL, lone surrogate or deep JSON reaches a view
    _init_extensions(app)
    _register_blueprints(app)
    _register_templates(app)
    from app import cli, collation
    from app.errors import register_error_handlers
    from app.ops import overload

    register_error_handlers(app)
    overload.register(app)
    cli.register(app)
    collation.load()
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)
    return app


def _check_production(app: Flask) -> None:
    """In production: no debugger or stack trace, and one key shared by all hosts."""
    if not app.config["PRODUCTION"]:
        return
    if app.debug or get_debug_flag():
        raise RuntimeError("Debug mode is refused in production (unset FLASK_DEBUG).")
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("Set SECRET_KEY in production: every process needs it.")
    if app.config.get("SOCKETIO_MESSAGE_QUEUE") and app.config[
        "RATELIMIT_STORAGE_URI"
    ].startswith("memory://"):
        logging.getLogger(__name__).warning(
            "Several processes but RATELIMIT_STORAGE_URI=memory://: each process "
            "counts its own attempts. Use redis://."
        )


def _init_ops(app: Flask) -> None:
    """Security headers, request logs, and the health endpoints."""
    from app.ops import bp, headers, requestlog
    from app.ops import views as _ops_views  # noqa: F401

    requestlog.install(app)
    headers.install(app)
    app.register_blueprint(bp)


def _trust_proxies(app: Flask) -> None:
    """Behind nginx: the client's address (rate limits) and scheme (HSTS, cookies)."""
    count = app.config["PROXY_COUNT"]
    if count:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]


def _default_settings(app: Flask) -> None:
    """Fill what the environment left out: the secret key and the SQLite path."""
    instance = Path(app.instance_path)
    if not app.config.get("SECRET_KEY"):
        key_file = instance / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_hex(32))
            key_file.chmod(0o600)
        app.config["SECRET_KEY"] = key_file.read_text().strip()
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'eiglink.db'}"
    _size_the_pool(app)
    if app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://":
        # One in-memory database shared by every connection of the test app.
        from sqlalchemy.pool import StaticPool

        app.config.setdefault(
            "SQLALCHEMY_ENGINE_OPTIONS",
            {"poolclass": StaticPool, "connect_args": {"check_same_thread": False}},
        )


def _size_the_pool(app: Flask) -> None:
    """The connection pool of a database on disk or on a server: bounded waits."""
    if app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://":
        return  # one shared in-memory connection (below)
    options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    options.setdefault("pool_size", app.config["DATABASE_POOL_SIZE"])
    options.setdefault("max_overflow", app.config["DATABASE_POOL_OVERFLOW"])
    options.setdefault("pool_timeout", app.config["DATABASE_POOL_TIMEOUT"])


def _init_extensions(app: Flask) -> None:
    from argon2 import PasswordHasher

    from app import mail, realtime, roles, static_files
    from app import models as _models  # noqa: F401  (the whole schema, for Alembic)
    from app.auth import hashing, identity
    from app.extensions import (
        babel,
        compress,
        csrf,
        db,
        limiter,
        login,
        migrate,
        socketio,
    )
    from app.ops import closing, headers, overload

    db.init_app(app)
    migrations = str(Path(app.root_path).parent / "migrations")
    migrate.init_app(app, db, directory=migrations, render_as_batch=True)
    csrf.init_app(app)
    compress.init_app(app)
    static_files.install(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=_select_locale)
    format_counts(app)
    login.init_app(app)
    identity.init_login(login)
    identity.require_login_by_default(app)
    # Handlers declared before the first init_app are kept for every later app.
    from app.channels import events as _events  # noqa: F401

    role = roles.check(app)
    socketio.init_app(
        app,
        async_mode=realtime.async_mode(app.config["ASYNC_MODE"]),
        ping_interval=app.config["SOCKETIO_PING_INTERVAL"],
        ping_timeout=app.config["SOCKETIO_PING_TIMEOUT"],
        max_http_buffer_size=64 * 1024,  # a message is 4,000 characters at most
        **roles.queue_options(app),
    )
    # WSGI middleware wraps app.wsgi_app, as Flask documents (hence the ignores).
    app.wsgi_app = realtime.without_compression(app.wsgi_app)  # type: ignore[method-assign]
    app.wsgi_app = overload.shed_past(  # type: ignore[method-assign]
        app.wsgi_app,
        app.config["MAX_CONCURRENT_REQUESTS"],
        app.config["OVERLOAD_RETRY_AFTER"],
        app.config["MAX_QUEUE_SECONDS"],
    )
    app.wsgi_app = roles.only_its_paths(app.wsgi_app, role)  # type: ignore[method-assign]  # 404s get the headers
    app.wsgi_app = headers.wsgi_middleware(app.wsgi_app, app.config["HSTS_MAX_AGE"])  # type: ignore[method-assign]
    app.wsgi_app = closing.close_when_sent(app.wsgi_app)  # type: ignore[method-assign]
    _trust_proxies(app)  # outside Socket.IO's middleware: it sees the real scheme
    hasher = PasswordHasher(
        time_cost=app.config["ARGON2_TIME_COST"],
        memory_cost=app.config["ARGON2_MEMORY_COST"],
        parallelism=app.config["ARGON2_PARALLELISM"],
    )
    app.extensions["eig_hasher"] = hashing.for_mode(hasher, app.config["ASYNC_MODE"])
    app.extensions["eig_mailer"] = mail.Mailer.from_config(app.config)
    _init_mail_worker(app)
    _init_search(app)
    _init_realtime(app)
    from app import fragments

    fragments.install()  # cached cards follow every edit


def _init_mail_worker(app: Flask) -> None:
    """MAIL_SYNC=background: a thread per process sends the instant e-mails."""
    from app.notifications import delivery

    mode = app.config["MAIL_SYNC"]
    if mode not in delivery.SYNC_MODES:
        raise RuntimeError(f"MAIL_SYNC must be one of {', '.join(delivery.SYNC_MODES)}")
    if mode == "background":
        app.extensions["mail_worker"] = delivery.MailWorker(app)


def _init_realtime(app: Flask) -> None:
    """Socket.IO handlers, and sockets closed when a member's session ends."""
    from app import realtime
    from app.members import sessions

    realtime.install()
    sessions.install()
    realtime.use_socket_sessions(app)
    if not app.config.get("SOCKETIO_MESSAGE_QUEUE"):
        with app.app_context():
            realtime.forget_stale_sockets()


def _init_search(app: Flask) -> None:
    """Open the index and keep it in step with every commit, from any writer."""
    from app.search import sync
    from app.search.engine import init_search

    init_search(app)
    sync.install()
    if app.config["SEARCH_SYNC"] == "background":
        from app.search.worker import IndexWorker

        app.extensions["search_worker"] = IndexWorker(app)
    with app.app_context():
        sync.replay_at_start()


def _select_locale() -> str:
    """French unless the member chose English (?lang=en, kept in a cookie)."""
    if not has_request_context():
        return "fr"  # e-mails rendered by CLI commands
    choice = request.args.get("lang") or request.cookies.get("lang")
    return choice if choice in ("fr", "en") else "fr"


def _register_blueprints(app: Flask) -> None:
    # Importing a domain's views attaches its routes to its blueprint.
    from app.admin import bp as admin_bp
    from app.admin import views as _admin_views  # noqa: F401
    from app.api import bp as api_bp
    from app.api import views as _api_views  # noqa: F401
    from app.auth import bp as auth_bp
    from app.auth import proconnect_views as _proconnect_views  # noqa: F401
    from app.auth import views as _auth_views  # noqa: F401
    from app.channels import bp as channels_bp
    from app.channels import views as _channels_views  # noqa: F401
    from app.defis import bp as defis_bp
    from app.defis import team_views as _team_views  # noqa: F401
    from app.defis import views as _defis_views  # noqa: F401
    from app.home import bp as home_bp
    from app.home import views as _home_views  # noqa: F401
    from app.members import bp as members_bp
    from app.members import views as _members_views  # noqa: F401
    from app.mentoring import bp as mentoring_bp
    from app.mentoring import views as _mentoring_views  # noqa: F401
    from app.notifications import bp as notifications_bp
    from app.notifications import views as _notifications_views  # noqa: F401
    from app.privacy import bp as privacy_bp
    from app.privacy import views as _privacy_views  # noqa: F401
    from app.questions import bp as questions_bp
    from app.questions import views as _questions_views  # noqa: F401
    from app.resources import bp as resources_bp
    from app.resources import views as _resources_views  # noqa: F401
    from app.search import bp as search_bp
    from app.search import views as _search_views  # noqa: F401

    app.register_blueprint(home_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(members_bp, url_prefix="/members")
    app.register_blueprint(defis_bp, url_prefix="/defis")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(channels_bp, url_prefix="/channels")
    app.register_blueprint(resources_bp, url_prefix="/resources")
    app.register_blueprint(mentoring_bp, url_prefix="/mentoring")
    app.register_blueprint(questions_bp, url_prefix="/questions")
    app.register_blueprint(notifications_bp, url_prefix="/notifications")
    app.register_blueprint(search_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(api_bp, url_prefix="/api/v1")


def _register_templates(app: Flask) -> None:
    from flask_babel import get_locale
    from markupsafe import Markup

    from app import form_errors
    from app.timeutil import isoformat, local_date, local_text

    app.jinja_env.filters["iso"] = isoformat
    app.jinja_env.filters["local_time"] = local_text
    app.jinja_env.filters["local_date"] = local_date
    form_errors.install(app)

    @app.context_processor
    def inject_globals() -> dict:
        return {"current_locale": str(get_locale())}

    def lang_fr() -> Markup | str:
        """` lang="fr"` for an element of content known to be French (the défis,
        the State's name) in a page of another language (RGAA 8.7)."""
        return Markup(' lang="fr"') if str(get_locale()) != "fr" else ""

    # A global, not a context variable: cached cards render without context.
    app.jinja_env.globals["lang_fr"] = lang_fr

    @app.after_request
    def remember_language(response):
        lang = request.args.get("lang")
        if lang in ("fr", "en"):
            response.set_cookie(
                "lang",
                lang,
                max_age=365 * 24 * 3600,
                samesite="Lax",
                secure=app.config["SESSION_COOKIE_SECURE"],
                httponly=True,
            )
        return response
