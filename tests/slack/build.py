"""Synthetic Slack exports, written by the tests themselves: no real data here."""

import json
import zipfile
from datetime import date, timedelta
from pathlib import Path

USERS = [
    {
        "id": "U1",
        "name": "alice",
        "profile": {"real_name": "Alice Martin", "email": "Alice@Example.org"},
    },
    {
        "id": "U2",
        "name": "bruno",
        "deleted": True,
        "profile": {"real_name": "Bruno Ancien", "email": "bruno@ailleurs.fr"},
    },
    {"id": "B1", "name": "robot", "is_bot": True, "profile": {"real_name": "Robot"}},
]
CHANNELS = [
    {"id": "C1", "name": "projet-lab-sante", "members": ["U1", "U2"]},
    {"id": "C2", "name": "projet-inconnu", "members": ["U1"]},
    {"id": "C3", "name": "eig2019", "members": ["U1"], "is_archived": True},
    {"id": "C4", "name": "domaine-data", "members": ["U1"]},
    {"id": "C5", "name": "entraide", "members": ["U1", "U2"]},
]
GROUPS = [{"id": "G1", "name": "equipe-privee", "members": ["U1", "U2"]}]
DMS = [{"id": "D1", "members": ["U1", "U2"]}]


def message(user: str, ts: str, text: str, **extra) -> dict:
    return {"type": "message", "user": user, "ts": ts, "text": text} | extra


DAYS = {
    "projet-lab-sante/2019-03-01.json": [
        message("U1", "1551430000.000100", "Bonjour <@U2> :wave:"),
        message("U2", "1551430100.000200", "Salut !", thread_ts="1551430000.000100"),
        {
            "type": "message",
            "subtype": "channel_join",
            "user": "U2",
            "ts": "1551429000.000001",
            "text": "<@U2> a rejoint",
        },
    ],
    "projet-lab-sante/2019-03-02.json": "{ ceci n'est pas du JSON",
    "entraide/2019-03-01.json": [
        message("U9", "1551430000.000300", "Qui connaît Airflow ?"),
        {"type": "message", "user": "U1", "text": "sans ts"},
    ],
    "eig2019/2019-03-01.json": [message("U1", "1551430000.000400", "Promo !")],
    "equipe-privee/2019-03-01.json": [message("U1", "1551430000.000500", "Secret")],
    "D1/2019-03-01.json": [message("U2", "1551430000.000600", "En direct")],
}


def write_export(
    root: Path, *, as_zip: bool = False, days: dict | None = None, label="export"
) -> Path:
    """The export as a folder under root, or zipped; its path. `days` adds day
    files to the standard ones, or replaces them by name."""
    folder = root / label
    files = (
        {
            "users.json": USERS,
            "channels.json": CHANNELS,
            "groups.json": GROUPS,
            "dms.json": DMS,
        }
        | DAYS
        | (days or {})
    )
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else json.dumps(content)
        path.write_text(text)
    if not as_zip:
        return folder
    archive = root / f"{label}.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted(folder.rglob("*.json")):
            zipped.write(path, f"Workspace Slack export/{path.relative_to(folder)}")
    return archive


def write_synthetic(
    root: Path, *, messages: int, channels: int, defi_slugs=(), seed: int = 1
) -> Path:
    """A larger made-up export (folder): `channels` public channels, the first
    ones named after `defi_slugs`, 200 people, one message in five a thread
    reply, one in ten with a reaction, spread over a day file per 50 messages."""
    import random

    rng = random.Random(seed)
    folder = root / "synthetic"
    people = [
        {
            "id": f"U{n:04d}",
            "team_id": "TSYNTH",
            "name": f"personne{n}",
            "profile": {
                "real_name": f"Personne {n}",
                "email": f"personne{n}@example.org",
            },
        }
        for n in range(200)
    ]
    names = [f"projet-{slug}" for slug in defi_slugs][:channels]
    names += [f"sujet-{n}" for n in range(channels - len(names))]
    listing = [
        {"id": f"C{n:04d}", "name": name, "members": [p["id"] for p in people[:20]]}
        for n, name in enumerate(names)
    ]
    _write_json(folder / "users.json", people)
    _write_json(folder / "channels.json", listing)
    start, per_channel = 1_500_000_000, messages // channels
    for n, name in enumerate(names):
        roots: list[str] = []
        day: list[dict] = []
        for i in range(per_channel):
            ts = f"{start + n * 7 + i * 60}.{i % 1000:06d}"
            record = message(
                rng.choice(people)["id"],
                ts,
                f"Message {i} de #{name} : *pipeline* <@U0001> "
                f"<https://example.org/doc/{i}|la doc> :tada:",
            )
            if roots and rng.random() < 0.2:
                record["thread_ts"] = rng.choice(roots[-20:])
            else:
                roots.append(ts)
            if rng.random() < 0.1:
                record["reactions"] = [
                    {"name": "+1", "users": [people[i % 200]["id"]], "count": 1}
                ]
            day.append(record)
            if len(day) == 50 or i == per_channel - 1:
                when = date(2017, 9, 1) + timedelta(days=i // 50)
                _write_json(folder / name / f"{when.isoformat()}.json", day)
                day = []
    return folder


def _write_json(path: Path, content) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content))
