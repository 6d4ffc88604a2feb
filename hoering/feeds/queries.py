"""What the feeds show: public consultations, and only the published innspill of one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from hoering.accounts.models import Agency
from hoering.consultations.models import STATUS_DRAFT, Consultation, Paragraph
from hoering.extensions import db
from hoering.submissions.models import STATUS_PUBLISHED, Submission

FEED_SIZE = 50


def recent_consultations(agency: Agency | None = None) -> list[Consultation]:
    """The newest published consultations, overall or of one agency; drafts never."""
    query = select(Consultation).where(
        Consultation.status != STATUS_DRAFT, Consultation.published_at.is_not(None)
    )
    if agency is not None:
        query = query.where(Consultation.agency_id == agency.id)
    return list(
        db.session.scalars(
            query.order_by(Consultation.published_at.desc(), Consultation.id.desc()).limit(
                FEED_SIZE
            )
        )
    )


def recent_submissions(consultation: Consultation) -> list[Submission]:
    """The newest published innspill; pending, rejected, hidden and withdrawn ones never."""
    return list(
        db.session.scalars(
            select(Submission)
            .options(joinedload(Submission.paragraph).joinedload(Paragraph.section))
            .where(
                Submission.consultation_id == consultation.id,
                Submission.status == STATUS_PUBLISHED,
            )
            .order_by(Submission.published_at.desc(), Submission.id.desc())
            .limit(FEED_SIZE)
        )
    )


def last_moderation(consultation: Consultation) -> datetime | None:
    """When a moderator last changed an innspill here: a hidden one changes the feed too."""
    return db.session.scalar(
        select(func.max(Submission.moderated_at)).where(
            Submission.consultation_id == consultation.id
        )
    )
