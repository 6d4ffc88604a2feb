"""The case officer's arkivuttrekk, prepared by the task queue with visible progress.

Rendering a large consultation takes minutes, far longer than a request may run. The officer asks
for an arkivuttrekk (a PreparedExport row, queued after commit); a worker claims it and writes the
.tar into ARCHIVE_EXPORT_DIR, by the rules of hoering.prepared (one host builds it, a sweep
re-queues what is pending or stale, a failure is kept on the row). How far it has come goes to a
small file beside it (the export's long read must not wait on a second writer); the page shows
that, then the download.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import func, select

from hoering import prepared, tasks
from hoering.accounts.models import User
from hoering.archive.export import check_exportable, export_consultation
from hoering.archive.models import PreparedExport
from hoering.consultations.models import Consultation
from hoering.errors import DomainError, NotFoundError
from hoering.extensions import db
from hoering.journal.models import JournalEntry

log = logging.getLogger(__name__)

# A running export not finished after this long lost its worker: the sweep hands it to another.
STALE_AFTER = timedelta(hours=3)
# Progress is written at most every this many journalposter (each write is a short transaction).
PROGRESS_EVERY = 200
_STAGES = {"arkivstruktur": 0, "loependeJournal": 1, "offentligJournal": 2}


def export_dir() -> Path:
    return Path(current_app.config["ARCHIVE_EXPORT_DIR"])


def recent_exports(consultation: Consultation, limit: int = 10) -> list[PreparedExport]:
    """The consultation's latest exports, newest first."""
    return list(
        db.session.scalars(
            select(PreparedExport)
            .where(PreparedExport.consultation_id == consultation.id)
            .order_by(PreparedExport.id.desc())
            .limit(limit)
        )
    )


def request_export(consultation: Consultation, *, by: User) -> PreparedExport:
    """Queue an arkivuttrekk of a closed consultation; one being made already is reused."""
    check_exportable(consultation)
    underway = db.session.scalar(
        select(PreparedExport).where(
            PreparedExport.consultation_id == consultation.id,
            PreparedExport.status.in_(prepared.UNDERWAY),
        )
    )
    if underway is not None:
        return underway
    total = db.session.scalar(
        select(func.count(JournalEntry.id)).where(JournalEntry.consultation_id == consultation.id)
    )
    export = PreparedExport(consultation=consultation, requested_by=by, total=total or 0)
    db.session.add(export)
    db.session.flush()
    tasks.after_commit(build_export_task, export.id)
    log.info("arkivuttrekk %s of consultation %s requested", export.id, consultation.id)
    return export


def _progress_file(export_id: int) -> Path:
    return export_dir() / f"{export_id}.progress"


def _record_progress(export_id: int, total: int):
    """A progress callback writing how far the export has come to a small file beside it (the
    export's own database transaction stays a long read; a second writer would wait on it)."""
    target = _progress_file(export_id)

    def progress(stage: str, count: int) -> None:
        if count % PROGRESS_EVERY and count != total:
            return
        partial = target.with_suffix(".tmp")
        partial.write_text(str(_STAGES.get(stage, 0) * total + count), encoding="ascii")
        partial.replace(target)

    return progress


def percent_done(export: PreparedExport) -> int:
    """How far an export has come, in percent (from its progress file while it runs)."""
    if export.status == prepared.DONE:
        return 100
    steps = 3 * export.total
    if export.status != prepared.RUNNING or not steps:
        return 0
    try:
        done = int(_progress_file(export.id).read_text(encoding="ascii"))
    except (OSError, ValueError):
        done = export.progress
    return min(99, done * 100 // steps)


def build_export(export_id: int) -> None:
    """Build one requested arkivuttrekk (the task); does nothing if another worker has it."""
    if not prepared.claim(PreparedExport, export_id, stale_after=STALE_AFTER, progress=0):
        return
    export = db.session.get(PreparedExport, export_id)
    consultation = export.consultation
    total = export.total
    name = f"arkivuttrekk-{consultation.case_number.replace('/', '-')}-{export.id}.tar"
    folder = export_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = export_consultation(
            consultation,
            folder / name,
            produced_by=export.requested_by.name,
            progress=_record_progress(export.id, total),
            workers=current_app.config["ARCHIVE_WEB_WORKERS"],
        )
    except (DomainError, OSError) as error:
        reason = str(getattr(error, "message", None) or error)
        prepared.fail(PreparedExport, export_id, reason)
        _progress_file(export_id).unlink(missing_ok=True)
        log.warning("arkivuttrekk %s failed: %s", export_id, reason)
        return
    db.session.rollback()  # end the export's long read before writing the result
    prepared.finish(
        PreparedExport, export_id, file_name=name, size=path.stat().st_size, progress=3 * total
    )
    _progress_file(export_id).unlink(missing_ok=True)
    log.info("arkivuttrekk %s of consultation %s ready", export_id, consultation.id)


def get_export(consultation: Consultation, export_id: int) -> PreparedExport:
    export = db.session.get(PreparedExport, export_id)
    if export is None or export.consultation_id != consultation.id:
        raise NotFoundError()
    return export


def export_file(export: PreparedExport) -> Path:
    """The finished file (404 while it is being made, or if it was removed)."""
    if export.status != prepared.DONE or not export.file_name:
        raise NotFoundError()
    path = export_dir() / export.file_name
    if not path.is_file():
        raise NotFoundError()
    return path


def unfinished_exports() -> list[int]:
    """Exports still pending (their queue message may be lost) or running but stale."""
    return prepared.unfinished(PreparedExport, stale_after=STALE_AFTER)


@tasks.task()
def build_export_task(export_id: int) -> None:
    build_export(export_id)


@tasks.periodic(5)
def sweep_exports() -> None:
    for export_id in unfinished_exports():
        build_export_task(export_id)
