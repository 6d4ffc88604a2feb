"""The case officer's workspace: campaigns, themes and tags, notes, processing status.

Everything here is internal to the agency except a campaign's grouping, which the public pages
use to show one representative innspill with "N like innspill". A campaign groups innspill on
top of their own journal entries; it never merges them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hoering.accounts.models import User
from hoering.db import UTCDateTime, utcnow
from hoering.extensions import db
from hoering.prepared import QueuedMixin
from hoering.submissions.models import Submission

PROCESSING_NEW = "new"
PROCESSING_ACTIVE = "active"
PROCESSING_DONE = "done"
PROCESSING_STATUSES = (PROCESSING_NEW, PROCESSING_ACTIVE, PROCESSING_DONE)

THEME_NAME_MAX = 100


class Campaign(db.Model):
    """Innspill with the same or nearly the same text; the template is the most central one."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    template_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"))
    size: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    template: Mapped[Submission | None] = relationship()

    def __repr__(self) -> str:
        return f"<Campaign {self.id} size={self.size}>"


class CampaignDetection(QueuedMixin, db.Model):
    """A case officer's request to find the consultation's campaigns again, run by the task
    queue (hoering.prepared's rules): its state is shown on the campaigns page."""

    __tablename__ = "campaign_detections"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    campaigns_found: Mapped[int | None]

    def __repr__(self) -> str:
        return f"<CampaignDetection {self.id} {self.status}>"


class CampaignMember(db.Model):
    """One innspill's place in a campaign, or (campaign_id NULL) a case officer's decision that
    it stands alone. Rows a case officer decided (`manual`) are kept as they are when detection
    runs again."""

    __tablename__ = "campaign_members"
    __table_args__ = (Index("ix_campaign_members_campaign", "campaign_id", "submission_id"),)

    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    similarity: Mapped[float] = mapped_column(default=1.0)
    manual: Mapped[bool] = mapped_column(default=False)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    campaign: Mapped[Campaign | None] = relationship()
    submission: Mapped[Submission] = relationship()

    def __repr__(self) -> str:
        return f"<CampaignMember {self.submission_id} in {self.campaign_id}>"


class Theme(db.Model):
    __tablename__ = "themes"
    __table_args__ = (UniqueConstraint("consultation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    name: Mapped[str] = mapped_column(String(THEME_NAME_MAX))
    description: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Theme {self.id} {self.name!r}>"


class ThemeTag(db.Model):
    """An innspill (or a quoted passage of it) coded with a theme."""

    __tablename__ = "theme_tags"
    __table_args__ = (Index("ix_theme_tags_theme_submission", "theme_id", "submission_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id"))
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    quote: Mapped[str | None] = mapped_column(Text)
    tagged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    theme: Mapped[Theme] = relationship()

    def __repr__(self) -> str:
        return f"<ThemeTag {self.theme_id} on {self.submission_id}>"


class Note(db.Model):
    """An internal note on an innspill; never shown outside the agency."""

    __tablename__ = "analysis_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Note {self.id} on {self.submission_id}>"


class Processing(db.Model):
    """Where an innspill stands in the case officer's work; no row means "ikke behandlet"."""

    __tablename__ = "processing"
    __table_args__ = (Index("ix_processing_consultation_status", "consultation_id", "status"),)

    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"))
    status: Mapped[str] = mapped_column(String(10), default=PROCESSING_NEW)
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    assigned_to: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Processing {self.submission_id} {self.status}>"


class ProcessingEvent(db.Model):
    """Every change of status or assignment, kept: the history of the case officers' work."""

    __tablename__ = "processing_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    status: Mapped[str | None] = mapped_column(String(10))
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    by: Mapped[User] = relationship(foreign_keys=[by_id])
    assigned_to: Mapped[User | None] = relationship(foreign_keys=[assigned_to_id])

    def __repr__(self) -> str:
        return f"<ProcessingEvent {self.submission_id} {self.status}>"
