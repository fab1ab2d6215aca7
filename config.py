"""Settings read from the environment, with defaults for a laptop."""

import os
from datetime import timedelta


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable ("1", "true", "yes", "on" mean yes)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    """Read a whole number from the environment."""
    value = os.environ.get(name)
    return int(value) if value else default


def database_url(url: str | None) -> str | None:
    """Name the psycopg 3 driver for plain PostgreSQL URLs."""
    if not url:
        return None
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    PRODUCTION = False
    # Generated once and kept in the instance folder when not given.
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # None means SQLite in the instance folder.
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"))
    SEARCH_URL = os.environ.get("SEARCH_URL")
    # "background": a thread indexes within a second of each commit, in batches;
    # "inline": the commit indexes before it returns (tests, scripts).
    SEARCH_SYNC = os.environ.get("SEARCH_SYNC", "background")
    # "background": instant notification e-mails leave from a thread of their
    # own; "inline": before the notifying request or event returns (tests).
    MAIL_SYNC = os.environ.get("MAIL_SYNC", "background")
    # At most one instant notification e-mail per member in this many seconds:
    # what comes meanwhile is held, then sent grouped in one e-mail with the
    # next one after the window (or in the daily digest if none comes).
    MAIL_GROUP_SECONDS = env_int("MAIL_GROUP_SECONDS", 300)
    SOCKETIO_MESSAGE_QUEUE = os.environ.get("SOCKETIO_MESSAGE_QUEUE")
    # The Redis pub/sub channel of the queue: one per deployment sharing a server.
    SOCKETIO_CHANNEL = os.environ.get("SOCKETIO_CHANNEL", "flask-socketio")
    # A socket that has not answered a ping for PING_INTERVAL + PING_TIMEOUT
    # seconds is closed (Engine.IO's defaults; a proxy's read timeout must exceed
    # their sum).
    SOCKETIO_PING_INTERVAL = float(os.environ.get("SOCKETIO_PING_INTERVAL", "25"))
    SOCKETIO_PING_TIMEOUT = float(os.environ.get("SOCKETIO_PING_TIMEOUT", "20"))
    # "threading" (one thread a socket), or "gevent" for many sockets in one
    # process: wsgi.py and gunicorn's gevent worker patch the standard library.
    ASYNC_MODE = os.environ.get("EIG_ASYNC_MODE", "threading")
    # What this process answers (app/roles.py): "all" (pages and sockets, one
    # process), "web" (pages, API, static) or "realtime" (/socket.io/).
    ROLE = os.environ.get("EIG_ROLE", "all")

    # Database connections: a request waits at most DATABASE_POOL_TIMEOUT seconds
    # for one, then gets a 503 with Retry-After (not minutes, then a 500). Size
    # POOL_SIZE + POOL_OVERFLOW under PostgreSQL's max_connections for all processes.
    DATABASE_POOL_SIZE = env_int("DATABASE_POOL_SIZE", 10)
    DATABASE_POOL_OVERFLOW = env_int("DATABASE_POOL_OVERFLOW", 10)
    DATABASE_POOL_TIMEOUT = float(os.environ.get("DATABASE_POOL_TIMEOUT", "5"))
    # Load shedding: past this many requests in progress at once (Socket.IO and
    # static files apart), a new one gets a 503 with Retry-After at once instead
    # of queueing behind them. 0 turns it off.
    MAX_CONCURRENT_REQUESTS = env_int("MAX_CONCURRENT_REQUESTS", 48)
    OVERLOAD_RETRY_AFTER = env_int("OVERLOAD_RETRY_AFTER", 5)  # seconds
    # A request that waited longer than this between nginx and the app (its
    # X-Request-Start header) gets the same 503: its member has waited enough,
    # and the queue behind it shrinks. 0 turns it off.
    MAX_QUEUE_SECONDS = float(os.environ.get("MAX_QUEUE_SECONDS", "2"))

    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    MAIL_SERVER = os.environ.get("MAIL_SERVER")  # None: e-mails are written to the log
    MAIL_PORT = env_int("MAIL_PORT", 25)
    MAIL_USE_TLS = env_bool("MAIL_USE_TLS")
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "EIG Link <no-reply@eig-link.local>")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE")
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE")
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)
    # How many proxies in front set X-Forwarded-For/-Proto (1 behind nginx).
    PROXY_COUNT = env_int("PROXY_COUNT", 0)
    HSTS_MAX_AGE = env_int("HSTS_MAX_AGE", 365 * 24 * 3600)  # sent over HTTPS only
    REQUEST_LOG = env_bool("REQUEST_LOG", True)  # one JSON line per request
    # A request may carry an upload of UPLOAD_MAX_BYTES plus the form around it.
    UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
    MAX_CONTENT_LENGTH = env_int("MAX_CONTENT_LENGTH", UPLOAD_MAX_BYTES + 1024 * 1024)
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER")  # None: the instance's uploads/

    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    RATELIMIT_ENABLED = env_bool("RATELIMIT_ENABLED", True)
    # memory:// counts per process: several processes need a shared redis://.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True  # Retry-After on a 429
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "eiglink")
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    API_TOKEN_RATE_LIMIT = os.environ.get("API_TOKEN_RATE_LIMIT", "10 per hour")
    # Tries at changing one's password, per member (each costs two argon2 hashes);
    # past it the account page refuses with a message, status 429.
    PASSWORD_CHANGE_RATE_LIMIT = os.environ.get(
        "PASSWORD_CHANGE_RATE_LIMIT", "5 per hour"
    )
    API_WRITE_RATE_LIMIT = os.environ.get("API_WRITE_RATE_LIMIT", "60 per minute")
    # Flood control in channels: at most COUNT messages per member in SECONDS.
    # Questions routed to one member in 7 days, at most (issue 16).
    QUESTIONS_WEEKLY_CAP = env_int("QUESTIONS_WEEKLY_CAP", 3)
    # Topic channels whose new threads are questions by default (their slugs).
    QUESTION_CHANNELS = tuple(
        os.environ.get("QUESTION_CHANNELS", "entraide").replace(" ", "").split(",")
    )
    CHAT_FLOOD_LIMIT = (
        env_int("CHAT_FLOOD_COUNT", 10),
        env_int("CHAT_FLOOD_SECONDS", 10),
    )
    # Fan-out: at most this many members notified by one message's @mentions
    # (a message naming more is refused with a French error).
    CHAT_MAX_MENTIONS = env_int("CHAT_MAX_MENTIONS", 20)
    # One `typing` broadcast per socket and channel in this many seconds; the
    # others are dropped silently (the ack still says ok).
    CHAT_TYPING_INTERVAL = float(os.environ.get("CHAT_TYPING_INTERVAL", "2.5"))
    # Reactions added or taken back per member (shared storage of the limiter);
    # beyond it the ack (or API answer) is an error.
    CHAT_REACTION_RATE_LIMIT = os.environ.get(
        "CHAT_REACTION_RATE_LIMIT", "30 per minute"
    )

    # argon2id; OWASP's minimum is m=19 MiB, t=2, p=1.
    ARGON2_TIME_COST = env_int("ARGON2_TIME_COST", 2)
    ARGON2_MEMORY_COST = env_int("ARGON2_MEMORY_COST", 19 * 1024)
    ARGON2_PARALLELISM = env_int("ARGON2_PARALLELISM", 1)

    # ProConnect, the State's sign-in for public agents (app/auth/proconnect.py):
    # off unless all three are set. The discovery URL chooses the environment
    # (integration or production).
    PROCONNECT_DISCOVERY_URL = os.environ.get("PROCONNECT_DISCOVERY_URL")
    PROCONNECT_CLIENT_ID = os.environ.get("PROCONNECT_CLIENT_ID")
    PROCONNECT_CLIENT_SECRET = os.environ.get("PROCONNECT_CLIENT_SECRET")
    # Whom people write to when they are not invited yet.
    PROGRAMME_CONTACT = os.environ.get("PROGRAMME_CONTACT", "contact@eig-link.local")
    INVITATION_MAX_AGE = timedelta(days=env_int("INVITATION_MAX_AGE_DAYS", 14))
    PASSWORD_RESET_MAX_AGE = timedelta(hours=2)

    # Flask-Compress: brotli first (quality 5: a fifth smaller than zstd's
    # default on the DSFR stylesheet, 12 ms for its 571 kB), then zstd and gzip.
    # Static files are compressed once per browser: their URLs are fingerprinted
    # and cached for a year (app/static_files.py). Streamed responses (uploaded
    # files, exports) are sent as they are.
    COMPRESS_ALGORITHM = ["br", "zstd", "gzip"]
    COMPRESS_BR_LEVEL = 5
    COMPRESS_STREAMS = False
    BABEL_DEFAULT_LOCALE = "fr"
    LANGUAGES = ("fr", "en")
    MEMBERS_PER_PAGE = 24
    DEFIS_PER_PAGE = 30
    RESOURCES_PER_PAGE = 20


class ProductionConfig(Config):
    """EIG_ENV=production: behind HTTPS, no debug pages, cookies sent over TLS only."""

    PRODUCTION = True  # create_app refuses debug mode and a missing SECRET_KEY
    DEBUG = False
    PROPAGATE_EXCEPTIONS = False
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"
    PROXY_COUNT = env_int("PROXY_COUNT", 1)


def config_from_env() -> type[Config]:
    """ProductionConfig when EIG_ENV=production, else the laptop defaults."""
    return ProductionConfig if os.environ.get("EIG_ENV") == "production" else Config


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("TEST_DATABASE_URL")) or (
        "sqlite://"
    )
    SEARCH_URL = "memory:"
    SEARCH_SYNC = "inline"  # a test reads the index right after a commit
    MAIL_SYNC = "inline"  # a test reads the inbox right after the request
    SOCKETIO_MESSAGE_QUEUE = None
    ASYNC_MODE = "threading"  # a live server test picks gevent in its environment
    ROLE = "all"
    MAIL_SERVER = None
    WTF_CSRF_ENABLED = False  # the security tests turn it back on
    RATELIMIT_ENABLED = False  # the rate-limit tests turn it back on
    # On, as in production: the request log reads `current_user` after every
    # request, and once turned a password change into a crash the tests missed.
    REQUEST_LOG = True
    PROCONNECT_DISCOVERY_URL = None  # a test that needs it runs a fake provider
    SERVER_NAME = None
    BASE_URL = "http://localhost"
    # Cheap hashes keep the suite fast; production uses the OWASP parameters above.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
