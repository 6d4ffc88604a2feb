"""Benchmark the Noark 5 export: wall time and peak memory, with and without PDF/A documents.

    .venv/bin/python bench/archive_export.py [--innspill 100000] [--pdf-innspill 2000]
        [--database-url URL] [--workers 2]

Builds two closed consultations in a fresh database (SQLite in a temporary folder unless
--database-url names an empty database): one of --innspill innspill for the XML-only export, one of
--pdf-innspill for the export with documents. The first SAMPLE innspill of each go through
submit(), the one path in; the rest are bulk-inserted with journal entries numbered and
hash-chained exactly as journal._append() does, so `flask journal verify` passes (the bench
runs it). Each export runs as `flask archive export` in a fresh child process, measured from a
fresh intermediate process so that its peak RSS (getrusage RUSAGE_CHILDREN) is its own. The time
with documents for --innspill innspill is extrapolated linearly from --pdf-innspill, and says so.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, timedelta
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SAMPLE = 50
BATCH = 5000
# The bench accounts' password (it must pass the password rules like any other).
PASSWORD = "benk-kaffe-fjell-2026"  # noqa: S105 - bench accounts only


def measure(command: list[str], env: dict) -> dict:
    """Run command in a fresh intermediate process; wall time, CPU time and peak RSS."""
    probe = (
        "import json, resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
        "wall = time.perf_counter() - start\n"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(json.dumps({'code': code, 'wall': wall, 'cpu': u.ru_utime + u.ru_stime,"
        " 'maxrss_mb': u.ru_maxrss / 1024}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, *command],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result["code"] != 0:
        raise SystemExit(f"command failed: {' '.join(command)}\n{out.stderr[-2000:]}")
    return result


def build(n: int, title: str, case_number: str) -> str:
    """A closed consultation with n journaled innspill; returns its slug."""
    from sqlalchemy import func, insert, select, update

    from hoering import demo
    from hoering.accounts import services as accounts
    from hoering.accounts.models import Agency
    from hoering.consultations import services as consultations
    from hoering.consultations.models import MODE_REACTIVE, Paragraph
    from hoering.db import new_system_id, utcnow
    from hoering.extensions import db
    from hoering.journal.models import JournalCounter, JournalEntry
    from hoering.journal.services import (
        OSLO,
        document_hash,
        entry_hash,
        paragraph_title,
    )
    from hoering.submissions import services as submissions
    from hoering.submissions.models import STATUS_PUBLISHED, Submission
    from hoering.text import render_markdown

    agency = db.session.scalar(select(Agency).where(Agency.slug == "bench"))
    if agency is None:
        agency = Agency(slug="bench", name="Benkdirektoratet", org_number="974760673")
        db.session.add(agency)
        db.session.flush()
    now = utcnow()
    officer = accounts.create_user(
        f"saksbehandler-{case_number[-4:]}@bench.invalid", "Siri", PASSWORD
    )
    accounts.grant_role(officer, "case_officer", agency)
    authors = [
        accounts.create_user(f"p{i}-{case_number[-4:]}@bench.invalid", f"Person {i}", PASSWORD)
        for i in range(10)
    ]
    consultation = consultations.create_consultation(
        agency,
        consultations.ConsultationData(
            title=title,
            summary="Benchmark.",
            case_number=case_number,
            opens_at=now - timedelta(days=1),
            deadline=now + timedelta(days=1),
            moderation_mode=MODE_REACTIVE,
            expectations="",
        ),
        by=officer,
        now=now - timedelta(days=2),
    )
    consultations.publish_draft_version(
        consultation, demo.DRAFT, by=officer, now=now - timedelta(days=2)
    )
    consultations.publish_consultation(consultation, now=utcnow())
    paragraphs = list(
        db.session.scalars(
            select(Paragraph).where(Paragraph.version_id == consultation.current_version_id)
        )
    )
    text = (
        "Forslaget er godt, men fristen bør være lengre, og det bør stå tydeligere hvordan "
        "innspillene blir brukt i den videre behandlingen av saken. Innspill nummer {n}."
    )
    for k in range(min(SAMPLE, n)):
        submissions.submit(
            consultation,
            submissions.SubmissionData(body=text.format(n=k), hide_name=k % 10 == 0),
            author=authors[k % len(authors)],
            paragraph=paragraphs[k % len(paragraphs)],
        )
    db.session.flush()

    # The rest in bulk: submissions, then their journal entries continuing the chain.
    year = now.astimezone(OSLO).year
    counter = db.session.get(JournalCounter, (agency.id, year))
    seq, prev = counter.last_seq, counter.last_hash
    record = db.session.scalar(
        select(func.max(JournalEntry.record_number)).where(
            JournalEntry.consultation_id == consultation.id
        )
    )
    next_id = (db.session.scalar(select(func.max(Submission.id))) or 0) + 1
    for start in range(SAMPLE, n, BATCH):
        rows, entries = [], []
        for k in range(start, min(n, start + BATCH)):
            author = authors[k % len(authors)]
            paragraph = paragraphs[k % len(paragraphs)]
            created = now - timedelta(seconds=n - k)
            body = text.format(n=k)
            public = body.replace("fristen", "[sladdet]") if k % 100 == 1 else None
            hide = k % 50 == 0
            rows.append(
                {
                    "id": next_id,
                    "system_id": new_system_id(),
                    "consultation_id": consultation.id,
                    "version_id": consultation.current_version_id,
                    "paragraph_id": paragraph.id,
                    "kind": "paragraph",
                    "author_id": author.id,
                    "author_name": author.name,
                    "respondent_type": "private",
                    "hide_name": hide,
                    "body": body,
                    "body_html": str(render_markdown(body)),
                    "public_body": public,
                    "public_body_html": None if public is None else str(render_markdown(public)),
                    "status": STATUS_PUBLISHED,
                    "created_at": created,
                    "published_at": created,
                }
            )
            seq += 1
            record += 1
            values = {
                "system_id": new_system_id(),
                "agency_id": agency.id,
                "year": year,
                "seq": seq,
                "consultation_id": consultation.id,
                "case_number": consultation.case_number,
                "record_number": record,
                "submission_id": next_id,
                "agency_reply_id": None,
                "replies_to_id": None,
                "document_type": "I",
                "journal_date": created.astimezone(OSLO).date(),
                "registered_at": created,
                "correspondent_name": author.name,
                "correspondent_organisation": None,
                "respondent_type": "private",
                "title": f"Innspill til {paragraph_title(paragraph)}",
                "paragraph_id": paragraph.id,
                "version_id": consultation.current_version_id,
                "status": "Journalført",
                "screened_name": hide,
                "document_hash": document_hash(body),
                "prev_hash": prev,
                "received_on": None,
                "attachment_id": None,
                "kind": None,
            }
            values["hash"] = prev = entry_hash(SimpleNamespace(**values))
            entries.append(values)
            next_id += 1
        db.session.execute(insert(Submission), rows)
        db.session.execute(insert(JournalEntry), entries)
        print(f"  {title}: {min(n, start + BATCH)} innspill", file=sys.stderr, flush=True)
    db.session.execute(
        update(JournalCounter)
        .where(JournalCounter.agency_id == agency.id, JournalCounter.year == year)
        .values(last_seq=seq, last_hash=prev)
    )
    consultation.submission_count = n
    consultations.close_consultation(consultation, by=officer)
    db.session.commit()
    return consultation.slug


def render_cost(n: int = 200) -> float:
    """CPU milliseconds to render one typical innspill (a reply to a paragraph) as PDF/A, in this
    process, after the first document has loaded the font."""
    from datetime import datetime

    from hoering.archive.documents import (
        QuotedSubmission,
        SubmissionContext,
        render_submission_pdf,
    )

    when = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    ctx = SubmissionContext(
        consultation_title="Høring om retningslinjer for klarspråk i offentlige skjema",
        case_number="2026/815",
        agency="Direktoratet for digital deltakelse",
        version_label="versjon 1",
        paragraph_number="§ 3 første ledd",
        paragraph_heading="Formål",
        paragraph_text="Skjema skal være skrevet slik at mottakeren forstår hva som spørres om, "
        "hvorfor, og hva svaret brukes til. " * 2,
        text="Vi støtter forslaget, men ber om at kravet om klarspråk også gjelder vedlegg og "
        "veiledninger. Mange søkere møter først vedleggene, og det er der de gjør feil. " * 3,
        author="Kari Nordmann",
        organisation="Fjordvik kommune",
        submitted_at=when,
        journal_number="2026/000123",
        position="Støtter",
        in_reply_to=QuotedSubmission("Ola Nordmann", when, "Bra forslag."),
    )
    render_submission_pdf(ctx)
    started = time.process_time()
    for _ in range(n):
        render_submission_pdf(ctx)
    return (time.process_time() - started) / n * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--innspill", type=int, default=100_000)
    parser.add_argument("--pdf-innspill", type=int, default=2_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="hoering-bench-"))
    url = args.database_url or f"sqlite:///{work / 'bench.db'}"
    env = {
        **os.environ,
        "HOERING_DATABASE_URL": url,
        "HOERING_INSTANCE_DIR": str(work),
        "PYTHONWARNINGS": "ignore",
    }
    os.environ.update(HOERING_DATABASE_URL=url, HOERING_INSTANCE_DIR=str(work))

    from flask_migrate import upgrade

    from hoering import create_app
    from hoering.extensions import db

    app = create_app()
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        big = build(args.innspill, "Stor høring", "2026/9001")
        small = build(args.pdf_innspill, "Liten høring", "2026/9002")
        built = time.perf_counter() - started
        db.session.remove()

    flask = [sys.executable, "-m", "flask", "--app", "hoering"]
    verify = measure([*flask, "journal", "verify"], env)

    def export(slug: str, name: str, *extra: str) -> dict:
        out = work / f"{name}.tar"
        result = measure(
            [*flask, "archive", "export", "--consultation", slug, "--out", str(out), *extra], env
        )
        result["size_mb"] = out.stat().st_size / 1e6
        out.unlink()
        return result

    xml = export(big, "xml", "--no-documents")
    pdf1 = export(small, "pdf1", "--workers", "1")
    pdf2 = export(small, "pdf2", "--workers", str(args.workers))
    scale = args.innspill / args.pdf_innspill

    print(
        f"\nBuilt {args.innspill:,} + {args.pdf_innspill:,} journaled innspill in {built:.0f} s "
        f"({'SQLite' if url.startswith('sqlite') else 'PostgreSQL'}, {os.cpu_count()} cores)."
    )
    print(
        f"journal verify over {args.innspill + args.pdf_innspill:,} entries: "
        f"{verify['wall']:.1f} s, peak {verify['maxrss_mb']:.0f} MB\n"
    )
    columns = ("innspill", "wall s", "CPU s", "CPU/wall", "peak MB", "tar MB")
    header = f"{'export':<44} {columns[0]:>9} " + " ".join(f"{c:>8}" for c in columns[1:])
    print(header)
    print("-" * len(header))
    for label, n, r in (
        ("XML only (--no-documents)", args.innspill, xml),
        ("with PDF/A, 1 worker", args.pdf_innspill, pdf1),
        (f"with PDF/A, {args.workers} workers", args.pdf_innspill, pdf2),
    ):
        print(
            f"{label:<44} {n:>9,} {r['wall']:>8.1f} {r['cpu']:>7.1f} {r['cpu'] / r['wall']:>8.2f} "
            f"{r['maxrss_mb']:>8.0f} {r['size_mb']:>8.1f}"
        )
    print(
        f"{'with PDF/A, ' + str(args.workers) + ' workers (extrapolated x' + f'{scale:.0f})':<44} "
        f"{args.innspill:>9,} {pdf2['wall'] * scale:>8.0f} {'':>7} {'':>8} {'':>8} "
        f"{pdf2['size_mb'] * scale:>8.0f}"
    )
    print(
        "\nPeak MB is the largest resident set of any one process of the export (the main "
        "process or a PDF worker), from getrusage(RUSAGE_CHILDREN)."
    )
    print(
        f"\nPDF/A rendering: {render_cost():.1f} ms of CPU per typical innspill (one process, "
        "font loaded once)."
    )
    print(f"Work folder (database): {work}")


if __name__ == "__main__":
    main()
