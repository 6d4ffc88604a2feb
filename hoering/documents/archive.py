"""The files sent with innspill, for the Noark 5 export: each its own dokumentbeskrivelse
(Vedlegg) with the file as received (produksjonsformat), its PDF/A rendition (arkivformat) and a
konvertering record saying how the one was made from the other.

A file a moderator withheld from the public is screened whole (skjermingDokument "Skjerming av
hele dokumentet"); a file published as a redacted copy is screened in part and carries the copy as
the variant "Dokument hvor deler av innholdet er skjermet". Either way the moderator's steps are
the document's merknader."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from zoneinfo import ZoneInfo

from sqlalchemy import select

from hoering.archive.model import (
    ARCHIVE_FORMAT,
    ATTACHMENT,
    PARTLY_SCREENED,
    PDFA_2B,
    PRODUCTION_FORMAT,
    REDACTED_FORMAT,
    WHOLLY_SCREENED,
    Conversion,
    Document,
    DocumentFile,
    Remark,
    Screening,
)
from hoering.archive.model import (
    MAIN_DOCUMENT as MAIN,
)
from hoering.documents.blobs import blob_data
from hoering.documents.detect import DOCX, EXTENSIONS, ODT, PDF
from hoering.documents.models import Attachment
from hoering.extensions import db
from hoering.submissions.models import Submission

OSLO = ZoneInfo("Europe/Oslo")
# dokumenttype (M083, free text) of the agency's own documents.
KIND_NAMES = {"horingsbrev": "Høringsbrev", "horingsnotat": "Høringsnotat", "annet": "Dokument"}
# PRONOM identifiers (the format element, M701) of what we accept.
PUIDS = {DOCX: ("fmt/412", "DOCX (Office Open XML)"), ODT: ("fmt/291", "ODT (OpenDocument Text)")}
PDF_PUIDS = {
    "1.3": "fmt/17", "1.4": "fmt/18", "1.5": "fmt/19", "1.6": "fmt/20", "1.7": "fmt/276",
    "2.0": "fmt/1129",
}  # fmt: skip
TOOLS = {
    DOCX: "LibreOffice headless (writer_pdf_Export, PDF/A-2)",
    ODT: "LibreOffice headless (writer_pdf_Export, PDF/A-2)",
    PDF: "ocrmypdf med Ghostscript (--output-type pdfa-2, OCR med tesseract nor)",
}


def production_format(data: bytes, media_type: str) -> tuple[str, str]:
    """(PRONOM id, description) of a file as received; a PDF's version is in its header."""
    if media_type != PDF:
        return PUIDS[media_type]
    match = re.match(rb"%PDF-(\d\.\d)", data)
    version = match.group(1).decode() if match else "1.7"
    return PDF_PUIDS.get(version, "fmt/276"), f"PDF {version}"


class AttachmentDocuments:
    """The Vedlegg of an innspill, by the innspill's systemID, and the agency's own documents.

    Read when their journalpost is written (one query per innspill that has files), so an
    export's memory does not grow with the number of files.
    """

    def __init__(self, derive: Callable[[str, str], str], system_name: str):
        self.derive = derive
        self.system_name = system_name

    def documents(
        self,
        submission_system_id: str | None,
        *,
        screen: Callable[[str], Screening],
        remarks: dict[int, tuple[Remark, ...]],
    ) -> tuple[Document, ...]:
        """The innspill's files; screen(M503 value) makes the skjerming of a moderated one,
        remarks are the moderators' steps on each file (by attachment id)."""
        attachments = db.session.scalars(
            select(Attachment)
            .join(Submission, Submission.id == Attachment.submission_id)
            .where(Submission.system_id == submission_system_id)
            .order_by(Attachment.id)
        )
        documents = []
        for attachment in attachments:
            document = self._document(attachment)
            if attachment.withheld or attachment.redacted_sha256:
                files = document.files
                # The redacted copy as the public sees it: its PDF/A rendition, once made.
                if attachment.redacted_sha256 and attachment.redacted_rendition_sha256:
                    files += (
                        DocumentFile(
                            self.derive(attachment.system_id, "skjermet"),
                            blob_data(attachment.redacted_rendition_sha256),
                            variant=REDACTED_FORMAT,
                        ),
                    )
                document = replace(
                    document,
                    files=files,
                    screening=screen(WHOLLY_SCREENED if attachment.withheld else PARTLY_SCREENED),
                )
            # Every step stays on the record, also of a file shown again since.
            documents.append(replace(document, remarks=remarks.get(attachment.id, ())))
        return tuple(documents)

    def agency_document(self, attachment_id: int) -> tuple[Document, ...]:
        """The agency's own document (høringsbrev, høringsnotat) as its journalpost's main one."""
        attachment = db.session.get(Attachment, attachment_id)
        document = self._document(attachment)
        kind = KIND_NAMES.get(attachment.kind, "Dokument")
        return (replace(document, kind=kind, title=attachment.title, role=MAIN),)

    def _document(self, attachment: Attachment) -> Document:
        original = blob_data(attachment.sha256)
        puid, details = production_format(original, attachment.media_type)
        files = [
            DocumentFile(
                self.derive(attachment.system_id, "produksjonsformat"),
                original,
                variant=PRODUCTION_FORMAT,
                puid=puid,
                format_details=details,
                extension=EXTENSIONS[attachment.media_type],
            )
        ]
        # The file's rendition, even while the row waits for a redacted copy's.
        if attachment.rendition_sha256:
            files.append(
                DocumentFile(
                    self.derive(attachment.system_id, "arkivformat"),
                    blob_data(attachment.rendition_sha256),
                    variant=ARCHIVE_FORMAT,
                    conversion=Conversion(
                        converted_at=attachment.converted_at.astimezone(OSLO),
                        converted_by=self.system_name,
                        from_format=puid,
                        to_format=PDFA_2B,
                        tool=TOOLS[attachment.media_type],
                    ),
                )
            )
        return Document(
            attachment.system_id,
            attachment.original_name,
            "Vedlegg til høringsuttalelse",
            tuple(files),
            role=ATTACHMENT,
        )
