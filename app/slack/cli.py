"""`flask import-slack PATH --dry-run`: what importing a Slack export would do.

This first step reads the export, maps its conversations and people, and
reports, writing nothing. The import itself comes next (issue 15); until then
the command refuses to run without --dry-run rather than half-import.
"""

import json
from pathlib import Path

import click
from sqlalchemy import func, select

from app.defis.models import Defi, Promotion
from app.extensions import db
from app.members.models import Member
from app.slack.export import Export, NotAnExport
from app.slack.plan import DefiRef, Planner, survey


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
    "--map",
    "map_file",
    type=click.Path(exists=True, path_type=Path),
    default=None,
    help="JSON file overriding where channels go.",
)
def import_slack(
    path: Path, dry_run: bool, report_file: Path | None, map_file: Path | None
):
    """Map a Slack export (zip or folder) onto défis, promotions and topics."""
    if not dry_run:
        raise click.UsageError(
            "Seul --dry-run est disponible pour l’instant : il montre ce que "
            "l’import ferait, sans rien écrire."
        )
    try:
        export = Export(path)
    except NotAnExport as error:
        raise click.ClickException(f"Ce n’est pas un export Slack : {error}") from None
    emails = set(db.session.scalars(select(func.lower(Member.email))))
    report = survey(export, _planner(map_file), emails)
    _print(report)
    if report_file:
        report_file.write_text(json.dumps(report, ensure_ascii=False, indent=2))
        click.echo(f"Rapport écrit dans {report_file}.")
