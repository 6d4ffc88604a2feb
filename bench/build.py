"""Build the national-scale bench consultation: 300 paragraphs in 10 chapters, 20,000 innspill.

    python bench/build.py --database-url sqlite:////tmp/bench.db

Innspill are skewed like real ones (Zipf, s = 1): the busiest paragraph gets about 3,000, the
median paragraph about 20. The consultation, its draft and the people go through the services;
the innspill and their journal entries are bulk-inserted for speed, but valid: the counts on the
rows are right, every innspill has its journal entry, and `flask --app hoering journal verify`
passes (checked at the end).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade
from sqlalchemy import func, insert, make_url, select, text, update

from hoering import create_app
from hoering.accounts import services as accounts
from hoering.accounts.models import ROLE_CASE_OFFICER, Agency, User
from hoering.consultations import services as consultations
from hoering.consultations.models import MODE_REACTIVE, Consultation, Paragraph
from hoering.db import new_system_id, utcnow
from hoering.extensions import db
from hoering.journal import services as journal
from hoering.journal.models import (
    DOC_INCOMING,
    GENESIS_HASH,
    JournalCounter,
    JournalEntry,
)
from hoering.journal.verify import verify_chain
from hoering.submissions.models import Submission
from hoering.text import render_markdown

CHAPTERS, SECTIONS, PARAGRAPHS = 10, 3, 10  # 300 paragraphs
TOTAL = 20_000
AUTHORS = 2_000
PASSWORD = "bench-passord-2026"  # noqa: S105 - a published password for a throwaway bench
SLUG_FILE = "bench-site.json"
BODY = (
    "Innspill {i}: dette avsnittet bør *presiseres*, særlig for kommunene. "
    "Se også [forarbeidene](https://lovdata.no)."
)


def draft_markdown() -> str:
    lines, number = [], 0
    for chapter in range(1, CHAPTERS + 1):
        lines.append(f"# Kapittel {chapter} Del {chapter}\n")
        for _ in range(SECTIONS):
            number += 1
            lines.append(f"## § {number} Paragraf {number}\n")
            lines.extend(
                f"Ledd {n} i § {number}: *forvaltningsorganet* skal sikre at **alle** kan delta "
                f"i høringen, og at innspillene blir [journalført](https://lovdata.no).\n"
                for n in range(1, PARAGRAPHS + 1)
            )
    return "\n".join(lines)


def zipf_counts(n: int, total: int) -> list[int]:
    """Innspill per paragraph rank: total x (1/r) / H(n); rounding leftovers go to the top."""
    harmonic = sum(1 / r for r in range(1, n + 1))
    counts = [int(total / (r * harmonic)) for r in range(1, n + 1)]
    counts[0] += total - sum(counts)
    return counts


def build(database_url: str) -> dict:
    """A fresh database (an existing SQLite file or PostgreSQL schema is replaced)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database:
        for suffix in ("", "-wal", "-shm"):
            Path(url.database + suffix).unlink(missing_ok=True)
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "ARGON2_TIME_COST": 3, "TESTING": False}
    )
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        started = time.perf_counter()
        agency = Agency(slug="bench", name="Benkedirektoratet", org_number="974760673")
        db.session.add(agency)
        officer = accounts.create_user("saksbehandler@bench.example.no", "Saks Behandler", PASSWORD)
        accounts.grant_role(officer, ROLE_CASE_OFFICER, agency)
        now = utcnow()
        consultation = consultations.create_consultation(
            agency,
            consultations.ConsultationData(
                title="Høring om lov om nasjonal deltakelse",
                summary="Et stort forslag med mange innspill.",
                case_number="2026/4242",
                opens_at=now - timedelta(days=30),
                deadline=now + timedelta(days=365),
                moderation_mode=MODE_REACTIVE,
                expectations="",
            ),
            by=officer,
            now=now - timedelta(days=31),
        )
        consultations.publish_draft_version(consultation, draft_markdown(), by=officer)
        consultations.publish_consultation(consultation, now=now - timedelta(days=30))
        db.session.flush()

        # People: one real argon2 hash of the published password, shared by every bench account.
        password_hash = officer.password_hash
        db.session.execute(
            insert(User),
            [
                {
                    "email": f"person{i}@bench.example.no",
                    "name": f"Person {i}",
                    "password_hash": password_hash,
                    "created_at": now,
                    "password_changed_at": now,
                }
                for i in range(AUTHORS)
            ],
        )
        authors = db.session.execute(
            select(User.id, User.name).where(User.email.like("person%@bench.example.no"))
        ).all()

        paragraphs = db.session.scalars(
            select(Paragraph)
            .where(Paragraph.version_id == consultation.current_version_id)
            .order_by(Paragraph.position)
        ).all()
        rng = random.Random(2026)
        ranked = rng.sample(paragraphs, len(paragraphs))
        counts = dict(zip((p.id for p in ranked), zipf_counts(len(ranked), TOTAL), strict=True))
        targets = [pid for pid, count in counts.items() for _ in range(count)]
        rng.shuffle(targets)
        start = now - timedelta(days=20)
        rows = []
        # Rendered once, as submit() would render each: the texts differ only in their number.
        body_html = str(render_markdown(BODY))
        for i, paragraph_id in enumerate(targets):
            author = authors[i % len(authors)]
            created = start + timedelta(seconds=i * 60)
            rows.append(
                {
                    "system_id": new_system_id(),
                    "consultation_id": consultation.id,
                    "version_id": consultation.current_version_id,
                    "paragraph_id": paragraph_id,
                    "kind": "paragraph",
                    "author_id": author.id,
                    "author_name": author.name,
                    "respondent_type": "private",
                    "body": BODY.replace("{i}", str(i)),
                    "body_html": body_html.replace("{i}", str(i)),
                    "status": "published",
                    "created_at": created,
                    "published_at": created,
                }
            )
        db.session.execute(insert(Submission), rows)
        for paragraph_id, count in counts.items():
            db.session.execute(
                update(Paragraph).where(Paragraph.id == paragraph_id).values(submission_count=count)
            )
        db.session.execute(
            update(Consultation)
            .where(Consultation.id == consultation.id)
            .values(submission_count=TOTAL)
        )
        _journal_all(consultation, {p.id: p for p in paragraphs})
        db.session.commit()
        problems = verify_chain()
        assert not problems, problems
        busiest = max(counts, key=counts.get)
        median_id = sorted(counts, key=counts.get)[len(counts) // 2]
        by_id = {p.id: p for p in paragraphs}
        site = {
            "slug": consultation.slug,
            "busiest_anchor": by_id[busiest].anchor,
            "busiest_count": counts[busiest],
            "median_anchor": by_id[median_id].anchor,
            "median_count": counts[median_id],
            "author_email": "person0@bench.example.no",
            "password": PASSWORD,
            "build_seconds": round(time.perf_counter() - started, 1),
        }
        db.engine.dispose()
    return site


def _journal_all(consultation: Consultation, paragraphs: dict[int, Paragraph]) -> None:
    """One incoming journal entry per innspill, numbered and hash-chained as _append() does."""
    submissions = db.session.execute(
        select(Submission.id, Submission.paragraph_id, Submission.created_at, Submission.body)
        .where(Submission.consultation_id == consultation.id)
        .order_by(Submission.id)
    ).all()
    authors = dict(db.session.execute(select(Submission.id, Submission.author_name)).all())
    # year -> (last seq, last hash), after the høringsbrev journaled when the consultation opened
    heads: dict[int, tuple[int, str]] = {
        counter.year: (counter.last_seq, counter.last_hash)
        for counter in db.session.scalars(
            select(JournalCounter).where(JournalCounter.agency_id == consultation.agency_id)
        )
    }
    first = 1 + (
        db.session.scalar(
            select(func.max(JournalEntry.record_number)).where(
                JournalEntry.consultation_id == consultation.id
            )
        )
        or 0
    )
    titles = {pid: f"Innspill til {journal.paragraph_title(p)}" for pid, p in paragraphs.items()}
    rows = []
    for record_number, row in enumerate(submissions, start=first):
        local = row.created_at.astimezone(journal.OSLO)
        last_seq, prev_hash = heads.get(local.year, (0, GENESIS_HASH))
        seq = last_seq + 1
        entry = SimpleNamespace(
            kind=None,
            system_id=new_system_id(),
            agency_id=consultation.agency_id,
            year=local.year,
            seq=seq,
            consultation_id=consultation.id,
            case_number=consultation.case_number,
            record_number=record_number,
            submission_id=row.id,
            agency_reply_id=None,
            replies_to_id=None,
            document_type=DOC_INCOMING,
            journal_date=local.date(),
            registered_at=row.created_at,
            correspondent_name=authors[row.id],
            correspondent_organisation=None,
            respondent_type="private",
            title=titles[row.paragraph_id],
            paragraph_id=row.paragraph_id,
            version_id=consultation.current_version_id,
            status="Journalført",
            screened_name=False,
            document_hash=journal.document_hash(row.body),
            received_on=None,
            attachment_id=None,
            prev_hash=prev_hash,
        )
        entry.hash = journal.entry_hash(entry)
        heads[local.year] = (seq, entry.hash)
        rows.append(vars(entry))
    db.session.execute(insert(JournalEntry), rows)
    for year, (last_seq, last_hash) in heads.items():
        db.session.merge(
            JournalCounter(
                agency_id=consultation.agency_id, year=year, last_seq=last_seq, last_hash=last_hash
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--out", default=None, help=f"where to write the site facts ({SLUG_FILE})")
    args = parser.parse_args()
    site = build(args.database_url)
    out = Path(args.out) if args.out else Path("bench/results") / SLUG_FILE
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(site, indent=2))
    print(json.dumps(site, indent=2))


if __name__ == "__main__":
    main()
