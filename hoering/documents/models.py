"""Files: stored once per content (blobs, by SHA-256) and attached to innspill (attachments).

Files live in the database, not on a disk of one host: every gunicorn host sees them, and the
database backup holds them. An attachment's PDF/A rendition and a moderator's redacted copy are
blobs too; the original is never changed or removed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, String, Text, case, null
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hoering.consultations.models import Consultation
from hoering.db import UTCDateTime, new_system_id, utcnow
from hoering.extensions import db
from hoering.submissions.models import Submission

# The PDF/A rendition of an attachment: a job whose state lives on the attachment's row.
CONVERSION_PENDING = "pending"
CONVERSION_DONE = "done"
CONVERSION_FAILED = "failed"


class Blob(db.Model):
    """One file's bytes, named by their SHA-256: the same content is stored once."""

    __tablename__ = "blobs"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Blob {self.sha256[:12]} {self.size}>"


# The agency's own documents of a consultation (kind set, no innspill).
KIND_LETTER = "horingsbrev"
KIND_MEMO = "horingsnotat"
KIND_OTHER = "annet"
AGENCY_KINDS = (KIND_LETTER, KIND_MEMO, KIND_OTHER)


class Attachment(db.Model):
    """A file sent with an innspill (a vedlegg), or one of the agency's own documents of the
    consultation (høringsbrev, høringsnotat: kind set), as received, with what became of it."""

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_conversion", "conversion_status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    system_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_system_id)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"), index=True)
    kind: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str | None] = mapped_column(String(300))
    # The name as the sender's computer had it: shown, never used as a path.
    original_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(ForeignKey("blobs.sha256"))
    text: Mapped[str | None] = mapped_column(Text, deferred=True)
    findings: Mapped[list | None] = mapped_column(JSON)
    withheld: Mapped[bool] = mapped_column(default=False)
    redacted_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"))
    rendition_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"))
    # The PDF/A rendition of the redacted copy: the conversion job makes it like the file's own
    # (the state below is the row's: pending until every rendition the row needs exists).
    redacted_rendition_sha256: Mapped[str | None] = mapped_column(ForeignKey("blobs.sha256"))
    conversion_status: Mapped[str] = mapped_column(String(10), default=CONVERSION_PENDING)
    conversion_attempts: Mapped[int] = mapped_column(default=0)
    conversion_error: Mapped[str | None] = mapped_column(Text)
    # When a worker took the job; a job taken long ago by a worker that died may be taken again.
    conversion_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    converted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    consultation: Mapped[Consultation] = relationship()
    submission: Mapped[Submission | None] = relationship()

    def __repr__(self) -> str:
        return f"<Attachment {self.id} {self.media_type} {self.conversion_status}>"

    @hybrid_property
    def public_sha256(self) -> str | None:
        """What the public may download: the PDF/A rendition of the redacted copy if there is
        one (nothing until it is made), else the PDF/A rendition of the file."""
        if self.withheld:
            return None
        if self.redacted_sha256:
            return self.redacted_rendition_sha256
        return self.rendition_sha256

    @public_sha256.inplace.expression
    @classmethod
    def _public_sha256_expression(cls):
        # The same rule in SQL, for lists read in one query (the open data).
        return case(
            (cls.withheld.is_(True), null()),
            (cls.redacted_sha256.is_not(None), cls.redacted_rendition_sha256),
            else_=cls.rendition_sha256,
        )
