"""Consultations (høringer), their invited consultees and the draft, paragraph by paragraph."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hoering.accounts.models import Agency, Organisation, User
from hoering.db import UTCDateTime, new_system_id, utcnow
from hoering.extensions import db

STATUS_DRAFT = "draft"
STATUS_OPEN = "open"
STATUS_CLOSED = "closed"
STATUS_ARCHIVED = "archived"
STATUSES = (STATUS_DRAFT, STATUS_OPEN, STATUS_CLOSED, STATUS_ARCHIVED)

MODE_PRE = "pre"
MODE_POST = "post"
MODE_REACTIVE = "reactive"
MODERATION_MODES = (MODE_PRE, MODE_POST, MODE_REACTIVE)

CONSULTEE_ANSWERED = "answered"
CONSULTEE_NO_COMMENTS = "no_comments"


class Consultation(db.Model):
    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(primary_key=True)
    system_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_system_id)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    case_number: Mapped[str] = mapped_column(String(20))
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime)
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default=STATUS_DRAFT, index=True)
    moderation_mode: Mapped[str] = mapped_column(String(10), default=MODE_POST)
    expectations: Mapped[str] = mapped_column(Text, default="")
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("draft_versions.id", use_alter=True)
    )
    submission_count: Mapped[int] = mapped_column(default=0)
    general_count: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The saksnummer the agency's own sak/arkiv system gave the case (stored back by a case
    # officer once the arkivmeldinger have arrived there).
    archive_case_number: Mapped[str | None] = mapped_column(String(40))
    # The class of the agency's arkivnøkkel the case is filed in (arkivkode: klasseID and its
    # tittel), set by a case officer; None: the agency's default class (archive settings).
    class_id: Mapped[str | None] = mapped_column(String(40))
    class_title: Mapped[str | None] = mapped_column(String(200))

    agency: Mapped[Agency] = relationship(lazy="joined")
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])
    current_version: Mapped[DraftVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True, lazy="joined"
    )
    consultees: Mapped[list[Consultee]] = relationship(
        back_populates="consultation", order_by="Consultee.name"
    )

    def __repr__(self) -> str:
        return f"<Consultation {self.id} {self.slug}>"

    def phase(self, now: datetime) -> str:
        """The status the public sees: an open consultation closes by itself at its deadline."""
        if self.status == STATUS_OPEN:
            if now >= self.deadline:
                return STATUS_CLOSED
            if now < self.opens_at:
                return "upcoming"
        return self.status

    def accepts_submissions(self, now: datetime) -> bool:
        return self.phase(now) == STATUS_OPEN

    @property
    def is_public(self) -> bool:
        return self.status != STATUS_DRAFT

    @property
    def case_year(self) -> int:
        return int(self.case_number.split("/")[0])

    @property
    def case_seq(self) -> int:
        return int(self.case_number.split("/")[1])


class Consultee(db.Model):
    """An invited høringsinstans and whether it has answered."""

    __tablename__ = "consultees"
    __table_args__ = (UniqueConstraint("consultation_id", "org_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    org_number: Mapped[str] = mapped_column(String(9))
    contact: Mapped[str | None] = mapped_column(String(300))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    response: Mapped[str | None] = mapped_column(String(12))
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    consultation: Mapped[Consultation] = relationship(back_populates="consultees")
    organisation: Mapped[Organisation | None] = relationship()

    def __repr__(self) -> str:
        return f"<Consultee {self.id} {self.org_number}>"


class DraftVersion(db.Model):
    """One version of the høringsutkast; published versions are never changed."""

    __tablename__ = "draft_versions"
    __table_args__ = (UniqueConstraint("consultation_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    system_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_system_id)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    number: Mapped[int]
    source_markdown: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    consultation: Mapped[Consultation] = relationship(foreign_keys=[consultation_id])
    sections: Mapped[list[Section]] = relationship(
        back_populates="version", order_by="Section.position"
    )

    def __repr__(self) -> str:
        return f"<DraftVersion {self.consultation_id} v{self.number}>"


class Section(db.Model):
    """A heading of the draft: a chapter (kapittel) or a section (§)."""

    __tablename__ = "sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("draft_versions.id"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    level: Mapped[int]
    number: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(500))
    position: Mapped[int]

    version: Mapped[DraftVersion] = relationship(back_populates="sections")

    def __repr__(self) -> str:
        return f"<Section {self.version_id} {self.key}>"


class Paragraph(db.Model):
    """A commentable unit of the draft: a paragraph (ledd/avsnitt) or a list item."""

    __tablename__ = "paragraphs"
    __table_args__ = (
        UniqueConstraint("version_id", "anchor"),
        Index("ix_paragraphs_consultation_anchor", "consultation_id", "anchor"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("draft_versions.id"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id"))
    anchor: Mapped[str] = mapped_column(String(60))
    ordinal: Mapped[int]
    position: Mapped[int]
    marker: Mapped[str | None] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    submission_count: Mapped[int] = mapped_column(default=0)

    version: Mapped[DraftVersion] = relationship()
    section: Mapped[Section] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<Paragraph {self.version_id} {self.anchor}>"
