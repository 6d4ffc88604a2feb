"""The høringsoppsummering's documents (DOCX, ODT, PDF/A), prepared on the task queue.

Rendering, PDF/A above all, takes longer than a request may run. The case officer asks for a
document (a PreparedSummary row, by the rules of hoering.prepared); a worker renders it in the
language asked for and keeps the bytes as a blob; the page shows the state, then the download.
Once the summary is published, its documents are public: a visitor's download serves the newest
one made since publication, and asks for one when there is none yet.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from hoering import prepared, tasks
from hoering.accounts.models import User
from hoering.consultations.models import Consultation
from hoering.documents.blobs import blob_data, store_blob
from hoering.errors import NotFoundError
from hoering.extensions import db
from hoering.outcome import documents, summary
from hoering.outcome.models import PreparedSummary

log = logging.getLogger(__name__)

FORMATS = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "pdf": "application/pdf",
}
# A document still running after this long lost its worker: the sweep hands it to another.
STALE_AFTER = timedelta(minutes=15)


def check_format(ext: str) -> str:
    if ext not in FORMATS:
        raise NotFoundError()
    return ext


def latest(
    consultation: Consultation, lang: str, *, since=None, done: bool = False
) -> dict[str, PreparedSummary]:
    """The newest document per format in this language (requested since `since`, finished
    only when `done`)."""
    query = select(PreparedSummary).where(
        PreparedSummary.consultation_id == consultation.id, PreparedSummary.lang == lang
    )
    if since is not None:
        query = query.where(PreparedSummary.requested_at >= since)
    if done:
        query = query.where(PreparedSummary.status == prepared.DONE)
    found: dict[str, PreparedSummary] = {}
    for row in db.session.scalars(query.order_by(PreparedSummary.id.desc())):
        found.setdefault(row.format, row)
    return found


def request_document(
    consultation: Consultation, ext: str, lang: str, *, by: User | None
) -> PreparedSummary:
    """Queue one document of the summary as it stands; one being made already is reused."""
    check_format(ext)
    underway = db.session.scalar(
        select(PreparedSummary).where(
            PreparedSummary.consultation_id == consultation.id,
            PreparedSummary.format == ext,
            PreparedSummary.lang == lang,
            PreparedSummary.status.in_(prepared.UNDERWAY),
        )
    )
    if underway is not None:
        return underway
    row = PreparedSummary(
        consultation_id=consultation.id,
        format=ext,
        lang=lang,
        requested_by_id=by.id if by else None,
    )
    db.session.add(row)
    db.session.flush()
    tasks.after_commit(build_document_task, row.id)
    return row


def public_document(consultation: Consultation, ext: str, lang: str) -> PreparedSummary:
    """The published summary's document for a visitor: the newest made since publication, or
    a new request when there is none (a failed one stays shown until the agency asks again)."""
    published = summary.published_summary(consultation)
    check_format(ext)
    row = latest(consultation, lang, since=published.published_at).get(ext)
    return row or request_document(consultation, ext, lang, by=None)


def render(consultation: Consultation, ext: str) -> bytes:
    """The summary as one document, in the current language."""
    items = documents.blocks(summary.build(consultation))
    if ext == "docx":
        return documents.render_docx(items)
    if ext == "odt":
        return documents.render_odt(items)
    return documents.render_pdf(
        items,
        title=_("Høringsoppsummering: %(title)s", title=consultation.title),
        author=consultation.agency.name,
        lang=str(get_locale()),
    )


def build_document(row_id: int) -> None:
    """Render one requested document (the task); does nothing if another worker has it."""
    if not prepared.claim(PreparedSummary, row_id, stale_after=STALE_AFTER):
        return
    row = db.session.get(PreparedSummary, row_id)
    consultation = db.session.get(Consultation, row.consultation_id)
    ext, lang = row.format, row.lang
    try:
        with force_locale(lang):
            data = render(consultation, ext)
        row.blob_sha256 = store_blob(data)
    except (OSError, ValueError, RuntimeError) as error:
        prepared.fail(PreparedSummary, row_id, str(error) or type(error).__name__)
        log.warning("høringsoppsummering %s (%s) failed: %s", row_id, ext, error)
        return
    prepared.finish(
        PreparedSummary,
        row_id,
        file_name=f"hoeringsoppsummering-{consultation.slug}.{ext}",
        size=len(data),
    )


def document_data(row: PreparedSummary) -> bytes:
    """The finished document's bytes (404 while it is being made)."""
    if row.status != prepared.DONE or row.blob_sha256 is None:
        raise NotFoundError()
    return blob_data(row.blob_sha256)


@tasks.task()
def build_document_task(row_id: int) -> None:
    build_document(row_id)


@tasks.periodic(5)
def sweep_documents() -> None:
    for row_id in prepared.unfinished(PreparedSummary, stale_after=STALE_AFTER):
        build_document_task(row_id)
