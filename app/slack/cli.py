"""`flask import-slack PATH`: bring a Slack export's history into EIG Link.

`--dry-run` reads the export, maps its conversations and people, and reports,
writing nothing. Without it, the people, the channels, then the messages are
written (see app/slack/importer.py), and the report says what was imported,
what was already there, and every record set aside with its file and reason.
"""

import json
import sys
from dataclasses import asdict
from pathlib import Path

import click
from sqlalchemy import func, select

from app.defis.models import Defi, Promotion
from app.extensions import db
from app.members.models import Member
from app.search.sync import process_outbox
from app.slack.channels import place
from app.slack.export import Export, NotAnExport
from app.slack.importer import Importer, Tally
from app.slack.people import People
from app.slack.plan import DefiRef, Planner, survey
from search_index import SearchError


def _planner(map_file: Path | None) -> Planner:
    defis = [
        DefiRef(d.slug, d.title, tuple(d.aliases or ()))
        for d in db.session.scalars(select(Defi))
    ]
    promotions = {
        p.year: p.label
        for p in db.session.scalars(
            select(Promotion)
            .where(Promotion.programme == "EIG")
            .order_by(Promotion.year)
        )
    }
    overrides = json.loads(map_file.read_text()) if map_file else None
    if overrides is not None and not isinstance(overrides, dict):
        raise click.BadParameter("un objet JSON est attendu", param_hint="--map")
    return Planner(defis, promotions, overrides)


def _print(report: dict) -> None:
    click.echo(f"{'canal Slack':<32} {'type':<12} {'messages':>8}  destination")
    for row in report["channels"]:
        target = row["target"]
        where = f"{target['kind']} {target['name']}"
        if not target["matched"]:
            where += "  (aucun défi ne correspond)"
        if row["archived"]:
            where += "  [archivé]"
        click.echo(
            f"{row['slack'][:32]:<32} {row['kind']:<12} {row['messages']:>8}  {where}"
        )
    people = report["people"]
    click.echo(
        f"Auteurs — membres : {len(people['members'])}, "
        f"non membres : {len(people['not_members'])}, "
        f"absents de users.json : {len(people['missing'])}."
    )
    click.echo(f"Problèmes : {len(report['problems'])}.")
    for problem in report["problems"][:20]:
        click.echo(f"  {problem['file']} : {problem['reason']}")


def _import(export: Export, planner: Planner, hold: bool) -> dict:
    people = People(export)
    db.session.flush()
    channels = place(export.channels, planner, people)
    db.session.commit()
    importer = Importer(export, people, channels, hold=hold)
    pending = importer.pending()
    with click.progressbar(
        length=len(pending), label="Messages", hidden=not _terminal()
    ) as bar:
        tally = importer.run(pending, bar.update)
    return _import_report(export, planner, channels, tally, people)


def _terminal() -> bool:
    return sys.stdout.isatty()


def _import_report(export, planner, channels, tally: Tally, people: People) -> dict:
    rows = []
    for channel in export.channels:
        placed = channels.get(channel.id)
        rows.append(
            {
                "slack": channel.name,
                "kind": channel.kind,
                "archived": channel.archived,
                "target": asdict(planner.target(channel)),
                "channel": placed.slug if placed else None,
                "imported": tally.imported[channel.id],
                "already_there": tally.already[channel.id],
                "noise": tally.noise[channel.id],
            }
        )
    authors = people.authors.values()
    return {
        "workspace": export.workspace,
        "channels": rows,
        "people": {
            "members": sorted(a.name for a in authors if a.member_id is not None),
            "not_members": sorted(a.name for a in authors if a.member_id is None),
        },
        "problems": [asdict(problem) for problem in tally.problems],
    }


def _print_import(report: dict) -> None:
    click.echo(f"{'canal Slack':<32} {'importés':>8} {'déjà là':>8}  canal")
    for row in report["channels"]:
        where = row["channel"] or "(ignoré)"
        click.echo(
            f"{row['slack'][:32]:<32} {row['imported']:>8} "
            f"{row['already_there']:>8}  {where}"
        )
    total = sum(row["imported"] for row in report["channels"])
    people = report["people"]
    click.echo(
        f"Messages importés : {total}. Auteurs — membres : "
        f"{len(people['members'])}, non membres : {len(people['not_members'])}."
    )
    click.echo(f"Problèmes : {len(report['problems'])}.")
    for problem in report["problems"][:20]:
        click.echo(f"  {problem['file']} : {problem['reason']}")


def _index() -> None:
    try:
        done = process_outbox()
    except SearchError:
        done = None
    if done is None:
        click.echo("Index de recherche indisponible : le serveur l’achèvera.")
    else:
        click.echo(f"Index de recherche : {done} documents à jour.")


@click.command("import-slack")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--dry-run", is_flag=True, help="Report what would happen; write nothing."
)
@click.option(
    "--report",
    "report_file",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the report as JSON (no message text).",
)
@click.option(
    "--hold-unclaimed",
    is_flag=True,
    help="Hide the messages of people who are not members until they join.",
)
@click.option(
    "--map",
    "map_file",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="JSON file overriding where channels go.",
)
def import_slack(
    path: Path,
    dry_run: bool,
    report_file: Path | None,
    hold_unclaimed: bool,
    map_file: Path | None,
):
    """Import a Slack export (zip or folder) onto défis, promotions and topics."""
    try:
        export = Export(path)
    except NotAnExport as error:
        raise click.ClickException(f"Ce n’est pas un export Slack : {error}") from None
    planner = _planner(map_file)
    if dry_run:
        emails = set(db.session.scalars(select(func.lower(Member.email))))
        report = survey(export, planner, emails)
        _print(report)
    else:
        report = _import(export, planner, hold_unclaimed)
        _print_import(report)
        _index()
    if report_file:
        report_file.write_text(json.dumps(report, ensure_ascii=False, indent=2))
        click.echo(f"Rapport écrit dans {report_file}.")
