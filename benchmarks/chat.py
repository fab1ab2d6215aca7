"""Chat budget: 200 sockets in one channel, against a bare python-socketio server.

Measures, for a bare python-socketio broadcast server (benchmarks/chat_bare.py)
and for the real app (`python wsgi.py`, one process, no message queue), started one
after the other in the same run, in each async mode (EIG_ASYNC_MODE): threading
(Werkzeug's threaded server with simple-websocket), then gevent (gevent's server):
- at a fixed rate (50 messages/s): the share of (message, socket) pairs delivered
  and the p50/p99 send→receive latency over all of them;
- sustained throughput: senders waiting for each ack, in parallel, as fast as they
  can (bounded); messages delivered to every socket per second.

The clients are spread over several processes (asyncio python-socketio clients), so
that receiving 10,000 events a second is not the bottleneck; times come from
`time.monotonic()`, one clock for every process on Linux.

Run from the repository root:  .venv/bin/python benchmarks/chat.py [--quick] [--mode M]
"""

import argparse
import asyncio
import functools
import itertools
import logging
import multiprocessing
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.channels.live import logged_in, server_process  # noqa: E402

PASSWORD = "Un-mot-de-passe-de-bench-42"
CHANNEL = "bench"  # the channel's slug (create_channel slugifies its name)
P99_BUDGET_MS = 100.0  # DESIGN.md: p99 send→receive ≤ 100 ms at 50 messages/s
THROUGHPUT_RATIO = 0.5  # DESIGN.md: throughput within 2× of the bare server
MODES = ("threading", "gevent")  # EIG_ASYNC_MODE: the default, then many sockets
CLK_TCK = os.sysconf("SC_CLK_TCK")
REPLY_SECONDS = 120  # a client process that does not answer by then has failed


def free_port() -> int:
    """A free TCP port on loopback."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# The database and the servers ------------------------------------------------


def prepare_database(path: Path, members: int, url: str | None = None) -> str:
    """A database (an SQLite file unless `url`) with `members` members, all in one
    open channel; its URL."""
    from app import create_app
    from app.auth.services import set_password
    from app.channels import services
    from app.extensions import db
    from app.members.models import Member
    from config import TestConfig

    url = url or f"sqlite:///{path}"
    settings = {k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()}
    setup = create_app({**settings, "SQLALCHEMY_DATABASE_URI": url})
    with setup.app_context():
        db.drop_all()
        db.create_all()
        people = []
        for n in range(members):
            member = Member(
                username=f"m{n}", email=f"m{n}@example.org", display_name=f"M {n}"
            )
            member.role = "eig"
            set_password(member, PASSWORD)  # TestConfig: cheap argon2 parameters
            db.session.add(member)
            people.append(member)
        db.session.commit()
        channel = services.create_channel(people[0], name="Bench")
        assert channel.slug == CHANNEL, channel.slug
        for member in people[1:]:
            services.join_channel(member, channel)
        db.session.remove()
        db.engine.dispose()
    return url


def search_url(database_url: str, directory: Path) -> str:
    """The index a deployment on that database would use, emptied: PostgreSQL
    search in the same database, else Whoosh on disk in `directory`."""
    if not database_url.startswith("postgres"):
        return f"whoosh:{directory}"
    from search_index import open_index

    separator = "&" if "?" in database_url else "?"
    url = f"{database_url}{separator}table=eiglink_chat_search"
    index = open_index(url)
    index.clear()
    index.close()
    return url


def app_env(database_url: str, mode: str, search: str) -> dict[str, str]:
    """The app's environment: one process, no queue, no rate or flood limit."""
    return {
        "EIG_ASYNC_MODE": mode,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "benchmark-only",
        "SEARCH_URL": search,
        "RATELIMIT_ENABLED": "0",
        "CHAT_FLOOD_COUNT": "100000",
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_COST": "1024",
        "SOCKETIO_MESSAGE_QUEUE": "",
    }


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def settle(pid: int, seconds: float = 30) -> None:
    """Wait until the server idles (under 5 % of a core for half a second)."""
    deadline = time.monotonic() + seconds
    before = server_cpu(pid)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = server_cpu(pid)
        if now - before < 0.025:
            return
        before = now


@contextmanager
def profiled(pid: int, output: Path | None):
    """py-spy samples the server while the block runs (when `output` is given)."""
    if output is None:
        yield
        return
    spy = Path(sys.executable).with_name("py-spy")  # pip install py-spy
    command = [str(spy), "record", "--pid", str(pid), "--format", "raw"]
    spy = subprocess.Popen([*command, "--rate", "100", "-o", str(output)])
    try:
        time.sleep(1)  # py-spy attaches
        yield
    finally:
        spy.send_signal(signal.SIGINT)
        spy.wait(timeout=30)


# The client processes ----------------------------------------------------------


def payload(tag: str) -> dict:
    """A send_message payload; its client_id names the message."""
    return {"channel": CHANNEL, "body": f"Message de bench {tag}", "client_id": tag}


class Sockets:
    """The sockets of one client process and what each received, by client_id."""

    def __init__(self, url: str, numbers: list[int], login: bool):
        self.url, self.numbers, self.login = url, numbers, login
        self.clients = []
        self.received: list[dict[str, float]] = []
        self.duplicates = 0

    async def connect(self) -> None:
        """Log each member in (the real form), open its websocket, join the channel."""
        gate = asyncio.Semaphore(8)
        await asyncio.gather(*(self._connect(n, gate) for n in self.numbers))

    async def _connect(self, n: int, gate: asyncio.Semaphore) -> None:
        import socketio

        async with gate:
            cookie = await asyncio.to_thread(self._cookie, n)
            client = socketio.AsyncClient(reconnection=False)
            got: dict[str, float] = {}
            client.on("message_posted", functools.partial(self._on_posted, got))
            await client.connect(
                self.url,
                headers={"Cookie": cookie},
                transports=["websocket"],
                wait_timeout=30,
            )
            ack = await client.call("join_channel", {"channel": CHANNEL}, timeout=30)
            assert ack and ack.get("ok"), ack
            self.clients.append(client)
            self.received.append(got)

    def _cookie(self, n: int) -> str:
        if not self.login:
            return ""
        http = logged_in(self.url, f"m{n}", PASSWORD)
        return "; ".join(f"{k}={v}" for k, v in http.cookies.items())

    def _on_posted(self, got: dict[str, float], message: dict) -> None:
        at = time.monotonic()
        tag = message.get("client_id")
        if tag in got:
            self.duplicates += 1
        else:
            got[tag] = at

    def clear(self) -> None:
        for got in self.received:
            got.clear()
        self.duplicates = 0

    async def wait(self, expected: int, seconds: float) -> None:
        """Until every socket holds `expected` messages, `seconds` at most."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if all(len(got) >= expected for got in self.received):
                return
            await asyncio.sleep(0.05)

    def collect(self) -> dict:
        """Receive times of each message, one per socket that got it."""
        seen: dict[str, list[float]] = {}
        for got in self.received:
            for tag, at in got.items():
                seen.setdefault(tag, []).append(at)
        return {"arrivals": seen, "duplicates": self.duplicates}

    async def send_at_rate(self, rate: float, seconds: float, start: float) -> dict:
        """Emit at `rate` messages/s in total from `start`, the sockets in turn."""
        sent: dict[str, float] = {}
        acked: dict[str, float] = {}

        answered = set()

        def on_ack(tag: str, ack=None, *_):
            answered.add(tag)
            if isinstance(ack, dict) and ack.get("ok"):
                acked[tag] = time.monotonic()

        for k in range(int(rate * seconds)):
            delay = start + k / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tag = f"r-{k}"
            sent[tag] = time.monotonic()
            client = self.clients[k % len(self.clients)]
            callback = functools.partial(on_ack, tag)
            await client.emit("send_message", payload(tag), callback=callback)
        deadline = time.monotonic() + 30
        while len(answered) < len(sent) and time.monotonic() < deadline:
            await asyncio.sleep(0.05)  # the late acks count in ack p99 too
        return {"sent": sent, "acked": acked}

    async def send_flat_out(self, seconds: float, limit: int) -> dict:
        """Each socket sends, waits for the ack, sends again: until the deadline
        or `limit` messages in all."""
        sent: dict[str, float] = {}
        until = time.monotonic() + seconds

        async def sender(index: int, client) -> None:
            for k in itertools.count():
                if time.monotonic() >= until or len(sent) >= limit:
                    return
                tag = f"t-{index}-{k}"
                sent[tag] = time.monotonic()
                with suppress(Exception):  # a timeout: counted as not delivered
                    ack = await client.call("send_message", payload(tag), timeout=10)
                    if ack and ack.get("ok"):
                        continue
                return

        await asyncio.gather(*(sender(i, c) for i, c in enumerate(self.clients)))
        return {"sent": sent}

    async def close(self) -> None:
        async def close(client):
            with suppress(Exception):  # a socket the server already closed
                await asyncio.wait_for(client.disconnect(), 10)

        await asyncio.gather(*(close(c) for c in self.clients))


async def serve_commands(conn, sockets: Sockets) -> None:
    """Answer the main process's commands until it says "close"."""
    try:
        await sockets.connect()
    except Exception as error:  # noqa: BLE001  (reported, then the process ends)
        conn.send({"error": f"{type(error).__name__}: {error}"})
        await sockets.close()
        return
    conn.send({"ready": len(sockets.clients)})
    while True:
        command, *args = await asyncio.to_thread(conn.recv)
        if command == "close":
            await sockets.close()
            conn.send({})
            return
        if command == "clear":
            result = sockets.clear() or {}
        elif command == "wait":
            result = await sockets.wait(*args) or {}
        elif command == "collect":
            result = sockets.collect()
        elif command == "cpu":
            result = {"total": time.process_time()}
        else:
            result = await getattr(sockets, command)(*args)
        conn.send(result)


def client_process(conn, url: str, numbers: list[int], login: bool) -> None:
    """One client process: its sockets, driven through `conn`."""
    logging.getLogger("engineio.client").setLevel(logging.CRITICAL)  # close noise
    asyncio.run(serve_commands(conn, Sockets(url, numbers, login)))


class Clients:
    """The client processes: the senders' (whose sockets receive too) first."""

    def __init__(self, url: str, args, login: bool):
        numbers = list(range(args.clients))
        senders, rest = numbers[: args.senders], numbers[args.senders :]
        groups = [senders] + [rest[i :: args.processes] for i in range(args.processes)]
        context = multiprocessing.get_context("spawn")
        self.conns, self.processes = [], []
        for group in filter(None, groups):
            mine, theirs = context.Pipe()
            process = context.Process(
                target=client_process, args=(theirs, url, group, login), daemon=True
            )
            process.start()
            self.conns.append(mine)
            self.processes.append(process)
        self.connected = sum(reply["ready"] for reply in self._replies())

    def _replies(self, conns=None) -> list[dict]:
        replies = []
        for conn in conns or self.conns:
            if not conn.poll(REPLY_SECONDS):
                raise RuntimeError("a client process did not answer")
            reply = conn.recv()
            if "error" in reply:
                raise RuntimeError(f"a client process failed: {reply['error']}")
            replies.append(reply)
        return replies

    def all(self, *command) -> list[dict]:
        """Send a command to every client process; their answers."""
        for conn in self.conns:
            conn.send(command)
        return self._replies()

    def senders(self, *command) -> dict:
        """Send a command to the senders' process; its answer."""
        self.conns[0].send(command)
        return self._replies(self.conns[:1])[0]

    def arrivals(self) -> tuple[dict[str, list[float]], int]:
        """Every socket's receive times by message, and the duplicates."""
        seen: dict[str, list[float]] = {}
        duplicates = 0
        for reply in self.all("collect"):
            for tag, times in reply["arrivals"].items():
                seen.setdefault(tag, []).extend(times)
            duplicates += reply["duplicates"]
        return seen, duplicates

    def cpu(self) -> float:
        """CPU seconds used so far by the client processes (all their threads)."""
        return sum(reply["total"] for reply in self.all("cpu"))

    def close(self) -> None:
        with suppress(Exception):
            self.all("close")
        for process in self.processes:
            process.join(timeout=15)
            if process.is_alive():
                process.kill()


# The two phases -----------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of values, or NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(len(ordered) * p) - 1))]


def wait_delivered(clients: Clients, expected: int, seconds: float) -> None:
    """Wait until every socket holds `expected` messages, `seconds` at most."""
    clients.all("wait", expected, seconds)


def rate_phase(clients: Clients, rate: float, seconds: float) -> dict:
    """Fixed-rate phase: delivery ratio and send→receive latency."""
    clients.all("clear")
    start = time.monotonic() + 0.5
    sending = clients.senders("send_at_rate", rate, seconds, start)
    wait_delivered(clients, len(sending["sent"]), 30)
    seen, duplicates = clients.arrivals()
    sent = sending["sent"]
    latencies = [(at - sent[tag]) * 1000 for tag, times in seen.items() for at in times]
    acks = [(at - sent[tag]) * 1000 for tag, at in sending["acked"].items()]
    return {
        "sent": len(sent),
        "delivered": len(latencies) / max(1, len(sent) * clients.connected),
        "duplicates": duplicates,
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p99": percentile(latencies, 0.99),
        "ack_p99": percentile(acks, 0.99),
        "acks": len(acks),
    }


def throughput_phase(clients: Clients, seconds: float, limit: int) -> dict:
    """Flat-out phase: messages delivered to every socket per second."""
    clients.all("clear")
    start = time.monotonic()
    sending = clients.senders("send_flat_out", seconds, limit)
    wait_delivered(clients, len(sending["sent"]), 60)
    seen, duplicates = clients.arrivals()
    everywhere = [max(t) for t in seen.values() if len(t) == clients.connected]
    elapsed = (max(everywhere) - start) if everywhere else float("inf")
    return {
        "throughput": len(everywhere) / elapsed,
        "burst_sent": len(sending["sent"]),
        "burst_duplicates": duplicates,
    }


def measure(url: str, pid: int, args, login: bool, profile: Path | None) -> dict:
    """Both phases against one server, with CPU time of clients and server."""
    clients = Clients(url, args, login)
    try:
        settle(pid)  # presence events of the last connections, and their catch-up
        cpu_server, cpu_clients = server_cpu(pid), clients.cpu()
        wall = time.monotonic()
        with profiled(pid, profile):
            result = rate_phase(clients, args.rate, args.duration)
            burst = throughput_phase(clients, args.burst, args.burst_messages)
        wall = time.monotonic() - wall
        result["cpu_client"] = (clients.cpu() - cpu_clients) / wall
        cpu_server = server_cpu(pid) - cpu_server
        result["cpu_server"] = cpu_server / wall
        result |= burst
        messages = result["sent"] + burst["burst_sent"]
        result["ms_per_message"] = 1000 * cpu_server / messages
    finally:
        clients.close()
    result["clients"] = clients.connected
    return result


# The report -------------------------------------------------------------------


def verdict(row: dict, bare: dict | None) -> str:
    """PASS, or FAIL with the budgets missed."""
    missed = []
    if row["delivered"] < 1:
        missed.append("delivered < 100 %")
    if row["duplicates"] or row["burst_duplicates"]:
        missed.append("duplicates")
    if not row["p99"] <= P99_BUDGET_MS:
        missed.append(f"p99 > {P99_BUDGET_MS:.0f} ms")
    if bare and not row["throughput"] >= THROUGHPUT_RATIO * bare["throughput"]:
        missed.append(f"throughput < {THROUGHPUT_RATIO} × bare")
    return "PASS" if not missed else "FAIL: " + ", ".join(missed)


def report(rows: dict[tuple[str, str], dict]) -> bool:
    """Print the table; True when the app meets every budget in every mode
    measured (each app row against the bare server of its mode)."""
    header = (
        f"{'server':<9}{'mode':<10}{'clients':>8}{'sent':>6}{'deliv %':>9}"
        f"{'p50 ms':>8}{'p99 ms':>8}{'ack p99':>8}{'msg/s':>8}{'ratio':>7}"
        f"{'cpu cli/srv':>13}{'srv ms/msg':>11}  budget"
    )
    print(header)
    print("-" * (len(header) + 30))
    verdicts = []
    for (server, mode), row in rows.items():
        bare = rows.get(("bare", mode))
        against = bare if server == "app" else None
        ratio = row["throughput"] / ((bare or row)["throughput"] or float("nan"))
        cpu = f"{row['cpu_client']:.0%}/{row['cpu_server']:.0%}"
        result = verdict(row, against)
        if server == "app":
            verdicts.append(result)
        print(
            f"{server:<9}{mode:<10}{row['clients']:>8}{row['sent']:>6}"
            f"{row['delivered'] * 100:>9.2f}{row['p50']:>8.1f}{row['p99']:>8.1f}"
            f"{row['ack_p99']:>8.1f}"
            f"{row['throughput']:>8.1f}{ratio:>6.2f}×{cpu:>13}"
            f"{row['ms_per_message']:>11.1f}  {result}"
        )
    return bool(verdicts) and all(v == "PASS" for v in verdicts)


def show_errors(log: Path, lines: int = 15) -> None:
    """Print the last error lines of a server log, if any."""
    errors = [
        line
        for line in log.read_text(errors="replace").splitlines()
        if ("ERROR" in line or "Traceback" in line or "Error" in line)
        and "HTTP/0.9" not in line  # clients closing their websocket: noise
        and "code 400, message Bad" not in line
    ]
    if errors:
        print(f"{log.name}: {len(errors)} error lines, the last ones:")
        print("\n".join(errors[-lines:]))


def load() -> str:
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def parse_args() -> argparse.Namespace:
    """Command-line options; --quick sets smaller defaults."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", help="a database URL instead of a new SQLite file (it is reset)"
    )
    parser.add_argument("--quick", action="store_true", help="50 clients, 5 s")
    parser.add_argument("--clients", type=int, help="sockets in the channel (200)")
    parser.add_argument("--rate", type=float, default=50, help="messages/s (50)")
    parser.add_argument("--duration", type=float, help="fixed-rate seconds (10)")
    parser.add_argument("--burst", type=float, help="flat-out seconds (5)")
    parser.add_argument(
        "--burst-messages", type=int, default=1000, help="flat-out messages at most"
    )
    parser.add_argument("--senders", type=int, default=5, help="sending sockets (5)")
    parser.add_argument(
        "--processes", type=int, default=4, help="receiving client processes (4)"
    )
    parser.add_argument("--profile", type=Path, help="py-spy the app into this file")
    parser.add_argument("--logs", type=Path, help="keep the servers' logs there")
    parser.add_argument(
        "--only", choices=("app", "bare"), help="measure one server (no verdict)"
    )
    parser.add_argument(
        "--mode",
        choices=(*MODES, "both"),
        default="both",
        help="EIG_ASYNC_MODE of both servers (both: threading, then gevent)",
    )
    args = parser.parse_args()
    args.clients = args.clients or (50 if args.quick else 200)
    args.duration = args.duration or (5 if args.quick else 10)
    args.burst = args.burst or (3 if args.quick else 5)
    args.senders = min(args.senders, args.clients)
    return args


def run_servers(args, tmp: Path, stack: ExitStack) -> dict[tuple[str, str], dict]:
    """In each mode, the bare server, then the app: the same clients and phases."""
    rows = {}
    for mode in MODES if args.mode == "both" else (args.mode,):
        if args.only != "app":
            rows[("bare", mode)] = measure_bare(args, mode, tmp, stack)
        if args.only != "bare":
            rows[("app", mode)] = measure_app(args, mode, tmp, stack)
    return rows


def measure_bare(args, mode: str, tmp: Path, stack: ExitStack) -> dict:
    port, log = free_port(), tmp / f"bare-{mode}.log"
    command = [sys.executable, str(ROOT / "benchmarks" / "chat_bare.py"), str(port)]
    env = {"EIG_ASYNC_MODE": mode}
    url, pid = stack.enter_context(server_process(command, port, env, log))
    bare = measure(url, pid, args, login=False, profile=None)
    stack.close()
    show_errors(log)
    print(f"bare server ({mode}) measured; load average {load()}")
    return bare


def measure_app(args, mode: str, tmp: Path, stack: ExitStack) -> dict:
    database = prepare_database(tmp / "chat.db", args.clients, args.database)
    search = search_url(database, tmp / f"search-{mode}")
    command, log = [sys.executable, str(ROOT / "wsgi.py")], tmp / f"app-{mode}.log"
    url, pid = stack.enter_context(
        server_process(command, free_port(), app_env(database, mode, search), log)
    )
    profile = args.profile
    if profile and args.mode == "both":
        profile = profile.with_name(f"{profile.stem}-{mode}{profile.suffix}")
    app = measure(url, pid, args, login=True, profile=profile)
    stack.close()
    show_errors(log)
    print(f"app ({mode}) measured; load average {load()}")
    return app


def main() -> int:
    args = parse_args()
    started = time.monotonic()
    print(
        f"{args.clients} clients in {args.processes} processes (+1 for the "
        f"{args.senders} senders), {args.rate:g} msg/s for {args.duration:g} s, "
        f"then flat out for {args.burst:g} s or {args.burst_messages} messages; "
        f"load average {load()}"
    )
    with (
        tempfile.TemporaryDirectory(prefix="eiglink-chat-") as tmp,
        ExitStack() as stack,
    ):
        try:
            ok = report(run_servers(args, Path(tmp), stack))
        finally:
            if args.logs:
                args.logs.mkdir(parents=True, exist_ok=True)
                for log in Path(tmp).glob("*.log"):
                    shutil.copy(log, args.logs)
    print(f"total {time.monotonic() - started:.1f} s; load average {load()}")
    return 0 if ok else 1


if __name__ == "__main__":
    with suppress(KeyboardInterrupt):
        sys.exit(main())
