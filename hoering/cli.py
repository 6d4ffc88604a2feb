"""flask --app hoering <command>: each command is a thin call to a service, committed once."""

from __future__ import annotations

import logging
import os
import smtplib
import socket
import sys
from pathlib import Path

import click
from babel.messages.frontend import CommandLineInterface
from flask import Flask

from hoering.config import PROJECT_ROOT
from hoering.extensions import db

BABEL_CONFIG = PROJECT_ROOT / "babel.cfg"
TRANSLATIONS = PROJECT_ROOT / "hoering" / "translations"
CATALOG_TEMPLATE = TRANSLATIONS / "messages.pot"
# _l is our lazy_gettext; Babel's defaults already cover _, gettext and ngettext.
EXTRACT_KEYWORDS = ("-k", "_l", "-k", "lazy_gettext")


def register_cli(app: Flask) -> None:
    app.cli.add_command(demo)
    app.cli.add_command(create_admin)
    app.cli.add_command(close_expired)
    app.cli.add_command(journal)
    app.cli.add_command(agencies)
    app.cli.add_command(users)
    app.cli.add_command(organisations)
    app.cli.add_command(translate)
    app.cli.add_command(notices)
    app.cli.add_command(archive)
    app.cli.add_command(tasks_group)
    app.cli.add_command(analysis)
    app.cli.add_command(documents_group)


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
    click.echo(
        "Staff (case officer, moderator, admin) also type a code from an authenticator app "
        f"set up with the key {demo_data.TOTP_SECRET}."
    )


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
@click.option(
    "--expect-head",
    "expected_heads",
    multiple=True,
    metavar="HASH",
    help="A head written down earlier (printed here, published daily in the public journal); "
    "it must still be in the chain. May be given more than once.",
)
def journal_verify(expected_heads: tuple[str, ...]):
    """Walk every hash chain; name the first entry altered, removed or inserted.

    Also checks that every innspill and agency reply has its journal entry, and that every
    --expect-head is still in the chain: together they catch entries cut from the end.
    """
    from hoering.journal.verify import verify_chains

    problems, heads = verify_chains(expected_heads)
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
        where = f" (agency {problem.agency_id}, {problem.year})" if problem.agency_id else ""
        click.echo(
            f"Journal BROKEN at {problem.journal_number}{where}: {problem.problem}", err=True
        )
    sys.exit(1)


@journal.command("record-letters")
def journal_record_letters():
    """Journal the høringsbrev journalpost of open consultations opened before it was journaled
    at opening; list the closed ones that lack one (nothing is added to a closed case)."""
    from hoering.journal.services import record_missing_letters

    count, closed = record_missing_letters()
    db.session.commit()
    click.echo(f"{count} høringsbrev journalpost(s) journaled.")
    for consultation in closed:
        click.echo(
            f"  {consultation.case_number} ({consultation.slug}) is closed without one: "
            "nothing may be added to a closed case.",
            err=True,
        )


def _fail(error) -> None:
    db.session.rollback()
    raise click.ClickException(str(error.message))


@click.group("agencies")
def agencies():
    """Agencies (virksomheter) that publish consultations."""


@agencies.command("create")
@click.option("--slug", required=True, help="short name used in addresses, e.g. ddd")
@click.option("--name", required=True)
@click.option("--org-number", required=True, help="9 digits with a valid check digit")
def agencies_create(slug: str, name: str, org_number: str):
    """Create an agency."""
    from hoering.accounts import services
    from hoering.errors import DomainError

    try:
        agency = services.create_agency(slug, name, org_number)
    except DomainError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"Agency {agency.slug} created.")


@click.group("users")
def users():
    """People's roles and the organisations they speak for."""


@users.command("grant-role")
@click.argument("email")
@click.argument("role", type=click.Choice(["case_officer", "moderator", "admin"]))
@click.option("--agency", "agency_slug", help="the agency, for case_officer and moderator")
def users_grant_role(email: str, role: str, agency_slug: str | None):
    """Give a person a role (for one agency, except admin)."""
    from hoering.accounts import services
    from hoering.errors import DomainError

    try:
        user = services.get_user_by_email(email)
        agency = services.get_agency(agency_slug) if agency_slug else None
        services.grant_role(user, role, agency)
    except DomainError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"{user.email} is now {role}" + (f" for {agency.slug}." if agency else "."))


@users.command("reset-two-factor")
@click.argument("email")
def users_reset_two_factor(email: str):
    """For a lost phone when no administrator can sign in: the person sets up a new app."""
    from hoering.accounts import second_factor, services
    from hoering.errors import DomainError

    try:
        user = services.get_user_by_email(email)
    except DomainError as error:
        _fail(error)
    second_factor.reset(user, by=None)
    db.session.commit()
    click.echo(f"Two-factor sign-in of {user.email} is reset; their sign-ins have ended.")


@users.command("add-representative")
@click.argument("email")
@click.option("--org-number", required=True)
@click.option("--org-name", help="needed the first time the organisation is named")
@click.option(
    "--kind",
    type=click.Choice(["organisation", "public_agency", "business"]),
    default="organisation",
)
def users_add_representative(email: str, org_number: str, org_name: str | None, kind: str):
    """Let a person speak for an organisation (created if new)."""
    from hoering.accounts import services
    from hoering.errors import DomainError

    try:
        user = services.get_user_by_email(email)
        organisation = services.get_or_create_organisation(org_number, org_name, kind)
        services.add_representative(user, organisation)
    except DomainError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"{user.email} now represents {organisation.name}.")


def pybabel(*args: str) -> None:
    """Run a pybabel command in this process (the same code as the pybabel script)."""
    CommandLineInterface().run(["pybabel", "-q", *args])


def extract_messages(output: Path) -> None:
    """Collect every translatable string of the Python code and the templates into a .pot."""
    pybabel(
        "extract",
        "-F",
        str(BABEL_CONFIG),
        *EXTRACT_KEYWORDS,
        "--ignore-dirs",
        # Not "_*", the default: templates/_macros holds strings too.
        ".* node_modules instance __pycache__",
        "--no-location",
        "--sort-output",
        "--no-wrap",
        "--project",
        "hoering",
        "--version",
        "0.1",
        "--copyright-holder",
        "Høring developers",
        "--msgid-bugs-address",
        "dev@hoering.invalid",
        "-o",
        str(output),
        str(PROJECT_ROOT),
    )


@click.group("organisations")
def organisations():
    """Organisations and Enhetsregisteret."""


@organisations.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def organisations_import(path: str):
    """Load Brønnøysundregistrene's gzipped JSON bulk file of enheter (enheter_alle.json.gz)."""
    from hoering.accounts import registry

    try:
        result = registry.import_entities(path)
    except registry.RegistryFileError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(
        f"Imported {result.entities} entities from Enhetsregisteret "
        f"({result.deleted} deleted, {result.bankrupt} bankrupt, {result.skipped} skipped); "
        f"{result.organisations_updated} known organisations updated."
    )


@click.group("translate")
def translate():
    """Translation catalogs (bokmål is the source; nynorsk and English are translations)."""


@translate.command("extract")
def translate_extract():
    """Write hoering/translations/messages.pot from the code and the templates."""
    extract_messages(CATALOG_TEMPLATE)
    click.echo(f"Wrote {CATALOG_TEMPLATE.relative_to(PROJECT_ROOT)}.")


@translate.command("update")
def translate_update():
    """Extract, then merge new and changed strings into every language's .po file."""
    extract_messages(CATALOG_TEMPLATE)
    pybabel(
        "update",
        "-i",
        str(CATALOG_TEMPLATE),
        "-d",
        str(TRANSLATIONS),
        "--no-wrap",
        "--ignore-obsolete",
    )
    click.echo("Catalogs updated; translate the new entries, then run `translate compile`.")


@translate.command("compile")
def translate_compile():
    """Compile every .po file to the .mo file the app reads."""
    pybabel("compile", "-d", str(TRANSLATIONS))
    click.echo("Catalogs compiled.")


@click.group("notices")
def notices():
    """E-mail notices: enqueue deadline reminders, send the outbox."""


@notices.command("closing-soon")
@click.option("--days", default=3, show_default=True, type=click.IntRange(min=1))
def notices_closing_soon(days: int):
    """Remind everyone who wrote in a consultation closing within DAYS (idempotent)."""
    from hoering.db import utcnow
    from hoering.notices import services

    now = utcnow()
    count = services.closing_soon(services.consultations_closing_within(days, now), now)
    db.session.commit()
    click.echo(f"{count} reminder(s) queued.")


@notices.command("send")
@click.option("--batch", default=100, show_default=True, type=click.IntRange(min=1))
def notices_send(batch: int):
    """Send the outbox by SMTP, or write it to the log without HOERING_SMTP_HOST (any host)."""
    from hoering.notices import services
    from hoering.notices.models import OutboxMessage

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    worker = f"{socket.gethostname()}:{os.getpid()}"[:100]
    sent = failed = 0
    while claimed := services.claim_pending(worker, limit=batch):
        # The claim is committed first, so no other sender takes these rows meanwhile.
        db.session.commit()
        try:
            with services.open_transport() as transport:
                for message_id in claimed:
                    message = db.session.get(OutboxMessage, message_id)
                    if services.deliver(message, transport):
                        sent += 1
                    else:
                        failed += 1
                    db.session.commit()
        except (OSError, smtplib.SMTPException) as error:
            raise click.ClickException(f"Cannot reach the SMTP server: {error}") from None
    click.echo(f"{sent} notice(s) sent, {failed} failed.")


@click.group("archive")
def archive():
    """The Noark 5 archive: export a closed consultation as an arkivuttrekk, check one."""


class _Progress:
    """Progress of an export on stderr: every thousandth journalpost, and each stage's total."""

    def __init__(self, every: int = 1000) -> None:
        self.every = every
        self.tty = sys.stderr.isatty()
        self.stage: str | None = None
        self.count = 0
        self.shown = 0

    def _show(self, *, final: bool) -> None:
        line = f"{self.stage}: {self.count} journalposter"
        click.echo(("\r" + line) if self.tty else line, err=True, nl=final or not self.tty)
        self.shown = self.count

    def __call__(self, stage: str, count: int) -> None:
        if stage != self.stage:
            self.done()
            self.stage, self.shown = stage, 0
        self.count = count
        if count % self.every == 0:
            self._show(final=False)

    def done(self) -> None:
        """The total of the stage under way, unless it was the last line shown."""
        if self.stage is not None and (self.count != self.shown or self.tty):
            self._show(final=True)


@archive.command("export")
@click.option("--consultation", "slug", help="One consultation's slug (a case officer's copy).")
@click.option("--period", type=int, help="A year: the agency's whole arkivdel for that saksår.")
@click.option("--agency", "agency_slug", help="The agency of --period (needed if several).")
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
def archive_export(
    slug: str | None,
    period: int | None,
    agency_slug: str | None,
    out_path: Path,
    no_documents: bool,
    workers: int,
    produced_by: str,
):
    """Write a Noark 5 arkivuttrekk as one .tar file: one closed consultation (--consultation) or
    every closed consultation of an agency's arkivdel for a year (--period)."""
    from hoering.accounts.models import Agency
    from hoering.archive.export import export_consultation, export_period
    from hoering.consultations.models import Consultation
    from hoering.errors import DomainError

    if (slug is None) == (period is None):
        raise click.UsageError("Give either --consultation SLUG or --period YEAR.")
    progress = _Progress()
    options = {
        "produced_by": produced_by,
        "documents": not no_documents,
        "progress": progress,
        "workers": workers,
    }
    try:
        if slug is not None:
            consultation = db.session.scalar(
                db.select(Consultation).where(Consultation.slug == slug)
            )
            if consultation is None:
                raise click.ClickException(f"Fant ingen høring med adressen «{slug}».")
            path = export_consultation(consultation, out_path, **options)
        else:
            agencies = db.session.scalars(
                db.select(Agency).where(Agency.slug == agency_slug)
                if agency_slug
                else db.select(Agency)
            ).all()
            if len(agencies) != 1:
                raise click.ClickException(
                    "Name the agency with --agency SLUG."
                    if agencies
                    else f"Fant ingen virksomhet «{agency_slug}»."
                )
            path = export_period(agencies[0], period, out_path, **options)
    except DomainError as error:
        raise click.ClickException(str(error.message)) from None
    finally:
        progress.done()
    click.echo(f"Arkivuttrekk written to {path} ({path.stat().st_size:,} bytes).")


@archive.command("deliver")
def archive_deliver():
    """Send every arkivmelding that is due to the agency's archive (safe on several hosts)."""
    from hoering.archive.delivery import deliver_due

    delivered, failed = deliver_due()
    click.echo(f"{delivered} arkivmelding(er) delivered, {failed} failed (tried again later).")
    if failed:
        sys.exit(1)


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


@click.group("tasks")
def tasks_group():
    """The background task queue (conversions, deliveries, exports)."""


@tasks_group.command("worker")
@click.option("--workers", default=2, show_default=True, help="Worker threads.")
def tasks_worker(workers: int):
    """Run the task worker in the foreground until stopped (Ctrl+C)."""
    from hoering.tasks import run_worker

    run_worker(workers)


@click.group("analysis")
def analysis():
    """The case officer's work after the deadline: campaigns of near-identical innspill."""


@analysis.command("campaigns")
@click.option("--consultation", "slug", required=True, help="The consultation's slug.")
@click.option("--json", "as_json", is_flag=True, help="Print the groups as JSON.")
def analysis_campaigns(slug: str, as_json: bool):
    """Detect campaigns (form letters) anew and print them; manual decisions are kept."""
    import json

    from sqlalchemy import select

    from hoering.analysis import campaigns
    from hoering.consultations.models import Consultation

    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None:
        raise click.ClickException(f"No consultation with the slug {slug!r}.")
    campaigns.detect_campaigns(consultation)
    db.session.commit()
    groups = [view.as_dict() for view in campaigns.listing(consultation)]
    if as_json:
        click.echo(json.dumps(groups, ensure_ascii=False, indent=2))
        return
    for entry in groups:
        click.echo(
            f"campaign {entry['id']}: {entry['size']} innspill, template {entry['template']}"
        )
        for member in entry["members"]:
            click.echo(f"  innspill {member['id']}  similarity {member['similarity']:.3f}")
    click.echo(f"{len(groups)} campaigns")


@click.group("documents")
def documents_group():
    """Attachments: their PDF/A renditions."""


@documents_group.command("convert")
@click.option("--retry-failed", is_flag=True, help="Try failed conversions again as well.")
def documents_convert(retry_failed: bool):
    """Make the pending PDF/A renditions now, in this process (without the task queue)."""
    from hoering.documents import jobs

    if retry_failed:
        jobs.retry_failed()
    results = [jobs.run_conversion(attachment_id) for attachment_id in jobs.pending_ids()]
    done = results.count("done")
    failed = results.count("failed")
    waiting = len(results) - done - failed
    click.echo(f"{done} converted, {failed} failed, {waiting} still pending")
    if failed:
        sys.exit(1)
