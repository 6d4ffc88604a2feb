"""The journal: append-only, numbered per agency and year, hash-chained."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hoering.db import UTCDateTime, new_system_id, utcnow
from hoering.extensions import db

DOC_INCOMING = "I"
DOC_OUTGOING = "U"

# What an outgoing entry of the agency's own carries (JournalEntry.kind; None for the rest).
# The høringsbrev journalpost, made when the consultation opens: the agency's documents of the
# consultation and the draft as published, sent to the invited høringsinstanser.
KIND_LETTER = "horingsbrev"
# A revised draft version published after the consultation opened, sent to the same recipients.
KIND_REVISED_DRAFT = "revidert_utkast"
# The høringsbrev sent later to a høringsinstans invited after the consultation opened: the
# agency's documents and the draft current then, sent to that one høringsinstans.
KIND_LATE_LETTER = "ettersendt_brev"
# Who an outgoing entry is sent to when no høringsinstans was invited (the public at large).
ALL_CONSULTEES = "Høringsinstansene"

GENESIS_HASH = "0" * 64
# What the public sees in place of a screened value (a name), in every journal and export.
SCREENED_TEXT = "******"

# Avskrivningsmåte (Noark 5 M619): how an incoming journalpost was dealt with.
ANSWERED_BY_LETTER = "Besvart med brev"
NOTED = "Tatt til orientering"
AVSKRIVNING_METHODS = (
    ANSWERED_BY_LETTER,
    "Besvart med e-post",
    "Besvart på telefon",
    "Tatt til etterretning",
    NOTED,
)


# Fields a JournalChange may record, each with the Noark 5 metadata element it changes (the
# referanseMetadata of the endringslogg, M681). moderation_status is our own metadata. The *_file
# fields change one file of the entry (attachment_id): withheld from the public ("true"/"false"),
# or given a redacted copy (its SHA-256).
CHANGE_FIELDS = {
    "screened_name": "skjermingMetadata",
    "screened_document": "skjermingDokument",
    "screening_basis": "skjermingshjemmel",
    "title": "tittel",
    "moderation_status": "moderasjonsstatus",
    "withheld_file": "skjermingDokument",
    "redacted_file": "skjermingDokument",
}
FILE_CHANGE_FIELDS = ("withheld_file", "redacted_file")


class JournalCounter(db.Model):
    """The head of one agency's journal for one year: last number and last hash.

    Locked by an UPDATE for every new entry, so numbers are gap-free and the chain has no forks.
    The same row heads the year's chain of change records (endringslogg).
    """

    __tablename__ = "journal_counters"

    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS_HASH)
    last_change_seq: Mapped[int] = mapped_column(default=0, server_default="0")
    last_change_hash: Mapped[str] = mapped_column(
        String(64), default=GENESIS_HASH, server_default=GENESIS_HASH
    )
    # When the last entry was registered: journal numbers must not run against journal dates.
    last_registered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<JournalCounter {self.agency_id}/{self.year} {self.last_seq}>"


class JournalEntry(db.Model):
    """A journalpost. Never updated or deleted; later changes are JournalChange records."""

    __tablename__ = "journal_entries"
    __table_args__ = (
        UniqueConstraint("agency_id", "year", "seq"),
        # The next record number of a case is max() + 1: an index lookup, not a scan of the case.
        Index("ix_journal_entries_case_record", "consultation_id", "record_number"),
        # The last entry of each journal day (the heads the public journal publishes), read from
        # the index alone.
        Index("ix_journal_entries_agency_day", "agency_id", "journal_date", "seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    system_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_system_id)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    year: Mapped[int]
    seq: Mapped[int]
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    case_number: Mapped[str] = mapped_column(String(20))
    record_number: Mapped[int]
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"), unique=True)
    agency_reply_id: Mapped[int | None] = mapped_column(
        ForeignKey("agency_replies.id"), unique=True
    )
    replies_to_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"))
    # One of the agency's own documents of the consultation (høringsbrev, høringsnotat).
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"), unique=True)
    document_type: Mapped[str] = mapped_column(String(1))
    journal_date: Mapped[date] = mapped_column(Date)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    correspondent_name: Mapped[str] = mapped_column(String(200))
    correspondent_organisation: Mapped[str | None] = mapped_column(String(200))
    respondent_type: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(500))
    paragraph_id: Mapped[int | None] = mapped_column(ForeignKey("paragraphs.id"))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("draft_versions.id"))
    status: Mapped[str] = mapped_column(String(20))
    screened_name: Mapped[bool] = mapped_column(default=False)
    document_hash: Mapped[str] = mapped_column(String(64))
    # The date an innspill sent by e-mail or letter was received (mottatt dato); None for the web.
    received_on: Mapped[date | None] = mapped_column(Date)
    # KIND_LETTER or KIND_REVISED_DRAFT; None for every other entry.
    kind: Mapped[str | None] = mapped_column(String(20))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    consultation = relationship("Consultation")
    replies_to: Mapped[JournalEntry | None] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<JournalEntry {self.journal_number}>"

    @property
    def journal_number(self) -> str:
        return f"{self.year}/{self.seq:06d}"

    @property
    def registration_id(self) -> str:
        return f"{self.case_number}-{self.record_number}"


class JournalDocument(db.Model):
    """The text of a document the agency made itself (not an innspill or an answer), as
    journaled: what the entry's document hash is taken over. Append-only like the entry."""

    __tablename__ = "journal_documents"

    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"), primary_key=True)
    text: Mapped[str] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"<JournalDocument {self.entry_id}>"


class JournalRecipient(db.Model):
    """One recipient (korrespondansepart "Mottaker") of an outgoing entry sent to several: the
    høringsinstanser invited when it was journaled. Append-only like the entry; its hash covers
    them."""

    __tablename__ = "journal_recipients"

    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(200))
    org_number: Mapped[str | None] = mapped_column(String(9))

    def __repr__(self) -> str:
        return f"<JournalRecipient {self.entry_id}/{self.position}>"


class JournalAttachment(db.Model):
    """One of the agency's documents journaled with a høringsbrev journalpost, in the order they
    stand in it (the høringsbrev first). A document sent again with a later høringsbrev
    (KIND_LATE_LETTER) stands in that journalpost too."""

    __tablename__ = "journal_attachments"

    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"), primary_key=True)
    position: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachments.id"), index=True)

    def __repr__(self) -> str:
        return f"<JournalAttachment {self.entry_id}/{self.position}>"


class JournalChange(db.Model):
    """An endringslogg record: a later change to a journal entry, itself append-only.

    Numbered and hash-chained per agency and year of the change, like the entries.
    """

    __tablename__ = "journal_changes"
    __table_args__ = (UniqueConstraint("agency_id", "year", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"), index=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"))
    year: Mapped[int]
    seq: Mapped[int]
    # The file of the entry a *_file change is about.
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    field: Mapped[str] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    changed_by: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    entry: Mapped[JournalEntry] = relationship()

    def __repr__(self) -> str:
        return f"<JournalChange {self.change_number} {self.field}>"

    @property
    def change_number(self) -> str:
        return f"{self.year}/{self.seq:06d}"


class Avskrivning(db.Model):
    """How and when an incoming journalpost was dealt with (avskrivning, Noark 5 krav 3.4.1-3.4.5,
    arkivforskriften § 10). One per incoming entry; never changed or deleted.

    by_entry is the outgoing entry that answered it (referanseAvskrivesAvJournalpost), or None when
    it was avskrevet without an answer (closing the case), with the reason recorded.
    """

    __tablename__ = "journal_avskrivninger"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("journal_entries.id"), unique=True)
    by_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"))
    method: Mapped[str] = mapped_column(String(40))
    avskrevet_on: Mapped[date] = mapped_column(Date)
    avskrevet_by: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)

    entry: Mapped[JournalEntry] = relationship(foreign_keys=[entry_id])
    by_entry: Mapped[JournalEntry | None] = relationship(foreign_keys=[by_entry_id])

    def __repr__(self) -> str:
        return f"<Avskrivning {self.entry_id} {self.method}>"


class JournalImmutableError(RuntimeError):
    """The journal is append-only (arkivforskriften): entries are never changed in place."""


@event.listens_for(JournalEntry, "before_update")
@event.listens_for(JournalEntry, "before_delete")
@event.listens_for(JournalChange, "before_update")
@event.listens_for(JournalChange, "before_delete")
@event.listens_for(Avskrivning, "before_update")
@event.listens_for(Avskrivning, "before_delete")
@event.listens_for(JournalDocument, "before_update")
@event.listens_for(JournalDocument, "before_delete")
@event.listens_for(JournalRecipient, "before_update")
@event.listens_for(JournalRecipient, "before_delete")
@event.listens_for(JournalAttachment, "before_update")
@event.listens_for(JournalAttachment, "before_delete")
def _refuse_change(mapper, connection, target):
    raise JournalImmutableError(f"{target!r} is append-only")
