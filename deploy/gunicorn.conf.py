"""gunicorn settings for one EIG Link process.

    gunicorn -c deploy/gunicorn.conf.py wsgi:app

One worker per process: a Socket.IO client must reach the process that holds its
session, and nginx can make clients stick to a process (several per host, each
on its own port) but gunicorn cannot between its own workers.

By default threads serve the requests, and each open socket holds one thread:
size EIG_THREADS for the sockets one process should carry. With
EIG_ASYNC_MODE=gevent, greenlets do (up to EIG_CONNECTIONS at once): a socket
costs kilobytes, not a thread, and a message sent to a busy channel reaches its
sockets several times cheaper (benchmarks/chat.py).
"""

import os

bind = os.environ.get("EIG_BIND", "127.0.0.1:8001")
workers = 1
if os.environ.get("EIG_ASYNC_MODE") == "gevent":
    worker_class = "gevent"
    worker_connections = int(os.environ.get("EIG_CONNECTIONS", "1000"))
else:
    worker_class = "gthread"
    threads = int(os.environ.get("EIG_THREADS", "100"))
timeout = 30  # the worker's heartbeat; long-lived sockets do not block it
graceful_timeout = 20
keepalive = 5
# The app logs one JSON line per request (REQUEST_LOG); gunicorn logs its own life.
accesslog = None
errorlog = "-"
loglevel = "info"
# Only the local nginx may say a request came over HTTPS.
forwarded_allow_ips = os.environ.get("EIG_PROXY_IPS", "127.0.0.1,::1")
proc_name = f"eiglink-{bind.rsplit(':', 1)[-1]}"
