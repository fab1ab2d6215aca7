import json
from pathlib import Path

import pytest
from sqlalchemy import inspect, select, text

from app.defis.models import Administration, Defi
from app.defis.seed import DEFAULT_FILE, seed_defis
from app.extensions import db


def _snapshot() -> dict:
    """Every row of every table, without the update timestamps."""
    tables = {}
    for name in sorted(inspect(db.engine).get_table_names()):
        rows = db.session.execute(text(f"SELECT * FROM {name}")).mappings().all()
        tables[name] = sorted(
            json.dumps(
                {k: v for k, v in r.items() if k != "updated_at"},
                default=str,
                sort_keys=True,
            )
            for r in rows
        )
    return tables


def test_seeding_twice_leaves_the_same_database(app):
    first = seed_defis()
    assert len(first.created) == 131
    before = _snapshot()
    second = seed_defis()
    assert (second.created, second.updated, second.unchanged) == ([], [], 131)
    assert _snapshot() == before


def test_every_defi_is_kept_with_its_promotion_year(app):
    seed_defis()
    years = db.session.scalars(select(Defi.year)).all()
    assert len(years) == 131
    assert years.count(2019) == 32


def test_one_administration_whatever_the_spelling(app):
    seed_defis()
    names = db.session.scalars(select(Administration.name)).all()
    dinum = [
        n
        for n in names
        if "interministérielle du numérique" in n.lower() and "système" not in n
    ]
    assert dinum == ["Direction interministérielle du numérique (DINUM)"]
    assert len([n for n in names if n.lower().startswith("cour de cassation")]) == 1
    assert len([n for n in names if "cerema" in n.lower()]) == 1
    interieur = [n for n in names if n.lower() == "ministère de l'intérieur"]
    assert interieur == ["Ministère de l'Intérieur"]


def test_an_edited_file_updates_the_defi(app, tmp_path: Path):
    seed_defis()
    lines = DEFAULT_FILE.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[0])
    record["tagline"] = "Nouveau chapeau"
    record["themes"] = ["Santé"]
    edited = tmp_path / "defis.jsonl"
    edited.write_text("\n".join([json.dumps(record), *lines[1:]]), encoding="utf-8")
    report = seed_defis(edited)
    assert report.updated == [record["slug"]]
    defi = db.session.scalar(select(Defi).where(Defi.slug == record["slug"]))
    assert defi.tagline == "Nouveau chapeau"
    assert [t.name for t in defi.themes] == ["Santé"]


def test_a_broken_file_writes_nothing(app, tmp_path: Path):
    broken = tmp_path / "defis.jsonl"
    good = DEFAULT_FILE.read_text(encoding="utf-8").splitlines()[0]
    broken.write_text(good + "\n{pas du json\n", encoding="utf-8")
    with pytest.raises(ValueError, match="ligne 2"):
        seed_defis(broken)
    assert db.session.scalar(select(Defi.id)) is None
