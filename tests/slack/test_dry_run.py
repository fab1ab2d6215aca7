"""Reading an export, mapping its conversations, and the dry run's report."""

import json

import pytest

from app.slack.export import Export, NotAnExport
from app.slack.plan import DefiRef, Planner, key, survey
from tests.factories import make_defi, make_member, make_promotion
from tests.slack.build import write_export

DEFIS = [
    DefiRef("lab-sante", "Lab'Santé", ("Laboratoire santé",)),
    DefiRef("signaux-faibles", "Signaux faibles"),
]


def planner(overrides=None) -> Planner:
    return Planner(DEFIS, {2019: "Promotion 3"}, overrides)


@pytest.mark.parametrize("as_zip", [False, True], ids=["folder", "zip"])
def test_an_export_is_read_from_its_folder_or_its_zip(tmp_path, as_zip):
    export = Export(write_export(tmp_path, as_zip=as_zip))
    assert export.users["U1"].email == "alice@example.org"
    assert export.users["U2"].deleted and export.users["B1"].bot
    kinds = {channel.name: channel.kind for channel in export.channels}
    assert kinds["equipe-privee"] == "private" and kinds["D1"] == "direct"
    archived = [c.name for c in export.channels if c.archived]
    assert archived == ["eig2019"]


def test_bad_files_and_messages_become_problems_not_failures(tmp_path):
    export = Export(write_export(tmp_path))
    for channel in export.channels:
        list(export.messages(channel))
    problems = {(p.file, p.reason) for p in export.problems}
    assert ("projet-lab-sante/2019-03-02.json", "JSON invalide") in problems
    assert ("entraide/2019-03-01.json", "message sans ts valide") in problems


def test_a_path_that_is_no_export_is_refused(tmp_path):
    (tmp_path / "vide").mkdir()
    (tmp_path / "texte.zip").write_text("pas un zip")
    for path in (tmp_path / "vide", tmp_path / "texte.zip", tmp_path / "absent"):
        with pytest.raises(NotAnExport):
            Export(path)


def test_keys_ignore_accents_case_and_punctuation():
    assert key("Lab'Santé") == key("lab-sante") == key("LAB SANTE") == "labsante"


@pytest.mark.parametrize(
    ("name", "kind", "target"),
    [
        ("projet-lab-sante", "defi", "Lab'Santé"),
        ("projet-labsante", "defi", "Lab'Santé"),
        ("projet-laboratoire-sante", "defi", "Lab'Santé"),  # an alias
        ("projet-inconnu", "topic", "projet-inconnu"),
        ("eig2019", "topic", "Promotion 3"),
        ("eig2030", "topic", "eig2030"),  # no such promotion
        ("domaine-data", "topic", "data"),
        ("entraide", "topic", "entraide"),
    ],
)
def test_public_channels_go_to_defis_promotions_and_topics(
    tmp_path, name, kind, target
):
    channel = next(c for c in Export(write_export(tmp_path)).channels if c.id == "C1")
    channel.name = name
    found = planner().target(channel)
    assert (found.kind, found.name) == (kind, target)
    assert found.matched == (name != "projet-inconnu")


def test_a_map_file_overrides_the_rules(tmp_path):
    export = Export(write_export(tmp_path))
    chosen = planner(
        {
            "projet-inconnu": {"defi": "signaux-faibles"},
            "entraide": "skip",
            "C4": {"topic": "données"},
        }
    )
    targets = {c.name: chosen.target(c) for c in export.channels}
    assert targets["projet-inconnu"].defi_slug == "signaux-faibles"
    assert targets["entraide"].kind == "skip"
    assert targets["domaine-data"].name == "données"


def test_the_survey_counts_messages_without_noise_and_names_no_text(tmp_path):
    report = survey(Export(write_export(tmp_path)), planner(), {"alice@example.org"})
    rows = {row["slack"]: row for row in report["channels"]}
    assert rows["projet-lab-sante"]["messages"] == 2
    assert rows["projet-lab-sante"]["noise"] == 1
    assert report["people"] == {
        "members": ["Alice Martin"],
        "not_members": ["Bruno Ancien"],
        "missing": ["U9"],
    }
    text = json.dumps(report, ensure_ascii=False)
    assert "Bonjour" not in text and "Secret" not in text


def test_the_dry_run_command_prints_the_plan_and_writes_nothing(app, tmp_path):
    make_defi(slug="lab-sante", title="Lab Santé", promotion=make_promotion(year=2019))
    make_member(email="alice@example.org")
    runner = app.test_cli_runner()
    report_file = tmp_path / "rapport.json"
    result = runner.invoke(
        args=[
            "import-slack",
            str(write_export(tmp_path)),
            "--dry-run",
            "--report",
            str(report_file),
        ]
    )
    assert result.exit_code == 0, result.output
    assert "defi Lab Santé" in result.output
    assert "topic Promotion 3" in result.output
    assert "(aucun défi ne correspond)" in result.output
    assert "membres : 1, non membres : 1, absents de users.json : 1." in (result.output)
    assert json.loads(report_file.read_text())["problems"]


@pytest.mark.parametrize("dry_run", [["--dry-run"], []], ids=["dry-run", "import"])
def test_the_command_refuses_a_path_that_is_no_export(app, tmp_path, dry_run):
    runner = app.test_cli_runner()
    not_export = runner.invoke(args=["import-slack", str(tmp_path), *dry_run])
    assert not_export.exit_code != 0
    assert "pas un export Slack" in not_export.output
