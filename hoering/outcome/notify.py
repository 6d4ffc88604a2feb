"""One e-mail per participant once the outcome is published, through the outbox."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from hoering import tasks
from hoering.accounts.models import User
from hoering.consultations.models import Consultation
from hoering.extensions import db
from hoering.notices.models import KIND_OUTCOME
from hoering.notices.services import absolute_url, enqueue
from hoering.submissions.models import STATUS_PUBLISHED, Submission

BATCH = 500


def notify_participants(consultation: Consultation) -> int:
    """Queue one notice for everyone with a published innspill, linking to how their first one
    was handled; the outbox's unique key makes a second run send nothing new."""
    firsts = db.session.execute(
        select(Submission.author_id, func.min(Submission.id))
        .where(
            Submission.consultation_id == consultation.id,
            Submission.status == STATUS_PUBLISHED,
        )
        .group_by(Submission.author_id)
        .order_by(Submission.author_id)
    ).all()
    queued = 0
    for start in range(0, len(firsts), BATCH):
        batch = dict(firsts[start : start + BATCH])
        for user in db.session.scalars(select(User).where(User.id.in_(list(batch)))):
            submission_id = batch[user.id]

            def compose(submission_id=submission_id) -> tuple[str, str]:
                subject = _("Resultatet av høringen «%(title)s»", title=consultation.title)
                body = "\n\n".join(
                    (
                        _(
                            "%(agency)s har publisert resultatet av høringen «%(title)s», "
                            "der du sendte innspill.",
                            agency=consultation.agency.name,
                            title=consultation.title,
                        ),
                        _(
                            "Se hva som ble gjort med innspillet ditt: %(url)s",
                            url=absolute_url(
                                "outcome.handled",
                                slug=consultation.slug,
                                submission_id=submission_id,
                            ),
                        ),
                        _(
                            "Hele høringsoppsummeringen: %(url)s",
                            url=absolute_url("outcome.public_page", slug=consultation.slug),
                        ),
                    )
                )
                return subject, body

            if enqueue(
                user, KIND_OUTCOME, f"outcome:{consultation.id}", compose, consultation=consultation
            ):
                queued += 1
        db.session.flush()
    return queued


@tasks.task(retries=3, retry_delay=60)
def send_outcome_notices(consultation_id: int) -> None:
    consultation = db.session.get(Consultation, consultation_id)
    if consultation is not None:
        notify_participants(consultation)
        db.session.commit()
