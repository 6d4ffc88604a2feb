"""Journaling: every innspill and every agency reply gets a journalpost in the same transaction.

Numbers are gap-free per agency and year because the counter row is locked by an UPDATE and
rolls back with the transaction; the hash chain runs through the same row.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from blinker import Namespace
from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, Select, func, insert, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from hoering.accounts.models import User
from hoering.consultations.models import (
    STATUS_DRAFT,
    Consultation,
    Consultee,
    DraftVersion,
    Paragraph,
)
from hoering.consultations.services import (
    consultation_closed,
    consultation_opened,
    consultee_invited,
    draft_revised,
)
from hoering.db import new_system_id, utcnow
from hoering.documents.models import AGENCY_KINDS, Attachment
from hoering.documents.models import KIND_LETTER as HORINGSBREV
from hoering.errors import ConflictError
from hoering.extensions import db
from hoering.journal.models import (
    ALL_CONSULTEES,
    ANSWERED_BY_LETTER,
    CHANGE_FIELDS,
    DOC_INCOMING,
    DOC_OUTGOING,
    FILE_CHANGE_FIELDS,
    GENESIS_HASH,
    KIND_LATE_LETTER,
    KIND_LETTER,
    KIND_REVISED_DRAFT,
    NOTED,
    Avskrivning,
    JournalAttachment,
    JournalChange,
    JournalCounter,
    JournalDocument,
    JournalEntry,
    JournalRecipient,
)
from hoering.submissions.models import KIND_GENERAL, KIND_REPLY, AgencyReply, Submission

log = logging.getLogger(__name__)

OSLO = ZoneInfo("Europe/Oslo")
# The skjermingshjemmel for a screened name or screened parts of an innspill: information about
# someone's personal circumstances (offentleglova § 13 with forvaltningsloven § 13 first paragraph
# no. 1). A moderator can log another basis with record_moderation(basis=...).
SCREENING_BASIS = "Offl. § 13 jf. fvl. § 13 første ledd nr. 1"
# How long such screening lasts (skjermingsvarighet): the duty of confidentiality about someone's
# personal circumstances ends after 60 years (forvaltningsloven § 13 c).
SCREENING_YEARS = 60
ORDINALS = (
    "første", "andre", "tredje", "fjerde", "femte", "sjette", "sjuende", "åttende", "niende",
    "tiende",
)  # fmt: skip

# Clocks of several hosts may differ a little; an entry registered more than this before the last
# one of the journal is being backdated, which would make journal numbers run against dates.
CLOCK_SKEW = timedelta(seconds=60)
CLOSING_REASON = (
    "Høringen ble avsluttet. Innspillet er tatt med i behandlingen av høringen og besvares "
    "samlet i høringsoppsummeringen."
)


_signals = Namespace()
# Sent in the transaction of every new journal entry: the archive's delivery outbox listens (a
# higher layer; the journal never imports it).
entry_journaled = _signals.signal("journal-entry")
# Sent in the transaction of a later change to an entry: a change record (moderation outcome,
# skjerming) or its avskrivning by an answer. Closing avskriver many entries at once and is
# announced by consultation_closed instead.
entry_changed = _signals.signal("journal-entry-changed")


class CaseClosedError(ConflictError):
    """Nothing is added to a closed saksmappe (Noark 5 krav 3.2.4)."""

    message = _l(
        "Høringen er avsluttet, og saken i arkivet er lukket. Det kan ikke journalføres mer i "
        "den. Ta svaret med i høringsoppsummeringen."
    )


class JournalOrderError(RuntimeError):
    """An entry dated before its case was created or before the journal's last entry."""


# The fields the hash covers, in order. Changing this list breaks every existing chain.
HASHED_FIELDS = (
    "system_id", "agency_id", "year", "seq", "consultation_id", "case_number", "record_number",
    "submission_id", "agency_reply_id", "replies_to_id", "document_type", "journal_date",
    "registered_at", "correspondent_name", "correspondent_organisation", "respondent_type",
    "title", "paragraph_id", "version_id", "status", "screened_name", "document_hash",
    "prev_hash",
)  # fmt: skip
CHANGE_HASHED_FIELDS = (
    "agency_id", "year", "seq", "entry_id", "field", "old_value", "new_value", "reason",
    "changed_by", "changed_at", "prev_hash",
)  # fmt: skip


def document_hash(text: str, file_hashes: list[str] | tuple[str, ...] = ()) -> str:
    """SHA-256 of the text; with attached files, of the text and the files' SHA-256 in order."""
    if not file_hashes:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()
    covered = "\n".join([hashlib.sha256(text.encode("utf-8")).hexdigest(), *file_hashes])
    return hashlib.sha256(covered.encode("ascii")).hexdigest()


def _digest(values: dict) -> str:
    """SHA-256 over a canonical JSON form: datetimes in Oslo time to the second, dates in ISO."""
    canonical = {}
    for name, value in values.items():
        if isinstance(value, datetime):
            value = value.astimezone(OSLO).isoformat(timespec="seconds")
        elif hasattr(value, "isoformat"):
            value = value.isoformat()
        canonical[name] = value
    text = json.dumps(canonical, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


Recipient = tuple[str, str | None]  # a høringsinstans's name and organisation number


def entry_hash(
    entry: JournalEntry, recipients: list[Recipient] | tuple[Recipient, ...] = ()
) -> str:
    """SHA-256 over the entry's fields, its recipients and the previous entry's hash."""
    values = {name: getattr(entry, name) for name in HASHED_FIELDS}
    # Fields added later, hashed only where set, so every older entry hashes as before: the date
    # an innspill sent by e-mail or letter was received, the agency's own document, the kind of
    # an entry of the agency's own and the høringsinstanser it was sent to.
    for name in ("received_on", "attachment_id", "kind"):
        if getattr(entry, name) is not None:
            values[name] = getattr(entry, name)
    if recipients:
        values["recipients"] = [[name, org_number] for name, org_number in recipients]
    return _digest(values)


def change_hash(change: JournalChange, entry_hash: str) -> str:
    """SHA-256 over the change, the previous change's hash and the hash of the entry it changes."""
    values = {name: getattr(change, name) for name in CHANGE_HASHED_FIELDS}
    # Added later, hashed only where set, so every older change hashes as before.
    if change.attachment_id is not None:
        values["attachment_id"] = change.attachment_id
    return _digest({**values, "entry_hash": entry_hash})


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


def _take_number(
    agency_id: int, year: int, *, changes: bool = False
) -> tuple[int, str, datetime | None]:
    """Lock the agency's counter for the year; take the next number, the head of its chain and
    when the last entry was registered.

    changes=True takes from the chain of change records instead of the chain of entries.
    """
    seq, head = (
        (JournalCounter.last_change_seq, JournalCounter.last_change_hash)
        if changes
        else (JournalCounter.last_seq, JournalCounter.last_hash)
    )
    take = (
        update(JournalCounter)
        .where(JournalCounter.agency_id == agency_id, JournalCounter.year == year)
        .values({seq: seq + 1})
        .returning(seq, head, JournalCounter.last_registered_at)
        .execution_options(synchronize_session=False)
    )
    row = db.session.execute(take).one_or_none()
    if row is None:
        # The agency's first entry of the year: make the counter (another writer may race us to
        # it; ON CONFLICT lets both go on), then take the number as usual.
        insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
        db.session.execute(
            insert(JournalCounter)
            .values(
                agency_id=agency_id,
                year=year,
                last_seq=0,
                last_hash=GENESIS_HASH,
                last_change_seq=0,
                last_change_hash=GENESIS_HASH,
            )
            .on_conflict_do_nothing()
        )
        row = db.session.execute(take).one()
    return row[0], row[1], row[2]


def _move_head(
    agency_id: int,
    year: int,
    new_hash: str,
    *,
    changes: bool = False,
    registered_at: datetime | None = None,
) -> None:
    values = (
        {JournalCounter.last_change_hash: new_hash}
        if changes
        else {JournalCounter.last_hash: new_hash, JournalCounter.last_registered_at: registered_at}
    )
    db.session.execute(
        update(JournalCounter)
        .where(JournalCounter.agency_id == agency_id, JournalCounter.year == year)
        .values(values)
        .execution_options(synchronize_session=False)
    )


def _check_case_open(consultation: Consultation, at: datetime, *, concluding: bool) -> None:
    """Refuse an entry before its case exists or after it was closed (krav 3.2.4). The agency's
    concluding document (the høringsoppsummering) is the one entry after the deadline: the
    case's folder closes with it (archive export: the case's closing date is its last entry)."""
    if at < consultation.created_at:
        raise JournalOrderError(
            f"entry at {at.isoformat()} before case {consultation.case_number} was created"
        )
    end = consultation.closed_at or consultation.deadline
    if at >= end and not concluding:
        raise CaseClosedError()


def _append(
    entry: JournalEntry,
    consultation: Consultation,
    *,
    concluding: bool = False,
    recipients: list[Recipient] = (),
) -> JournalEntry:
    # Defaults are applied at flush, after the hash is taken: set every hashed field now.
    entry.system_id = entry.system_id or new_system_id()
    now = entry.registered_at
    _check_case_open(consultation, now, concluding=concluding)
    entry.year = now.astimezone(OSLO).year
    entry.seq, entry.prev_hash, last_at = _take_number(entry.agency_id, entry.year)
    # Journal numbers increase with journal dates: an entry is never dated before the last one
    # (beyond the clocks' skew between hosts, which is absorbed into the same journal date).
    if last_at is not None and now < last_at - CLOCK_SKEW:
        raise JournalOrderError(
            f"entry at {now.isoformat()} registered after one at {last_at.isoformat()}"
        )
    latest = max(now, last_at) if last_at is not None else now
    entry.journal_date = latest.astimezone(OSLO).date()
    entry.record_number = (
        db.session.scalar(
            select(func.coalesce(func.max(JournalEntry.record_number), 0)).where(
                JournalEntry.consultation_id == entry.consultation_id
            )
        )
        + 1
    )
    entry.hash = entry_hash(entry, recipients)
    db.session.add(entry)
    _move_head(entry.agency_id, entry.year, entry.hash, registered_at=latest)
    db.session.flush()
    for position, (name, org_number) in enumerate(recipients, 1):
        db.session.add(
            JournalRecipient(entry_id=entry.id, position=position, name=name, org_number=org_number)
        )
    entry_journaled.send(entry)
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


def _about(submission: Submission) -> dict:
    """What an innspill's entry and the entries of the agency's answers to it share: the case,
    the correspondent (the innspill's author) and the paragraph and version it concerns."""
    consultation: Consultation = submission.consultation
    return {
        "agency_id": consultation.agency_id,
        "consultation_id": consultation.id,
        "case_number": consultation.case_number,
        "correspondent_name": submission.author_name,
        "correspondent_organisation": submission.organisation_name,
        "respondent_type": submission.respondent_type,
        "paragraph_id": submission.paragraph_id,
        "version_id": submission.version_id,
        "screened_name": submission.hide_name,
    }


def record_incoming(submission: Submission, file_hashes: list[str] = ()) -> JournalEntry:
    """Journal an innspill as an incoming document (inngående, I); its hash covers its files."""
    parent_entry = entry_for_submission(submission.parent_id) if submission.parent_id else None
    entry = JournalEntry(
        **_about(submission),
        submission_id=submission.id,
        replies_to_id=parent_entry.id if parent_entry else None,
        document_type=DOC_INCOMING,
        registered_at=submission.created_at or utcnow(),
        title=submission_title(submission, parent_entry),
        status="Journalført",
        received_on=(
            submission.received_at.astimezone(OSLO).date() if submission.received_at else None
        ),
        document_hash=document_hash(submission.body, file_hashes),
    )
    return _append(entry, submission.consultation)


def record_outgoing(reply: AgencyReply) -> JournalEntry:
    """Journal the agency's answer as an outgoing document (utgående, U) tied to the innspill."""
    submission = reply.submission
    answered = entry_for_submission(submission.id)
    entry = JournalEntry(
        **_about(submission),
        agency_reply_id=reply.id,
        replies_to_id=answered.id if answered else None,
        document_type=DOC_OUTGOING,
        registered_at=reply.created_at or utcnow(),
        title=f"Svar på innspill {answered.journal_number}" if answered else "Svar på innspill",
        status="Ekspedert",
        document_hash=document_hash(reply.body),
    )
    _append(entry, submission.consultation)
    if answered is not None:
        avskriv(
            answered,
            ANSWERED_BY_LETTER,
            by=reply.author.name,
            by_entry=entry,
            on=entry.journal_date,
        )
    return entry


# Avskrivning --------------------------------------------------------------------------------


def avskrivning_for(entry_id: int) -> Avskrivning | None:
    return db.session.scalar(select(Avskrivning).where(Avskrivning.entry_id == entry_id))


def avskriv(
    entry: JournalEntry,
    method: str,
    *,
    by: str,
    on: date,
    by_entry: JournalEntry | None = None,
    reason: str | None = None,
) -> Avskrivning | None:
    """Mark an incoming entry as dealt with; the first avskrivning stands (None if it had one)."""
    if entry.document_type != DOC_INCOMING or avskrivning_for(entry.id) is not None:
        return None
    avskrivning = Avskrivning(
        entry_id=entry.id,
        by_entry_id=by_entry.id if by_entry else None,
        method=method,
        avskrevet_on=on,
        avskrevet_by=by,
        reason=reason,
    )
    db.session.add(avskrivning)
    db.session.flush()
    entry_changed.send(entry, avskrivning=True)
    return avskrivning


def avskriv_open_entries(consultation: Consultation, *, by: str, on: date) -> int:
    """Closing the case avskriver every incoming entry still open, with the reason recorded.

    One INSERT ... SELECT, so closing a consultation of many thousand innspill stays quick.
    """
    still_open = (
        select(
            JournalEntry.id,
            literal(NOTED),
            literal(on, Date),
            literal(by),
            literal(CLOSING_REASON),
        )
        .outerjoin(Avskrivning, Avskrivning.entry_id == JournalEntry.id)
        .where(
            JournalEntry.consultation_id == consultation.id,
            JournalEntry.document_type == DOC_INCOMING,
            Avskrivning.id.is_(None),
        )
    )
    result = db.session.execute(
        insert(Avskrivning).from_select(
            ["entry_id", "method", "avskrevet_on", "avskrevet_by", "reason"], still_open
        )
    )
    return result.rowcount or 0


@consultation_closed.connect
def _on_consultation_closed(consultation: Consultation, *, by: str, at: datetime) -> None:
    avskriv_open_entries(consultation, by=by, on=at.astimezone(OSLO).date())


# The agency's outgoing documents -----------------------------------------------------------


def recipients(consultation: Consultation) -> list[Recipient]:
    """The høringsinstanser invited now: who the agency's outgoing documents are sent to."""
    return [
        (name, org_number)
        for name, org_number in db.session.execute(
            select(Consultee.name, Consultee.org_number)
            .where(Consultee.consultation_id == consultation.id)
            .order_by(Consultee.name, Consultee.id)
        )
    ]


def addressed_to(sent_to: list[Recipient]) -> str:
    """The journal line's correspondent: the recipients' names, or the høringsinstanser as a
    whole when none were invited (the public at large) or the names do not fit."""
    names = "; ".join(name for name, _org in sent_to)
    if not names:
        return ALL_CONSULTEES
    return names if len(names) <= 200 else f"{ALL_CONSULTEES} ({len(sent_to)})"


def _agency_documents(consultation: Consultation, *, journaled_alone: bool) -> list[Attachment]:
    """The agency's documents of the consultation, høringsbrev first, then høringsnotat, then the
    rest; without journaled_alone, only those not journaled as an entry of their own."""
    query = select(Attachment).where(
        Attachment.consultation_id == consultation.id, Attachment.kind.is_not(None)
    )
    if not journaled_alone:
        alone = select(JournalEntry.id).where(JournalEntry.attachment_id == Attachment.id)
        query = query.where(~alone.exists())
    return sorted(
        db.session.scalars(query.order_by(Attachment.id)),
        key=lambda document: AGENCY_KINDS.index(document.kind),
    )


def _letter(
    consultation: Consultation,
    *,
    kind: str,
    at: datetime,
    title: str,
    documents: list[Attachment],
    sent_to: list[Recipient],
    version: DraftVersion | None = None,
    concluding: bool = False,
) -> JournalEntry:
    """An outgoing (U) journalpost of the agency's own, sent to the given høringsinstanser: the
    agency's documents and a draft version (the current one unless given). Its hash covers the
    draft's text, the files and the recipients."""
    version = version or consultation.current_version
    entry = JournalEntry(
        agency_id=consultation.agency_id,
        consultation_id=consultation.id,
        case_number=consultation.case_number,
        kind=kind,
        document_type=DOC_OUTGOING,
        registered_at=at,
        correspondent_name=addressed_to(sent_to),
        title=title[:500],
        version_id=version.id,
        status="Ekspedert",
        screened_name=False,
        document_hash=document_hash(version.source_markdown, [d.sha256 for d in documents]),
    )
    _append(entry, consultation, concluding=concluding, recipients=sent_to)
    db.session.add(JournalDocument(entry_id=entry.id, text=version.source_markdown))
    for position, document in enumerate(documents, 1):
        db.session.add(
            JournalAttachment(entry_id=entry.id, position=position, attachment_id=document.id)
        )
    db.session.flush()
    return entry


def record_letter(consultation: Consultation, *, at: datetime) -> JournalEntry:
    """Journal the høringsbrev journalpost when the consultation opens: sent to every invited
    høringsinstans, carrying the agency's documents put out before opening (høringsbrev,
    høringsnotat, the rest) and the draft as published."""
    documents = _agency_documents(consultation, journaled_alone=False)
    letters = [d for d in documents if d.kind == HORINGSBREV]
    return _letter(
        consultation,
        kind=KIND_LETTER,
        at=at,
        title=letters[0].title if letters else f"Høringsbrev: {consultation.title}",
        documents=documents,
        sent_to=recipients(consultation),
    )


def _has_letter(consultation: Consultation) -> bool:
    return (
        db.session.scalar(
            select(JournalEntry.id)
            .where(
                JournalEntry.consultation_id == consultation.id, JournalEntry.kind == KIND_LETTER
            )
            .limit(1)
        )
        is not None
    )


def record_late_letter(
    consultation: Consultation, consultee: Consultee, *, at: datetime
) -> JournalEntry | None:
    """Journal the høringsbrev sent to a høringsinstans invited after the consultation opened:
    its own outgoing journalpost with that one recipient and the documents the others have had,
    as they stand now (every document the agency put out and the current draft). None while the
    case has no høringsbrev journalpost yet: record_missing_letters sends that one to every
    høringsinstans invited by then."""
    if not _has_letter(consultation):
        return None
    return _letter(
        consultation,
        kind=KIND_LATE_LETTER,
        at=at,
        title=f"Høringsbrev (ettersendt): {consultation.title}",
        documents=_agency_documents(consultation, journaled_alone=True),
        sent_to=[(consultee.name, consultee.org_number)],
    )


def record_revised_draft(
    consultation: Consultation, version: DraftVersion, *, at: datetime
) -> JournalEntry:
    """Journal a draft version published after opening as its own outgoing entry, sent to the
    høringsinstanser like the høringsbrev. A revision after the deadline is part of concluding
    the case (like the høringsoppsummering), so it may come after closing."""
    return _letter(
        consultation,
        kind=KIND_REVISED_DRAFT,
        at=at,
        title=f"Revidert utkast, versjon {version.number}: {consultation.title}",
        documents=[],
        sent_to=recipients(consultation),
        version=version,
        concluding=True,
    )


def record_missing_letters(now: datetime | None = None) -> tuple[int, list[Consultation]]:
    """Journal the høringsbrev journalpost, dated now, of every open consultation opened before
    it was journaled at opening (with the agency's documents not yet journaled on their own).
    Returns how many were journaled and the closed consultations that lack one: nothing may be
    added to a closed case (krav 3.2.4), so those are left for the records manager."""
    now = now or utcnow()
    has_letter = select(JournalEntry.id).where(
        JournalEntry.consultation_id == Consultation.id, JournalEntry.kind == KIND_LETTER
    )
    lacking = db.session.scalars(
        select(Consultation)
        .where(Consultation.status != STATUS_DRAFT, ~has_letter.exists())
        .order_by(Consultation.published_at, Consultation.id)
    ).all()
    closed = [c for c in lacking if (c.closed_at or c.deadline) <= now]
    for consultation in lacking:
        if consultation not in closed:
            record_letter(consultation, at=now)
    return len(lacking) - len(closed), closed


@consultation_opened.connect
def _on_consultation_opened(consultation: Consultation, *, at: datetime) -> None:
    record_letter(consultation, at=at)


@consultee_invited.connect
def _on_consultee_invited(
    consultation: Consultation, *, consultee: Consultee, at: datetime
) -> None:
    record_late_letter(consultation, consultee, at=at)


@draft_revised.connect
def _on_draft_revised(consultation: Consultation, *, version: DraftVersion, at: datetime) -> None:
    record_revised_draft(consultation, version, at=at)


def record_agency_document(document, consultation: Consultation) -> JournalEntry | None:
    """Journal one of the agency's own documents (høringsbrev, høringsnotat) put out after the
    consultation opened as its own outgoing (U) entry, sent to the invited høringsinstanser; its
    hash covers the file's SHA-256 and the recipients. One put out before opening waits for the
    høringsbrev journalpost (None)."""
    if consultation.status == STATUS_DRAFT:
        return None
    sent_to = recipients(consultation)
    entry = JournalEntry(
        agency_id=consultation.agency_id,
        consultation_id=consultation.id,
        case_number=consultation.case_number,
        attachment_id=document.id,
        document_type=DOC_OUTGOING,
        registered_at=document.created_at or utcnow(),
        correspondent_name=addressed_to(sent_to),
        title=document.title[:500],
        version_id=consultation.current_version_id,
        status="Ekspedert",
        screened_name=False,
        document_hash=document_hash("", [document.sha256]),
    )
    return _append(entry, consultation, recipients=sent_to)


def record_own_document(
    consultation: Consultation, *, title: str, text: str, registered_at: datetime
) -> JournalEntry:
    """Journal a document the agency makes itself in the case and sends out to the public (U),
    such as the høringsoppsummering; the agency stands as the correspondent."""
    entry = JournalEntry(
        agency_id=consultation.agency_id,
        consultation_id=consultation.id,
        case_number=consultation.case_number,
        correspondent_name=consultation.agency.name,
        correspondent_organisation=None,
        respondent_type=None,
        submission_id=None,
        agency_reply_id=None,
        replies_to_id=None,
        paragraph_id=None,
        version_id=consultation.current_version_id,
        screened_name=False,
        document_type=DOC_OUTGOING,
        registered_at=registered_at,
        title=title,
        status="Ekspedert",
        document_hash=document_hash(text),
    )
    _append(entry, consultation, concluding=True)
    db.session.add(JournalDocument(entry_id=entry.id, text=text))
    db.session.flush()
    return entry


# Change log (endringslogg) and screening ---------------------------------------------------


@dataclass(frozen=True)
class Screening:
    """What of a journal entry is withheld from the public now: the entry folded with its changes.

    name: the correspondent's name is screened (skjermingMetadata "Skjerming navn ...").
    document: parts of the document are screened (the public text is a redacted variant).
    """

    name: bool
    document: bool
    basis: str | None
    title: str
    moderation_status: str | None

    @property
    def screened(self) -> bool:
        return self.name or self.document

    @property
    def legal_basis(self) -> str | None:
        """The skjermingshjemmel shown beside what is screened; None when nothing is."""
        if not self.screened:
            return None
        return self.basis or SCREENING_BASIS


def _stored(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _actor(by: User | str) -> str:
    return by if isinstance(by, str) else by.name


def record_change(
    entry: JournalEntry,
    field: str,
    old: object,
    new: object,
    *,
    reason: str | None,
    by: User | str,
    now: datetime | None = None,
    attachment_id: int | None = None,
) -> JournalChange:
    """Log a later change to a journal entry (endringslogg); the entry itself is never changed.

    The record is numbered and hash-chained per agency and year, like the entries. A change to
    one of the entry's files names it (attachment_id).
    """
    if field not in CHANGE_FIELDS:
        raise ValueError(f"unknown journal change field {field!r}")
    now = now or utcnow()
    change = JournalChange(
        entry_id=entry.id,
        agency_id=entry.agency_id,
        year=now.astimezone(OSLO).year,
        field=field,
        old_value=_stored(old),
        new_value=_stored(new),
        reason=reason,
        changed_by=_actor(by),
        changed_at=now,
        attachment_id=attachment_id,
    )
    change.seq, change.prev_hash, _ = _take_number(change.agency_id, change.year, changes=True)
    change.hash = change_hash(change, entry.hash)
    db.session.add(change)
    _move_head(change.agency_id, change.year, change.hash, changes=True)
    db.session.flush()
    entry_changed.send(entry, avskrivning=False)
    log.info("journal entry %s: %s changed (change %s)", entry.id, field, change.change_number)
    return change


def fold_screening(screened_name: bool, title: str, changes: list[JournalChange]) -> Screening:
    """An entry's screening now: what it was journaled with, then each change in order."""
    state = {
        "screened_name": _stored(screened_name),
        "screened_document": "false",
        "screening_basis": None,
        "title": title,
        "moderation_status": None,
    }
    for change in changes:
        state[change.field] = change.new_value
    return Screening(
        name=state["screened_name"] == "true",
        document=state["screened_document"] == "true",
        basis=state["screening_basis"],
        title=state["title"] or title,
        moderation_status=state["moderation_status"],
    )


def changes_by_entry(entry_ids: list[int] | Select) -> dict[int, list[JournalChange]]:
    """The change records of the given entries (ids or a select of ids), in the order made."""
    found: dict[int, list[JournalChange]] = {}
    for change in db.session.scalars(
        select(JournalChange)
        .where(JournalChange.entry_id.in_(entry_ids))
        .order_by(JournalChange.id)
    ):
        found.setdefault(change.entry_id, []).append(change)
    return found


def screenings(entries: list[JournalEntry]) -> dict[int, Screening]:
    """The current screening of many entries at once (one query for all their changes)."""
    changes = changes_by_entry([entry.id for entry in entries]) if entries else {}
    return {
        entry.id: fold_screening(entry.screened_name, entry.title, changes.get(entry.id, []))
        for entry in entries
    }


def current_screening(entry: JournalEntry) -> Screening:
    """The entry as it stands now: what it was journaled with, changed by its change records."""
    return screenings([entry])[entry.id]


def record_moderation(
    submission: Submission,
    old_status: str,
    *,
    reason: str | None,
    by: User | str,
    basis: str | None = None,
    now: datetime | None = None,
) -> list[JournalChange]:
    """Log a moderation outcome on the innspill's journal entries (called after the change).

    Compares the innspill now (status, hide_name, public_body) with what the journal says and
    writes one change record per difference: the moderation status and a redaction on the
    incoming entry, a screened name on it and on the agency's replies to it. basis is the
    skjermingshjemmel when it is not the default for names, SCREENING_BASIS.
    """
    incoming = entry_for_submission(submission.id)
    if incoming is None:
        return []
    replies = list(
        db.session.scalars(
            select(JournalEntry)
            .join(AgencyReply, AgencyReply.id == JournalEntry.agency_reply_id)
            .where(AgencyReply.submission_id == submission.id)
        )
    )
    states = screenings([incoming, *replies])
    made = []

    def log_change(entry, field, old, new):
        made.append(record_change(entry, field, old, new, reason=reason, by=by, now=now))

    if old_status != submission.status:
        log_change(incoming, "moderation_status", old_status, submission.status)
    redacted = submission.public_body is not None and submission.public_body != submission.body
    if states[incoming.id].document != redacted:
        log_change(incoming, "screened_document", states[incoming.id].document, redacted)
    for entry in (incoming, *replies):
        state = states[entry.id]
        if state.name != submission.hide_name:
            log_change(entry, "screened_name", state.name, submission.hide_name)
        if basis and (state.basis or None) != basis:
            log_change(entry, "screening_basis", state.basis, basis)
    return made


def record_file_moderation(
    submission: Submission,
    attachment_id: int,
    field: str,
    old: object,
    new: object,
    *,
    reason: str | None,
    by: User | str,
    now: datetime | None = None,
) -> JournalChange | None:
    """Log a moderator's act on one file of an innspill (withheld, redacted copy) on its incoming
    entry, in the same transaction."""
    if field not in FILE_CHANGE_FIELDS:
        raise ValueError(f"not a file change field: {field!r}")
    incoming = entry_for_submission(submission.id)
    if incoming is None:
        return None
    return record_change(
        incoming, field, old, new, reason=reason, by=by, now=now, attachment_id=attachment_id
    )
