"""Read side for moderators (the queue, the log) and for the public (removal statistics)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import selectinload

from hoering.accounts.models import ROLE_MODERATOR, User
from hoering.consultations.models import Consultation
from hoering.extensions import db
from hoering.moderation.models import (
    REASON_PERSONAL_DATA,
    REMOVAL_ACTIONS,
    ModerationAction,
    Report,
)
from hoering.submissions.models import Submission

QUEUE_SIZE = 100
LOG_SIZE = 500
# Age filters of the queue: (newer than, older than) in days.
AGES = {"dogn": (1, None), "uke": (7, None), "eldre": (None, 7)}
FINDINGS_FILTER = "funn"


@dataclass
class QueueItem:
    submission: Submission
    reasons: Counter = field(default_factory=Counter)


def moderated_agency_ids(user: User) -> set[int] | None:
    """The agencies whose innspill this person moderates; None means all (an admin)."""
    if user.is_admin:
        return None
    return user.agency_ids(ROLE_MODERATOR)


def _in_agencies(query, agency_ids: set[int] | None):
    if agency_ids is None:
        return query
    return query.where(Consultation.agency_id.in_(agency_ids))


def moderated_consultations(user: User) -> list[Consultation]:
    """The consultations this person moderates, newest first (for the filters)."""
    query = select(Consultation).order_by(Consultation.created_at.desc())
    return list(db.session.scalars(_in_agencies(query, moderated_agency_ids(user))))


def queue(
    user: User,
    *,
    consultation_id: int | None = None,
    reason: str | None = None,
    age: str | None = None,
    now: datetime,
) -> list[QueueItem]:
    """Innspill waiting for a moderator, oldest first, with their open reports counted by reason."""
    query = (
        select(Submission)
        .join(Consultation, Consultation.id == Submission.consultation_id)
        .where(Submission.needs_review.is_(True))
        .options(
            selectinload(Submission.consultation),
            selectinload(Submission.paragraph),
            selectinload(Submission.author),
        )
    )
    query = _in_agencies(query, moderated_agency_ids(user))
    if consultation_id is not None:
        query = query.where(Submission.consultation_id == consultation_id)
    if reason == FINDINGS_FILTER:
        query = query.where(Submission.findings.is_not(None))
    elif reason:
        query = query.where(
            Submission.id.in_(
                select(Report.submission_id).where(
                    Report.reason == reason, Report.resolved_at.is_(None)
                )
            )
        )
    if age:
        newer, older = AGES[age]
        if newer is not None:
            query = query.where(Submission.created_at >= now - timedelta(days=newer))
        if older is not None:
            query = query.where(Submission.created_at < now - timedelta(days=older))
    submissions = list(db.session.scalars(query.order_by(*_urgency()).limit(QUEUE_SIZE)))
    items = {s.id: QueueItem(s) for s in submissions}
    if items:
        rows = db.session.execute(
            select(Report.submission_id, Report.reason, func.count(Report.id))
            .where(Report.submission_id.in_(items), Report.resolved_at.is_(None))
            .group_by(Report.submission_id, Report.reason)
        )
        for submission_id, report_reason, count in rows:
            items[submission_id].reasons[report_reason] = count
    return list(items.values())


def _urgency():
    """Most urgent first: personal data (held at submission or reported as such), then other
    open reports, then the rest; oldest first within each."""
    open_reports = select(Report.id).where(
        Report.submission_id == Submission.id, Report.resolved_at.is_(None)
    )
    personal = open_reports.where(Report.reason == REASON_PERSONAL_DATA)
    rank = case(
        (or_(Submission.findings.is_not(None), personal.exists()), 0),
        (open_reports.exists(), 1),
        else_=2,
    )
    return rank, Submission.id


def reports_for(submission: Submission) -> list[Report]:
    """Every report of an innspill, open and resolved, oldest first."""
    return list(
        db.session.scalars(
            select(Report).where(Report.submission_id == submission.id).order_by(Report.id)
        )
    )


def actions_for(submission: Submission) -> list[ModerationAction]:
    """The moderation history of one innspill, oldest first."""
    return list(
        db.session.scalars(
            select(ModerationAction)
            .where(ModerationAction.submission_id == submission.id)
            .options(selectinload(ModerationAction.actor))
            .order_by(ModerationAction.id)
        )
    )


def log_entries(user: User, *, consultation_id: int | None = None, limit: int | None = LOG_SIZE):
    """The moderation log this person may read, newest first."""
    query = (
        select(ModerationAction)
        .join(Consultation, Consultation.id == ModerationAction.consultation_id)
        .options(
            selectinload(ModerationAction.actor),
            selectinload(ModerationAction.consultation),
        )
        .order_by(ModerationAction.id.desc())
    )
    query = _in_agencies(query, moderated_agency_ids(user))
    if consultation_id is not None:
        query = query.where(ModerationAction.consultation_id == consultation_id)
    if limit is not None:
        query = query.limit(limit)
    return db.session.scalars(query.execution_options(yield_per=500))


def removal_counts(consultation: Consultation) -> dict[str, Counter]:
    """Public accountability: how many innspill were hidden, rejected or redacted, by reason."""
    rows = db.session.execute(
        select(ModerationAction.category, ModerationAction.action, func.count())
        .where(
            ModerationAction.consultation_id == consultation.id,
            ModerationAction.action.in_(REMOVAL_ACTIONS),
        )
        .group_by(ModerationAction.category, ModerationAction.action)
    )
    counts: dict[str, Counter] = {}
    for category, action, count in rows:
        counts.setdefault(category or "other", Counter())[action] += count
    return counts
