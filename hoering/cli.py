"""flask --app hoering <command>: each command is a thin call to a service, committed once."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask

from hoering.extensions import db


def register_cli(app: Flask) -> None:
    app.cli.add_command(demo)
    app.cli.add_command(create_admin)
    app.cli.add_command(close_expired)
    app.cli.add_command(journal)
    app.cli.add_command(archive)


@click.command("demo")
def demo():
    """Load the demo: an agency, users of every role, consultations with innspill (idempotent)."""
    from hoering import demo as demo_data

    created = demo_data.load()
    db.session.commit()
    click.echo("Demo data loaded." if created else "Demo data was already loaded; nothing changed.")
    click.echo(f"Demo sign-ins (password for all: {demo_data.PASSWORD}):")
    for role, email in demo_data.SIGN_INS:
        click.echo(f"  {role:<28} {email}")


@click.command("create-admin")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.password_option()
def create_admin(email: str, name: str, password: str):
    """Create the first administrator."""
    from hoering.accounts import services
    from hoering.accounts.models import ROLE_ADMIN
    from hoering.errors import DomainError

    try:
        user = services.create_user(email, name, password)
        services.grant_role(user, ROLE_ADMIN)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(str(error.message)) from None
    db.session.commit()
    click.echo(f"Administrator {user.email} created.")


@click.command("close-expired")
def close_expired():
    """Close consultations past their deadline (safe to run from cron on every host)."""
    from hoering.consultations.services import close_expired as close

    count = close()
    db.session.commit()
    click.echo(f"{count} consultation(s) closed.")


@click.group("journal")
def journal():
    """The journal (journalposter)."""


@journal.command("verify")
def journal_verify():
    """Walk every hash chain; name the first entry altered, removed or inserted."""
    from hoering.journal.verify import verify_chains

    problems, heads = verify_chains()
    if not problems:
        entries = sum(head.entries for head in heads)
        changes = sum(head.changes for head in heads)
        click.echo(f"Journal OK: {entries} entries, {changes} change records, every chain intact.")
        for head in heads:
            click.echo(
                f"  agency {head.agency_id} {head.year}: {head.entries} entries, head {head.head};"
                f" {head.changes} change records, head {head.change_head}"
            )
        return
    for problem in problems:
        click.echo(
            f"Journal BROKEN at {problem.journal_number} (agency {problem.agency_id}, "
            f"{problem.year}): {problem.problem}",
            err=True,
        )
    sys.exit(1)


@click.group("archive")
def archive():
    """The Noark 5 archive: export a closed consultation as an arkivuttrekk, check one."""


class _Progress:
    """Progress of an export on stderr: one line per stage, rewritten in place on a terminal."""

    def __init__(self, every: int = 1000) -> None:
        self.every = every
        self.tty = sys.stderr.isatty()
        self.stage: str | None = None

    def __call__(self, stage: str, count: int) -> None:
        if stage != self.stage and self.stage is not None and self.tty:
            click.echo("", err=True)
        self.stage = stage
        if count % self.every == 0 or count == 1:
            line = f"{stage}: {count} journalposter"
            click.echo(("\r" + line) if self.tty else line, err=True, nl=not self.tty)

    def done(self) -> None:
        if self.tty and self.stage is not None:
            click.echo("", err=True)


@archive.command("export")
@click.option("--consultation", "slug", required=True, help="The consultation's slug.")
@click.option(
    "--out",
    "out_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The .tar file to write (written under a temporary name, then renamed).",
)
@click.option(
    "--no-documents",
    is_flag=True,
    help="Leave out the PDF/A files of the innspill and replies (the draft versions stay).",
)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@click.option("--by", "produced_by", default="Høring", help="Who makes the export (avsluttetAv).")
def archive_export(slug: str, out_path: Path, no_documents: bool, workers: int, produced_by: str):
    """Write a closed consultation's Noark 5 arkivuttrekk as one .tar file."""
    from hoering.archive.export import export_consultation
    from hoering.consultations.models import Consultation
    from hoering.errors import DomainError

    consultation = db.session.scalar(db.select(Consultation).where(Consultation.slug == slug))
    if consultation is None:
        raise click.ClickException(f"Fant ingen høring med adressen «{slug}».")
    progress = _Progress()
    try:
        path = export_consultation(
            consultation,
            out_path,
            produced_by=produced_by,
            documents=not no_documents,
            progress=progress,
            workers=workers,
        )
    except DomainError as error:
        raise click.ClickException(str(error.message)) from None
    finally:
        progress.done()
    click.echo(f"Arkivuttrekk written to {path} ({path.stat().st_size:,} bytes).")


@archive.command("check")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
def archive_check(path: Path):
    """Check an arkivuttrekk (.tar or folder) the way Arkade 5 does; exit 1 if a test fails."""
    import tarfile

    from hoering.archive.check import check_extraction, format_report

    try:
        results = check_extraction(path)
    except tarfile.TarError as error:
        raise click.ClickException(f"{path} is neither a folder nor a tar file: {error}") from None
    click.echo(format_report(results))
    if not all(result.passed for result in results):
        sys.exit(1)
