"""deploy/nginx/render.py: pages to the web processes, /socket.io/ to the realtime
ones, and the layout before the split (--upstream) still renders."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RENDER = ROOT / "deploy" / "nginx" / "render.py"
COMMON = ["--server-name", "link.example", "--cert", "c.pem", "--key", "k.pem"]


def run(*args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, str(RENDER), *COMMON, *args]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def upstream(site: str, name: str) -> list[str]:
    """The lines of one upstream block, stripped."""
    block = site.split(f"upstream {name} {{", 1)[1].split("}", 1)[0]
    return [line.strip() for line in block.strip().splitlines()]


def test_pages_round_robin_to_web_and_sockets_stick_to_realtime():
    site = run("--web", "10.0.0.1:8001,10.0.0.1:8002", "--realtime", "10.0.0.1:8101")
    assert site.returncode == 0, site.stderr
    web = upstream(site.stdout, "eiglink_web")
    realtime = upstream(site.stdout, "eiglink_realtime")
    assert web[:3] == ["least_conn;", "server 10.0.0.1:8001;", "server 10.0.0.1:8002;"]
    assert realtime[:2] == ["hash $eiglink_node consistent;", "server 10.0.0.1:8101;"]
    assert "location / {\n        proxy_pass http://eiglink_web;" in site.stdout
    assert "location /socket.io/ {\n        proxy_pass http://eiglink_realtime;" in (
        site.stdout
    )
    assert "${EIG_" not in site.stdout  # every placeholder filled
    assert 'proxy_set_header X-Request-Start "t=$msec";' in site.stdout  # shedding


def test_processes_that_serve_both_go_in_both_upstreams():
    site = run("--upstream", "10.0.0.1:8001", "--upstream", "10.0.0.1:8002")
    assert site.returncode == 0, site.stderr
    for name in ("eiglink_web", "eiglink_realtime"):
        servers = [line for line in upstream(site.stdout, name) if "server" in line]
        assert servers == ["server 10.0.0.1:8001;", "server 10.0.0.1:8002;"]


def test_a_missing_kind_of_process_is_refused():
    refused = run("--web", "10.0.0.1:8001")
    assert refused.returncode == 2
    assert "--realtime" in refused.stderr
