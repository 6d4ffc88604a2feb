"""The outbox: e-mail notices waiting to be sent, and the record of what was sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hoering.accounts.models import User
from hoering.consultations.models import Consultation
from hoering.db import UTCDateTime, utcnow
from hoering.extensions import db

KIND_REPLY = "reply"
KIND_CLOSING_SOON = "closing_soon"
KIND_AGENCY_ANSWER = "agency_answer"
KIND_MODERATED = "moderated"
KIND_PASSWORD_RESET = "password_reset"  # noqa: S105 - a kind of notice, not a secret
KIND_RECEIPT = "receipt"
KIND_BARRIER = "barrier"
KIND_REPRESENTATION = "representation"
KIND_OUTCOME = "outcome"
NOTICE_KINDS = (
    KIND_REPLY,
    KIND_CLOSING_SOON,
    KIND_AGENCY_ANSWER,
    KIND_MODERATED,
    KIND_PASSWORD_RESET,
    KIND_RECEIPT,
    KIND_BARRIER,
    KIND_REPRESENTATION,
    KIND_OUTCOME,
)


class OutboxMessage(db.Model):
    """One e-mail to one person. `ref` names its cause, so no cause is ever mailed twice."""

    __tablename__ = "outbox_messages"
    __table_args__ = (
        UniqueConstraint("recipient_id", "kind", "ref"),
        Index("ix_outbox_messages_pending", "sent_at", "claimed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    # "consultation:12" for a deadline notice, "submission:34" for a reply, and so on.
    ref: Mapped[str] = mapped_column(String(60))
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultations.id"))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)

    recipient: Mapped[User] = relationship()
    consultation: Mapped[Consultation | None] = relationship()

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} to {self.recipient_id}>"
