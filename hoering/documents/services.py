"""Attachments: checked by content, stored once per content, read for personal data, and given
a PDF/A rendition by the task queue. submit() calls check_files() and attach(); nothing else
adds an attachment."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import asdict, dataclass

from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from hoering.db import escape_like
from hoering.documents import detect, jobs, wordimport
from hoering.documents.blobs import store_blob
from hoering.documents.extract import extract_text
from hoering.documents.models import (
    AGENCY_KINDS,
    CONVERSION_DONE,
    CONVERSION_FAILED,
    CONVERSION_PENDING,
    KIND_LETTER,
    KIND_MEMO,
    KIND_OTHER,
    Attachment,
    Blob,
)
from hoering.errors import BadInputError, ForbiddenError
from hoering.extensions import db
from hoering.privacy.detect import Finding, find_personal_data
from hoering.submissions.models import Submission

log = logging.getLogger(__name__)


class FileTooLargeError(BadInputError):
    status = 413


@dataclass(frozen=True)
class Upload:
    """A file as it came in: the sender's name for it and its bytes."""

    name: str
    data: bytes


@dataclass(frozen=True)
class CheckedFile:
    name: str
    media_type: str
    data: bytes
    sha256: str
    text: str
    findings: tuple[Finding, ...]


def allowed_types() -> tuple[str, ...]:
    names = current_app.config["ATTACHMENT_TYPES"]
    return tuple(detect.NAMES[name] for name in names if name in detect.NAMES)


def accepted_text() -> str:
    """'PDF, DOCX, ODT' — what the form and every refusal say is accepted."""
    return ", ".join(name.upper() for name in current_app.config["ATTACHMENT_TYPES"])


def file_rules() -> str:
    """The rules for attachments, as the form states them."""
    config = current_app.config
    return str(
        _(
            "Du kan legge ved opptil %(count)s filer (%(types)s), høyst %(mb)s MB hver. "
            "Med vedlegg kan teksten være kort eller tom.",
            count=config["ATTACHMENT_MAX_COUNT"],
            types=accepted_text(),
            mb=config["ATTACHMENT_MAX_BYTES"] // (1024 * 1024),
        )
    )


def display_name(name: str) -> str:
    """The sender's file name, cut to its last part and cleared of control characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[-255:] or "vedlegg"


def check_files(uploads: list[Upload]) -> list[CheckedFile]:
    """Each file's type by content and its text, or a refusal naming the file and the rule."""
    config = current_app.config
    if len(uploads) > config["ATTACHMENT_MAX_COUNT"]:
        raise BadInputError(
            _("Du kan legge ved høyst %(n)s filer.", n=config["ATTACHMENT_MAX_COUNT"]),
            field="files",
        )
    limits = detect.Limits(
        max_unpacked=config["ATTACHMENT_MAX_UNPACKED"], max_ratio=config["ATTACHMENT_MAX_RATIO"]
    )
    checked = []
    for upload in uploads:
        name = display_name(upload.name)
        if len(upload.data) > config["ATTACHMENT_MAX_BYTES"]:
            raise FileTooLargeError(
                _(
                    "«%(name)s» er for stor. En fil kan være på høyst %(mb)s MB.",
                    name=name,
                    mb=config["ATTACHMENT_MAX_BYTES"] // (1024 * 1024),
                ),
                field="files",
            )
        if not upload.data:
            raise BadInputError(_("«%(name)s» er tom.", name=name), field="files")
        try:
            media_type = detect.sniff(upload.data, allowed_types(), limits)
        except detect.RefusedFileError as error:
            raise BadInputError(
                _(
                    "«%(name)s» ble ikke godtatt: %(reason)s Godtatte filtyper: %(types)s.",
                    name=name,
                    reason=error.message,
                    types=accepted_text(),
                ),
                field="files",
            ) from error
        text = extract_text(upload.data, media_type)
        checked.append(
            CheckedFile(
                name=name,
                media_type=media_type,
                data=upload.data,
                sha256=hashlib.sha256(upload.data).hexdigest(),
                text=text,
                findings=tuple(find_personal_data(text)),
            )
        )
    return checked


def attach(submission: Submission, files: list[CheckedFile]) -> list[Attachment]:
    """Store the files with the innspill (same transaction) and queue their PDF/A renditions."""
    attachments = []
    for checked in files:
        attachment = Attachment(
            consultation_id=submission.consultation_id,
            submission=submission,
            original_name=checked.name,
            media_type=checked.media_type,
            size=len(checked.data),
            sha256=store_blob(checked.data),
            text=checked.text,
            findings=[asdict(finding) for finding in checked.findings] or None,
        )
        db.session.add(attachment)
        attachments.append(attachment)
    db.session.flush()
    for attachment in attachments:
        jobs.queue_conversion(attachment)
    return attachments


def attachments_of(submission_ids: list[int]) -> dict[int, list[Attachment]]:
    """Each innspill's attachments in the order they were sent."""
    if not submission_ids:
        return {}
    rows = db.session.scalars(
        select(Attachment)
        .where(Attachment.submission_id.in_(submission_ids))
        .order_by(Attachment.id)
    )
    grouped: dict[int, list[Attachment]] = {}
    for attachment in rows:
        grouped.setdefault(attachment.submission_id, []).append(attachment)
    return grouped


@dataclass(frozen=True)
class PublicFile:
    """A file of a published innspill as the public gets it: its PDF/A rendition, or the
    moderator's redacted copy; the size and SHA-256 are of that file, not of the original."""

    id: int
    submission_id: int
    name: str
    size: int
    sha256: str
    media_type: str = detect.PDF

    def as_dict(self, slug: str) -> dict:
        """For the open data (API, exports): name, size, checksum, type and download URL."""
        return {
            "name": self.name,
            "size": self.size,
            "sha256": self.sha256,
            "media_type": self.media_type,
            "url": url_for(
                "documents.public_copy",
                slug=slug,
                submission_id=self.submission_id,
                attachment_id=self.id,
                _external=True,
            ),
        }


def public_files(submission_ids: list[int]) -> dict[int, list[PublicFile]]:
    """Each innspill's files the public may download, in one query: never a withheld file, nor
    one whose PDF/A is not made yet. Give only the ids of innspill the public sees."""
    if not submission_ids:
        return {}
    rows = db.session.execute(
        select(
            Attachment.id,
            Attachment.submission_id,
            Attachment.original_name,
            Blob.sha256,
            Blob.size,
        )
        .join(Blob, Blob.sha256 == Attachment.public_sha256)
        .where(Attachment.submission_id.in_(submission_ids))
        .order_by(Attachment.id)
    )
    grouped: dict[int, list[PublicFile]] = {}
    for attachment_id, submission_id, name, sha256, size in rows:
        grouped.setdefault(submission_id, []).append(
            PublicFile(attachment_id, submission_id, name, size, sha256)
        )
    return grouped


FILE_WITHHELD = "withheld"
FILE_CONVERTED = "converted"
FILE_STATES = {
    CONVERSION_DONE: FILE_CONVERTED,
    CONVERSION_FAILED: "failed",
    CONVERSION_PENDING: "pending",
}


def files_by_submission(consultation_id: int) -> dict[int, list[dict]]:
    """Every file of every innspill of a consultation, for the case officer's exports, in one
    query: name, size, SHA-256 and type of the file as received, and its state (converted,
    failed, pending or withheld; a redacted copy is flagged)."""
    rows = db.session.execute(
        select(
            Attachment.submission_id,
            Attachment.original_name,
            Attachment.size,
            Attachment.sha256,
            Attachment.media_type,
            Attachment.withheld,
            Attachment.conversion_status,
            Attachment.redacted_sha256,
        )
        .where(Attachment.consultation_id == consultation_id, Attachment.submission_id.is_not(None))
        .order_by(Attachment.id)
    )
    grouped: dict[int, list[dict]] = {}
    for row in rows:
        grouped.setdefault(row.submission_id, []).append(
            {
                "name": row.original_name,
                "size": row.size,
                "sha256": row.sha256,
                "media_type": row.media_type,
                "state": FILE_WITHHELD if row.withheld else FILE_STATES[row.conversion_status],
                "redacted": row.redacted_sha256 is not None,
            }
        )
    return grouped


def can_see_original(user, submission: Submission) -> bool:
    """The file as received: its sender, the agency's moderators and its case officers."""
    from hoering.consultations.services import can_manage
    from hoering.moderation.services import can_moderate

    if user is None or not user.is_authenticated:
        return False
    return (
        submission.author_id == user.id
        or can_moderate(user, submission.consultation)
        or can_manage(user, submission.consultation)
    )


def redacted_copy(attachment: Attachment, upload: Upload) -> None:
    """Store a moderator's redacted copy (a PDF) on the file; the public sees it once the queue
    has made its PDF/A rendition (no copy until then); the original stays."""
    if not upload.data:
        raise BadInputError(_l("Velg den sladdede PDF-filen."), field="redacted")
    if len(upload.data) > current_app.config["ATTACHMENT_MAX_BYTES"]:
        raise FileTooLargeError(_l("Filen er for stor."), field="redacted")
    try:
        detect.sniff(upload.data, (detect.PDF,))
    except detect.RefusedFileError as error:
        raise BadInputError(
            _("Den sladdede kopien må være en PDF-fil: %(reason)s", reason=error.message),
            field="redacted",
        ) from error
    attachment.redacted_sha256 = store_blob(upload.data)
    attachment.redacted_rendition_sha256 = None
    attachment.conversion_status = CONVERSION_PENDING
    attachment.conversion_attempts = 0
    attachment.conversion_error = None
    attachment.conversion_started_at = None
    db.session.flush()
    jobs.queue_conversion(attachment)


def draft_source(data: bytes) -> str:
    """The Markdown of an uploaded draft: a DOCX or ODT converted, a text file as it is."""
    config = current_app.config
    if len(data) > config["ATTACHMENT_MAX_BYTES"]:
        raise FileTooLargeError(
            _(
                "Filen er for stor. En fil kan være på høyst %(mb)s MB.",
                mb=config["ATTACHMENT_MAX_BYTES"] // (1024 * 1024),
            ),
            field="upload",
        )
    if data.startswith(b"PK\x03\x04"):
        limits = detect.Limits(
            max_unpacked=config["ATTACHMENT_MAX_UNPACKED"], max_ratio=config["ATTACHMENT_MAX_RATIO"]
        )
        try:
            media_type = detect.sniff(data, (detect.DOCX, detect.ODT), limits)
        except detect.RefusedFileError as error:
            raise BadInputError(
                _("Filen ble ikke godtatt: %(reason)s", reason=error.message), field="upload"
            ) from error
        return wordimport.to_markdown(data, media_type)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BadInputError(
            _l("Last opp en Markdown- eller tekstfil i UTF-8, en DOCX eller en ODT."),
            field="upload",
        ) from error


KIND_LABELS = {
    KIND_LETTER: _l("Høringsbrev"),
    KIND_MEMO: _l("Høringsnotat"),
    KIND_OTHER: _l("Annet dokument"),
}


def add_agency_document(consultation, upload: Upload, *, kind: str, title: str, by):
    """One of the agency's own documents (høringsbrev, høringsnotat), checked like any file and
    given a PDF/A rendition by the queue. Put out before the consultation opens, it is journaled
    with the høringsbrev journalpost when it opens; after, as its own outgoing journalpost in the
    same transaction."""
    from hoering.consultations.services import can_manage
    from hoering.journal import services as journal

    if not can_manage(by, consultation):
        raise ForbiddenError()
    if kind not in AGENCY_KINDS:
        raise BadInputError(_l("Velg hva slags dokument det er."), field="kind")
    if not upload.name and not upload.data:
        raise BadInputError(_l("Velg filen du vil legge ut."), field="files")
    (checked,) = check_files([upload])
    title = " ".join((title or "").split())[:300] or f"{KIND_LABELS[kind]}: {consultation.title}"
    document = Attachment(
        consultation_id=consultation.id,
        kind=kind,
        title=title,
        original_name=checked.name,
        media_type=checked.media_type,
        size=len(checked.data),
        sha256=store_blob(checked.data),
        text=checked.text,
    )
    db.session.add(document)
    db.session.flush()
    journal.record_agency_document(document, consultation)
    jobs.queue_conversion(document)
    log.info("agency document %s added to consultation %s", document.id, consultation.id)
    return document


def agency_documents(consultation_id: int) -> list[Attachment]:
    """The consultation's own documents: høringsbrev first, then høringsnotat, then the rest."""
    rows = db.session.scalars(
        select(Attachment)
        .where(Attachment.consultation_id == consultation_id, Attachment.kind.is_not(None))
        .order_by(Attachment.id)
    )
    return sorted(rows, key=lambda document: AGENCY_KINDS.index(document.kind))


@dataclass(frozen=True)
class Workspace:
    """What a case officer sees of a consultation's files."""

    flagged: list[Attachment]
    pending: int
    matches: list[Attachment]


def workspace(consultation_id: int, query: str) -> Workspace:
    """Files whose conversion failed (flagged), how many wait, and files whose text matches."""
    base = select(Attachment).where(Attachment.consultation_id == consultation_id)
    flagged = list(
        db.session.scalars(base.where(Attachment.conversion_status == CONVERSION_FAILED))
    )
    pending = db.session.scalar(
        select(func.count(Attachment.id)).where(
            Attachment.consultation_id == consultation_id,
            Attachment.conversion_status == CONVERSION_PENDING,
        )
    )
    matches = []
    query = " ".join(query.split())[:200]
    if query:
        matches = list(
            db.session.scalars(
                base.where(Attachment.text.ilike(f"%{escape_like(query)}%", escape="\\"))
                .order_by(Attachment.id)
                .limit(100)
            )
        )
    return Workspace(flagged, pending, matches)


def findings_redacted(attachment: Attachment) -> None:
    """Store on the file a PDF/A-2b of its text with every finding blacked out ("[sladdet]")."""
    from zoneinfo import ZoneInfo

    from hoering.archive.documents import SubmissionContext, render_submission_pdf
    from hoering.journal.services import entry_for_submission

    submission = attachment.submission
    if submission is None or not attachment.findings:
        raise BadInputError(_l("Filen har ingen funn å sladde."))
    consultation = attachment.consultation
    entry = entry_for_submission(submission.id)
    context = SubmissionContext(
        consultation_title=consultation.title,
        case_number=consultation.case_number,
        agency=consultation.agency.name,
        version_label="",
        paragraph_number=None,
        paragraph_heading=None,
        paragraph_text=None,
        text=attachment.text or "",
        author=submission.author_name,
        organisation=submission.organisation_name,
        submitted_at=submission.created_at.astimezone(ZoneInfo("Europe/Oslo")),
        journal_number=entry.journal_number if entry else "",
        screened_spans=tuple((f["start"], f["end"]) for f in attachment.findings),
        redacted=True,
    )
    # Made as PDF/A-2b already: it is its own rendition.
    attachment.redacted_sha256 = store_blob(render_submission_pdf(context))
    attachment.redacted_rendition_sha256 = attachment.redacted_sha256
