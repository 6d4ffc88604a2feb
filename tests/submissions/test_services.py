"""submit() is the one path in: checked, moderated per mode, counted and journaled together."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hoering.accounts.models import ROLE_CASE_OFFICER
from hoering.consultations.models import Consultation, Paragraph
from hoering.consultations.services import ConsultationClosedError
from hoering.db import utcnow
from hoering.errors import BadInputError, ConflictError, ForbiddenError
from hoering.extensions import db
from hoering.journal.models import JournalEntry
from hoering.submissions import services
from hoering.submissions.models import Endorsement, Submission
from tests.factories import (
    make_consultation,
    make_organisation,
    make_submission,
    make_user,
    paragraph,
)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_paragraph_comment_is_published_counted_and_journaled():
    consultation = make_consultation()
    author = make_user(name="Åse Ærlig")
    submission = make_submission(
        consultation, author=author, body="Bra forslag.", position="support"
    )
    db.session.commit()

    assert submission.status == "published"
    assert submission.kind == "paragraph"
    assert submission.position == "support"
    assert db.session.get(Paragraph, submission.paragraph_id).submission_count == 1
    assert db.session.get(Consultation, consultation.id).submission_count == 1
    entry = db.session.scalar(
        select(JournalEntry).where(JournalEntry.submission_id == submission.id)
    )
    assert entry.journal_number.endswith("/000002")  # after the høringsbrev
    assert entry.document_type == "I"
    assert entry.title == "Innspill til § 1 første ledd"
    assert entry.correspondent_name == "Åse Ærlig"
    assert entry.case_number == consultation.case_number
    assert entry.version_id == consultation.current_version_id
    assert entry.registration_id == f"{consultation.case_number}-2"


def test_general_statement_and_reply_titles_and_counts():
    consultation = make_consultation()
    general = make_submission(consultation, general=True)
    reply = make_submission(consultation, parent=general)
    reply_to_reply = make_submission(consultation, parent=reply)
    db.session.commit()

    assert general.kind == "general" and general.paragraph_id is None
    assert reply.kind == "reply" and reply.parent_id == general.id
    # Threads are one level deep: a reply to a reply joins its thread.
    assert reply_to_reply.parent_id == general.id
    db.session.refresh(general)
    assert general.reply_count == 2
    titles = db.session.scalars(
        select(JournalEntry.title).where(JournalEntry.kind.is_(None)).order_by(JournalEntry.seq)
    ).all()
    general_number = db.session.scalar(
        select(JournalEntry).where(JournalEntry.submission_id == general.id)
    ).journal_number
    assert titles[0].startswith("Høringsuttalelse til ")
    assert titles[1] == f"Kommentar til innspill {general_number}"


def test_journal_numbers_are_sequential_per_agency():
    consultation = make_consultation()
    for _ in range(5):
        make_submission(consultation)
    db.session.commit()
    seqs = db.session.scalars(select(JournalEntry.seq).order_by(JournalEntry.seq)).all()
    assert seqs == [1, 2, 3, 4, 5, 6]  # the høringsbrev, then the innspill


def test_nothing_is_stored_when_journaling_fails(monkeypatch):
    consultation = make_consultation()
    author = make_user()
    db.session.commit()

    def broken(submission, **kwargs):
        raise RuntimeError("journal unavailable")

    monkeypatch.setattr(services.journal, "record_incoming", broken)
    with pytest.raises(RuntimeError):
        make_submission(consultation, author=author)
    db.session.rollback()
    assert _count(Submission) == 0
    assert db.session.get(Consultation, consultation.id).submission_count == 0


@pytest.mark.parametrize(
    ("mode", "status", "needs_review"),
    [("pre", "pending", True), ("post", "published", True), ("reactive", "published", False)],
)
def test_moderation_mode_decides_visibility(mode, status, needs_review):
    consultation = make_consultation(moderation_mode=mode)
    submission = make_submission(consultation)
    assert (submission.status, submission.needs_review) == (status, needs_review)
    expected_count = 0 if status == "pending" else 1
    db.session.refresh(consultation)
    assert consultation.submission_count == expected_count
    # Held or not, it is journaled (after the høringsbrev).
    assert _count(JournalEntry) == 2


def test_after_the_deadline_every_write_path_is_closed():
    consultation = make_consultation()
    earlier = make_submission(consultation)
    voter = make_user()
    consultation.deadline = utcnow() - timedelta(minutes=1)
    db.session.flush()
    with pytest.raises(ConsultationClosedError):
        make_submission(consultation)
    with pytest.raises(ConsultationClosedError):
        services.endorse(earlier, voter)
    assert _count(Submission) == 1


def test_draft_consultation_takes_no_innspill():
    consultation = make_consultation(publish=False)
    with pytest.raises(ConsultationClosedError):
        make_submission(consultation)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("   \n  ", "Skriv innspillet"),
        ("før\x00etter", "NUL"),
        ("x" * 10_001, "høyst"),
        (" ".join(f"https://e{i}.no" for i in range(6)), "lenker"),
    ],
)
def test_bad_bodies_are_refused_with_a_message(body, message):
    consultation = make_consultation()
    with pytest.raises(BadInputError) as raised:
        make_submission(consultation, body=body)
    assert message in str(raised.value.message)
    assert raised.value.field == "body"


def test_unusual_text_is_stored_exactly():
    consultation = make_consultation()
    body = "RTL مرحبا, emoji 🧭, <script>alert(1)</script>, " + "ord" * 500 + "\r\nny linje"
    submission = make_submission(consultation, body=body)
    assert submission.body == body.replace("\r\n", "\n")


def test_organisation_only_for_its_representatives():
    consultation = make_consultation()
    organisation = make_organisation()
    representative = make_user(organisations=[organisation])
    stranger = make_user()
    submission = make_submission(
        consultation, author=representative, organisation_id=organisation.id
    )
    assert submission.respondent_type == "organisation"
    assert submission.organisation_name == organisation.name
    with pytest.raises(ForbiddenError):
        make_submission(consultation, author=stranger, organisation_id=organisation.id)


def test_agency_employee_must_say_they_speak_for_their_own_account():
    consultation = make_consultation()
    employee = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    with pytest.raises(BadInputError) as raised:
        make_submission(consultation, author=employee)
    assert raised.value.field == "own_account"
    submission = make_submission(consultation, author=employee, own_account=True)
    assert submission.own_account is True


def test_identical_innspill_twice_is_refused():
    consultation = make_consultation()
    author = make_user()
    make_submission(consultation, author=author, body="Samme tekst.")
    with pytest.raises(ConflictError):
        make_submission(consultation, author=author, body="Samme tekst.")


def test_same_form_token_gives_one_innspill():
    consultation = make_consultation()
    author = make_user()
    first = make_submission(consultation, author=author, form_token="token-1")
    again = make_submission(consultation, author=author, form_token="token-1", body="Annen")
    assert again.id == first.id
    assert _count(Submission) == 1
    assert _count(JournalEntry) == 2  # the høringsbrev and the one innspill


def test_old_version_paragraphs_take_no_new_innspill():
    consultation = make_consultation()
    old = paragraph(consultation)
    from hoering.consultations.services import publish_draft_version

    publish_draft_version(consultation, "## § 1 Formål\n\nNy tekst.\n", by=consultation.created_by)
    with pytest.raises(ConflictError):
        services.submit(
            consultation, services.SubmissionData(body="Hei"), author=make_user(), paragraph=old
        )


def test_endorse_once_and_withdraw():
    consultation = make_consultation()
    submission = make_submission(consultation)
    voter = make_user()
    assert services.endorse(submission, voter) is True
    assert services.endorse(submission, voter) is False
    db.session.refresh(submission)
    assert submission.endorsement_count == 1
    assert services.withdraw_endorsement(submission, voter) is True
    assert services.withdraw_endorsement(submission, voter) is False
    db.session.refresh(submission)
    assert submission.endorsement_count == 0
    assert _count(Endorsement) == 0


def test_authors_cannot_endorse_themselves():
    consultation = make_consultation()
    author = make_user()
    submission = make_submission(consultation, author=author)
    with pytest.raises(ConflictError):
        services.endorse(submission, author)


def test_agency_reply_is_journaled_as_outgoing_with_the_innspill():
    consultation = make_consultation()
    submission = make_submission(consultation)
    officer = consultation.created_by
    reply = services.reply_as_agency(submission, "Takk for innspillet.", by=officer)
    incoming = db.session.scalar(
        select(JournalEntry).where(JournalEntry.submission_id == submission.id)
    )
    outgoing = db.session.scalar(
        select(JournalEntry).where(JournalEntry.agency_reply_id == reply.id)
    )
    assert outgoing.document_type == "U"
    assert outgoing.replies_to_id == incoming.id
    assert outgoing.title == f"Svar på innspill {incoming.journal_number}"
    with pytest.raises(ForbiddenError):
        services.reply_as_agency(submission, "Uoffisielt", by=make_user())


def test_no_comments_answer_marks_the_consultee():
    consultation = make_consultation()
    organisation = make_organisation(org_number="921000006")
    from hoering.consultations.services import add_consultee

    consultee = add_consultee(consultation, "Testforeningen", "921 000 006")
    representative = make_user(organisations=[organisation])
    submission = services.answer_no_comments(consultation, organisation.id, author=representative)
    assert submission.body == "Ingen merknader."
    assert consultee.response == "no_comments"
    # The høringsbrev, the one sent later to the høringsinstans invited after opening, the answer
    assert _count(JournalEntry) == 3
