"""Journal numbers stay unique and gap-free when many people post at once, on both databases."""

from __future__ import annotations

import threading

from sqlalchemy import select

from hoering.extensions import db
from hoering.journal.models import JournalEntry
from hoering.journal.verify import verify_chain
from hoering.submissions import services as submissions
from tests.factories import make_consultation, make_user, paragraph

THREADS = 8
PER_THREAD = 10


def test_concurrent_posting_gives_unique_gap_free_numbers(app):
    consultation = make_consultation()
    authors = [make_user() for _ in range(THREADS)]
    consultation_id, author_ids = consultation.id, [a.id for a in authors]
    # Nothing read after the commit: outside a request every SQLite transaction takes the write
    # lock when it begins (hoering/db.py), and this thread would hold it while the others wait.
    db.session.commit()
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def post(author_id: int) -> None:
        with app.app_context():
            try:
                start.wait()
                for n in range(PER_THREAD):
                    from hoering.accounts.models import User
                    from hoering.consultations.models import Consultation

                    target = db.session.get(Consultation, consultation_id)
                    submissions.submit(
                        target,
                        submissions.SubmissionData(body=f"Innspill {n} fra {author_id}."),
                        author=db.session.get(User, author_id),
                        paragraph=paragraph(target),
                    )
                    db.session.commit()
            except BaseException as error:  # collected and re-raised in the main thread
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=post, args=(author_id,)) for author_id in author_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[0]

    numbers = db.session.scalars(select(JournalEntry.seq).order_by(JournalEntry.seq)).all()
    # The høringsbrev journaled when the consultation opened, then every innspill.
    assert numbers == list(range(1, THREADS * PER_THREAD + 2))
    records = db.session.scalars(
        select(JournalEntry.record_number).order_by(JournalEntry.record_number)
    ).all()
    assert records == list(range(1, THREADS * PER_THREAD + 2))
    assert verify_chain() == []
