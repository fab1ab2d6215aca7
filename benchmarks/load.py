"""Load: N members at once over pages, search and chat, with reconnects.

For each N of --members, N members log in over the real form, each keeps a
Socket.IO connection open in one shared channel, and loops with 1-3 s of think
time (seeded) over the directory, a défi page, a profile, /api/v1/search and a
chat message. A share of them drops its socket once and catches up with
`join_channel` `after=<last id seen>`. It prints, per N, page p50/p95 per route,
search p95, chat and ack latencies, errors, lost deliveries and duplicates, and
the server's CPU and RSS; then the largest N that holds the budget.

Without --url it serves the app itself (`python wsgi.py`, as `dev.py run` does)
on a temporary SQLite file and Whoosh index, seeded with the défis and the demo
community. The clients run in separate processes (threads inside), loopback only.

Run from the repository root:  .venv/bin/python benchmarks/load.py [--members 5]
"""

import argparse
import asyncio
import math
import multiprocessing
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
import uuid
import zlib
from collections import Counter
from contextlib import ExitStack, suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.chat import app_env, free_port, show_errors  # noqa: E402

PASSWORD = "Un-mot-de-passe-de-charge-42"
CHANNEL = "charge"  # the shared channel's slug (create_channel slugifies the name)
PAGE_P95_MS, SEARCH_P95_MS, CHAT_P99_MS = 300.0, 200.0, 200.0  # issue 19's budget
PAGES = ("directory", "défi page", "profile")
QUERIES = (
    "données",
    "santé",
    "python",
    "pseudonymisation",
    "open data",
    "algorithme",
    "carte",
    "justice",
    "design",
    "emploi",
)
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CLK_TCK = os.sysconf("SC_CLK_TCK")
REQUEST_SECONDS = 30  # a request or an ack that takes longer is an error
DRAIN_SECONDS = 15  # after the run, how long every socket may take to catch up
PAGE = 200  # join_channel catches up this many messages at most (MAX_LIMIT)
CATCH_UP_SECONDS = 60  # how long a member behind after the drain keeps trying
REPLY_SECONDS = 300  # a client process that does not answer by then has failed


# The members and the embedded server -------------------------------------------


def prepare_members(count: int, password: str) -> list[str]:
    """Give the first `count` demo members a known password and a seat in the
    shared channel (made if missing); their usernames. Needs an app context."""
    from sqlalchemy import select

    from app.auth.services import set_password
    from app.channels import services as channels
    from app.channels.models import Channel
    from app.extensions import db
    from app.members.demo import DEMO_DOMAIN
    from app.members.models import Member

    people = list(
        db.session.scalars(
            select(Member)
            .where(Member.email.endswith("@" + DEMO_DOMAIN))
            .order_by(Member.id)
            .limit(count)
        )
    )
    if len(people) < count:
        raise SystemExit(f"only {len(people)} demo members: seed-demo --members more")
    for member in people:
        set_password(member, password)
    db.session.commit()
    channel = db.session.scalar(select(Channel).where(Channel.slug == CHANNEL))
    if channel is None:
        channel = channels.create_channel(people[0], name="Charge")
    for member in people:
        channels.join_channel(member, channel)
    return [m.username for m in people]


def seed_database(tmp: Path, count: int, community: int) -> tuple[str, str, list[str]]:
    """A temporary SQLite file and Whoosh index as `dev.py run` seeds them (the
    défis, then `community` demo members, at least `count`); URLs and users."""
    from app import create_app
    from app.extensions import db
    from app.search.services import rebuild
    from config import TestConfig

    database, search = f"sqlite:///{tmp / 'load.db'}", f"whoosh:{tmp / 'search'}"
    settings = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    settings |= {"SQLALCHEMY_DATABASE_URI": database, "SEARCH_URL": search}
    app = create_app(settings)  # TestConfig: cheap argon2, as the server's env
    with app.app_context():
        db.create_all()
        cli = app.test_cli_runner()
        for command in (
            ["seed-defis"],
            ["seed-demo", "--members", str(max(community, count))],
        ):
            result = cli.invoke(args=command)
            assert result.exit_code == 0, result.output
        users = prepare_members(count, PASSWORD)
        rebuild()
        db.session.remove()
        db.engine.dispose()
    return database, search, users


def start_server(args, tmp: Path, stack: ExitStack) -> tuple[str, list[int], list]:
    """Seed, then serve `python wsgi.py` until the stack closes: URL, pid, users."""
    from tests.channels.live import server_process

    started = time.monotonic()
    database, search, users = seed_database(tmp, max(args.members), args.community)
    print(f"seeded in {time.monotonic() - started:.1f} s; mode {args.mode}")
    command = [sys.executable, str(ROOT / "wsgi.py")]
    env = app_env(database, args.mode, search) | {"SEARCH_SYNC": "background"}
    log = tmp / "server.log"
    url, pid = stack.enter_context(server_process(command, free_port(), env, log))
    return url, [pid], users


# One member -------------------------------------------------------------------


class Member:
    """A logged-in member: an HTTP session, a socket in the channel, and what
    it saw. Message ids seen live or by catch-up are merged, as the page does."""

    def __init__(self, url: str, username: str, options: dict, seed: int):
        import requests

        self.url, self.username, self.options = url, username, options
        self.rng = random.Random(seed)
        self.http = requests.Session()
        self.http.verify = not options["insecure"]
        self.http.trust_env = False  # REQUESTS_CA_BUNDLE, proxies: not on loopback
        self.socket = None
        self.lock = threading.Lock()
        self.seen: set[int] = set()  # live or caught up
        self.live: dict[int, float] = {}  # message id -> first live arrival
        self.duplicates = self.caught_up = self.late = 0
        self.timings: list[tuple[str, float]] = []  # (route, seconds) when OK
        self.errors: Counter = Counter()
        self.sent: dict[int, tuple[float, float]] = {}  # id -> (sent, acked)
        self.reconnect_at = options["reconnect"].get(username)
        self.active = False  # logged in and in the channel

    def join(self) -> None:
        """Log in and open the socket; a failure is counted and the member sits
        the run out (an overloaded server may refuse logins)."""
        try:
            self.login()
            self.connect()
            self.active = True
        except Exception as error:  # noqa: BLE001
            label = str(error) if isinstance(error, RuntimeError) else repr(error)
            self.errors[label[:60]] += 1

    # HTTP

    def get(self, route: str, path: str) -> str | None:
        """GET a page, timed; its text, or None (counted as an error)."""
        start = time.monotonic()
        try:
            response = self.http.get(self.url + path, timeout=REQUEST_SECONDS)
        except Exception as error:  # noqa: BLE001  (a timeout, a reset: counted)
            self.errors[type(error).__name__] += 1
            return None
        if response.status_code != 200 or "/auth/login" in response.url:
            self.errors[f"HTTP {response.status_code}"] += 1
            return None
        self.timings.append((route, time.monotonic() - start))
        return response.text

    def login(self) -> None:
        """The real form: read the CSRF token, post the password, expect 302."""
        page = self.http.get(self.url + "/auth/login", timeout=REQUEST_SECONDS)
        form = {
            "username": self.username,
            "password": self.options["password"],
            "csrf_token": CSRF.search(page.text)[1],
        }
        start = time.monotonic()
        response = self.http.post(
            self.url + "/auth/login",
            data=form,
            headers={"Referer": self.url + "/auth/login"},  # HTTPS: checked
            allow_redirects=False,
            timeout=REQUEST_SECONDS,
        )
        if response.status_code != 302:
            raise RuntimeError(f"login HTTP {response.status_code}")
        self.timings.append(("login", time.monotonic() - start))

    # Socket

    def connect(self, after: int | None = None) -> None:
        """Open a socket with the session cookie and join the channel; with
        `after`, take the messages missed since then from the ack."""
        client = LoopSocket(insecure=self.options["insecure"])
        client.on("message_posted", self.on_message)
        cookie = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        client.connect(self.url, cookie)
        self.socket = client
        self.join_channel(after)

    def join_channel(self, after: int | None = None) -> list[int]:
        """join_channel on the open socket; the ids of the messages after `after`
        that its ack caught up (at most a page of them)."""
        payload = {"channel": CHANNEL} | ({} if after is None else {"after": after})
        ack = self.socket.call("join_channel", payload, timeout=REQUEST_SECONDS)
        if not (isinstance(ack, dict) and ack.get("ok")):
            raise RuntimeError(f"join_channel refused: {ack}"[:60])
        ids = [message["id"] for message in ack["messages"]]
        with self.lock:
            for id_ in ids:
                if id_ not in self.seen:
                    self.seen.add(id_)
                    self.caught_up += 1
        return ids

    def catch_up(self, acked: set[int]) -> None:
        """After the drain, for a member still missing messages (delivered late,
        not lost): come back on a new socket and page through everything from the
        first one missing, as a reloaded channel page would; `late` counts what
        that found."""
        with self.lock:
            missing = acked - self.seen
        deadline = time.monotonic() + CATCH_UP_SECONDS
        while self.missing(acked) and time.monotonic() < deadline:
            with suppress(Exception):
                self.socket.disconnect()
            try:
                self.connect(after=min(missing) - 1)
                after = min(missing) - 1
                while len(page := self.join_channel(after)) >= PAGE:
                    after = max(page)
            except Exception as error:  # noqa: BLE001  (refused: try again later)
                self.errors[f"catch-up {type(error).__name__}"] += 1
                time.sleep(self.rng.uniform(1, 3))
        self.late += len(missing) - self.missing(acked)

    def on_message(self, message: dict) -> None:
        at = time.monotonic()
        if message.get("channel") != CHANNEL:
            return
        with self.lock:
            if message["id"] in self.live:
                self.duplicates += 1
            else:
                self.live[message["id"]] = at
                self.seen.add(message["id"])

    def send(self) -> None:
        """send_message with a client_id; the ack's id and time are kept."""
        # Unique across runs: the server answers a client_id it already stored
        # as a retry, with the old message and no broadcast.
        tag = f"{self.username}-{uuid.uuid4().hex[:16]}"
        payload = {"channel": CHANNEL, "body": f"Message de charge {tag}"}
        start = time.monotonic()
        try:
            ack = self.socket.call(
                "send_message", payload | {"client_id": tag}, timeout=REQUEST_SECONDS
            )
        except Exception as error:  # noqa: BLE001  (no ack in time, socket gone)
            self.errors[f"socket {type(error).__name__}"] += 1
            return
        if isinstance(ack, dict) and ack.get("ok"):
            self.sent[ack["id"]] = (start, time.monotonic())
        else:
            self.errors[f"socket refused: {ack and ack.get('error')}"[:60]] += 1

    def reconnect(self) -> None:
        """Drop the socket, wait, come back with `after` = the highest id seen."""
        with suppress(Exception):
            self.socket.disconnect()
        time.sleep(self.rng.uniform(1, 3))
        with self.lock:
            after = max(self.seen, default=0)
        try:
            self.connect(after=after)
        except Exception as error:  # noqa: BLE001
            self.errors[f"reconnect {type(error).__name__}"] += 1

    def come_back(self, deadline: float) -> None:
        """Reconnect until connected or the deadline, as the channel page does."""
        while not self.socket.connected and time.monotonic() < deadline:
            self.reconnect()

    # The loop

    def act(self, step: int, targets: dict) -> None:
        kind = ("directory", "défi page", "profile", "search", "chat")[step % 5]
        if kind == "directory":
            self.get(kind, "/members/")
        elif kind == "défi page":
            self.get(kind, "/defis/" + self.rng.choice(targets["defis"]))
        elif kind == "profile":
            self.get(kind, "/members/" + self.rng.choice(targets["people"]))
        elif kind == "search":
            self.get(kind, "/api/v1/search?q=" + self.rng.choice(QUERIES))
        else:
            self.send()

    def run(self, start: float, until: float, targets: dict) -> None:
        """Think (1-3 s), act, until the deadline; reconnect once if chosen."""
        step = self.rng.randrange(5)
        wake = start + self.rng.uniform(0, 3)  # staggered starts
        while True:
            time.sleep(max(0.0, min(wake, until) - time.monotonic()))
            if time.monotonic() >= until:
                return
            if not self.socket.connected:  # the server closed it
                self.errors["socket closed by the server"] += 1
                self.reconnect()
            elif self.reconnect_at is not None and time.monotonic() >= start + (
                self.reconnect_at
            ):
                self.reconnect_at = None
                self.reconnect()
            else:
                self.act(step, targets)
                step += 1
            wake = time.monotonic() + self.rng.uniform(1, 3)

    def missing(self, acked: set[int]) -> int:
        with self.lock:
            return len(acked - self.seen)


class LoopSocket:
    """A Socket.IO client for a member's thread, run on its process's event loop.

    python-socketio's threaded client reads and writes one TLS socket from
    two threads at once, which Python's ssl module does not support: over
    wss:// a socket now and then died within milliseconds of opening while
    the server saw nothing wrong (python-engineio issue 461, python-socketio
    issue 1568), failing the smoke test about one run in fifteen. The asyncio
    client touches its sockets from the loop's one thread; members' threads
    hand it their calls and wait for the result.
    """

    _loop: asyncio.AbstractEventLoop | None = None
    _starting = threading.Lock()

    @classmethod
    def loop(cls) -> asyncio.AbstractEventLoop:
        with cls._starting:
            if cls._loop is None:
                cls._loop = asyncio.new_event_loop()
                threading.Thread(target=cls._loop.run_forever, daemon=True).start()
        return cls._loop

    def __init__(self, insecure: bool) -> None:
        import socketio

        self.client = socketio.AsyncClient(reconnection=False, ssl_verify=not insecure)

    def _wait(self, coroutine, seconds: float):
        future = asyncio.run_coroutine_threadsafe(coroutine, self.loop())
        return future.result(seconds)

    def on(self, event: str, handler) -> None:
        self.client.on(event, handler)  # called on the loop's thread

    def connect(self, url: str, cookie: str) -> None:
        opening = self.client.connect(
            url, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=30
        )
        self._wait(opening, REQUEST_SECONDS + 10)

    def call(self, event: str, data: dict, timeout: float):
        return self._wait(self.client.call(event, data, timeout=timeout), timeout + 5)

    def disconnect(self) -> None:
        self._wait(self.client.disconnect(), REQUEST_SECONDS)

    @property
    def connected(self) -> bool:
        return self.client.connected


# A client process ------------------------------------------------------------


def in_threads(function, items, width: int) -> None:
    """Call function(item) for each item, `width` at a time; errors propagate."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(width) as pool:
        list(pool.map(function, items))


def find_targets(member: Member) -> dict:
    """Défi slugs and member usernames linked from the list pages."""

    def page(path: str) -> str:
        response = member.http.get(member.url + path, timeout=REQUEST_SECONDS)
        response.raise_for_status()
        return response.text

    defis = re.findall(r'href="/defis/([a-z0-9-]+)"', page("/defis/"))
    people = re.findall(r'href="/members/([a-z0-9._-]+)"', page("/members/"))
    return {"defis": sorted(set(defis) - {"new"}), "people": sorted(set(people))}


def client_main(conn, url: str, users: list[str], options: dict) -> None:
    """Log this process's members in, then answer the main process's commands."""
    import logging

    import urllib3

    os.nice(options["client_nice"])
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    logging.getLogger("engineio.client").setLevel(logging.CRITICAL)
    logging.getLogger("socketio.client").setLevel(logging.CRITICAL)
    members = [
        Member(url, name, options, options["seed"] + zlib.crc32(name.encode()))
        for name in users
    ]
    in_threads(Member.join, members, 4)
    try:
        targets = find_targets(next(m for m in members if m.active))
    except Exception as error:  # noqa: BLE001  (reported, then the process ends)
        conn.send({"error": f"no member could start: {error!r} {members[0].errors}"})
        return
    conn.send({"ready": sum(m.active for m in members)})
    while True:
        command, *rest = conn.recv()
        if command == "close":
            in_threads(lambda m: m.socket and m.socket.disconnect(), members, 16)
            conn.send({})
            return
        active = [m for m in members if m.active]
        result = COMMANDS[command](active, targets, *rest)
        conn.send(result | {"errors": errors_of(members)})


def errors_of(members) -> Counter:
    errors = Counter()
    for m in members:
        errors.update(m.errors)
    return errors


def run_members(members, targets, start: float, until: float) -> dict:
    """Every member's loop in its own thread until `until`; the process's CPU."""
    cpu = time.process_time()
    threads = [
        threading.Thread(target=m.run, args=(start, until, targets)) for m in members
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    acked = {mid for m in members for mid in m.sent}
    return {"cpu": time.process_time() - cpu, "acked": acked}


def check_members(members, _targets, acked: set[int]) -> dict:
    """Wait for every socket to hold every acked message; then what each saw."""
    cpu = time.process_time()
    deadline = time.monotonic() + DRAIN_SECONDS
    closed = [m for m in members if not m.socket.connected]  # by the server
    for m in closed:
        m.errors["socket closed by the server"] += 1
    in_threads(lambda m: m.come_back(deadline), closed, 25)
    while time.monotonic() < deadline and any(m.missing(acked) for m in members):
        time.sleep(0.1)
    behind = [m for m in members if m.missing(acked)]
    in_threads(lambda m: m.catch_up(acked), behind, 25)
    return {
        "cpu": time.process_time() - cpu,
        "lost": sum(m.missing(acked) for m in members),
        "duplicates": sum(m.duplicates for m in members),
        "caught_up": sum(m.caught_up for m in members),
        "late": sum(m.late for m in members),
        "timings": [t for m in members for t in m.timings],
        "sent": {
            mid: (m.username, *times) for m in members for mid, times in m.sent.items()
        },
        "live": {m.username: m.live for m in members},
    }


COMMANDS = {"run": run_members, "check": check_members}


class Clients:
    """The client processes, each with its share of the members."""

    def __init__(self, url: str, users: list[str], args, reconnect: dict):
        options = {
            "password": args.password,
            "insecure": args.insecure,
            "seed": args.seed,
            "reconnect": reconnect,
            "client_nice": args.client_nice,
        }
        count = max(1, -(-len(users) // args.per_process))
        context = multiprocessing.get_context("spawn")
        self.conns, self.processes = [], []
        for group in (users[i::count] for i in range(count)):
            mine, theirs = context.Pipe()
            process = context.Process(
                target=client_main, args=(theirs, url, group, options), daemon=True
            )
            process.start()
            self.conns.append(mine)
            self.processes.append(process)
        self.replies()

    def replies(self) -> list[dict]:
        replies = []
        for conn in self.conns:
            if not conn.poll(REPLY_SECONDS):
                raise RuntimeError("a client process did not answer")
            reply = conn.recv()
            if "error" in reply:
                raise RuntimeError(f"a client process failed: {reply['error']}")
            replies.append(reply)
        return replies

    def all(self, *command) -> list[dict]:
        for conn in self.conns:
            conn.send(command)
        return self.replies()

    def close(self) -> None:
        with suppress(Exception):
            self.all("close")
        for process in self.processes:
            process.join(timeout=15)
            if process.is_alive():
                process.kill()


# Server CPU and memory -----------------------------------------------------------


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / CLK_TCK
    return total


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


class Watch:
    """The servers' CPU share over the run and their largest RSS, sampled each s."""

    def __init__(self, pids: list[int]):
        self.pids, self.peak = pids, 0.0
        self.stopped = threading.Event()
        self.cpu, self.wall = cpu_seconds(pids), time.monotonic()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _sample(self) -> None:
        while not self.stopped.wait(1):
            self.peak = max(self.peak, rss_mb(self.pids))

    def stop(self) -> dict:
        self.stopped.set()
        self.thread.join()
        self.peak = max(self.peak, rss_mb(self.pids))
        share = (cpu_seconds(self.pids) - self.cpu) / (time.monotonic() - self.wall)
        return {"server_cpu": share, "server_rss": self.peak}


# One N --------------------------------------------------------------------------


def measure(url: str, users: list[str], pids: list[int], args) -> dict:
    """Log N members in, run them for --duration, check every delivery."""
    rng = random.Random(args.seed + len(users))
    share = round(len(users) * args.reconnect)
    dropping = rng.sample(users, max(share, 1) if args.reconnect > 0 else 0)
    reconnect = {u: rng.uniform(0.25, 0.75) * args.duration for u in dropping}
    clients = Clients(url, users, args, reconnect)
    try:
        watch = Watch(pids) if pids else None
        start = time.monotonic() + 0.5
        ran = clients.all("run", start, start + args.duration)
        acked = set().union(*(r["acked"] for r in ran))
        checked = clients.all("check", acked)
        wall = time.monotonic() - start
        row = summarise(ran, checked, wall, len(users), len(clients.conns))
        row |= watch.stop() if watch else {}
    finally:
        clients.close()
    return row | {"reconnects": len(dropping)}


def summarise(ran, checked, wall: float, n: int, processes: int) -> dict:
    """Latencies in ms by route, chat and ack latencies, errors, deliveries."""
    by_route: dict[str, list[float]] = {}
    errors, sent, chat = Counter(), {}, []
    for reply in checked:
        for route, seconds in reply["timings"]:
            by_route.setdefault(route, []).append(seconds * 1000)
        errors.update(reply["errors"])
        sent |= reply["sent"]
    for reply in checked:
        for receiver, live in reply["live"].items():
            for mid, at in live.items():
                if mid in sent and sent[mid][0] != receiver:
                    chat.append((at - sent[mid][1]) * 1000)
    acks = [(acked - start) * 1000 for _who, start, acked in sent.values()]
    cpu = sum(r["cpu"] for r in ran) + sum(r["cpu"] for r in checked)
    return {
        "n": n,
        "routes": by_route,
        "chat": chat,
        "acks": acks,
        "messages": len(sent),
        "errors": errors,
        "lost": sum(r["lost"] for r in checked),
        "duplicates": sum(r["duplicates"] for r in checked),
        "caught_up": sum(r["caught_up"] for r in checked),
        "late": sum(r["late"] for r in checked),
        "client_cpu": cpu / wall,
        "processes": processes,
    }


# The report ------------------------------------------------------------------------


def verdict(row: dict) -> list[str]:
    """The budgets missed (none: the N holds)."""
    missed = []
    pages = [p95(row["routes"].get(route, [])) for route in PAGES]
    if not max(pages) < PAGE_P95_MS:
        missed.append(f"page p95 ≥ {PAGE_P95_MS:.0f} ms")
    if not p95(row["routes"].get("search", [])) < SEARCH_P95_MS:
        missed.append(f"search p95 ≥ {SEARCH_P95_MS:.0f} ms")
    if not percentile(row["chat"], 0.99) < CHAT_P99_MS:
        missed.append(f"chat p99 ≥ {CHAT_P99_MS:.0f} ms")
    if row["late"]:  # not live within the drain: beyond any chat percentile
        missed.append("late deliveries")
    if row["errors"]:
        missed.append("errors")
    if row["lost"]:
        missed.append("lost")
    if row["duplicates"]:
        missed.append("duplicates")
    return missed


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank: the smallest value with at least p of
    them at or below it), or NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * p) - 1)]


def p95(values: list[float]) -> float:
    return percentile(values, 0.95)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def print_row(row: dict) -> None:
    """The table of one N."""
    print(f"\nN = {row['n']}")
    print(f"{'route':<12}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for route in ("login", *PAGES, "search"):
        times = row["routes"].get(route, [])
        top = max(times, default=float("nan"))
        print(
            f"{route:<12}{len(times):>9}{median(times):>9.1f}{p95(times):>9.1f}"
            f"{top:>9.1f}"
        )
    chat, acks = row["chat"], row["acks"]
    print(
        f"{'chat':<12}{len(chat):>9}{median(chat):>9.1f}"
        f"{'p99 ' + format(percentile(chat, 0.99), '.1f'):>18}"
        f"   ({row['messages']} messages, each to the N-1 others)"
    )
    print(
        f"{'ack':<12}{len(acks):>9}{median(acks):>9.1f}"
        f"{'p99 ' + format(percentile(acks, 0.99), '.1f'):>18}"
    )
    errors = row["errors"]
    shown = ", ".join(f"{k}: {v}" for k, v in errors.most_common()) or "none"
    print(f"errors: {shown} (503: {errors.get('HTTP 503', 0)})")
    print(
        f"lost {row['lost']}, duplicates {row['duplicates']}; {row['reconnects']} "
        f"reconnects caught up {row['caught_up']} messages, {row['late']} of them "
        "late (not live within the drain, found by a last catch-up)"
    )
    server = "not measured (no --server-pid)"
    if "server_cpu" in row:
        server = (
            f"CPU {row['server_cpu']:.0%} of a core, RSS {row['server_rss']:.0f} MB"
        )
    print(f"server: {server}")
    print(
        f"clients: {row['processes']} processes, CPU {row['client_cpu']:.0%} of a core"
    )
    missed = verdict(row)
    print("budget: " + ("PASS" if not missed else "FAIL: " + ", ".join(missed)))


def print_summary(rows: list[dict]) -> int | None:
    """One line per N, then the largest N that holds the budget (or None)."""
    print(
        f"\n{'N':>5}{'page p95':>10}{'search p95':>12}{'chat p99':>10}"
        f"{'errors':>8}{'lost':>6}{'dup':>5}{'server cpu':>12}  budget"
    )
    held = None
    for row in rows:
        page = max(p95(row["routes"].get(route, [])) for route in PAGES)
        cpu = f"{row['server_cpu']:.0%}" if "server_cpu" in row else "-"
        missed = verdict(row)
        if not missed:
            held = row["n"] if held is None else max(held, row["n"])
        print(
            f"{row['n']:>5}{page:>10.1f}{p95(row['routes'].get('search', [])):>12.1f}"
            f"{percentile(row['chat'], 0.99):>10.1f}{sum(row['errors'].values()):>8}"
            f"{row['lost']:>6}{row['duplicates']:>5}{cpu:>12}  "
            + ("PASS" if not missed else "FAIL")
        )
    print(f"largest N holding the budget: {held if held is not None else 'none'}")
    return held


def load_average() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--members", default="50,100,200", help="N values, comma-separated (50,100,200)"
    )
    parser.add_argument("--duration", type=float, default=60, help="seconds per N (60)")
    parser.add_argument("--url", help="a running server (default: start one)")
    parser.add_argument("--insecure", action="store_true", help="skip TLS checks")
    parser.add_argument("--users", type=Path, help="with --url: usernames, one a line")
    parser.add_argument("--password", default=PASSWORD, help="with --url: theirs")
    parser.add_argument(
        "--server-pid", default="", help="with --url: server pids for CPU and RSS"
    )
    parser.add_argument(
        "--mode",
        choices=("threading", "gevent"),
        default="threading",
        help="EIG_ASYNC_MODE of the started server (threading, as dev.py run)",
    )
    parser.add_argument(
        "--community", type=int, default=200, help="demo members seeded (200)"
    )
    parser.add_argument("--reconnect", type=float, default=0.1, help="share (0.1)")
    parser.add_argument("--per-process", type=int, default=25, help="members (25)")
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument(
        "--client-nice",
        type=int,
        default=0,
        help="niceness of the client processes (0); 19 lets a server on the same "
        "host go first, as if the members were elsewhere",
    )
    parser.add_argument("--require", type=int, help="exit 1 unless this N holds")
    parser.add_argument(
        "--prepare",
        type=Path,
        help="set --password on the first max(N) demo members of the database the "
        "environment configures, write their usernames to this file, and stop",
    )
    args = parser.parse_args(argv)
    args.members = sorted(int(n) for n in args.members.split(","))
    if args.url and not (args.users or args.prepare):
        parser.error("--url needs --users (write it with --prepare)")
    return args


def prepare(args) -> None:
    """Make members usable by --url, in the database of the environment."""
    from app import create_app
    from config import config_from_env

    with create_app(config_from_env()).app_context():
        users = prepare_members(max(args.members), args.password)
    args.prepare.write_text("\n".join(users) + "\n")
    print(f"{len(users)} members written to {args.prepare}")


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.prepare:
        prepare(args)
        return 0
    print(f"load average {load_average()}; clients at nice {args.client_nice}")
    rows = []
    with (
        tempfile.TemporaryDirectory(prefix="eiglink-load-") as tmp,
        ExitStack() as stack,
    ):
        if args.url:
            url, users = args.url.rstrip("/"), args.users.read_text().split()
            pids = [int(p) for p in args.server_pid.split(",") if p]
        else:
            url, pids, users = start_server(args, Path(tmp), stack)
        for n in args.members:
            if n > len(users):
                print(f"N = {n}: only {len(users)} users, skipped")
                continue
            rows.append(measure(url, users[:n], pids, args))
            print_row(rows[-1])
            print(f"load average {load_average()}")
        stack.close()  # the server stops and its log is complete
        if not args.url:
            show_errors(Path(tmp) / "server.log")
    print_summary(rows)
    if args.require is None:
        return 0
    required = [row for row in rows if row["n"] == args.require]
    return 0 if required and not verdict(required[0]) else 1


if __name__ == "__main__":
    with suppress(KeyboardInterrupt):
        sys.exit(main())
