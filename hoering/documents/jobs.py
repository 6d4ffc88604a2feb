"""The PDF/A jobs: state on the attachment's row, the queue only says "look now".

A row's job makes every rendition it lacks: the file's own and, once a moderator has uploaded
one, the redacted copy's. It is pending until a run has made them all (done) or has failed
CONVERSION_MAX_ATTEMPTS times
(failed, flagged to the case officer). A run first claims the row with a conditional UPDATE that
counts the attempt, so two workers never convert the same file at once, and a file that kills
its worker still uses up its attempts instead of blocking the queue for ever.
"""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import timedelta

from flask import current_app
from sqlalchemy import or_, select, update

from hoering import tasks
from hoering.config import INSTANCE_DIR
from hoering.db import utcnow
from hoering.documents import convert
from hoering.documents.blobs import blob_data, store_blob
from hoering.documents.detect import PDF
from hoering.documents.models import (
    CONVERSION_DONE,
    CONVERSION_FAILED,
    CONVERSION_PENDING,
    Attachment,
)
from hoering.extensions import db
from hoering.privacy.detect import find_personal_data
from hoering.submissions.models import STATUS_PENDING, STATUS_PUBLISHED

log = logging.getLogger(__name__)


@tasks.task()
def convert_attachment(attachment_id: int) -> None:
    run_conversion(attachment_id)


@tasks.periodic(10)
def sweep_conversions() -> None:
    """Re-queue every pending job: a queue that lost its messages loses no work."""
    for attachment_id in pending_ids():
        convert_attachment(attachment_id)


def queue_conversion(attachment: Attachment) -> None:
    tasks.after_commit(convert_attachment, attachment.id)


def pending_ids() -> list[int]:
    return list(
        db.session.scalars(
            select(Attachment.id)
            .where(Attachment.conversion_status == CONVERSION_PENDING)
            .order_by(Attachment.id)
        )
    )


def _claim(attachment_id: int) -> bool:
    """Take the job and count the attempt, unless another worker holds it right now."""
    now = utcnow()
    stale = now - timedelta(seconds=2 * current_app.config["CONVERSION_TIMEOUT"])
    taken = db.session.execute(
        update(Attachment)
        .where(
            Attachment.id == attachment_id,
            Attachment.conversion_status == CONVERSION_PENDING,
            or_(
                Attachment.conversion_started_at.is_(None),
                Attachment.conversion_started_at < stale,
            ),
        )
        .values(
            conversion_attempts=Attachment.conversion_attempts + 1,
            conversion_started_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return taken.rowcount == 1


def run_conversion(attachment_id: int) -> str | None:
    """Make one attachment's missing PDF/A renditions; its new state, or None if it was not ours
    to do. A rendition made before a later one failed is kept."""
    if not _claim(attachment_id):
        return None
    attachment = db.session.get(Attachment, attachment_id)
    step = "file"
    try:
        if attachment.rendition_sha256 is None:
            rendition = _to_pdfa(attachment.sha256, attachment.media_type)
            attachment.rendition_sha256 = store_blob(rendition.pdf)
            attachment.converted_at = utcnow()
            if rendition.ocr_text and not (attachment.text or "").strip():
                _read_scanned_text(attachment, rendition.ocr_text)
        if attachment.redacted_sha256 and attachment.redacted_rendition_sha256 is None:
            step = "redacted copy"
            redacted = _to_pdfa(attachment.redacted_sha256, PDF)
            attachment.redacted_rendition_sha256 = store_blob(redacted.pdf)
    except convert.ConversionError as error:
        log.warning("attachment %s: conversion of the %s failed: %s", attachment.id, step, error)
        message = str(error) if step == "file" else f"{step}: {error}"
        attachment.conversion_error = message[:2000]
        attachment.conversion_started_at = None
        if attachment.conversion_attempts >= current_app.config["CONVERSION_MAX_ATTEMPTS"]:
            attachment.conversion_status = CONVERSION_FAILED
        db.session.commit()
        return attachment.conversion_status
    attachment.conversion_status = CONVERSION_DONE
    attachment.conversion_error = None
    db.session.commit()
    log.info("attachment %s: PDF/A renditions made", attachment.id)
    return CONVERSION_DONE


def _to_pdfa(sha256: str, media_type: str) -> convert.Rendition:
    return convert.to_pdfa(
        blob_data(sha256),
        media_type,
        timeout=current_app.config["CONVERSION_TIMEOUT"],
        work_dir=INSTANCE_DIR / "conversions",
    )


def _read_scanned_text(attachment: Attachment, text: str) -> None:
    """OCR gave a scan its text: scan it for personal data; a finding holds the innspill."""
    from hoering.submissions.services import set_status

    attachment.text = text
    findings = find_personal_data(text)
    if not findings:
        return
    attachment.findings = [asdict(finding) for finding in findings]
    submission = attachment.submission
    submission.needs_review = True
    if submission.status == STATUS_PUBLISHED:
        set_status(submission, STATUS_PENDING, reason="Personopplysninger funnet i vedlegg")


def retry_failed() -> int:
    """Give every failed conversion a fresh set of attempts (after a converter was fixed)."""
    result = db.session.execute(
        update(Attachment)
        .where(Attachment.conversion_status == CONVERSION_FAILED)
        .values(
            conversion_status=CONVERSION_PENDING,
            conversion_attempts=0,
            conversion_started_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount
