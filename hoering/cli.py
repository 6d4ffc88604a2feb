"""flask --app hoering <command>: each command is a thin call to a service, committed once."""

from __future__ import annotations

import sys

import click
from flask import Flask

from hoering.extensions import db


def register_cli(app: Flask) -> None:
    app.cli.add_command(demo)
    app.cli.add_command(create_admin)
    app.cli.add_command(close_expired)
    app.cli.add_command(journal)


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
