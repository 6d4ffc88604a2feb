"""The receipt also comes by e-mail, through the outbox (issue 14, point 13)."""

from __future__ import annotations

from sqlalchemy import select

from hoering.extensions import db
from hoering.journal.services import entry_for_submission
from hoering.notices.models import KIND_RECEIPT, OutboxMessage
from hoering.submissions.models import Submission
from tests.conftest import login
from tests.factories import make_consultation, make_submission, make_user
from tests.submissions.test_views import _submit


def receipts() -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.kind == KIND_RECEIPT)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def test_a_comment_from_the_web_queues_a_receipt_with_journal_number_and_link(client):
    consultation = make_consultation(title="Høring om vannlov", moderation_mode="pre")
    author = make_user(email="kari@example.no")
    db.session.commit()
    login(client, author)
    response = _submit(client, f"/hoeringer/{consultation.slug}/p-1-1/skriv", {"body": "Bra."})
    assert response.status_code == 302
    submission = db.session.scalar(select(Submission))
    number = entry_for_submission(submission.id).journal_number
    [message] = receipts()
    assert message.recipient_id == author.id
    assert message.ref == f"submission:{submission.id}"
    assert message.subject == (
        f"Kvittering: innspillet ditt til «Høring om vannlov» er journalført ({number})"
    )
    assert f"Journalnummer: {number}" in message.body
    assert f"Saksnummer: {consultation.case_number}" in message.body
    assert "venter på en moderator" in message.body
    assert f"/hoeringer/{consultation.slug}/innspill/{submission.id}" in message.body
    assert "/mine-innspill" in message.body
    assert message.sent_at is None


def test_the_receipt_is_in_the_authors_language():
    consultation = make_consultation()
    author = make_user()
    author.locale = "en"
    submission = make_submission(consultation, author=author)
    [message] = receipts()
    number = entry_for_submission(submission.id).journal_number
    assert message.subject.startswith("Receipt: your comment on")
    assert f"Journal number: {number}" in message.body
    assert "The comment is published." in message.body


def test_no_receipt_for_people_who_turned_notices_off():
    consultation = make_consultation()
    author = make_user()
    author.wants_email = False
    make_submission(consultation, author=author)
    assert receipts() == []


def test_the_same_form_posted_twice_queues_one_receipt():
    consultation = make_consultation()
    author = make_user()
    first = make_submission(consultation, author=author, form_token="t" * 32)
    again = make_submission(consultation, author=author, form_token="t" * 32, body=first.body)
    db.session.commit()
    assert again.id == first.id
    assert len(receipts()) == 1
