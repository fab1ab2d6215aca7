"""One command to run EIG Link or its tests on a fresh machine (Python 3.11+ only).

python3 dev.py run     prepare everything and serve on http://127.0.0.1:5000
python3 dev.py test    install the test tools and run the tests (args go to pytest)
"""

import hashlib
import os
import secrets
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
INSTANCE = ROOT / "instance"
CONSTRAINTS = ROOT / "constraints.txt"  # the exact, tested versions
ADMIN_FILE = INSTANCE / "demo-admin.txt"


def say(message: str) -> None:
    print(f"==> {message}", flush=True)


def ensure_venv(extras: str) -> None:
    """Create .venv and install the project at the pinned versions.

    Skipped when neither pyproject.toml, constraints.txt nor the extras changed.
    """
    if sys.version_info < (3, 11):  # noqa: UP036 (dev.py may be run by an old Python)
        sys.exit("EIG Link needs Python 3.11 or newer.")
    if not PYTHON.exists():
        say("Creating the virtual environment in .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    spec = (
        (ROOT / "pyproject.toml").read_bytes()
        + CONSTRAINTS.read_bytes()
        + extras.encode()
    )
    stamp = VENV / f".installed-{extras or 'base'}"
    digest = hashlib.sha256(spec).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    say(f"Installing dependencies ({extras or 'app'})")
    target = f".[{extras}]" if extras else "."
    pip = [
        str(PYTHON),
        "-m",
        "pip",
        "install",
        "--quiet",
        "--disable-pip-version-check",
    ]
    subprocess.run([*pip, "--upgrade", "pip"], check=True, cwd=ROOT)
    subprocess.run([*pip, "-c", str(CONSTRAINTS), "-e", target], check=True, cwd=ROOT)
    stamp.write_text(digest)


def flask(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """Run a `flask --app wsgi` command inside the virtual environment."""
    command = [str(PYTHON), "-m", "flask", "--app", "wsgi", *args]
    return subprocess.run(command, check=True, cwd=ROOT, input=stdin, text=True)


def ensure_admin() -> tuple[str, str]:
    """A demo staff account, made once; its password is kept in the instance folder."""
    if ADMIN_FILE.exists():
        username, password = ADMIN_FILE.read_text().split("\n")[:2]
        return username, password
    username, password = "admin", "demo-" + secrets.token_urlsafe(12)
    flask("create-admin", username, "admin@eig-link.example", stdin=password + "\n")
    INSTANCE.mkdir(exist_ok=True)
    ADMIN_FILE.write_text(f"{username}\n{password}\n")
    ADMIN_FILE.chmod(0o600)
    return username, password


def run() -> None:
    ensure_venv("")
    say("Applying database migrations")
    flask("db", "upgrade")
    say("Loading the 131 défis and the demo community")
    flask("seed-defis")
    username, password = ensure_admin()  # first: the demo writes to the admin too
    flask("seed-demo")
    say(f"Demo admin — username: {username}  password: {password}")
    say("Serving on http://127.0.0.1:5000 (Ctrl+C to stop)")
    os.execv(str(PYTHON), [str(PYTHON), str(ROOT / "wsgi.py")])


def test(pytest_args: list[str]) -> None:
    ensure_venv("test")
    command = [str(PYTHON), "-m", "pytest", *pytest_args]
    sys.exit(subprocess.run(command, cwd=ROOT).returncode)


def main() -> None:
    os.chdir(ROOT)
    action = sys.argv[1] if len(sys.argv) > 1 else ""
    if action == "run":
        run()
    elif action == "test":
        test(sys.argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
