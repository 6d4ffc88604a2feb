"""Reports from the public and the append-only log of every moderation action."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hoering.accounts.models import User
from hoering.consultations.models import Consultation
from hoering.db import UTCDateTime, utcnow
from hoering.extensions import db
from hoering.submissions.models import Submission

# Why something is reported, hidden, rejected or redacted; also the public removal statistics.
REASON_PERSONAL_DATA = "personal_data"
REASON_HARASSMENT = "harassment"
REASON_SPAM = "spam"
REASON_OFF_TOPIC = "off_topic"
REASON_OTHER = "other"
REASONS = (REASON_PERSONAL_DATA, REASON_HARASSMENT, REASON_SPAM, REASON_OFF_TOPIC, REASON_OTHER)

ACTION_APPROVE = "approve"
ACTION_REJECT = "reject"
ACTION_HIDE = "hide"
ACTION_REDACT = "redact"
ACTION_OFF_TOPIC = "off_topic"
ACTION_BLOCK = "block"
# Not a moderator's decision, but logged the same way: the author's own and the threshold's.
ACTION_WITHDRAW = "withdraw"
ACTION_AUTO_HIDE = "auto_hide"
# A moderator's acts on one file of an innspill (attachment_id set): the file itself is kept.
ACTION_WITHHOLD_FILE = "withhold_file"
ACTION_RELEASE_FILE = "release_file"
ACTION_REDACT_FILE = "redact_file"
FILE_ACTIONS = (ACTION_WITHHOLD_FILE, ACTION_RELEASE_FILE, ACTION_REDACT_FILE)
ACTIONS = (
    ACTION_APPROVE,
    ACTION_REJECT,
    ACTION_HIDE,
    ACTION_REDACT,
    ACTION_OFF_TOPIC,
    ACTION_BLOCK,
    ACTION_WITHDRAW,
    ACTION_AUTO_HIDE,
    *FILE_ACTIONS,
)
# What the public per-consultation statistics count as a removal.
REMOVAL_ACTIONS = (ACTION_HIDE, ACTION_REJECT, ACTION_REDACT)


class Report(db.Model):
    """A report ("Rapporter") of a public innspill: one per person, or per address when anonymous.

    reporter_key is an HMAC of the user id or of the address, so reports stay distinct without
    the platform ever storing an IP address.
    """

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("submission_id", "reporter_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reporter_key: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    submission: Mapped[Submission] = relationship()
    reporter: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Report {self.id} on {self.submission_id} {self.reason}>"


class ModerationAction(db.Model):
    """One entry of the moderation log: who did what to which innspill, when, why, before/after.

    A step on one of the innspill's files names the file (attachment_id); before/after then hold
    the file's public state.

    Append-only: never updated or deleted (the ORM guard below refuses both).
    """

    __tablename__ = "moderation_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), index=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultations.id"), index=True)
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(20))
    category: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    before: Mapped[dict] = mapped_column(JSON)
    after: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    submission: Mapped[Submission] = relationship()
    consultation: Mapped[Consultation] = relationship()
    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<ModerationAction {self.id} {self.action} on {self.submission_id}>"


class ModerationLogImmutableError(RuntimeError):
    """The moderation log is append-only: what was done stays on the record."""


@event.listens_for(ModerationAction, "before_update")
@event.listens_for(ModerationAction, "before_delete")
def _refuse_change(mapper, connection, target):
    raise ModerationLogImmutableError(f"{target!r} is append-only")
