"""An arkivuttrekk prepared in the background for a case officer to download."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hoering.accounts.models import User
from hoering.consultations.models import Consultation
from hoering.db import UTCDateTime, utcnow
from hoering.extensions import db
from hoering.prepared import PreparedMixin


class PreparedExport(PreparedMixin, db.Model):
    """One requested arkivuttrekk: its state (hoering.prepared) and the file when done.

    The task queue only says "build this now"; this row is the work. total is the number of
    journalposter, each written three times (arkivstruktur and the two journals); progress is
    3 * total once done (while running, the worker keeps it in a file beside the export).
    """

    __tablename__ = "prepared_exports"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    progress: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)

    consultation: Mapped[Consultation] = relationship()
    requested_by: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<PreparedExport {self.id} {self.status}>"


DELIVERY_PENDING = "pending"
DELIVERY_SENT = "sent"

# What an arkivmelding carries (ArchiveDelivery.kind).
MESSAGE_JOURNALPOST = "journalpost"  # a new journal entry with its documents
MESSAGE_CHANGE = "change"  # the entry again after a change record, its documents made anew
MESSAGE_AVSKRIVNING = "avskrivning"  # the entry again after its avskrivning, no documents
MESSAGE_CASE = "case"  # the saksmappe closed, with the journalposter avskrevet at closing
MESSAGE_KINDS = (MESSAGE_JOURNALPOST, MESSAGE_CHANGE, MESSAGE_AVSKRIVNING, MESSAGE_CASE)


class ArchiveDelivery(db.Model):
    """One arkivmelding in the outbox to the agency's own sak/arkiv system: a new journal entry
    and its documents, a later change to one (entry_id set), or the closing of the case (no
    entry). Made in the transaction of what it reports; pending until delivered, retried with a
    growing pause, never dropped, and sent only after every earlier message of its consultation.
    next_attempt_at doubles as the lease of the worker sending it.
    """

    __tablename__ = "archive_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(
        String(12), default=MESSAGE_JOURNALPOST, server_default=MESSAGE_JOURNALPOST
    )
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"), index=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    message_id: Mapped[str] = mapped_column(String(36), unique=True)
    status: Mapped[str] = mapped_column(String(10), default=DELIVERY_PENDING, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<ArchiveDelivery {self.id} {self.kind} {self.status}>"
