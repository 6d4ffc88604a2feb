"""Walk the hash chains of the journal and of its change log; name the first break in each.

One chain of entries and one chain of change records per agency and year, both headed by the
JournalCounter row. A chain breaks when an entry or change record is altered (its hash no longer
matches), removed (a number is missing, or the head points past the last one), inserted (a
number beyond the head, a chain without a head, a broken previous-hash link), or when the
journaled document's text was edited.

The head row lives in the same database, so removing the last entries and rewinding the head
leaves a chain that checks out by itself. Two checks catch that cut: a head written down
earlier (printed by `journal verify`, published daily in the public journal) must still be in
the chain, and every innspill and agency reply must still have its journal entry.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import case, func, select, union
from sqlalchemy.orm import aliased

from hoering.consultations.models import STATUS_DRAFT, Consultation
from hoering.documents.models import Attachment
from hoering.extensions import db
from hoering.journal.models import (
    GENESIS_HASH,
    JournalAttachment,
    JournalChange,
    JournalCounter,
    JournalDocument,
    JournalEntry,
    JournalRecipient,
)
from hoering.journal.services import change_hash, document_hash, entry_hash
from hoering.submissions.models import AgencyReply, Submission


@dataclass
class ChainProblem:
    """The first break in one chain; journal_number names the entry concerned."""

    agency_id: int
    year: int
    journal_number: str
    problem: str


@dataclass
class ChainHead:
    """An intact chain: how long it is and its last hash (worth writing down elsewhere)."""

    agency_id: int
    year: int
    entries: int
    head: str
    changes: int
    change_head: str


def _number(year: int, seq: int) -> str:
    return f"{year}/{seq:06d}"


def verify_chain() -> list[ChainProblem]:
    """Walk every agency's chains; report the first entry altered, removed or inserted per chain."""
    problems, _heads = verify_chains()
    return problems


def verify_chains(
    expected_heads: Iterable[str] = (),
) -> tuple[list[ChainProblem], list[ChainHead]]:
    """Every chain checked: the problems found, and the heads of the chains that are intact.

    `expected_heads` are hashes written down earlier; each must still be an entry's or a change
    record's hash, or entries were cut since.
    """
    counters = {(c.agency_id, c.year): c for c in db.session.scalars(select(JournalCounter))}
    keys = db.session.execute(
        union(
            select(JournalEntry.agency_id, JournalEntry.year),
            select(JournalChange.agency_id, JournalChange.year),
            select(JournalCounter.agency_id, JournalCounter.year),
        )
    ).all()
    problems: list[ChainProblem] = []
    heads: list[ChainHead] = []
    for agency_id, year in sorted(keys):
        # A chain with no head row was inserted wholesale: check it against an empty head.
        counter = counters.get((agency_id, year)) or JournalCounter(
            agency_id=agency_id,
            year=year,
            last_seq=0,
            last_hash=GENESIS_HASH,
            last_change_seq=0,
            last_change_hash=GENESIS_HASH,
        )
        found = [p for p in (_verify_entries(counter), _verify_changes(counter)) if p]
        problems += found
        if not found:
            heads.append(
                ChainHead(
                    agency_id,
                    year,
                    counter.last_seq,
                    counter.last_hash,
                    counter.last_change_seq,
                    counter.last_change_hash,
                )
            )
    problems += _missing_heads(expected_heads)
    problems += _unjournaled()
    return problems, heads


def _missing_heads(expected_heads: Iterable[str]) -> list[ChainProblem]:
    problems = []
    for head in dict.fromkeys(h.strip().lower() for h in expected_heads):
        known = db.session.scalar(
            select(JournalEntry.id).where(JournalEntry.hash == head)
        ) or db.session.scalar(select(JournalChange.id).where(JournalChange.hash == head))
        if known is None:
            problems.append(
                ChainProblem(0, 0, head, "the expected head is gone: entries were cut since")
            )
    return problems


def _unjournaled() -> list[ChainProblem]:
    """Innspill and agency replies that have no journal entry (none is ever made without), and
    agency documents of an opened consultation journaled neither on their own nor with the
    høringsbrev."""
    submissions = db.session.execute(
        select(Consultation.agency_id, Submission.created_at, Submission.id)
        .join(Consultation, Consultation.id == Submission.consultation_id)
        .outerjoin(JournalEntry, JournalEntry.submission_id == Submission.id)
        .where(JournalEntry.id.is_(None))
        .order_by(Submission.id)
    ).all()
    replies = db.session.execute(
        select(Consultation.agency_id, AgencyReply.created_at, AgencyReply.id)
        .join(Submission, Submission.id == AgencyReply.submission_id)
        .join(Consultation, Consultation.id == Submission.consultation_id)
        .outerjoin(JournalEntry, JournalEntry.agency_reply_id == AgencyReply.id)
        .where(JournalEntry.id.is_(None))
        .order_by(AgencyReply.id)
    ).all()
    documents = db.session.execute(
        select(Consultation.agency_id, Attachment.created_at, Attachment.id)
        .join(Consultation, Consultation.id == Attachment.consultation_id)
        .outerjoin(JournalEntry, JournalEntry.attachment_id == Attachment.id)
        .outerjoin(JournalAttachment, JournalAttachment.attachment_id == Attachment.id)
        .where(
            Attachment.kind.is_not(None),
            Consultation.status != STATUS_DRAFT,
            JournalEntry.id.is_(None),
            JournalAttachment.entry_id.is_(None),
        )
        .order_by(Attachment.id)
    ).all()
    return [
        ChainProblem(agency_id, created.year, f"({label} {id_})", f"{what} has no journal entry")
        for rows, label, what in (
            (submissions, "innspill", "innspill"),
            (replies, "svar", "agency reply"),
            (documents, "dokument", "agency document"),
        )
        for agency_id, created, id_ in rows
    ]


def _verify_entries(counter: JournalCounter) -> ChainProblem | None:
    rows = db.session.execute(
        select(
            JournalEntry,
            # The agency's own file has no text of its own: its hash covers the file.
            func.coalesce(
                Submission.body,
                AgencyReply.body,
                JournalDocument.text,
                case((JournalEntry.attachment_id.is_not(None), ""), else_=None),
            ),
        )
        .outerjoin(Submission, Submission.id == JournalEntry.submission_id)
        .outerjoin(AgencyReply, AgencyReply.id == JournalEntry.agency_reply_id)
        .outerjoin(JournalDocument, JournalDocument.entry_id == JournalEntry.id)
        .where(JournalEntry.agency_id == counter.agency_id, JournalEntry.year == counter.year)
        .order_by(JournalEntry.seq)
        .execution_options(yield_per=1000)
    )
    # Closing the result also closes PostgreSQL's server-side cursor when we stop early.
    with rows:
        return _walk_entries(counter, rows, _file_hashes(counter), _recipients(counter))


def _file_hashes(counter: JournalCounter) -> dict[int, list[str]]:
    """By entry id, the SHA-256 of the files its hash covers, in order: an innspill's
    attachments, or the agency's document itself (few entries have any)."""
    hashes: dict[int, list[str]] = {}
    for link in (
        Attachment.submission_id == JournalEntry.submission_id,
        Attachment.id == JournalEntry.attachment_id,
    ):
        rows = db.session.execute(
            select(JournalEntry.id, Attachment.sha256)
            .join(Attachment, link)
            .where(JournalEntry.agency_id == counter.agency_id, JournalEntry.year == counter.year)
            .order_by(JournalEntry.id, Attachment.id)
        )
        for entry_id, sha256 in rows:
            hashes.setdefault(entry_id, []).append(sha256)
    # The agency's documents journaled with the høringsbrev, in the order they stand in it.
    rows = db.session.execute(
        select(JournalAttachment.entry_id, Attachment.sha256)
        .join(Attachment, Attachment.id == JournalAttachment.attachment_id)
        .join(JournalEntry, JournalEntry.id == JournalAttachment.entry_id)
        .where(JournalEntry.agency_id == counter.agency_id, JournalEntry.year == counter.year)
        .order_by(JournalAttachment.entry_id, JournalAttachment.position)
    )
    for entry_id, sha256 in rows:
        hashes.setdefault(entry_id, []).append(sha256)
    return hashes


def _recipients(counter: JournalCounter) -> dict[int, list[tuple[str, str | None]]]:
    """By entry id, the recipients its hash covers, in order (few entries have any)."""
    found: dict[int, list[tuple[str, str | None]]] = {}
    rows = db.session.execute(
        select(JournalRecipient.entry_id, JournalRecipient.name, JournalRecipient.org_number)
        .join(JournalEntry, JournalEntry.id == JournalRecipient.entry_id)
        .where(JournalEntry.agency_id == counter.agency_id, JournalEntry.year == counter.year)
        .order_by(JournalRecipient.entry_id, JournalRecipient.position)
    )
    for entry_id, name, org_number in rows:
        found.setdefault(entry_id, []).append((name, org_number))
    return found


def _walk_entries(counter: JournalCounter, rows, file_hashes, recipients) -> ChainProblem | None:
    def fail(number: str, message: str) -> ChainProblem:
        return ChainProblem(counter.agency_id, counter.year, number, message)

    expected_prev = GENESIS_HASH
    expected_seq = 1
    for entry, document in rows:
        number = entry.journal_number
        if entry.seq > counter.last_seq:
            return fail(number, "inserted entry (beyond the head of the chain)")
        if entry.seq != expected_seq:
            missing = _number(counter.year, expected_seq)
            reason = "missing entry (removed)" if entry.seq > expected_seq else "inserted entry"
            return fail(missing, reason)
        if entry.prev_hash != expected_prev:
            return fail(number, "previous-hash link broken (entry inserted or reordered)")
        if entry_hash(entry, recipients.get(entry.id, ())) != entry.hash:
            return fail(number, "content does not match its hash (entry altered)")
        files = file_hashes.get(entry.id, ())
        if document is None or document_hash(document, files) != entry.document_hash:
            return fail(number, "the journaled document's text was altered or removed")
        expected_prev = entry.hash
        expected_seq += 1
    if expected_seq - 1 != counter.last_seq or expected_prev != counter.last_hash:
        last = _number(counter.year, counter.last_seq)
        return fail(last, "chain head does not match the last entry (entries removed at the end)")
    return None


def _verify_changes(counter: JournalCounter) -> ChainProblem | None:
    target = aliased(JournalEntry)
    rows = db.session.execute(
        select(JournalChange, target.hash, target.year, target.seq)
        .outerjoin(target, target.id == JournalChange.entry_id)
        .where(JournalChange.agency_id == counter.agency_id, JournalChange.year == counter.year)
        .order_by(JournalChange.seq)
        .execution_options(yield_per=1000)
    )
    with rows:
        return _walk_changes(counter, rows)


def _walk_changes(counter: JournalCounter, rows) -> ChainProblem | None:
    expected_prev = GENESIS_HASH
    expected_seq = 1
    for change, entry_hash_now, entry_year, entry_seq in rows:
        entry_number = _number(entry_year, entry_seq) if entry_year else "(missing entry)"

        def fail(message: str, entry_number: str = entry_number) -> ChainProblem:
            return ChainProblem(counter.agency_id, counter.year, entry_number, message)

        label = f"change record {change.change_number}"
        if change.seq > counter.last_change_seq:
            return fail(f"{label}: inserted (beyond the head of the change log)")
        if change.seq != expected_seq:
            missing = f"change record {_number(counter.year, expected_seq)}"
            if change.seq > expected_seq:
                return fail(f"{missing}: missing (removed)")
            return fail(f"{label}: inserted")
        if change.prev_hash != expected_prev:
            return fail(f"{label}: previous-hash link broken (inserted or reordered)")
        if entry_hash_now is None or change_hash(change, entry_hash_now) != change.hash:
            return fail(f"{label}: content does not match its hash (change record altered)")
        expected_prev = change.hash
        expected_seq += 1
    if expected_seq - 1 != counter.last_change_seq or expected_prev != counter.last_change_hash:
        last = f"change record {_number(counter.year, counter.last_change_seq)}"
        return ChainProblem(
            counter.agency_id,
            counter.year,
            "(change log)",
            f"{last}: head does not match the last change record (records removed at the end)",
        )
    return None
