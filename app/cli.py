"""Command-line tasks: `flask --app wsgi <command>`."""

import sys
from pathlib import Path

import click
from flask import Flask
from sqlalchemy import select

from app.errors import DomainError
from app.extensions import db
from app.slack.cli import import_slack


def register(app: Flask) -> None:
    for command in (
        seed_defis,
        seed_demo,
        create_admin,
        invite,
        promote_alumni,
        reindex,
        backup,
        restore,
        prune_uploads,
        send_digest,
        route_questions,
        dsfr_icons,
        import_slack,
    ):
        app.cli.add_command(command)


@click.command("seed-defis")
@click.argument(
    "file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
def seed_defis(file: Path | None) -> None:
    """Load or update the défis from a JSON Lines file (default: the shipped set)."""
    from app.defis.seed import DEFAULT_FILE
    from app.defis.seed import seed_defis as load

    try:
        report = load(file or DEFAULT_FILE)
    except ValueError as error:
        raise click.ClickException(
            f"Fichier refusé, rien n'a été écrit : {error}"
        ) from None
    click.echo(
        f"Défis : {len(report.created)} créés, {len(report.updated)} mis à jour, "
        f"{report.unchanged} inchangés."
    )
    if report.resources:
        click.echo(f"Dépôts proposés comme ressources : {report.resources}.")
    _ensure_defi_channels()


def _ensure_defi_channels() -> None:
    """Every défi has its channel, with its team in it."""
    from app.channels.services import ensure_defi_channels

    created = ensure_defi_channels()
    if created:
        click.echo(f"Canaux de défi : {created} créés.")


@click.command("seed-demo")
@click.option(
    "--members", "count", default=200, show_default=True, help="How many members."
)
@click.option(
    "--seed",
    default=2017,
    show_default=True,
    help="Random seed (same seed, same people).",
)
def seed_demo(count: int, seed: int) -> None:
    """Add a synthetic community (fake French people) attached to the défis."""
    from app.channels.demo import seed_demo_conversations
    from app.members.demo import seed_demo_members
    from app.mentoring.demo import seed_demo_mentoring
    from app.resources.demo import seed_demo_resources

    created = seed_demo_members(count, seed)
    click.echo(f"Communauté de démonstration : {created} membres ajoutés.")
    if shared := seed_demo_resources(seed):
        click.echo(f"Ressources de démonstration : {shared} partagées.")
    _ensure_defi_channels()
    if asked := seed_demo_mentoring(seed):  # first: conversations mention askers
        click.echo(f"Mentorat de démonstration : {asked} demandes.")
    if written := seed_demo_conversations(seed):
        click.echo(f"Conversations de démonstration : {written} messages.")


def _read_password() -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    return click.prompt(
        "Mot de passe", hide_input=True, confirmation_prompt="Confirmez"
    )


@click.command("create-admin")
@click.argument("username")
@click.argument("email")
def create_admin(username: str, email: str) -> None:
    """Create a staff account (password asked twice, or read from standard input)."""
    from app.members.demo import create_staff

    try:
        member = create_staff(username, email, _read_password())
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(f"Compte d'équipe créé : {member.username} <{member.email}>.")


@click.command("invite")
@click.argument("email")
@click.option(
    "--role", required=True, type=click.Choice(["eig", "alumni", "mentor", "staff"])
)
@click.option(
    "--by",
    "inviter",
    default=None,
    help="Username of the inviting staff member (default: the system).",
)
@click.option(
    "--resend", is_flag=True, help="Send a waiting invitation again, with a new link."
)
@click.option("--defi", "defi_slug", default=None, help="Slug of the défi to join.")
def invite(
    email: str, role: str, inviter: str | None, resend: bool, defi_slug: str | None
) -> None:
    """Invite EMAIL with ROLE and print the registration link.

    Without --by, the audit log and the e-mail credit the system, not a member."""
    from app.auth import services as auth
    from app.members.models import Member

    staff = None
    if inviter:
        staff = db.session.scalar(
            select(Member).where(
                Member.role == "staff",
                Member.active.is_(True),
                Member.username == inviter,
            )
        )
        if staff is None:
            raise click.ClickException(f"Aucun compte d'équipe actif « {inviter} ».")
    defi_id = None
    if defi_slug:
        from app.defis.services import get_defi

        if (defi := get_defi(defi_slug)) is None:
            raise click.ClickException(f"Aucun défi « {defi_slug} ».")
        defi_id = defi.id
    try:
        waiting = auth.pending_invitation(email) if resend else None
        if waiting is not None:
            _invitation, link = auth.resend_invitation(staff, waiting)
        else:
            _invitation, link = auth.invite(staff, email, role, defi_id=defi_id)
    except auth.AlreadyInvited as error:
        raise click.ClickException(f"{error.message} (--resend)") from None
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(link)


@click.command("promote-alumni")
@click.argument("year", type=int)
def promote_alumni(year: int) -> None:
    """Turn the EIGs of the promotions of YEAR into alumni."""
    from app.members.promotions import promote_alumni as promote

    changed = promote(year)
    click.echo(f"{changed} EIG de {year} sont maintenant alumni.")


@click.command("reindex")
def reindex() -> None:
    """Rebuild the search index from the database."""
    from sqlalchemy import func

    from app.search.services import INDEXED, rebuild

    total = sum(
        db.session.scalar(select(func.count(model.id))) or 0 for _, model in INDEXED
    )
    with click.progressbar(length=total, label="Indexation") as bar:
        done = rebuild(progress=bar.update)
    click.echo(f"Index reconstruit : {done} documents.")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup(file: Path) -> None:
    """Write a backup of the database to FILE (online: the app keeps serving)."""
    from app.ops.backup import backup as write_backup

    try:
        write_backup(file)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    size = file.stat().st_size / 1e6
    click.echo(f"Sauvegarde écrite : {file} ({size:.1f} Mo).")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore(file: Path, yes: bool) -> None:
    """Replace the whole database with the backup FILE, then rebuild the index."""
    from app.ops.backup import restore as restore_backup

    if not yes:
        click.confirm(
            "Toutes les données actuelles seront remplacées. Continuer ?", abort=True
        )
    try:
        documents = restore_backup(file)
    except DomainError as error:
        raise click.ClickException(error.message) from None
    click.echo(
        f"Base restaurée depuis {file} ; index reconstruit : {documents} documents."
    )


@click.command("prune-uploads")
@click.option(
    "--min-age", default=3600, show_default=True, help="Seconds a stray file is kept."
)
def prune_uploads(min_age: int) -> None:
    """Delete uploaded files no resource refers to (left by an interrupted upload)."""
    from app.resources.services import remove_stray_files

    click.echo(f"Fichiers orphelins supprimés : {remove_stray_files(min_age)}.")


@click.command("send-digest")
def send_digest() -> None:
    """E-mail the daily digest of notifications; expire stale mentoring requests."""
    from app.mentoring.services import expire_pending
    from app.notifications.services import send_digests

    expired = expire_pending()
    sent = send_digests()
    click.echo(
        f"Récapitulatifs envoyés : {sent}. Demandes de mentorat expirées : {expired}."
    )


@click.command("route-questions")
def route_questions() -> None:
    """Send the questions unanswered for 48 hours to the next members, once
    (run it every hour)."""
    from app.questions.services import route_unanswered

    click.echo(f"Questions relancées : {route_unanswered()}.")


@click.command("dsfr-icons")
def dsfr_icons() -> None:
    """Write the stylesheet of the DSFR icons the app uses (after adding one)."""
    from app.icons import ICONS_SUBSET, write_subset

    icons, rules = write_subset()
    click.echo(f"{ICONS_SUBSET.name}: {rules} rules for {icons} icon classes.")
