"""Chat budget: 200 sockets in one channel, against a bare Flask-SocketIO server.

Measures, for the real app (`python wsgi.py`, one process, SQLite, no message queue)
and for a bare Flask-SocketIO broadcast server started in the same run:
- at a fixed rate (50 messages/s): the share of (message, socket) pairs delivered
  and the p50/p99 send→receive latency over all of them;
- sustained throughput: senders waiting for each ack, in parallel, as fast as they
  can; messages delivered to every socket per second.

Run from the repository root:  .venv/bin/python benchmarks/chat.py [--quick]
"""

import argparse
import itertools
import logging
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from tests.channels.live import (  # noqa: E402
    logged_in,
    server_process,
    socket_client,
)

PASSWORD = "Un-mot-de-passe-de-bench-42"
CHANNEL = "bench"  # the channel's slug (create_channel slugifies its name)
P99_BUDGET_MS = 100.0  # DESIGN.md: p99 send→receive ≤ 100 ms at 50 messages/s
THROUGHPUT_RATIO = 0.5  # DESIGN.md: throughput within 2× of the bare server
CLK_TCK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    """A free TCP port on loopback."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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


def app_env(database_url: str) -> dict[str, str]:
    """The app's environment: one process, no queue, no rate or flood limit."""
    return {
        "DATABASE_URL": database_url,
        "SECRET_KEY": "benchmark-only",
        "SEARCH_URL": "memory:",
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


class Socket:
    """One member's connected socket and the messages it received."""

    def __init__(self, url: str, n: int, login: bool):
        http = logged_in(url, f"m{n}", PASSWORD) if login else requests.Session()
        self.client = socket_client(url, http)
        self.received: list[tuple[str, float]] = []
        self.client.on("message_posted", self._on_posted)
        ack = self.client.call("join_channel", {"channel": CHANNEL}, timeout=30)
        assert ack and ack.get("ok"), ack

    def _on_posted(self, message: dict) -> None:
        self.received.append((message.get("client_id"), time.perf_counter()))

    def close(self) -> None:
        """Disconnect, never raising."""
        with suppress(Exception):  # a socket the server already closed
            self.client.disconnect()


def connect_all(url: str, clients: int, login: bool) -> list[Socket]:
    """Log `clients` members in and connect their sockets, 16 at a time."""
    with ThreadPoolExecutor(16) as pool:
        return list(pool.map(lambda n: Socket(url, n, login), range(clients)))


def close_all(sockets: list[Socket]) -> None:
    """Disconnect every socket in parallel, waiting 20 s at most."""
    threads = [threading.Thread(target=s.close, daemon=True) for s in sockets]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 20
    for thread in threads:
        thread.join(timeout=max(0.0, deadline - time.monotonic()))


def payload(tag: str) -> dict:
    """A send_message payload; its client_id names the message."""
    return {"channel": CHANNEL, "body": f"Message de bench {tag}", "client_id": tag}


def send_at_rate(senders, rate: float, seconds: float, sent: dict, acked: dict):
    """Emit at `rate` messages/s in total for `seconds`, senders in turn."""

    def on_ack(tag: str):
        return lambda *_: acked.setdefault(tag, time.perf_counter())

    start = time.perf_counter()
    for k in range(int(rate * seconds)):
        delay = start + k / rate - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        tag = f"r-{k}"
        sent[tag] = time.perf_counter()
        senders[k % len(senders)].client.emit(
            "send_message", payload(tag), callback=on_ack(tag)
        )


def send_flat_out(socket: Socket, index: int, until: float, sent: dict) -> None:
    """Send, wait for the ack, send again, until the deadline."""
    for k in itertools.count():
        if time.perf_counter() >= until:
            return
        tag = f"t-{index}-{k}"
        sent[tag] = time.perf_counter()
        try:
            ack = socket.client.call("send_message", payload(tag), timeout=10)
        except Exception:  # noqa: BLE001  (timeout: counted as not delivered)
            return
        if not (ack and ack.get("ok")):
            return


def wait_delivered(sockets: list[Socket], expected: int, seconds: float) -> None:
    """Wait until every socket holds `expected` messages, `seconds` at most."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if all(len(s.received) >= expected for s in sockets):
            return
        time.sleep(0.05)


def arrivals(sockets: list[Socket], sent: dict) -> dict[str, list[float]]:
    """Receive times of each message sent, one per socket that got it."""
    seen: dict[str, list[float]] = {tag: [] for tag in sent}
    for socket in sockets:
        for tag, at in dict(socket.received).items():  # a duplicate counts once
            if tag in seen:
                seen[tag].append(at)
    return seen


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of values, or NaN when empty."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(len(ordered) * p) - 1))]


def rate_phase(sockets, senders: int, rate: float, seconds: float) -> dict:
    """Fixed-rate phase: delivery ratio and send→receive latency."""
    sent: dict[str, float] = {}
    acked: dict[str, float] = {}
    send_at_rate(sockets[:senders], rate, seconds, sent, acked)
    wait_delivered(sockets, len(sent), 15)
    latencies = [
        (at - sent[tag]) * 1000
        for tag, times in arrivals(sockets, sent).items()
        for at in times
    ]
    return {
        "sent": len(sent),
        "delivered": len(latencies) / max(1, len(sent) * len(sockets)),
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p99": percentile(latencies, 0.99),
        "ack_p99": percentile([(at - sent[t]) * 1000 for t, at in acked.items()], 0.99),
    }


def throughput_phase(sockets, senders: int, seconds: float) -> dict:
    """Flat-out phase: messages delivered to every socket per second."""
    for socket in sockets:
        socket.received.clear()
    sent: dict[str, float] = {}
    start = time.perf_counter()
    until = start + seconds
    threads = [
        threading.Thread(target=send_flat_out, args=(s, i, until, sent), daemon=True)
        for i, s in enumerate(sockets[:senders])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 15)
    wait_delivered(sockets, len(sent), 30)
    done = [max(t) for t in arrivals(sockets, sent).values() if len(t) == len(sockets)]
    elapsed = (max(done) - start) if done else float("inf")
    return {"throughput": len(done) / elapsed, "burst_sent": len(sent)}


def measure(url: str, pid: int, args, login: bool) -> dict:
    """Both phases against one server, with CPU time of client and server."""
    sockets = connect_all(url, args.clients, login)
    try:
        time.sleep(1)  # let presence events of the last connections settle
        cpu_client, cpu_server = time.process_time(), server_cpu(pid)
        wall = time.perf_counter()
        result = rate_phase(sockets, args.senders, args.rate, args.duration)
        result |= throughput_phase(sockets, args.senders, args.burst)
        wall = time.perf_counter() - wall
        result["cpu_client"] = (time.process_time() - cpu_client) / wall
        result["cpu_server"] = (server_cpu(pid) - cpu_server) / wall
    finally:
        close_all(sockets)
    result["clients"] = len(sockets)
    return result


def verdict(row: dict, bare: dict | None) -> str:
    """PASS, or FAIL with the budgets missed."""
    missed = []
    if row["delivered"] < 1:
        missed.append("delivered < 100 %")
    if not row["p99"] <= P99_BUDGET_MS:
        missed.append(f"p99 > {P99_BUDGET_MS:.0f} ms")
    if bare and not row["throughput"] >= THROUGHPUT_RATIO * bare["throughput"]:
        missed.append(f"throughput < {THROUGHPUT_RATIO} × bare")
    return "PASS" if not missed else "FAIL: " + ", ".join(missed)


def report(app: dict, bare: dict) -> bool:
    """Print the table; True when the app meets every budget."""
    header = (
        f"{'server':<13}{'clients':>8}{'sent':>6}{'deliv %':>9}{'p50 ms':>8}"
        f"{'p99 ms':>8}{'ack p99':>8}{'msg/s':>8}{'ratio':>7}{'cpu cli/srv':>13}"
        "  budget"
    )
    print(header)
    print("-" * (len(header) + 30))
    rows = [("app", app, bare), ("bare server", bare, None)]
    for label, row, against in rows:
        ratio = row["throughput"] / (bare["throughput"] or float("nan"))
        cpu = f"{row['cpu_client']:.0%}/{row['cpu_server']:.0%}"
        print(
            f"{label:<13}{row['clients']:>8}{row['sent']:>6}"
            f"{row['delivered'] * 100:>9.2f}{row['p50']:>8.1f}{row['p99']:>8.1f}"
            f"{row['ack_p99']:>8.1f}"
            f"{row['throughput']:>8.1f}{ratio:>6.2f}×{cpu:>13}  "
            f"{verdict(row, against)}"
        )
    return verdict(app, bare) == "PASS"


def run_bare_server(port: int) -> None:
    """The baseline: Flask-SocketIO in threading mode, one broadcast handler."""
    from flask import Flask
    from flask_socketio import SocketIO, join_room

    app = Flask("bare")
    sio = SocketIO(app, async_mode="threading")
    ids = itertools.count(1)

    @app.route("/auth/login")
    def ready():
        return "ok"

    @sio.on("join_channel")
    def on_join(data):
        join_room(data["channel"])
        return {"ok": True}

    @sio.on("send_message")
    def on_send(data):
        message = {**data, "id": next(ids)}
        sio.emit("message_posted", message, to=data["channel"])
        return {"ok": True, "id": message["id"]}

    sio.run(app, host="127.0.0.1", port=port, allow_unsafe_werkzeug=True)


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
    parser.add_argument("--senders", type=int, default=5, help="sending sockets (5)")
    parser.add_argument("--bare-server", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.clients = args.clients or (50 if args.quick else 200)
    args.duration = args.duration or (5 if args.quick else 10)
    args.burst = args.burst or (3 if args.quick else 5)
    args.senders = min(args.senders, args.clients)
    return args


def main() -> int:
    args = parse_args()
    logging.getLogger("engineio.client").setLevel(logging.CRITICAL)  # close noise
    if args.bare_server:
        run_bare_server(args.bare_server)
        return 0
    started = time.perf_counter()
    print(
        f"{args.clients} clients, {args.rate:g} msg/s for {args.duration:g} s, "
        f"then {args.senders} senders flat out for {args.burst:g} s"
    )
    with (
        tempfile.TemporaryDirectory(prefix="eiglink-chat-") as tmp,
        ExitStack() as stack,
    ):
        tmp = Path(tmp)
        database = prepare_database(tmp / "chat.db", args.clients, args.database)
        print(f"database ready in {time.perf_counter() - started:.1f} s")
        app_cmd = [sys.executable, str(ROOT / "wsgi.py")]
        url, pid = stack.enter_context(
            server_process(app_cmd, free_port(), app_env(database), tmp / "app.log")
        )
        app = measure(url, pid, args, login=True)
        stack.close()
        show_errors(tmp / "app.log")
        port = free_port()
        bare_cmd = [sys.executable, __file__, "--bare-server", str(port)]
        url, pid = stack.enter_context(
            server_process(bare_cmd, port, {}, tmp / "bare.log")
        )
        bare = measure(url, pid, args, login=False)
        stack.close()
        show_errors(tmp / "bare.log")
        ok = report(app, bare)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"total {time.perf_counter() - started:.1f} s; load average {load}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
