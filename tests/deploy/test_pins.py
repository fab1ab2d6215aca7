"""constraints.txt pins every dependency inside pyproject's ranges, and is installed."""

import re
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"([A-Za-z0-9._-]+)==([^\s;]+)")


def pins() -> dict[str, str]:
    lines = (ROOT / "constraints.txt").read_text().splitlines()
    entries = [line.strip() for line in lines if line.strip() and line[0] != "#"]
    found = {}
    for entry in entries:
        match = PIN.fullmatch(entry)
        assert match, f"not an exact pin: {entry!r}"
        found[canonicalize_name(match[1])] = match[2]
    return found


def requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        declared += extra
    return [Requirement(line) for line in declared]


def test_every_dependency_is_pinned_inside_its_range():
    pinned = pins()
    for requirement in requirements():
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{name} is not in constraints.txt"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"{name}=={pinned[name]} is outside {requirement.specifier}"
        )


def test_the_pinned_versions_are_the_installed_ones():
    """CI and dev.py install with -c constraints.txt: nothing else slipped in."""
    wrong = {}
    for name, pinned in pins().items():
        try:
            installed = version(name)
        except PackageNotFoundError:
            continue  # e.g. only in an extra this environment did not install
        if Version(installed) != Version(pinned):
            wrong[name] = (installed, pinned)
    assert wrong == {}


def test_known_vulnerable_releases_are_excluded():
    floors = {canonicalize_name(r.name): r.specifier for r in requirements()}
    assert not floors["python-socketio"].contains("5.13.0")  # pickled queue payloads
    assert not floors["gunicorn"].contains("22.0.0")
    assert not floors["werkzeug"].contains("3.1.5")
    assert not floors["jinja2"].contains("3.1.5")
