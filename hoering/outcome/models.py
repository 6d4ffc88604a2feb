"""What the agency did with the innspill (dispositions) and its summary (høringsoppsummering).

A disposition belongs to exactly one innspill, campaign or theme. One on a campaign or theme
applies to its members unless a member has its own.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hoering.accounts.models import User
from hoering.consultations.models import Paragraph
from hoering.db import UTCDateTime, utcnow
from hoering.extensions import db
from hoering.prepared import PreparedMixin

DECISION_ACCEPTED = "accepted"
DECISION_PARTLY = "partly"
DECISION_REJECTED = "rejected"
DECISION_NOTED = "noted"
DECISIONS = (DECISION_ACCEPTED, DECISION_PARTLY, DECISION_REJECTED, DECISION_NOTED)
# The choices the agency must give its reasons for.
NEEDS_REASON = (DECISION_PARTLY, DECISION_REJECTED)

ASSESSMENT_MAX = 20_000
INTRODUCTION_MAX = 50_000


class Disposition(db.Model):
    __tablename__ = "dispositions"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"), unique=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), unique=True)
    theme_id: Mapped[int | None] = mapped_column(ForeignKey("themes.id"), unique=True)
    decision: Mapped[str] = mapped_column(String(10))
    assessment: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    decided_by: Mapped[User] = relationship()
    paragraphs: Mapped[list[Paragraph]] = relationship(
        secondary="disposition_paragraphs", order_by="Paragraph.position"
    )

    def __repr__(self) -> str:
        return f"<Disposition {self.id} {self.decision}>"


class DispositionParagraph(db.Model):
    """A paragraph of a later draft version that changed because of the disposition."""

    __tablename__ = "disposition_paragraphs"

    disposition_id: Mapped[int] = mapped_column(
        ForeignKey("dispositions.id", ondelete="CASCADE"), primary_key=True
    )
    paragraph_id: Mapped[int] = mapped_column(ForeignKey("paragraphs.id"), primary_key=True)

    def __repr__(self) -> str:
        return f"<DispositionParagraph {self.disposition_id} {self.paragraph_id}>"


class ParagraphOrigin(db.Model):
    """A case officer's correction of where a paragraph of a new version came from; origin_id
    None means it is new. Without a row the origin is found by anchor, else by similarity."""

    __tablename__ = "paragraph_origins"

    paragraph_id: Mapped[int] = mapped_column(ForeignKey("paragraphs.id"), primary_key=True)
    origin_id: Mapped[int | None] = mapped_column(ForeignKey("paragraphs.id"))
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<ParagraphOrigin {self.paragraph_id} <- {self.origin_id}>"


class Summary(db.Model):
    """The høringsoppsummering: an introduction the case officer writes; the rest is built from
    the themes and dispositions. Published once, journaled as the agency's own document."""

    __tablename__ = "outcome_summaries"

    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), primary_key=True)
    introduction: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    journal_entry_id: Mapped[int | None] = mapped_column(ForeignKey("journal_entries.id"))

    def __repr__(self) -> str:
        return f"<Summary {self.consultation_id} published={self.published_at is not None}>"


class PreparedSummary(PreparedMixin, db.Model):
    """The høringsoppsummering as one document (DOCX, ODT or PDF/A) in one language, prepared
    by the task queue (hoering.prepared); the bytes are kept as a blob once done."""

    __tablename__ = "prepared_summaries"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    format: Mapped[str] = mapped_column(String(4))
    lang: Mapped[str] = mapped_column(String(5))
    # None when a visitor's download of the published summary asked for it.
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    blob_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"))

    def __repr__(self) -> str:
        return f"<PreparedSummary {self.id} {self.format} {self.status}>"
