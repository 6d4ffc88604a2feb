"""Innspill: comments on a paragraph, statements on the whole, replies; and endorsements."""

from __future__ import annotations

from datetime import datetime

from markupsafe import Markup
from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from hoering import text
from hoering.accounts.models import Organisation, User
from hoering.consultations.models import Consultation, DraftVersion, Paragraph
from hoering.db import UTCDateTime, new_system_id, utcnow
from hoering.extensions import db

KIND_PARAGRAPH = "paragraph"
KIND_GENERAL = "general"
KIND_REPLY = "reply"
KINDS = (KIND_PARAGRAPH, KIND_GENERAL, KIND_REPLY)

RESPONDENT_TYPES = ("private", "organisation", "public_agency", "business")

# How an innspill reached the agency: through the site, or by e-mail or letter (registered by a
# case officer on the sender's behalf).
CHANNEL_WEB = "web"
CHANNEL_EMAIL = "email"
CHANNEL_LETTER = "letter"
CHANNELS = (CHANNEL_WEB, CHANNEL_EMAIL, CHANNEL_LETTER)
POSITIONS = ("support", "oppose", "neutral")

# Lifecycle. Published innspill may also be redacted (public_body set) or marked off-topic.
STATUS_PENDING = "pending"
STATUS_PUBLISHED = "published"
STATUS_REJECTED = "rejected"
STATUS_HIDDEN = "hidden"
STATUS_WITHDRAWN = "withdrawn"
SUBMISSION_STATUSES = (
    STATUS_PENDING,
    STATUS_PUBLISHED,
    STATUS_REJECTED,
    STATUS_HIDDEN,
    STATUS_WITHDRAWN,
)


class Submission(db.Model):
    __tablename__ = "submissions"
    __table_args__ = (
        Index("ix_submissions_paragraph_listing", "paragraph_id", "parent_id", "id"),
        Index("ix_submissions_consultation_kind", "consultation_id", "kind", "id"),
        Index("ix_submissions_review", "needs_review", "consultation_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    system_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_system_id)
    form_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("draft_versions.id"))
    paragraph_id: Mapped[int | None] = mapped_column(ForeignKey("paragraphs.id"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    author_name: Mapped[str] = mapped_column(String(200))
    respondent_type: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    organisation_name: Mapped[str | None] = mapped_column(String(200))
    # Written by a representative approved against Enhetsregisteret: the page says "verifisert".
    organisation_verified: Mapped[bool] = mapped_column(default=False)
    position: Mapped[str | None] = mapped_column(String(10))
    own_account: Mapped[bool] = mapped_column(default=False)
    hide_name: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(Text)
    public_body: Mapped[str | None] = mapped_column(Text)
    # Each text rendered to sanitized HTML once, when it is stored (see _render): pages, feeds
    # and exports show these and never parse Markdown of user text while serving a request.
    # Nullable only so the migration can add them to a filled table on SQLite; always set.
    body_html: Mapped[str | None] = mapped_column(Text)
    public_body_html: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), index=True)
    needs_review: Mapped[bool] = mapped_column(default=False)
    is_off_topic: Mapped[bool] = mapped_column(default=False)
    # SQL NULL when nothing was found (not JSON null), so "has findings" is IS NOT NULL.
    findings: Mapped[list | None] = mapped_column(JSON(none_as_null=True))
    # [start, end] character spans of body that the public version shows as "[sladdet]".
    redactions: Mapped[list | None] = mapped_column(JSON)
    status_reason: Mapped[str | None] = mapped_column(Text)
    endorsement_count: Mapped[int] = mapped_column(default=0)
    reply_count: Mapped[int] = mapped_column(default=0)
    report_count: Mapped[int] = mapped_column(default=0)
    # Files sent with it (documents.Attachment), so lists can say so without another query.
    attachment_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # Bumped by every moderation step; a decision names the version it saw (no lost updates).
    moderation_version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    channel: Mapped[str] = mapped_column(String(10), default=CHANNEL_WEB, server_default="web")
    # When an innspill sent by e-mail or letter reached the agency (author is who registered it).
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    consultation: Mapped[Consultation] = relationship()
    version: Mapped[DraftVersion | None] = relationship()
    paragraph: Mapped[Paragraph | None] = relationship()
    parent: Mapped[Submission | None] = relationship(remote_side=[id])
    author: Mapped[User] = relationship()
    organisation: Mapped[Organisation | None] = relationship()

    def __repr__(self) -> str:
        return f"<Submission {self.id} {self.kind} {self.status}>"

    @property
    def is_visible(self) -> bool:
        """Shown to the public with its text (redacted text where a moderator redacted it)."""
        return self.status == STATUS_PUBLISHED

    @property
    def is_tombstone(self) -> bool:
        """Once public, shown as a marker in place when taken down, never as a silent gap."""
        return self.status in (STATUS_HIDDEN, STATUS_WITHDRAWN) and self.published_at is not None

    @property
    def is_awaiting_review(self) -> bool:
        """Hidden by the report threshold, not (yet) by a moderator's decision."""
        return self.status == STATUS_HIDDEN and self.needs_review

    @validates("body", "public_body")
    def _render(self, key: str, value: str | None) -> str | None:
        """Whoever sets a text (submit(), a moderator's redaction) stores its HTML with it."""
        setattr(self, f"{key}_html", None if value is None else str(text.render_markdown(value)))
        return value

    @property
    def shown_body(self) -> str:
        return self.public_body if self.public_body is not None else self.body

    @property
    def shown_html(self) -> Markup:
        """The public text as HTML: a moderator's redaction replaces the original."""
        if self.public_body is not None:
            return text.stored_html(self.public_body_html)
        return text.stored_html(self.body_html)

    @property
    def original_html(self) -> Markup:
        """The text as sent, as HTML (for moderators and case officers)."""
        return text.stored_html(self.body_html)

    @property
    def redacted_html(self) -> Markup | None:
        return None if self.public_body is None else text.stored_html(self.public_body_html)

    @property
    def is_redacted(self) -> bool:
        return self.public_body is not None

    def excerpt(self, words: int = 25) -> str:
        """The first words of the text as sent, on one line (for the author's own lists)."""
        parts = self.body.split(maxsplit=words)
        return " ".join(parts[:words]) + (" …" if len(parts) > words else "")

    @property
    def public_name(self) -> str | None:
        """The name shown on public pages; None means 'Privatperson'."""
        if self.hide_name and self.respondent_type == "private":
            return None
        return self.author_name


class Endorsement(db.Model):
    """An "Enig": one per person per innspill."""

    __tablename__ = "endorsements"
    __table_args__ = (UniqueConstraint("submission_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Endorsement {self.submission_id} by {self.user_id}>"


class AgencyReply(db.Model):
    """The agency's official answer to an innspill, journaled as an outgoing document."""

    __tablename__ = "agency_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    system_id: Mapped[str] = mapped_column(String(36), unique=True, default=new_system_id)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)  # set with body, as on Submission
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    submission: Mapped[Submission] = relationship()
    author: Mapped[User] = relationship()

    @validates("body")
    def _render(self, key: str, value: str) -> str:
        self.body_html = str(text.render_markdown(value))
        return value

    @property
    def html(self) -> Markup:
        return text.stored_html(self.body_html)

    def __repr__(self) -> str:
        return f"<AgencyReply {self.id} to {self.submission_id}>"
