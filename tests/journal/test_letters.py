"""The høringsbrev journalpost: journaled when a consultation opens, and for consultations that
opened before it was."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from hoering.consultations import services as consultations
from hoering.consultations.models import STATUS_CLOSED, STATUS_OPEN
from hoering.db import utcnow
from hoering.extensions import db
from hoering.journal.models import JournalAttachment, JournalEntry, JournalRecipient
from hoering.journal.verify import verify_chain
from tests.factories import make_consultation


def test_a_revised_draft_after_opening_is_its_own_outgoing_entry():
    consultation = make_consultation(title="Høring om A", publish=False)
    consultations.add_consultee(consultation, "Fjordvik kommune", "987654325")
    officer = consultation.created_by
    # A version published before opening is not sent: only the one current at opening is.
    sent = consultations.publish_draft_version(consultation, "# Lov\n\n## § 1\n\nTo.\n", by=officer)
    assert db.session.scalar(select(JournalEntry)) is None
    consultations.publish_consultation(consultation)
    third = consultations.publish_draft_version(
        consultation, "# Lov\n\n## § 1\n\nTre.\n", by=officer
    )
    letter, revised = db.session.scalars(select(JournalEntry).order_by(JournalEntry.seq)).all()
    assert (letter.kind, letter.version_id, revised.version_id) == (
        "horingsbrev",
        sent.id,
        third.id,
    )
    assert (revised.kind, revised.document_type, revised.title) == (
        "revidert_utkast",
        "U",
        "Revidert utkast, versjon 3: Høring om A",
    )
    recipients = db.session.scalars(
        select(JournalRecipient.entry_id).order_by(JournalRecipient.entry_id)
    ).all()
    assert recipients == [letter.id, revised.id]
    db.session.commit()
    assert verify_chain() == []


def test_consultations_opened_before_get_their_letter_or_are_named(runner):
    # Opened the way they were before: no høringsbrev journalpost.
    still_open = make_consultation(title="Høring om B", publish=False)
    consultations.add_consultee(still_open, "Fjordvik kommune", "987654325")
    still_open.status, still_open.published_at = STATUS_OPEN, utcnow() - timedelta(days=1)
    closed = make_consultation(
        title="Høring om C", case_number="2026/77", agency=still_open.agency, publish=False
    )
    closed.status, closed.closed_at = STATUS_CLOSED, utcnow() - timedelta(hours=1)
    db.session.commit()

    result = runner.invoke(args=["journal", "record-letters"])
    assert result.exit_code == 0, result.output
    assert "1 høringsbrev journalpost(s) journaled." in result.output
    assert "2026/77" in result.output and "closed without one" in result.output
    (letter,) = db.session.scalars(select(JournalEntry)).all()
    assert (letter.consultation_id, letter.kind, letter.correspondent_name) == (
        still_open.id,
        "horingsbrev",
        "Fjordvik kommune",
    )
    assert db.session.scalar(select(JournalAttachment)) is None
    assert verify_chain() == []
    again = runner.invoke(args=["journal", "record-letters"])
    assert "0 høringsbrev journalpost(s) journaled." in again.output


def test_a_hoeringsinstans_invited_after_opening_is_sent_the_letter_on_the_record():
    from hoering.journal.models import JournalDocument

    consultation = make_consultation(title="Høring om D", publish=False)
    officer = consultation.created_by
    consultations.add_consultee(consultation, "Fjordvik kommune", "987654325")
    consultations.publish_consultation(consultation)
    revised = consultations.publish_draft_version(
        consultation, "# Lov\n\n## § 1\n\nTre.\n", by=officer
    )
    consultations.add_consultee(consultation, "Norsk Friluftsforum", "921000006")
    letter, _revised, late = db.session.scalars(select(JournalEntry).order_by(JournalEntry.seq))
    assert (late.kind, late.document_type, late.status, late.title) == (
        "ettersendt_brev",
        "U",
        "Ekspedert",
        "Høringsbrev (ettersendt): Høring om D",
    )
    # Sent to the new høringsinstans alone, with the draft current now.
    assert late.correspondent_name == "Norsk Friluftsforum"
    assert (late.version_id, letter.version_id) == (revised.id, revised.id - 1)
    sent_to = db.session.execute(
        select(
            JournalRecipient.entry_id, JournalRecipient.name, JournalRecipient.org_number
        ).order_by(JournalRecipient.entry_id, JournalRecipient.position)
    ).all()
    assert [row for row in sent_to if row[0] in (letter.id, late.id)] == [
        (letter.id, "Fjordvik kommune", "987654325"),
        (late.id, "Norsk Friluftsforum", "921000006"),
    ]
    text = db.session.scalar(
        select(JournalDocument.text).where(JournalDocument.entry_id == late.id)
    )
    assert text == revised.source_markdown
    db.session.commit()
    assert verify_chain() == []


def test_a_hoeringsinstans_invited_before_opening_or_after_the_deadline_gets_no_letter_of_its_own():
    consultation = make_consultation(title="Høring om E", publish=False)
    consultations.add_consultee(consultation, "Fjordvik kommune", "987654325")
    assert db.session.scalar(select(JournalEntry)) is None  # it goes with the others at opening
    consultations.publish_consultation(consultation)
    consultations.add_consultee(
        consultation, "Norsk Friluftsforum", "921000006", now=consultation.deadline
    )
    consultations.close_consultation(consultation, by=consultation.created_by)
    consultations.add_consultee(consultation, "Foreningen for åpen forvaltning", "912345009")
    (letter,) = db.session.scalars(select(JournalEntry)).all()
    assert letter.correspondent_name == "Fjordvik kommune"
