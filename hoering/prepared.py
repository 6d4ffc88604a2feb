"""Files prepared by the task queue for someone to download, with their state on a row.

A request records the work (a row, pending) and queues a task once it commits. A worker claims
the row with a conditional UPDATE (pending, or running but stale because its worker died), so
only one host builds it; the row ends done (with the file's name and size) or failed (with the
reason, which the page shows). A sweep re-queues what is still pending (its queue message may
have been lost) and what went stale, so nothing asked for is lost. Each domain keeps its own
table (with these columns) and decides where the file lives; this module knows no domain.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import String, Text, and_, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from hoering.db import UTCDateTime, utcnow
from hoering.extensions import db

PENDING = "pending"
RUNNING = "running"
DONE = "done"
FAILED = "failed"
UNDERWAY = (PENDING, RUNNING)


class QueuedMixin:
    """The state of one piece of requested work: pending → running → done or failed."""

    status: Mapped[str] = mapped_column(String(10), default=PENDING, index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(Text)


class PreparedMixin(QueuedMixin):
    """The state of one requested file, and the file once made."""

    file_name: Mapped[str | None] = mapped_column(String(200))
    size: Mapped[int | None]


def _claimable(model, now: datetime, stale_after: timedelta):
    return or_(
        model.status == PENDING,
        and_(model.status == RUNNING, model.started_at < now - stale_after),
    )


def claim(model, row_id: int, *, stale_after: timedelta, **values) -> bool:
    """Take the row for this worker (pending, or running but stale) and commit; one host wins."""
    now = utcnow()
    claimed = db.session.execute(
        update(model)
        .where(model.id == row_id, _claimable(model, now, stale_after))
        .values(status=RUNNING, started_at=now, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return bool(claimed)


def complete(model, row_id: int, **values) -> None:
    """Record the finished work (and what it gives: values) and commit."""
    row = db.session.get(model, row_id)
    row.status = DONE
    row.finished_at = utcnow()
    for name, value in values.items():
        setattr(row, name, value)
    db.session.commit()


def finish(model, row_id: int, *, file_name: str, size: int, **values) -> None:
    """Record the finished file and commit."""
    complete(model, row_id, file_name=file_name, size=size, **values)


def fail(model, row_id: int, reason: str) -> None:
    """Drop the worker's unfinished work, record why it failed (shown on the page) and commit."""
    db.session.rollback()
    row = db.session.get(model, row_id)
    row.status = FAILED
    row.error = reason
    row.finished_at = utcnow()
    db.session.commit()


def unfinished(model, *, stale_after: timedelta) -> list[int]:
    """Rows still pending (their queue message may be lost) or running but stale."""
    return list(
        db.session.scalars(select(model.id).where(_claimable(model, utcnow(), stale_after)))
    )
