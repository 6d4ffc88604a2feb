"""Benchmark the Noark 5 export of a consultation of N innspill, with its documents.

    .venv/bin/python bench/archive_export.py [--innspill 100000] [--attachment-share 0.15]
        [--workers 2] [--database-url URL] [--rebuild]

Builds a closed consultation of --innspill journaled innspill, of which --attachment-share carry
a file (a PDF or a DOCX as received, with its PDF/A rendition done), in a SQLite database cached
as bench/results/archive-export-N.db (reused by the next run with the same figures; --rebuild
makes it again; --database-url names an empty database to use instead). The first SAMPLE
innspill go through submit(), the one path in; the rest are bulk-inserted with journal entries
numbered and hash-chained exactly as journal._append() does, so `flask journal verify` passes
(the bench runs it).

Then, each as a `flask` command in a fresh child process measured from a fresh intermediate
process (so that its peak RSS, getrusage RUSAGE_CHILDREN, is its own): the consultation's
arkivuttrekk with every document (each innspill's PDF/A rendering and variant, each attachment
as received and as PDF/A), `archive check` of that uttrekk, and the export without documents.
It prints wall time, CPU time, peak memory and the size of each, and the CPU cost of rendering
one typical innspill as PDF/A.
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
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))

from tests.documents import files  # noqa: E402

SAMPLE = 50
BATCH = 5000
CASE_NUMBER = "2026/9001"
PASSWORD = "fiolett-kanelbolle-ankerkjetting-9"  # noqa: S105 (accounts of the bench database)


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
    # Each figure as soon as it is known: a long run stopped early still says something.
    print(f"  {' '.join(command[4:6])}: {json.dumps(result)}", file=sys.stderr, flush=True)
    return result


def sample_files() -> list[dict]:
    """Files as innspill carry them: a short and a long letter as PDF, a DOCX, each with the
    PDF/A rendition the conversion job would have made (stored once, as blobs are)."""
    from hoering.archive.documents import render_text_pdf
    from hoering.documents.blobs import store_blob
    from hoering.documents.detect import DOCX, PDF

    paragraph = (
        "Kommunen viser til høringsbrevet og har følgende merknader til forslaget. Vi støtter "
        "hovedgrepet, men mener at fristene i § 4 er for korte for små kommuner, og at "
        "veiledningen bør komme på plass før reglene trer i kraft. "
    )
    docx = files.docx(*(paragraph * 3 for _ in range(24)), heading="Merknader til forslaget")
    made = []
    for name, media_type, original, pages in (
        ("Høringssvar fra Fjordvik kommune.pdf", PDF, None, 12),
        ("Merknader til forslaget.docx", DOCX, docx, 4),
        ("Vedlegg - uttalelse fra rådet.pdf", PDF, None, 2),
    ):
        text = "\n\n".join(paragraph * 3 for _ in range(pages * 6))
        rendition = render_text_pdf(name, CASE_NUMBER, "Fjordvik kommune", text)
        original = original or rendition.replace(b"%PDF-1.7", b"%PDF-1.6", 1)
        made.append(
            {
                "original_name": name,
                "media_type": media_type,
                "size": len(original),
                "sha256": store_blob(original),
                "rendition_sha256": store_blob(rendition),
            }
        )
    return made


def build(n: int, share: float) -> str:
    """A closed consultation with n journaled innspill, share of them with a file; its slug."""
    from sqlalchemy import func, insert, select, update

    from hoering import demo
    from hoering.accounts import services as accounts
    from hoering.accounts.models import Agency
    from hoering.consultations import services as consultations
    from hoering.consultations.models import MODE_REACTIVE, Paragraph
    from hoering.db import new_system_id, utcnow
    from hoering.documents.models import CONVERSION_DONE, Attachment
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

    agency = Agency(slug="bench", name="Benkdirektoratet", org_number="974760673")
    db.session.add(agency)
    db.session.flush()
    now = utcnow()
    officer = accounts.create_user("saksbehandler@bench.invalid", "Siri", PASSWORD)
    accounts.grant_role(officer, "case_officer", agency)
    authors = [
        accounts.create_user(f"p{i}@bench.invalid", f"Person {i}", PASSWORD) for i in range(10)
    ]
    consultation = consultations.create_consultation(
        agency,
        consultations.ConsultationData(
            title="Stor høring",
            summary="Benchmark.",
            case_number=CASE_NUMBER,
            opens_at=now - timedelta(days=1),
            deadline=now + timedelta(days=1),
            moderation_mode=MODE_REACTIVE,
            expectations="",
        ),
        by=officer,
        now=now - timedelta(days=2),  # the case exists before it opens
    )
    consultations.publish_draft_version(consultation, demo.DRAFT, by=officer)
    consultations.publish_consultation(consultation, now=now - timedelta(hours=1))
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
    files = sample_files()
    # Registered after the sample and before the closing, in journal order.
    first = utcnow()
    every = round(1 / share) if share > 0 else 0

    # The rest in bulk: submissions, their files, then their journal entries continuing the chain.
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
        rows, attachments, entries = [], [], []
        for k in range(start, min(n, start + BATCH)):
            author = authors[k % len(authors)]
            paragraph = paragraphs[k % len(paragraphs)]
            created = first + timedelta(microseconds=k)
            body = text.format(n=k)
            public = body.replace("fristen", "[sladdet]") if k % 100 == 1 else None
            hide = k % 50 == 0
            file = files[(k // every) % len(files)] if every and k % every == 0 else None
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
                    "attachment_count": 1 if file else 0,
                    "created_at": created,
                    "published_at": created,
                }
            )
            if file:
                attachments.append(
                    {
                        **file,
                        "system_id": new_system_id(),
                        "consultation_id": consultation.id,
                        "submission_id": next_id,
                        "conversion_status": CONVERSION_DONE,
                        "conversion_attempts": 1,
                        "converted_at": created,
                        "created_at": created,
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
                "document_hash": document_hash(body, [file["sha256"]] if file else []),
                "prev_hash": prev,
                "received_on": None,
                "attachment_id": None,
                "kind": None,
            }
            values["hash"] = prev = entry_hash(SimpleNamespace(**values))
            entries.append(values)
            next_id += 1
        db.session.execute(insert(Submission), rows)
        if attachments:
            db.session.execute(insert(Attachment), attachments)
        db.session.execute(insert(JournalEntry), entries)
        print(f"  {min(n, start + BATCH):,} innspill", file=sys.stderr, flush=True)
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
    parser.add_argument("--attachment-share", type=float, default=0.15)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url")
    parser.add_argument("--rebuild", action="store_true", help="build the cached database again")
    args = parser.parse_args()

    RESULTS.mkdir(parents=True, exist_ok=True)
    cached = RESULTS / f"archive-export-{args.innspill}-{args.attachment_share:g}.db"
    work = Path(tempfile.mkdtemp(prefix="hoering-bench-"))
    reuse = not args.database_url and cached.exists() and not args.rebuild
    # A cache is built under another name and gets its own only when complete.
    partial = cached.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    url = args.database_url or f"sqlite:///{cached if reuse else partial}"
    os.environ.update(HOERING_DATABASE_URL=url, HOERING_INSTANCE_DIR=str(work))

    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from hoering import create_app
    from hoering.consultations.models import Consultation
    from hoering.documents.models import Attachment
    from hoering.extensions import db

    app = create_app()
    with app.app_context():
        built = None
        if not reuse:
            upgrade()
            started = time.perf_counter()
            build(args.innspill, args.attachment_share)
            built = time.perf_counter() - started
        big = select(Consultation.slug).where(Consultation.title == "Stor høring")
        slug = db.session.scalar(big)
        attached = db.session.scalar(
            select(func.count(Attachment.id)).where(Attachment.submission_id.is_not(None))
        )
        db.session.remove()
        db.engine.dispose()
    if not args.database_url and not reuse:
        os.replace(partial, cached)
        url = f"sqlite:///{cached}"
    env = {
        **os.environ,
        "HOERING_DATABASE_URL": url,
        "HOERING_INSTANCE_DIR": str(work),
        "PYTHONWARNINGS": "ignore",
    }

    flask = [sys.executable, "-m", "flask", "--app", "hoering"]

    def export(name: str, *extra: str) -> tuple[dict, Path]:
        out = work / f"{name}.tar"
        result = measure(
            [*flask, "archive", "export", "--consultation", slug, "--out", str(out), *extra], env
        )
        result["size_mb"] = out.stat().st_size / 1e6
        return result, out

    full, full_tar = export("full", "--workers", str(args.workers))
    check = measure([*flask, "archive", "check", str(full_tar)], env)
    check["size_mb"] = full["size_mb"]
    full_tar.unlink()
    xml, xml_tar = export("xml", "--no-documents")
    xml_tar.unlink()
    verify = measure([*flask, "journal", "verify"], env)

    database = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
    how = f"built in {built:.0f} s" if built is not None else f"reused {cached.name}"
    print(
        f"\n{args.innspill:,} journaled innspill, {attached:,} with a file "
        f"({database}, {how}, {os.cpu_count()} cores)."
    )
    print(f"journal verify: {verify['wall']:.1f} s, peak {verify['maxrss_mb']:.0f} MB\n")
    columns = ("wall s", "CPU s", "CPU/wall", "peak MB", "tar MB", "ms/innspill")
    header = f"{'':<40} " + " ".join(f"{c:>11}" for c in columns)
    print(header)
    print("-" * len(header))
    for label, r in (
        (f"export with documents, {args.workers} workers", full),
        ("archive check of that uttrekk", check),
        ("export without documents", xml),
    ):
        print(
            f"{label:<40} {r['wall']:>11.1f} {r['cpu']:>11.1f} {r['cpu'] / r['wall']:>11.2f} "
            f"{r['maxrss_mb']:>11.0f} {r['size_mb']:>11.1f} "
            f"{r['wall'] / args.innspill * 1000:>11.2f}"
        )
    print(
        "\nPeak MB is the largest resident set of any one process of the command (the main "
        "process or a PDF worker), from getrusage(RUSAGE_CHILDREN); ms/innspill is wall time."
    )
    print(
        f"\nPDF/A rendering: {render_cost():.1f} ms of CPU per typical innspill (one process, "
        "font loaded once)."
    )


if __name__ == "__main__":
    main()
