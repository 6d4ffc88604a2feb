"""A closed consultation, read from the database, as a Noark 5 arkivuttrekk (the adapter).

Maps the app's models to the plain data of hoering.archive.model and hands it to
noark5.write_extraction. Rows are streamed (yield_per, plain columns rather than ORM objects);
each document is a functools.partial over a frozen context, so it is rendered only when written,
in a worker process when workers > 1.

Decisions where the standard leaves room:
- One saksmappe per consultation; every journal entry is a journalpost: innspill (I) and the
  agency's replies (U, with a kryssreferanse to the innspill they answer).
- Each innspill is a PDF/A-2b showing it in its original context: the consultation, the
  paragraph text of the version it was written on, the text, and the innspill it replies to.
  A quoted innspill is always shown as the public saw it (its public text, "Privatperson" for
  a screened name), so one document never carries another's screened content.
- Screening follows the journal: the entry folded with its change records. A screened name is
  skjermingMetadata "Skjerming navn avsender/mottaker"; a screened name or a redacted text
  (public_body differs from the text) also gives a redacted variant file ("Dokument hvor deler
  av innholdet er skjermet"). The archive copy keeps everything.
- The høringsbrev journalpost (U), journaled when the consultation opened, holds the agency's
  documents put out before (the høringsbrev as hoveddokument, the høringsnotat and the rest as
  vedlegg) and the draft as published (a PDF/A; the hoveddokument when there is no høringsbrev),
  with each invited høringsinstans as a korrespondansepart "Mottaker". A draft version published
  later is the document of its own outgoing journalpost. The agency's own journalposts keep their
  documents in an export without the innspill's (documents=False).
- Each saksmappe is filed in its consultation's class of the agency's arkivnøkkel (the agency's
  default class unless a case officer chose another); the klassifikasjonssystem holds the classes
  the exported cases use.
- systemIDs are the rows' own UUIDs, or derived from them with uuid5, so that they are stable
  from one export to the next (krav 6.4.26).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased

from hoering.accounts.models import Agency, User
from hoering.archive.documents import (
    PRIVATE_PERSON,
    DraftContext,
    DraftParagraph,
    DraftSection,
    QuotedSubmission,
    SubmissionContext,
    render_draft_pdf,
    render_submission_pdf,
    render_text_pdf,
)
from hoering.archive.model import (
    ATTACHMENT,
    INCOMING,
    MAIN_DOCUMENT,
    PARTLY_SCREENED,
    RECIPIENT,
    REDACTED_FORMAT,
    SCREENED_DOCUMENT_TITLE,
    SCREENED_RECIPIENT,
    SCREENED_SENDER,
    SENDER,
    WHOLLY_SCREENED,
    Avskrivning,
    Case,
    Change,
    Class,
    Classification,
    Document,
    DocumentFile,
    Extraction,
    Party,
    Record,
    Remark,
    Retention,
    Screening,
)
from hoering.archive.noark5 import ArchiveError, DestinationError, Progress, write_extraction
from hoering.archive.settings import class_of
from hoering.consultations.models import (
    STATUS_ARCHIVED,
    STATUS_CLOSED,
    Consultation,
    DraftVersion,
    Paragraph,
    Section,
)
from hoering.consultations.services import CLOSED_BY_DEADLINE
from hoering.db import utcnow
from hoering.documents.archive import AttachmentDocuments
from hoering.documents.models import KIND_LETTER as HORINGSBREV
from hoering.documents.models import Attachment
from hoering.errors import BadInputError, ConflictError, NotFoundError
from hoering.extensions import db
from hoering.journal.models import (
    CHANGE_FIELDS,
    FILE_CHANGE_FIELDS,
    KIND_LATE_LETTER,
    KIND_LETTER,
    KIND_REVISED_DRAFT,
    JournalAttachment,
    JournalChange,
    JournalDocument,
    JournalEntry,
    JournalRecipient,
)
from hoering.journal.models import Avskrivning as Avskrevet
from hoering.journal.services import (
    OSLO,
    SCREENING_BASIS,
    SCREENING_YEARS,
    changes_by_entry,
    fold_screening,
    paragraph_title,
)
from hoering.submissions.models import AgencyReply, Submission

SYSTEM_NAME = "Høring"
_NAMESPACE = uuid.UUID("6d0c7a0e-3f57-4b8a-9a54-2f1f4e1c9b21")
POSITIONS = {"support": "Støtter", "oppose": "Går imot", "neutral": "Nøytral"}
YIELD_PER = 1000


class NotClosedError(ConflictError):
    message = _l(
        "Høringen er ikke lukket. Et arkivuttrekk kan bare lages av en lukket høring "
        "(Noark 5 krav 6.4.12). Lukk høringen først."
    )


class ExportDestinationError(BadInputError):
    message = _l("Arkivuttrekket kan ikke skrives dit. Velg en mappe du kan skrive til.")


def derived_id(system_id: str, name: str) -> str:
    """A stable systemID for something made from a row (a file of a document, an arkivdel)."""
    return str(uuid.uuid5(_NAMESPACE, f"{system_id}/{name}"))


def check_exportable(consultation: Consultation) -> None:
    """Only a closed (or archived) consultation may be deposited: v5.0 needs closing dates."""
    if consultation.status not in (STATUS_CLOSED, STATUS_ARCHIVED) or not consultation.closed_at:
        raise NotClosedError()


def _local(value: datetime) -> datetime:
    return value.astimezone(OSLO)


class ParagraphIndex:
    """Every paragraph and version of one consultation, read once (they are few)."""

    def __init__(self, consultation: Consultation) -> None:
        self.versions = dict(
            db.session.execute(
                select(DraftVersion.id, DraftVersion.number).where(
                    DraftVersion.consultation_id == consultation.id
                )
            ).all()
        )
        self.paragraphs = {
            p.id: p
            for p in db.session.scalars(
                select(Paragraph).where(Paragraph.consultation_id == consultation.id)
            )
        }

    def version_label(self, version_id: int | None) -> str:
        number = self.versions.get(version_id)
        return f"versjon {number}" if number else "utkastet"

    def label(self, paragraph_id: int | None) -> str | None:
        """'§ 3 første ledd' for a paragraph; None for a statement on the whole."""
        paragraph = self.paragraphs.get(paragraph_id)
        return None if paragraph is None else paragraph_title(paragraph)

    def context(self, paragraph_id: int | None) -> dict:
        paragraph = self.paragraphs.get(paragraph_id)
        if paragraph is None:
            return {"paragraph_number": None, "paragraph_heading": None, "paragraph_text": None}
        return {
            "paragraph_number": self.label(paragraph_id),
            "paragraph_heading": paragraph.section.title,
            "paragraph_text": paragraph.text,
        }


def _draft_document(consultation: Consultation, version: DraftVersion, role: str) -> Document:
    """A published draft version as one PDF/A document (its systemID the version's own)."""
    sections = db.session.scalars(
        select(Section).where(Section.version_id == version.id).order_by(Section.position)
    ).all()
    by_section: dict[int, list[DraftParagraph]] = {s.id: [] for s in sections}
    for paragraph in db.session.scalars(
        select(Paragraph).where(Paragraph.version_id == version.id).order_by(Paragraph.position)
    ):
        number = paragraph.marker or f"({paragraph.ordinal})"
        by_section[paragraph.section_id].append(DraftParagraph(number, paragraph.text))
    ctx = DraftContext(
        consultation_title=consultation.title,
        case_number=consultation.case_number,
        agency=consultation.agency.name,
        version_label=f"versjon {version.number}",
        published_on=_local(version.published_at).date(),
        sections=tuple(
            DraftSection(
                " ".join(part for part in (s.number, s.title) if part), tuple(by_section[s.id])
            )
            for s in sections
        ),
    )
    file = DocumentFile(
        derived_id(version.system_id, "arkivformat"), functools.partial(render_draft_pdf, ctx)
    )
    return Document(
        version.system_id,
        f"Høringsutkast, versjon {version.number}",
        "Høringsutkast",
        (file,),
        role=role,
    )


def _record_query(consultation: Consultation):
    """One row per journal entry with all a journalpost needs, in journal order."""
    other = aliased(Submission)  # the innspill a reply or an agency answer responds to
    answered = func.coalesce(Submission.parent_id, AgencyReply.submission_id)
    replied_entry = aliased(JournalEntry)
    answering = aliased(JournalEntry)  # the answer that avskrev an innspill
    officer = aliased(User)
    return (
        select(
            JournalEntry.id,
            JournalEntry.system_id,
            JournalEntry.year,
            JournalEntry.seq,
            JournalEntry.record_number,
            JournalEntry.case_number,
            JournalEntry.document_type,
            JournalEntry.journal_date,
            JournalEntry.registered_at,
            JournalEntry.correspondent_name,
            JournalEntry.correspondent_organisation,
            JournalEntry.title,
            JournalEntry.screened_name,
            JournalEntry.paragraph_id,
            JournalEntry.version_id,
            JournalEntry.attachment_id,
            JournalEntry.kind,
            replied_entry.system_id.label("replies_to_system_id"),
            Submission.system_id.label("submission_system_id"),
            Submission.body,
            Submission.public_body,
            Submission.position,
            Submission.created_at,
            AgencyReply.system_id.label("reply_system_id"),
            AgencyReply.body.label("reply_body"),
            AgencyReply.created_at.label("reply_created_at"),
            officer.name.label("officer_name"),
            other.author_name.label("other_author"),
            other.hide_name.label("other_hide_name"),
            other.respondent_type.label("other_respondent_type"),
            other.organisation_name.label("other_organisation"),
            other.created_at.label("other_created_at"),
            other.body.label("other_body"),
            other.public_body.label("other_public_body"),
            JournalDocument.text.label("own_text"),
            Submission.attachment_count,
            Avskrevet.avskrevet_on,
            Avskrevet.avskrevet_by,
            Avskrevet.method.label("avskrivning_method"),
            answering.system_id.label("avskrevet_by_system_id"),
        )
        .outerjoin(Submission, Submission.id == JournalEntry.submission_id)
        .outerjoin(AgencyReply, AgencyReply.id == JournalEntry.agency_reply_id)
        .outerjoin(officer, officer.id == AgencyReply.author_id)
        .outerjoin(other, other.id == answered)
        .outerjoin(replied_entry, replied_entry.id == JournalEntry.replies_to_id)
        .outerjoin(JournalDocument, JournalDocument.entry_id == JournalEntry.id)
        .outerjoin(Avskrevet, Avskrevet.entry_id == JournalEntry.id)
        .outerjoin(answering, answering.id == Avskrevet.by_entry_id)
        .where(JournalEntry.consultation_id == consultation.id)
        .order_by(JournalEntry.year, JournalEntry.seq)
        .execution_options(yield_per=YIELD_PER)
    )


class _Records:
    """Builds the journalposter of one consultation; called once per pass over the data."""

    def __init__(
        self, consultation: Consultation, documents: bool, only: list[int] | Select | None = None
    ) -> None:
        """only: build just these entries' journalposter (ids or a select of ids), as the
        arkivmeldinger do; the whole case otherwise."""
        self.consultation = consultation
        self.documents = documents
        self.agency = consultation.agency.name
        self.paragraphs = ParagraphIndex(consultation)
        self.only = only
        entry_ids = (
            only
            if only is not None
            else select(JournalEntry.id).where(JournalEntry.consultation_id == consultation.id)
        )
        self.attachments = AttachmentDocuments(derived_id, SYSTEM_NAME)
        self.changes = changes_by_entry(entry_ids)
        self.remarks = _remarks(self.changes)
        self.file_remarks = _file_remarks(self.changes)
        self.recipients = _recipients(entry_ids)
        self.letter_documents = _letter_documents(entry_ids)
        self.case_number = f"{consultation.case_year}/{consultation.case_seq}"
        self.default_basis = consultation.agency.name_screening_basis or SCREENING_BASIS

    def __call__(self, _case: Case) -> Iterator[Record]:
        query = _record_query(self.consultation)
        if self.only is not None:
            query = query.where(JournalEntry.id.in_(self.only))
        with db.session.execute(query) as rows:
            for row in rows:
                yield self.record(row)

    def _quoted(self, row) -> QuotedSubmission | None:
        """The innspill answered, as the public saw it."""
        if row.other_author is None:
            return None
        private = row.other_hide_name and row.other_respondent_type == "private"
        text = row.other_public_body if row.other_public_body is not None else row.other_body
        return QuotedSubmission(
            PRIVATE_PERSON if private else row.other_author,
            _local(row.other_created_at),
            text,
        )

    def _screening(self, metadata: tuple[str, ...], document: str | None, basis, on: date):
        return Screening(
            basis=basis or self.default_basis,
            metadata=metadata,
            document=document,
            years=SCREENING_YEARS,
            ends=_years_later(on, SCREENING_YEARS),
        )

    def _file_screening(self, document: str, *, basis, on: date) -> Screening:
        """The skjerming of a file a moderator withheld (whole) or redacted (in part)."""
        return self._screening((SCREENED_DOCUMENT_TITLE,), document, basis, on)

    def record(self, row) -> Record:
        incoming = row.document_type == INCOMING
        state = fold_screening(row.screened_name, row.title, self.changes.get(row.id, []))
        redacted = incoming and row.public_body is not None and row.public_body != row.body
        # The archive copy of an innspill shows its author's name and whole text; the answer's
        # quotes the innspill as the public saw it, so only an innspill's document is ever screened.
        record_screening = None
        if state.name:
            record_screening = self._screening(
                (SCREENED_SENDER if incoming else SCREENED_RECIPIENT,),
                PARTLY_SCREENED if incoming and self.documents else None,
                state.basis,
                row.journal_date,
            )
        document_screening = None
        if redacted and not state.name and self.documents:
            # skjermingMetadata is required in a skjerming: only the document is screened here.
            document_screening = self._screening(
                (SCREENED_DOCUMENT_TITLE,), PARTLY_SCREENED, state.basis, row.journal_date
            )
        remarks = tuple(self.remarks.get(row.id, ()))
        registered = _local(row.registered_at)
        registration_id = f"{self.case_number}-{row.record_number}"
        documents = ()
        # The agency's own journalposts keep their documents in an export without the innspill's.
        if self.documents or row.kind is not None:
            documents = self._documents(
                row,
                state.title,
                registration_id,
                remarks,
                variant=(state.name and incoming) or redacted,
                name_screened=state.name,
                screening=document_screening,
                screen_file=functools.partial(
                    self._file_screening, basis=state.basis, on=row.journal_date
                ),
            )
        return Record(
            system_id=row.system_id,
            journal_year=row.year,
            journal_seq=row.seq,
            record_number=row.record_number,
            registration_id=registration_id,
            journal_post_type=row.document_type,
            title=state.title,
            public_title=None,
            journal_date=row.journal_date,
            document_date=registered.date(),
            created_at=registered,
            created_by=SYSTEM_NAME,
            archived_at=registered,
            archived_by=SYSTEM_NAME,
            parties=tuple(
                Party(name, None, RECIPIENT) for name, _org_number in self.recipients[row.id]
            )
            if row.id in self.recipients
            else (
                Party(
                    row.correspondent_name,
                    row.correspondent_organisation,
                    SENDER if incoming else RECIPIENT,
                ),
            ),
            sent_at=None if incoming else registered,
            documents=documents,
            screening=record_screening,
            replies_to_system_id=row.replies_to_system_id,
            remarks=remarks,
            avskrivninger=(
                (
                    Avskrivning(
                        row.avskrevet_on,
                        row.avskrevet_by,
                        row.avskrivning_method,
                        row.avskrevet_by_system_id,
                    ),
                )
                if row.avskrivning_method
                else ()
            ),
        )

    def _documents(
        self,
        row,
        title: str,
        registration_id: str,
        remarks: tuple[Remark, ...],
        *,
        variant: bool,
        name_screened: bool,
        screening: Screening | None,
        screen_file: Callable[[str], Screening],
    ) -> tuple[Document, ...]:
        if row.attachment_id is not None:
            return self.attachments.agency_document(row.attachment_id)
        if row.kind == KIND_LETTER:
            return self._letter_documents(row)
        if row.kind == KIND_LATE_LETTER:
            return tuple(_sent_again(d, row.system_id) for d in self._letter_documents(row))
        if row.kind == KIND_REVISED_DRAFT:
            version = db.session.get(DraftVersion, row.version_id)
            return (_draft_document(self.consultation, version, MAIN_DOCUMENT),)
        if row.own_text is not None:  # a document the agency wrote: the høringsoppsummering
            render = functools.partial(
                render_text_pdf, title, row.case_number, self.agency, row.own_text
            )
            files = (DocumentFile(derived_id(row.system_id, "arkivformat"), render),)
            kind = "Høringsoppsummering"
            return (Document(derived_id(row.system_id, "dokument"), title, kind, files),)
        incoming = row.document_type == INCOMING
        consultation = self.consultation
        ctx = SubmissionContext(
            consultation_title=consultation.title,
            case_number=self.case_number,
            agency=self.agency,
            version_label=self.paragraphs.version_label(row.version_id),
            **self.paragraphs.context(row.paragraph_id),
            text=row.body if incoming else row.reply_body,
            author=row.correspondent_name if incoming else row.officer_name,
            organisation=row.correspondent_organisation if incoming else self.agency,
            submitted_at=_local(row.created_at if incoming else row.reply_created_at),
            journal_number=f"{row.year}/{row.seq:06d}",
            registration_id=registration_id,
            outgoing=not incoming,
            position=POSITIONS.get(row.position) if incoming else None,
            in_reply_to=self._quoted(row),
            notes=tuple(remark.text for remark in remarks),
        )
        system_id = row.submission_system_id if incoming else row.reply_system_id
        files = [
            DocumentFile(
                derived_id(system_id, "arkivformat"), functools.partial(render_submission_pdf, ctx)
            )
        ]
        if variant:
            text_redacted = incoming and row.public_body is not None and row.public_body != row.body
            notes = ctx.notes
            if name_screened:
                notes += ("Avsenderens navn er skjermet.",)
            if text_redacted:
                notes += ("Deler av teksten er skjermet.",)
            redacted = replace(
                ctx,
                text=row.public_body if text_redacted else ctx.text,
                redacted=True,
                author_screened=name_screened,
                notes=notes,
            )
            files.append(
                DocumentFile(
                    derived_id(system_id, "skjermet"),
                    functools.partial(render_submission_pdf, redacted),
                    variant=REDACTED_FORMAT,
                )
            )
        kind = "Høringsuttalelse" if incoming else "Svar på høringsuttalelse"
        attached = (
            self.attachments.documents(
                row.submission_system_id, screen=screen_file, remarks=self.file_remarks
            )
            if incoming and row.attachment_count
            else ()
        )
        return (
            Document(system_id, title, kind, tuple(files), remarks=remarks, screening=screening),
            *attached,
        )

    def _letter_documents(self, row) -> tuple[Document, ...]:
        """The høringsbrev first (hoveddokument), the other agency documents, then the draft as
        published; without a høringsbrev, the draft is the hoveddokument."""
        attachment_ids = self.letter_documents.get(row.id, [])
        agency_documents = [
            document
            for attachment_id in attachment_ids
            for document in self.attachments.agency_document(attachment_id)
        ]
        has_letter = bool(attachment_ids) and (
            db.session.get(Attachment, attachment_ids[0]).kind == HORINGSBREV
        )
        version = db.session.get(DraftVersion, row.version_id)
        draft = _draft_document(
            self.consultation, version, ATTACHMENT if has_letter else MAIN_DOCUMENT
        )
        if not has_letter:
            return (draft, *(replace(d, role=ATTACHMENT) for d in agency_documents))
        main, *rest = agency_documents
        return (main, *(replace(d, role=ATTACHMENT) for d in rest), draft)


def _sent_again(document: Document, record_system_id: str) -> Document:
    """A document sent again with a later journalpost: the same files as a dokumentbeskrivelse
    of that journalpost, with systemIDs of its own derived from the journalpost's."""
    return replace(
        document,
        system_id=derived_id(record_system_id, document.system_id),
        files=tuple(
            replace(file, system_id=derived_id(record_system_id, file.system_id))
            for file in document.files
        ),
    )


def _recipients(entry_ids) -> dict[int, list[tuple[str, str | None]]]:
    """The recipients (høringsinstanser) of the entries sent to several, in order."""
    found: dict[int, list[tuple[str, str | None]]] = {}
    for entry_id, name, org_number in db.session.execute(
        select(JournalRecipient.entry_id, JournalRecipient.name, JournalRecipient.org_number)
        .where(JournalRecipient.entry_id.in_(entry_ids))
        .order_by(JournalRecipient.entry_id, JournalRecipient.position)
    ):
        found.setdefault(entry_id, []).append((name, org_number))
    return found


def _letter_documents(entry_ids) -> dict[int, list[int]]:
    """The agency's documents journaled with each høringsbrev journalpost, in order."""
    found: dict[int, list[int]] = {}
    for entry_id, attachment_id in db.session.execute(
        select(JournalAttachment.entry_id, JournalAttachment.attachment_id)
        .where(JournalAttachment.entry_id.in_(entry_ids))
        .order_by(JournalAttachment.entry_id, JournalAttachment.position)
    ):
        found.setdefault(entry_id, []).append(attachment_id)
    return found


def _years_later(day: date, years: int) -> date:
    """The same date `years` later (28 February for 29 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


# A moderator's outcome, as the merknad of the journalpost says it (M310).
MODERATION_REMARKS = {
    "published": "Godkjent og publisert av moderator",
    "pending": "Holdt tilbake for moderering",
    "hidden": "Skjult av moderator",
    "rejected": "Avvist av moderator",
    "withdrawn": "Trukket tilbake av innsenderen",
}
REMARK_KIND = "Merknad om moderering"


def _remarks(changes: dict[int, list[JournalChange]]) -> dict[int, list[Remark]]:
    """Each moderation outcome logged on an entry, as a merknad in Norwegian."""
    found: dict[int, list[Remark]] = {}
    for entry_id, entry_changes in changes.items():
        for change in entry_changes:
            if change.field != "moderation_status":
                continue
            text = MODERATION_REMARKS.get(change.new_value or "", "Moderert")
            if change.reason:
                text = f"{text}: {change.reason}"
            found.setdefault(entry_id, []).append(
                Remark(text, REMARK_KIND, _local(change.changed_at), change.changed_by)
            )
    return found


# A moderator's step on one file, as the merknad of its dokumentbeskrivelse says it (M310).
FILE_REMARKS = {
    ("withheld_file", "true"): "Holdt tilbake fra offentligheten av moderator",
    ("withheld_file", "false"): "Vist offentlig igjen av moderator",
}
REDACTED_FILE_REMARK = "Sladdet kopi publisert av moderator i stedet for filen"


def _file_remarks(changes: dict[int, list[JournalChange]]) -> dict[int, tuple[Remark, ...]]:
    """Each moderator's step on a file, as merknader of the file's document, by attachment id."""
    found: dict[int, list[Remark]] = {}
    for entry_changes in changes.values():
        for change in entry_changes:
            if change.field not in FILE_CHANGE_FIELDS or change.attachment_id is None:
                continue
            text = FILE_REMARKS.get((change.field, change.new_value), REDACTED_FILE_REMARK)
            if change.reason:
                text = f"{text}: {change.reason}"
            found.setdefault(change.attachment_id, []).append(
                Remark(text, REMARK_KIND, _local(change.changed_at), change.changed_by)
            )
    return {attachment_id: tuple(remarks) for attachment_id, remarks in found.items()}


def _changes(consultation: Consultation, documents: bool) -> Callable[[], Iterator[Change]]:
    """The change records of the consultation's entries, as endringslogg entries. A change to a
    file changes its own dokumentbeskrivelse, or the journalpost when documents are left out."""

    def value(field: str, stored: str | None, incoming: bool) -> str | None:
        if field == "screened_name":
            name = SCREENED_SENDER if incoming else SCREENED_RECIPIENT
            return name if stored == "true" else None
        if field == "screened_document":
            return PARTLY_SCREENED if stored == "true" else None
        if field == "withheld_file":
            return WHOLLY_SCREENED if stored == "true" else None
        if field == "redacted_file":
            return PARTLY_SCREENED if stored else None
        return stored

    def changes() -> Iterator[Change]:
        rows = db.session.execute(
            select(JournalChange, JournalEntry.system_id, JournalEntry.document_type)
            .add_columns(Attachment.system_id)
            .join(JournalEntry, JournalEntry.id == JournalChange.entry_id)
            .outerjoin(Attachment, Attachment.id == JournalChange.attachment_id)
            .where(JournalEntry.consultation_id == consultation.id)
            .order_by(JournalChange.id)
        )
        for change, system_id, kind, file_system_id in rows:
            if change.field == "moderation_status":
                continue  # a merknad on the journalpost, not a change of its metadata
            incoming = kind == INCOMING
            yield Change(
                target_system_id=(file_system_id if documents else None) or system_id,
                element=CHANGE_FIELDS[change.field],
                changed_at=_local(change.changed_at),
                changed_by=change.changed_by,
                old_value=value(change.field, change.old_value, incoming),
                new_value=value(change.field, change.new_value, incoming),
            )

    return changes


def _case(consultation: Consultation) -> Case:
    creator = consultation.created_by.name
    class_id, class_title = class_of(consultation)
    closed_at = consultation.closed_at
    if closed_at is not None:
        # The agency's concluding document (the høringsoppsummering) is journaled after the
        # deadline: the folder closes with its last entry.
        last_entry = db.session.scalar(
            select(func.max(JournalEntry.registered_at)).where(
                JournalEntry.consultation_id == consultation.id
            )
        )
        closed_at = max(closed_at, last_entry) if last_entry else closed_at
    return Case(
        system_id=consultation.system_id,
        case_year=consultation.case_year,
        case_seq=consultation.case_seq,
        title=consultation.title,
        public_title=None,
        description=consultation.summary or None,
        created_at=_local(consultation.created_at),
        created_by=creator,
        closed_at=_local(closed_at) if closed_at else None,
        closed_by=(consultation.closed_by.name if consultation.closed_by else CLOSED_BY_DEADLINE)
        if consultation.closed_at
        else None,
        case_date=_local(consultation.created_at).date(),
        administrative_unit=consultation.agency.name,
        responsible=creator,
        class_id=class_id,
        class_title=class_title,
        classification_system_id=_classification_system_id(consultation.agency),
        status="Avsluttet" if consultation.closed_at else "Under behandling",
    )


def _classification_system_id(agency: Agency) -> str:
    return derived_id(agency.org_number, f"klassifikasjonssystem/{agency.slug}")


def _classification(agency: Agency, consultations: list[Consultation]) -> Classification:
    """The agency's klassifikasjonssystem with the classes the consultations are filed in."""
    org, slug = agency.org_number, agency.slug
    used: dict[str, str] = {}
    for consultation in consultations:
        class_id, title = class_of(consultation)
        used.setdefault(class_id, title)
    return Classification(
        system_id=_classification_system_id(agency),
        title=agency.classification_title,
        classes=tuple(
            Class(derived_id(org, f"klasse/{slug}/{class_id}"), class_id, title)
            for class_id, title in sorted(used.items())
        ),
    )


def _agency_parts(agency: Agency, period_end: date, consultations: list[Consultation]) -> dict:
    """What every arkivuttrekk of the agency shares: the arkiv, its creator, the agency's
    bevaring og kassasjon and its klassifikasjonssystem (archive settings)."""
    org, slug = agency.org_number, agency.slug
    return {
        "archive_system_id": derived_id(org, f"arkiv/{slug}"),
        "archive_title": f"{agency.name} – elektroniske høringer",
        "creator_id": agency.org_number,
        "creator_name": agency.name,
        "system_name": SYSTEM_NAME,
        "created_at": _local(agency.created_at),
        "created_by": SYSTEM_NAME,
        "retention": Retention(
            decision=agency.disposal_decision,
            authority=agency.disposal_authority,
            years=agency.retention_years,
            due=_years_later(period_end, agency.retention_years),
        ),
        "classification": _classification(agency, consultations),
    }


def journalpost(entry: JournalEntry, *, documents: bool = True) -> tuple[Case, list[Record]]:
    """One journal entry as the saksmappe and journalpost an arkivmelding carries, as they stand
    now (its screening, merknader and avskrivning included)."""
    case = _case(entry.consultation)
    return case, list(_Records(entry.consultation, documents, [entry.id])(case))


def closed_case(consultation: Consultation) -> tuple[Case, Iterator[Record]]:
    """The saksmappe as it stands (saksstatus, avsluttetDato) with the journalposter its closing
    avskrev (those no answer had avskrevet), read as they are used and without their documents:
    what tells the agency's archive the case is closed."""
    case = _case(consultation)
    avskrevet = (
        select(Avskrevet.entry_id)
        .join(JournalEntry, JournalEntry.id == Avskrevet.entry_id)
        .where(
            JournalEntry.consultation_id == consultation.id,
            Avskrevet.by_entry_id.is_(None),
        )
    )
    return case, _Records(consultation, False, avskrevet)(case)


def build_extraction(
    consultation: Consultation,
    *,
    produced_by: str,
    documents: bool = True,
    now: datetime | None = None,
) -> Extraction:
    """A case officer's copy: the arkivuttrekk of one closed consultation, in an arkivdel of its
    own (its systemID derived from the consultation's, so it never collides with the period's
    arkivdel). documents=False leaves out the PDFs of the innspill and replies (the agency's own
    documents stay, so the package keeps its DOKUMENT folder)."""
    check_exportable(consultation)
    now = _local(now or utcnow())
    first, last = db.session.execute(
        select(func.min(JournalEntry.journal_date), func.max(JournalEntry.journal_date)).where(
            JournalEntry.consultation_id == consultation.id
        )
    ).one()
    case = _case(consultation)
    period_end = max(filter(None, (last, case.closed_at.date())))
    return Extraction(
        **_agency_parts(consultation.agency, period_end, [consultation]),
        series_system_id=derived_id(consultation.system_id, "arkivdel"),
        series_title=f"Elektronisk høring {case.case_number}: {consultation.title}"[:500],
        period_start=min(filter(None, (first, case.created_at.date()))),
        period_end=period_end,
        produced_at=now,
        produced_by=produced_by,
        series_created_at=case.created_at,
        series_closed_at=case.closed_at,
        series_closed_by=case.closed_by,
        cases=lambda: [case],
        records=_Records(consultation, documents),
        changes=_changes(consultation, documents),
    )


def period_consultations(agency: Agency, year: int) -> list[Consultation]:
    """The agency's closed consultations whose saksår is the year, in case-number order. One still
    open is not in the period's arkivdel: it moves on to the next (periodisering, krav 6.4.12)."""
    found = [
        c
        for c in db.session.scalars(
            select(Consultation).where(
                Consultation.agency_id == agency.id,
                Consultation.status.in_((STATUS_CLOSED, STATUS_ARCHIVED)),
            )
        )
        if c.case_year == year
    ]
    if not found:
        raise NotFoundError(
            _("Virksomheten har ingen lukkede høringer med saksår %(year)s.", year=year)
        )
    return sorted(found, key=lambda c: c.case_seq)


def build_period_extraction(
    agency: Agency,
    year: int,
    *,
    produced_by: str,
    documents: bool = True,
    now: datetime | None = None,
) -> Extraction:
    """Every consultation of the agency's arkivdel for the year (saksår) in one arkivuttrekk:
    one arkivdel with the period's dates and a systemID stable across re-exports."""
    now = _local(now or utcnow())
    consultations = period_consultations(agency, year)
    cases = [_case(c) for c in consultations]
    by_case = {c.system_id: c for c in consultations}
    builders: dict[str, _Records] = {}

    def records(case: Case) -> Iterator[Record]:
        if case.system_id not in builders:
            builders[case.system_id] = _Records(by_case[case.system_id], documents)
        return builders[case.system_id](case)

    def changes() -> Iterator[Change]:
        for consultation in consultations:
            yield from _changes(consultation, documents)()

    last_closed = max(cases, key=lambda case: case.closed_at)
    period_end = date(year, 12, 31)
    return Extraction(
        **_agency_parts(agency, period_end, consultations),
        series_system_id=derived_id(agency.org_number, f"arkivdel/{agency.slug}/{year}"),
        series_title=f"Elektroniske høringer {year}",
        period_start=date(year, 1, 1),
        period_end=period_end,
        produced_at=now,
        produced_by=produced_by,
        series_created_at=min(case.created_at for case in cases),
        series_closed_at=last_closed.closed_at,
        series_closed_by=last_closed.closed_by,
        cases=lambda: cases,
        records=records,
        changes=changes,
    )


def export_consultation(
    consultation: Consultation,
    out_path: Path,
    *,
    produced_by: str,
    documents: bool = True,
    progress: Progress | None = None,
    workers: int = 2,
) -> Path:
    """Write the consultation's arkivuttrekk as one .tar at out_path: all of it or nothing."""
    extraction = build_extraction(consultation, produced_by=produced_by, documents=documents)
    return write_package(extraction, out_path, progress=progress, workers=workers)


def export_period(
    agency: Agency,
    year: int,
    out_path: Path,
    *,
    produced_by: str,
    documents: bool = True,
    progress: Progress | None = None,
    workers: int = 2,
) -> Path:
    """Write the agency's arkivdel for the year as one .tar at out_path: all of it or nothing."""
    extraction = build_period_extraction(agency, year, produced_by=produced_by, documents=documents)
    return write_package(extraction, out_path, progress=progress, workers=workers)


def write_package(
    extraction: Extraction, out_path: Path, *, progress: Progress | None, workers: int
) -> Path:
    """Write an Extraction, turning the writer's failures into messages for the user."""
    try:
        return write_extraction(extraction, out_path, progress=progress, workers=workers)
    except DestinationError as error:
        raise ExportDestinationError(
            _("Arkivuttrekket kan ikke skrives til %(path)s.", path=str(out_path))
        ) from error
    except ArchiveError as error:
        raise ConflictError(
            _("Arkivuttrekket kunne ikke lages: %(reason)s", reason=str(error))
        ) from error
