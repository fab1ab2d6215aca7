"""The production layout on loopback, as `deploy/` describes it: gunicorn web and
realtime processes (deploy/gunicorn.conf.py, niced as their systemd units say)
behind Debian's nginx with a self-signed certificate and the site that
deploy/nginx/render.py renders. Used by the deployment test and by
benchmarks/production.py.
"""

import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from importlib.util import module_from_spec, spec_from_file_location
from pathlib import Path

from tests.channels.live import server_process, stop
from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


@dataclass
class Layout:
    """host:port of each process, as nginx names them in its log, and the pids of
    their gunicorn masters."""

    web: list[str]
    realtime: list[str]
    pids: list[int] = field(default_factory=list)


@contextmanager
def app_processes(
    env: dict[str, str], logs: Path, web: int = 2, realtime: int = 2
) -> Iterator[Layout]:
    """`web` web and `realtime` realtime gunicorn processes until the block ends
    (deploy/gunicorn.conf.py picks each one's worker from EIG_ROLE, as the systemd
    units set it)."""
    env = {**env, "EIG_ASYNC_MODE": ""}  # the role's, not ours
    command = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"]
    command.append("wsgi:app")
    layout = Layout(web=[], realtime=[])
    with ExitStack() as stack:
        for role, count in (("web", web), ("realtime", realtime)):
            for n in range(count):
                port = free_port()
                role_env = {**env, "EIG_ROLE": role, "EIG_BIND": f"127.0.0.1:{port}"}
                log = logs / f"{role}-{n}.log"
                niced = [*unit_nice(role), *command]
                started = server_process(niced, port, role_env, log)
                _url, pid = stack.enter_context(started)
                getattr(layout, role).append(f"127.0.0.1:{port}")
                layout.pids.append(pid)
        yield layout


def unit_nice(role: str) -> list[str]:
    """`nice -n N` when the role's systemd unit sets Nice=N (web pages yield the CPU
    to sockets, PostgreSQL and nginx)."""
    unit = ROOT / "deploy" / "systemd" / f"eiglink-{role}@.service"
    found = re.search(r"^Nice=(-?\d+)$", unit.read_text(), re.M)
    return ["nice", "-n", found[1]] if found else []


def make_certificate(workdir: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, valid one day."""
    cert, key = workdir / "cert.pem", workdir / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def render_site(workdir: Path, layout: Layout, https: int, http: int) -> Path:
    """deploy/nginx/eiglink.conf.template, rendered by deploy/nginx/render.py."""
    spec = spec_from_file_location("render", ROOT / "deploy" / "nginx" / "render.py")
    render = module_from_spec(spec)
    spec.loader.exec_module(render)
    cert, key = make_certificate(workdir)
    # nginx's workers drop root: they read a copy of the static files in the
    # prefix (readable by them), wherever this checkout lives.
    static = workdir / "static"
    shutil.copytree(ROOT / "app" / "static", static, dirs_exist_ok=True)
    site = render.render(
        static_root=static,
        server_name="127.0.0.1",
        web=layout.web,
        realtime=layout.realtime,
        cert=str(cert),
        key=str(key),
        https_listen=f"127.0.0.1:{https}",
        http_listen=f"127.0.0.1:{http}",
        access_log=str(workdir / "access.log"),
    )
    (workdir / "eiglink.conf").write_text(site)
    return cert


NGINX_MAIN = """daemon off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log notice;
events {{ worker_connections {connections}; }}
http {{
    include /etc/nginx/mime.types;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    include {dir}/eiglink.conf;
}}
"""


@contextmanager
def nginx(workdir: Path, port: int, connections: int = 256) -> Iterator[int]:
    """Debian's nginx in the foreground with its own prefix, stopped at the end;
    yields its pid. A socket holds two of its `connections` (browser, upstream)."""
    conf = workdir / "nginx.conf"
    conf.write_text(NGINX_MAIN.format(dir=workdir, connections=connections))
    error_log = workdir / "error.log"
    command = [NGINX, "-p", str(workdir), "-c", str(conf), "-e", str(error_log)]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    try:
        _wait_for_port(port, process, error_log)
        yield process.pid
    finally:
        stop(process)


def _wait_for_port(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx stopped:\n{log.read_text()[-3000:]}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nginx not listening after 15 s:\n{log.read_text()}")


@contextmanager
def https_site(
    workdir: Path, env: dict[str, str], logs: Path, connections: int = 256, **counts
) -> Iterator[tuple[str, Path, Layout, int]]:
    """The whole layout: yields its https URL, certificate, processes, nginx pid."""
    https, http = free_port(), free_port()
    with app_processes(env, logs, **counts) as layout:
        cert = render_site(workdir, layout, https, http)
        with nginx(workdir, https, connections) as pid:
            yield f"https://127.0.0.1:{https}", cert, layout, pid
