"""gunicorn settings for one EIG Link process.

    EIG_ROLE=web EIG_BIND=127.0.0.1:8001 gunicorn -c deploy/gunicorn.conf.py wsgi:app
    EIG_ROLE=realtime EIG_BIND=127.0.0.1:8101 gunicorn -c deploy/gunicorn.conf.py \
        wsgi:app

EIG_ROLE (app/roles.py) says what the process answers, and picks its worker:

- realtime: /socket.io/ only, one gevent worker. A Socket.IO client must reach
  the process that holds its session; nginx makes clients stick to a process
  but gunicorn cannot between its own workers, so one worker a process, and
  more processes on other ports for more cores. Greenlets carry the sockets (a
  socket costs kilobytes, not a thread, up to EIG_CONNECTIONS at once) and a
  message reaches a busy channel several times cheaper (benchmarks/chat.py).
- web: pages, API and static files, EIG_WORKERS workers (default 1) with
  EIG_THREADS threads each (gthread). Sessions live in signed cookies and the
  rate limits in Redis, so any worker may answer any request. Threads rather
  than gevent because a page is mostly CPU (8-25 ms) between short queries,
  and a render in gevent holds every other request of the worker until it
  yields, where threads are preempted. Measured on a 2-core host with other
  work running (load average 4-5), PostgreSQL, one worker, 16 clients looping
  over the directory, défi list, a défi page and a profile for 15 s
  (tests/deploy/flood.py), two runs each: gthread 34-39 pages/s, p95 620-712
  ms; gevent 30-36 pages/s, p95 883-1,105 ms. EIG_ASYNC_MODE=gevent overrides.
- all (default): pages and sockets in one process, as before the split:
  gthread with EIG_THREADS threads (each open socket holds one), or gevent with
  EIG_ASYNC_MODE=gevent. One worker, for the sticky sockets.

The role's mode is written back to EIG_ASYNC_MODE before the workers load
wsgi.py, so the app and its worker agree (gevent's patching, Socket.IO's mode).
"""

import os

ROLE_MODES = {"web": "threading", "realtime": "gevent", "all": "threading"}

role = os.environ.get("EIG_ROLE", "all")
if role not in ROLE_MODES:
    raise RuntimeError(f"EIG_ROLE must be one of {', '.join(ROLE_MODES)}")
mode = os.environ.get("EIG_ASYNC_MODE") or ROLE_MODES[role]
os.environ["EIG_ASYNC_MODE"] = mode  # read by wsgi.py and config.py in the worker

bind = os.environ.get("EIG_BIND", "127.0.0.1:8001")
# Only web processes may have several workers: no socket needs to stick to one.
workers = int(os.environ.get("EIG_WORKERS", "1")) if role == "web" else 1
if mode == "gevent":
    worker_class = "gevent"
    worker_connections = int(os.environ.get("EIG_CONNECTIONS", "1000"))
else:
    worker_class = "gthread"
    threads = int(os.environ.get("EIG_THREADS", "100" if role == "all" else "16"))
timeout = 30  # the worker's heartbeat; long-lived sockets do not block it
graceful_timeout = 20
keepalive = 5
# The app logs one JSON line per request (REQUEST_LOG); gunicorn logs its own life.
accesslog = None
errorlog = "-"
loglevel = "info"
# Only the local nginx may say a request came over HTTPS.
forwarded_allow_ips = os.environ.get("EIG_PROXY_IPS", "127.0.0.1,::1")
proc_name = f"eiglink-{role}-{bind.rsplit(':', 1)[-1]}"
