"""Journaling: every innspill and every agency reply gets a journalpost in the same transaction.

Numbers are gap-free per agency and year because the counter row is locked by an UPDATE and
rolls back with the transaction; the hash chain runs through the same row.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from hoering.consultations.models import Consultation, Paragraph
from hoering.db import new_system_id, utcnow
from hoering.extensions import db
from hoering.journal.models import (
    DOC_INCOMING,
    DOC_OUTGOING,
    GENESIS_HASH,
    JournalCounter,
    JournalEntry,
)
from hoering.submissions.models import KIND_GENERAL, KIND_REPLY, AgencyReply, Submission

OSLO = ZoneInfo("Europe/Oslo")
ORDINALS = (
    "første", "andre", "tredje", "fjerde", "femte", "sjette", "sjuende", "åttende", "niende",
    "tiende",
)  # fmt: skip

# The fields the hash covers, in order. Changing this list breaks every existing chain.
HASHED_FIELDS = (
    "system_id", "agency_id", "year", "seq", "consultation_id", "case_number", "record_number",
    "submission_id", "agency_reply_id", "replies_to_id", "document_type", "journal_date",
    "registered_at", "correspondent_name", "correspondent_organisation", "respondent_type",
    "title", "paragraph_id", "version_id", "status", "screened_name", "document_hash",
    "prev_hash",
)  # fmt: skip


def document_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def entry_hash(entry: JournalEntry) -> str:
    """SHA-256 over the entry's fields and the previous entry's hash."""
    values = {}
    for name in HASHED_FIELDS:
        value = getattr(entry, name)
        if isinstance(value, datetime):
            value = value.astimezone(OSLO).isoformat(timespec="seconds")
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        values[name] = value
    canonical = json.dumps(values, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def paragraph_title(paragraph: Paragraph) -> str:
    """'§ 3 første ledd', '2 Bakgrunn, avsnitt 3' — how a case officer names a paragraph."""
    section = paragraph.section
    n = paragraph.ordinal
    if section.number and section.number.startswith("§"):
        ordinal = ORDINALS[n - 1] if n <= len(ORDINALS) else f"{n}."
        return f"{section.number} {ordinal} ledd"
    name = " ".join(part for part in (section.number, section.title) if part) or "Innledning"
    return f"{name}, avsnitt {n}"


def submission_title(submission: Submission, parent_entry: JournalEntry | None) -> str:
    if submission.kind == KIND_GENERAL:
        return f"Høringsuttalelse til {submission.consultation.title}"[:500]
    if submission.kind == KIND_REPLY and parent_entry is not None:
        return f"Kommentar til innspill {parent_entry.journal_number}"
    return f"Innspill til {paragraph_title(submission.paragraph)}"[:500]


def _next_number(agency_id: int, year: int) -> tuple[int, str]:
    """Lock the agency's counter for the year and take the next number and the chain head."""
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    db.session.execute(
        insert(JournalCounter)
        .values(agency_id=agency_id, year=year, last_seq=0, last_hash=GENESIS_HASH)
        .on_conflict_do_nothing()
    )
    row = db.session.execute(
        update(JournalCounter)
        .where(JournalCounter.agency_id == agency_id, JournalCounter.year == year)
        .values(last_seq=JournalCounter.last_seq + 1)
        .returning(JournalCounter.last_seq, JournalCounter.last_hash)
        .execution_options(synchronize_session=False)
    ).one()
    return row.last_seq, row.last_hash


def _append(entry: JournalEntry) -> JournalEntry:
    # Defaults are applied at flush, after the hash is taken: set every hashed field now.
    entry.system_id = entry.system_id or new_system_id()
    now = entry.registered_at
    entry.year = now.astimezone(OSLO).year
    entry.journal_date = now.astimezone(OSLO).date()
    entry.seq, entry.prev_hash = _next_number(entry.agency_id, entry.year)
    entry.record_number = (
        db.session.scalar(
            select(func.coalesce(func.max(JournalEntry.record_number), 0)).where(
                JournalEntry.consultation_id == entry.consultation_id
            )
        )
        + 1
    )
    entry.hash = entry_hash(entry)
    db.session.add(entry)
    db.session.execute(
        update(JournalCounter)
        .where(JournalCounter.agency_id == entry.agency_id, JournalCounter.year == entry.year)
        .values(last_hash=entry.hash)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    return entry


def entry_for_submission(submission_id: int) -> JournalEntry | None:
    return db.session.scalar(
        select(JournalEntry).where(JournalEntry.submission_id == submission_id)
    )


def entries_for_submissions(submission_ids: list[int]) -> dict[int, JournalEntry]:
    if not submission_ids:
        return {}
    entries = db.session.scalars(
        select(JournalEntry).where(JournalEntry.submission_id.in_(submission_ids))
    )
    return {entry.submission_id: entry for entry in entries}


def record_incoming(submission: Submission) -> JournalEntry:
    """Journal an innspill as an incoming document (inngående, I)."""
    consultation: Consultation = submission.consultation
    parent_entry = entry_for_submission(submission.parent_id) if submission.parent_id else None
    entry = JournalEntry(
        agency_id=consultation.agency_id,
        consultation_id=consultation.id,
        case_number=consultation.case_number,
        submission_id=submission.id,
        replies_to_id=parent_entry.id if parent_entry else None,
        document_type=DOC_INCOMING,
        registered_at=submission.created_at or utcnow(),
        correspondent_name=submission.author_name,
        correspondent_organisation=submission.organisation_name,
        respondent_type=submission.respondent_type,
        title=submission_title(submission, parent_entry),
        paragraph_id=submission.paragraph_id,
        version_id=submission.version_id,
        status="Journalført",
        screened_name=submission.hide_name,
        document_hash=document_hash(submission.body),
    )
    return _append(entry)


def record_outgoing(reply: AgencyReply) -> JournalEntry:
    """Journal the agency's answer as an outgoing document (utgående, U) tied to the innspill."""
    submission = reply.submission
    consultation = submission.consultation
    answered = entry_for_submission(submission.id)
    entry = JournalEntry(
        agency_id=consultation.agency_id,
        consultation_id=consultation.id,
        case_number=consultation.case_number,
        agency_reply_id=reply.id,
        replies_to_id=answered.id if answered else None,
        document_type=DOC_OUTGOING,
        registered_at=reply.created_at or utcnow(),
        correspondent_name=submission.author_name,
        correspondent_organisation=submission.organisation_name,
        respondent_type=submission.respondent_type,
        title=f"Svar på innspill {answered.journal_number}" if answered else "Svar på innspill",
        paragraph_id=submission.paragraph_id,
        version_id=submission.version_id,
        status="Ekspedert",
        screened_name=submission.hide_name,
        document_hash=document_hash(reply.body),
    )
    return _append(entry)


@dataclass
class ChainProblem:
    agency_id: int
    year: int
    journal_number: str
    problem: str


def verify_chain() -> list[ChainProblem]:
    """Walk every agency's chain; report the first entry altered, removed or inserted per chain."""
    problems: list[ChainProblem] = []
    for counter in db.session.scalars(select(JournalCounter)).all():
        problem = _verify_one(counter)
        if problem:
            problems.append(problem)
    return problems


def _verify_one(counter: JournalCounter) -> ChainProblem | None:
    def fail(number: str, message: str) -> ChainProblem:
        return ChainProblem(counter.agency_id, counter.year, number, message)

    expected_prev = GENESIS_HASH
    expected_seq = 1
    rows = db.session.execute(
        select(JournalEntry, func.coalesce(Submission.body, AgencyReply.body))
        .outerjoin(Submission, Submission.id == JournalEntry.submission_id)
        .outerjoin(AgencyReply, AgencyReply.id == JournalEntry.agency_reply_id)
        .where(JournalEntry.agency_id == counter.agency_id, JournalEntry.year == counter.year)
        .order_by(JournalEntry.seq)
        .execution_options(yield_per=1000)
    )
    for entry, document in rows:
        number = entry.journal_number
        if entry.seq != expected_seq:
            missing = f"{counter.year}/{expected_seq:06d}"
            reason = "missing entry (removed)" if entry.seq > expected_seq else "inserted entry"
            return fail(missing, reason)
        if entry.prev_hash != expected_prev:
            return fail(number, "previous-hash link broken (entry inserted or reordered)")
        if entry_hash(entry) != entry.hash:
            return fail(number, "content does not match its hash (entry altered)")
        if document is None or document_hash(document) != entry.document_hash:
            return fail(number, "the journaled document's text was altered or removed")
        expected_prev = entry.hash
        expected_seq += 1
    if expected_seq - 1 != counter.last_seq or expected_prev != counter.last_hash:
        last = f"{counter.year}/{counter.last_seq:06d}"
        return fail(last, "chain head does not match the last entry (entries removed at the end)")
    return None
