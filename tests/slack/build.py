"""Synthetic Slack exports, written by the tests themselves: no real data here."""

import json
import zipfile
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


def write_export(root: Path, *, as_zip: bool = False) -> Path:
    """The export as a folder under root, or zipped; its path."""
    folder = root / "export"
    files = {
        "users.json": USERS,
        "channels.json": CHANNELS,
        "groups.json": GROUPS,
        "dms.json": DMS,
    } | DAYS
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else json.dumps(content)
        path.write_text(text)
    if not as_zip:
        return folder
    archive = root / "export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted(folder.rglob("*.json")):
            zipped.write(path, f"Workspace Slack export/{path.relative_to(folder)}")
    return archive
