"""Moderation: reports from the public, a moderator's decisions, the author's withdrawal.

Every step is checked against the version of the innspill the actor saw (a conditional UPDATE,
so two moderators acting at once get one result and a clear message), changes state only through
submissions.services.set_status, and is written to the append-only moderation log. Nothing is
deleted: hiding leaves a tombstone, redaction keeps the original text.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from hoering import text
from hoering.accounts.models import ROLE_MODERATOR, User
from hoering.consultations.models import Consultation
from hoering.db import add_unless_taken, utcnow
from hoering.documents.models import Attachment
from hoering.errors import BadInputError, ConflictError, ForbiddenError
from hoering.extensions import db
from hoering.journal.services import record_file_moderation, record_moderation
from hoering.moderation.models import (
    ACTION_APPROVE,
    ACTION_AUTO_HIDE,
    ACTION_BLOCK,
    ACTION_HIDE,
    ACTION_OFF_TOPIC,
    ACTION_REDACT,
    ACTION_REDACT_FILE,
    ACTION_REJECT,
    ACTION_RELEASE_FILE,
    ACTION_WITHDRAW,
    ACTION_WITHHOLD_FILE,
    REASON_OFF_TOPIC,
    REASON_PERSONAL_DATA,
    REASONS,
    ModerationAction,
    Report,
)
from hoering.notices import services as notices
from hoering.submissions.models import (
    STATUS_HIDDEN,
    STATUS_PENDING,
    STATUS_PUBLISHED,
    STATUS_REJECTED,
    STATUS_WITHDRAWN,
    Submission,
)
from hoering.submissions.services import set_status

log = logging.getLogger(__name__)

REDACTED = "[sladdet]"
REPORT_TEXT_MAX = 2000
REASON_MAX = 2000
BLOCK_MAX_DAYS = 365
_SPAN_RE = re.compile(r"^\s*(\d{1,9})\s*[-–]\s*(\d{1,9})\s*$")

# Which states each decision may start from; anything else is a 409 with a message.
_ALLOWED_FROM = {
    ACTION_APPROVE: (STATUS_PENDING, STATUS_PUBLISHED, STATUS_HIDDEN),
    ACTION_REJECT: (STATUS_PENDING,),
    ACTION_HIDE: (STATUS_PUBLISHED, STATUS_HIDDEN),
    ACTION_REDACT: (STATUS_PENDING, STATUS_PUBLISHED, STATUS_HIDDEN),
    ACTION_OFF_TOPIC: (STATUS_PENDING, STATUS_PUBLISHED, STATUS_HIDDEN),
    ACTION_BLOCK: (STATUS_PENDING, STATUS_PUBLISHED, STATUS_HIDDEN, STATUS_REJECTED),
}
DECISIONS = tuple(_ALLOWED_FROM)


class ModerationConflictError(ConflictError):
    message = _l(
        "Noen andre har behandlet dette innspillet mens du så på det. Se gjeldende status "
        "nedenfor, og gjør et nytt valg om det trengs."
    )


class AlreadyReportedError(ConflictError):
    message = _l("Du har allerede rapportert dette innspillet. En moderator ser på det.")


@dataclass
class Decision:
    """What a moderator chose, and the moderation_version of the innspill they were looking at."""

    action: str
    version: int
    category: str | None = None
    reason: str = ""
    spans: list[tuple[int, int]] = field(default_factory=list)
    days: int | None = None


# --- reports ---------------------------------------------------------------------------------


def reporter_key(*, user: User | None, address: str | None) -> str:
    """Who reported, distinct per person (or per address) but never a stored IP: an HMAC."""
    subject = f"user:{user.id}" if user is not None else f"address:{address or '-'}"
    secret = current_app.config["SECRET_KEY"].encode()
    return hmac.new(secret, subject.encode(), hashlib.sha256).hexdigest()


def report(
    submission: Submission,
    *,
    reason: str,
    note: str,
    user: User | None,
    address: str | None,
    now: datetime | None = None,
) -> Report:
    """One report per person or address; at REPORT_HIDE_THRESHOLD open reports it is hidden."""
    now = now or utcnow()
    if reason not in REASONS:
        raise BadInputError(_l("Velg hvorfor du rapporterer innspillet."), field="reason")
    note = _clean_text(note or "", field_name="text", limit=REPORT_TEXT_MAX)
    if not submission.is_visible:
        raise ConflictError(_l("Bare publiserte innspill kan rapporteres."))
    row = Report(
        submission_id=submission.id,
        reporter_id=user.id if user is not None else None,
        reporter_key=reporter_key(user=user, address=address),
        reason=reason,
        text=note,
        created_at=now,
    )
    if not add_unless_taken(row):
        raise AlreadyReportedError(field="reason")
    db.session.execute(
        update(Submission)
        .where(Submission.id == submission.id)
        .values(report_count=Submission.report_count + 1)
        .execution_options(synchronize_session=False)
    )
    submission.needs_review = True  # reactive mode too: a reported innspill enters the queue
    open_reports = db.session.scalar(
        select(func.count(Report.id)).where(
            Report.submission_id == submission.id, Report.resolved_at.is_(None)
        )
    )
    if open_reports >= current_app.config["REPORT_HIDE_THRESHOLD"]:
        _bump(submission)
        before = snapshot(submission)
        set_status(submission, STATUS_HIDDEN, now=now)
        _log(submission, ACTION_AUTO_HIDE, None, before, category=reason, now=now)
    db.session.flush()
    log.info("submission %s reported (%s)", submission.id, reason)
    return row


# --- decisions -------------------------------------------------------------------------------


def can_moderate(user, consultation: Consultation) -> bool:
    """Moderators of the agency that owns the consultation, and admins."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.has_role(ROLE_MODERATOR, consultation.agency_id)
    )


def parse_spans(value: str) -> list[tuple[int, int]]:
    """'12-20, 31-40' -> [(12, 20), (31, 40)]; anything else is a 400 with an example."""
    spans = []
    for part in filter(str.strip, re.split(r"[,;\n]", value or "")):
        match = _SPAN_RE.match(part)
        if match is None:
            raise BadInputError(
                _(
                    "«%(part)s» er ikke et gyldig tegnområde. Skriv start-slutt, for eksempel "
                    "12-23, og skill flere med komma.",
                    part=part.strip()[:40],
                ),
                field="spans",
            )
        spans.append((int(match.group(1)), int(match.group(2))))
    return spans


def moderate(
    submission: Submission, decision: Decision, *, by: User, now: datetime | None = None
) -> ModerationAction:
    """Apply one decision if the innspill is still as the moderator saw it; log it."""
    now = now or utcnow()
    if not can_moderate(by, submission.consultation):
        raise ForbiddenError()
    if decision.action not in _ALLOWED_FROM:
        raise BadInputError(_l("Ukjent modereringshandling."))
    _check_decision(submission, decision)
    if submission.moderation_version != decision.version:
        raise ModerationConflictError()
    if submission.status not in _ALLOWED_FROM[decision.action]:
        raise ConflictError(_l("Innspillet har en status som ikke tillater dette valget nå."))
    _bump(submission, expected=decision.version)
    before = snapshot(submission)
    reason = decision.reason.strip() or None
    if decision.action == ACTION_APPROVE:
        set_status(submission, STATUS_PUBLISHED, now=now)
        _close_review(submission, now)
    elif decision.action in (ACTION_REJECT, ACTION_HIDE):
        status = STATUS_REJECTED if decision.action == ACTION_REJECT else STATUS_HIDDEN
        set_status(submission, status, reason=reason, now=now)
        _close_review(submission, now)
    elif decision.action == ACTION_REDACT:
        spans = _merge([*(tuple(s) for s in submission.redactions or ()), *decision.spans])
        submission.redactions = [list(span) for span in spans]
        submission.public_body = redact(submission.body, spans)
    elif decision.action == ACTION_OFF_TOPIC:
        submission.is_off_topic = True
        _close_review(submission, now)
    elif decision.action == ACTION_BLOCK:
        submission.author.blocked_until = now + timedelta(days=decision.days or 0)
        submission.author.blocked_reason = reason
    submission.moderated_at = now
    db.session.flush()
    action = _log(
        submission, decision.action, by, before, category=decision.category, reason=reason, now=now
    )
    if decision.action in (ACTION_REJECT, ACTION_HIDE, ACTION_REDACT):
        notices.notify_moderated(submission, action.id, reason)
    log.info("submission %s: %s by user %s", submission.id, decision.action, by.id)
    return action


def withdraw(submission: Submission, *, by: User, now: datetime | None = None) -> ModerationAction:
    """The author takes their innspill out of public view; the journal keeps it."""
    now = now or utcnow()
    if submission.author_id != by.id:
        raise ForbiddenError()
    if submission.status not in (STATUS_PUBLISHED, STATUS_PENDING):
        raise ConflictError(_l("Bare publiserte innspill og innspill som venter, kan trekkes."))
    _bump(submission)
    before = snapshot(submission)
    set_status(submission, STATUS_WITHDRAWN, reason=None, now=now)
    _close_review(submission, now)
    return _log(submission, ACTION_WITHDRAW, by, before, now=now)


# --- files -----------------------------------------------------------------------------------


def withhold_file(
    attachment: Attachment,
    withheld: bool,
    *,
    reason: str,
    by: User,
    now: datetime | None = None,
) -> ModerationAction:
    """Withhold one file of an innspill from the public, or show it again. The file is kept; the
    step goes to the moderation log and the journal's change log in this transaction."""
    reason = _file_reason(attachment, by, reason)
    if withheld and not reason:
        raise BadInputError(_l("Skriv en begrunnelse for å holde filen tilbake."), field="reason")
    if attachment.withheld == withheld:
        raise ConflictError(
            _l("Filen er allerede holdt tilbake.")
            if withheld
            else _l("Filen vises allerede offentlig.")
        )
    before = file_snapshot(attachment)
    attachment.withheld = withheld
    return _log_file(
        attachment,
        ACTION_WITHHOLD_FILE if withheld else ACTION_RELEASE_FILE,
        by,
        before,
        journal=("withheld_file", not withheld, withheld),
        reason=reason or None,
        now=now,
    )


def redact_file(
    attachment: Attachment,
    make_copy: Callable[[], None],
    *,
    reason: str,
    by: User,
    now: datetime | None = None,
) -> ModerationAction:
    """Publish a redacted copy of one file in its place (make_copy stores it on the file); the
    original is kept. Logged like every moderation step."""
    reason = _file_reason(attachment, by, reason)
    before = file_snapshot(attachment)
    old = attachment.redacted_sha256
    make_copy()
    return _log_file(
        attachment,
        ACTION_REDACT_FILE,
        by,
        before,
        journal=("redacted_file", old, attachment.redacted_sha256),
        reason=reason or None,
        now=now,
    )


def file_snapshot(attachment: Attachment) -> dict:
    """A file's public state, as the log's before/after records it."""
    return {
        "file": attachment.original_name,
        "withheld": attachment.withheld,
        "redacted_sha256": attachment.redacted_sha256,
    }


def _file_reason(attachment: Attachment, by: User, reason: str | None) -> str:
    """The moderator's cleaned reason for a step on this file; refused for anyone who may not
    moderate its innspill."""
    if attachment.submission is None or not can_moderate(by, attachment.consultation):
        raise ForbiddenError()
    return _clean_text(reason or "", field_name="reason", limit=REASON_MAX).strip()


def _log_file(
    attachment: Attachment,
    action: str,
    actor: User,
    before: dict,
    *,
    journal: tuple[str, object, object],
    reason: str | None,
    now: datetime | None,
) -> ModerationAction:
    now = now or utcnow()
    submission = attachment.submission
    submission.moderated_at = now  # what the public sees of the innspill changed
    db.session.flush()
    entry = ModerationAction(
        submission_id=submission.id,
        consultation_id=submission.consultation_id,
        attachment_id=attachment.id,
        actor_id=actor.id,
        action=action,
        category=REASON_PERSONAL_DATA if action == ACTION_REDACT_FILE else None,
        reason=reason,
        before=before,
        after=file_snapshot(attachment),
        created_at=now,
    )
    db.session.add(entry)
    db.session.flush()
    field_name, old, new = journal
    record_file_moderation(
        submission, attachment.id, field_name, old, new, reason=reason, by=actor, now=now
    )
    log.info(
        "attachment %s of submission %s: %s by user %s",
        attachment.id,
        submission.id,
        action,
        actor.id,
    )
    return entry


def redact(body: str, spans: list[tuple[int, int]]) -> str:
    """The public version: each span of the original replaced by "[sladdet]"."""
    parts, position = [], 0
    for start, end in _merge(spans):
        parts += [body[position:start], REDACTED]
        position = end
    parts.append(body[position:])
    return "".join(parts)


def snapshot(submission: Submission) -> dict:
    """The moderated state of an innspill, as the log's before/after records it."""
    author = submission.author
    return {
        "status": submission.status,
        "status_reason": submission.status_reason,
        "needs_review": submission.needs_review,
        "is_off_topic": submission.is_off_topic,
        "redactions": submission.redactions,
        "author_blocked_until": (
            author.blocked_until.isoformat() if author.blocked_until else None
        ),
        "author_blocked_reason": author.blocked_reason,
    }


def _check_decision(submission: Submission, decision: Decision) -> None:
    needs_reason = decision.action in (ACTION_REJECT, ACTION_HIDE, ACTION_BLOCK)
    if decision.action in (ACTION_REJECT, ACTION_HIDE) and decision.category not in REASONS:
        raise BadInputError(_l("Velg en grunn."), field="category")
    if decision.action == ACTION_REDACT:
        decision.category = decision.category or REASON_PERSONAL_DATA
        _check_spans(submission.body, decision.spans)
    if decision.action == ACTION_OFF_TOPIC:
        decision.category = REASON_OFF_TOPIC
    if decision.action == ACTION_BLOCK and not (1 <= (decision.days or 0) <= BLOCK_MAX_DAYS):
        raise BadInputError(
            _l("Velg et antall dager fra 1 til %(n)s.", n=BLOCK_MAX_DAYS), field="days"
        )
    decision.reason = _clean_text(decision.reason or "", field_name="reason", limit=REASON_MAX)
    if needs_reason and not decision.reason.strip():
        raise BadInputError(
            _l("Skriv en begrunnelse. Den blir vist til forfatteren."), field="reason"
        )


def _check_spans(body: str, spans: list[tuple[int, int]]) -> None:
    if not spans:
        raise BadInputError(
            _l("Velg eller skriv minst ett område som skal sladdes."), field="spans"
        )
    for start, end in spans:
        if not 0 <= start < end <= len(body):
            raise BadInputError(
                _(
                    "Området %(start)s-%(end)s er utenfor teksten. Teksten har %(n)s tegn "
                    "(0-%(n)s), og start må være mindre enn slutt.",
                    start=start,
                    end=end,
                    n=len(body),
                ),
                field="spans",
            )


def _merge(spans) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _clean_text(value: str, *, field_name: str, limit: int) -> str:
    if text.has_nul(value):
        raise BadInputError(_l("Teksten inneholder et ugyldig tegn (NUL)."), field=field_name)
    value = text.normalize_line_endings(value)
    if len(value) > limit:
        raise BadInputError(_("Teksten kan ha høyst %(n)s tegn.", n=limit), field=field_name)
    return value


def _bump(submission: Submission, *, expected: int | None = None) -> None:
    """Take the next moderation_version; with `expected`, only if nobody took it first.

    The conditional UPDATE holds the row until commit, so of two moderators acting at once the
    second finds the version moved on and gets ModerationConflictError instead of a lost update.
    """
    db.session.flush()
    query = update(Submission).where(Submission.id == submission.id)
    if expected is not None:
        query = query.where(Submission.moderation_version == expected)
    result = db.session.execute(
        query.values(moderation_version=Submission.moderation_version + 1).execution_options(
            synchronize_session=False
        )
    )
    if result.rowcount != 1:
        raise ModerationConflictError()
    db.session.refresh(submission)


def _close_review(submission: Submission, now: datetime) -> None:
    submission.needs_review = False
    db.session.execute(
        update(Report)
        .where(Report.submission_id == submission.id, Report.resolved_at.is_(None))
        .values(resolved_at=now)
        .execution_options(synchronize_session=False)
    )


def _log(
    submission: Submission,
    action: str,
    actor: User | None,
    before: dict,
    *,
    category: str | None = None,
    reason: str | None = None,
    now: datetime,
) -> ModerationAction:
    db.session.flush()
    entry = ModerationAction(
        submission_id=submission.id,
        consultation_id=submission.consultation_id,
        actor_id=actor.id if actor is not None else None,
        action=action,
        category=category,
        reason=reason,
        before=before,
        after=snapshot(submission),
        created_at=now,
    )
    db.session.add(entry)
    db.session.flush()
    _journal_outcome(submission, entry)
    return entry


def _journal_outcome(submission: Submission, action: ModerationAction) -> None:
    """Every moderation step reaches the journal's change log (endringslogg) in its transaction."""
    record_moderation(
        submission,
        action.before["status"],
        reason=action.reason,
        by=action.actor or "system",
        now=action.created_at,
    )
