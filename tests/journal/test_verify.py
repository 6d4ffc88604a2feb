"""`flask journal verify` catches every kind of tampering done straight in the database."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from hoering.accounts.models import ROLE_CASE_OFFICER
from hoering.extensions import db
from hoering.journal.models import JournalChange, JournalEntry
from hoering.journal.services import record_change
from hoering.submissions import services as submissions
from tests.factories import make_consultation, make_submission, make_user


@pytest.fixture
def journal():
    """Five entries (the høringsbrev, three innspill and the agency's reply to the first) and one
    change record; the four after the høringsbrev are returned."""
    consultation = make_consultation()
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    author = make_user()
    first = make_submission(consultation, author=author)
    make_submission(consultation, author=author)
    make_submission(consultation, author=author)
    submissions.reply_as_agency(first, "Takk for innspillet.", by=officer)
    entries = db.session.scalars(
        select(JournalEntry).where(JournalEntry.kind.is_(None)).order_by(JournalEntry.seq)
    ).all()
    record_change(entries[1], "screened_name", False, True, reason="Ønske", by=officer)
    db.session.commit()
    return entries


def _verify(runner):
    db.session.commit()
    return runner.invoke(args=["journal", "verify"])


def _sql(statement: str, **params) -> None:
    db.session.execute(text(statement), params)
    db.session.commit()


def test_intact_journal_verifies_and_prints_the_heads(runner, journal):
    result = _verify(runner)
    assert result.exit_code == 0, result.output
    assert "Journal OK: 5 entries, 1 change records, every chain intact." in result.output
    assert journal[-1].hash in result.output


def test_altered_title_is_caught(runner, journal):
    _sql("UPDATE journal_entries SET title = 'Noe annet' WHERE id = :id", id=journal[2].id)
    result = _verify(runner)
    assert result.exit_code == 1
    assert f"BROKEN at {journal[2].journal_number}" in result.output
    assert "entry altered" in result.output


def test_removed_entry_is_caught(runner, journal):
    number = journal[2].journal_number
    _sql("DELETE FROM journal_entries WHERE id = :id", id=journal[2].id)
    result = _verify(runner)
    assert result.exit_code == 1
    assert f"BROKEN at {number}" in result.output
    assert "missing entry (removed)" in result.output


def test_removed_last_entry_is_caught(runner, journal):
    number = journal[3].journal_number
    # The reply avskrev the first innspill: whoever removes it removes that record too.
    _sql("DELETE FROM journal_avskrivninger WHERE by_entry_id = :id", id=journal[3].id)
    _sql("DELETE FROM journal_entries WHERE id = :id", id=journal[3].id)
    result = _verify(runner)
    assert result.exit_code == 1
    assert f"BROKEN at {number}" in result.output
    assert "removed at the end" in result.output


def test_forged_entry_with_a_valid_looking_hash_is_caught(runner, journal):
    last = journal[-1]
    _sql(
        """INSERT INTO journal_entries (system_id, agency_id, year, seq, consultation_id,
        case_number, record_number, document_type, journal_date, registered_at,
        correspondent_name, title, status, screened_name, document_hash, prev_hash, hash)
        SELECT 'forged-0000-0000-0000-000000000000', agency_id, year, seq + 1, consultation_id,
        case_number, record_number + 1, document_type, journal_date, registered_at,
        'Falsk Avsender', 'Forfalsket', status, screened_name, document_hash, hash, hash
        FROM journal_entries WHERE id = :id""",
        id=last.id,
    )
    result = _verify(runner)
    assert result.exit_code == 1
    forged = f"{last.year}/{last.seq + 1:06d}"
    assert f"BROKEN at {forged}" in result.output
    assert "inserted entry" in result.output


def test_entry_forged_into_a_year_without_a_chain_is_caught(runner, journal):
    _sql(
        """INSERT INTO journal_entries (system_id, agency_id, year, seq, consultation_id,
        case_number, record_number, document_type, journal_date, registered_at,
        correspondent_name, title, status, screened_name, document_hash, prev_hash, hash)
        SELECT 'forged-1111-0000-0000-000000000000', agency_id, 2020, 1, consultation_id,
        case_number, 99, document_type, journal_date, registered_at, correspondent_name, title,
        status, screened_name, document_hash, :genesis, hash
        FROM journal_entries WHERE id = :id""",
        id=journal[0].id,
        genesis="0" * 64,
    )
    result = _verify(runner)
    assert result.exit_code == 1
    assert "BROKEN at 2020/000001" in result.output


def test_edited_innspill_text_is_caught(runner, journal):
    submission_id = journal[1].submission_id
    _sql("UPDATE submissions SET body = 'Noe jeg aldri skrev.' WHERE id = :id", id=submission_id)
    result = _verify(runner)
    assert result.exit_code == 1
    assert f"BROKEN at {journal[1].journal_number}" in result.output
    assert "document's text was altered" in result.output


def test_edited_agency_reply_is_caught(runner, journal):
    _sql("UPDATE agency_replies SET body = 'Vi er uenige.'")
    result = _verify(runner)
    assert result.exit_code == 1
    assert f"BROKEN at {journal[3].journal_number}" in result.output


def test_altered_change_record_is_caught(runner, journal):
    _sql("UPDATE journal_changes SET new_value = 'false'")
    result = _verify(runner)
    assert result.exit_code == 1
    change = db.session.scalar(select(JournalChange))
    assert f"BROKEN at {journal[1].journal_number}" in result.output
    assert f"change record {change.change_number}" in result.output
    assert "change record altered" in result.output


def test_change_record_moved_to_another_entry_is_caught(runner, journal):
    _sql("UPDATE journal_changes SET entry_id = :id", id=journal[2].id)
    result = _verify(runner)
    assert result.exit_code == 1
    assert "change record altered" in result.output


def test_removed_change_record_is_caught(runner, journal):
    _sql("DELETE FROM journal_changes")
    result = _verify(runner)
    assert result.exit_code == 1
    assert "records removed at the end" in result.output


def test_the_orm_refuses_to_change_or_delete_journal_rows(journal):
    from hoering.journal.models import JournalImmutableError

    entry = db.session.get(JournalEntry, journal[0].id)
    entry.title = "Endret"
    with pytest.raises(JournalImmutableError):
        db.session.flush()
    db.session.rollback()
    change = db.session.scalar(select(JournalChange))
    db.session.delete(change)
    with pytest.raises(JournalImmutableError):
        db.session.flush()
    db.session.rollback()


def _cut_the_last_two(journal, *, documents_too: bool) -> None:
    """Remove the last two entries and rewind the head, so the chain checks out by itself."""
    third, reply = journal[2], journal[3]
    submission_id, reply_id = third.submission_id, reply.agency_reply_id
    head, agency = journal[1].hash, journal[1].agency_id
    # The reply's avskrivning of the innspill goes with them, as a thorough cut would take it.
    _sql(
        "DELETE FROM journal_avskrivninger WHERE entry_id IN (:a, :b) OR by_entry_id IN (:a, :b)",
        a=third.id,
        b=reply.id,
    )
    _sql("DELETE FROM journal_entries WHERE id IN (:a, :b)", a=third.id, b=reply.id)
    _sql(
        "UPDATE journal_counters SET last_seq = 3, last_hash = :head WHERE agency_id = :agency",
        head=head,
        agency=agency,
    )
    if documents_too:
        _sql("DELETE FROM agency_replies WHERE id = :id", id=reply_id)
        _sql("DELETE FROM submissions WHERE id = :id", id=submission_id)


def test_a_cut_at_the_end_leaves_innspill_without_entries(runner, journal):
    submission_id, reply_id = journal[2].submission_id, journal[3].agency_reply_id
    _cut_the_last_two(journal, documents_too=False)
    result = _verify(runner)
    assert result.exit_code == 1
    assert f"BROKEN at (innspill {submission_id})" in result.output
    assert "innspill has no journal entry" in result.output
    assert f"BROKEN at (svar {reply_id})" in result.output


def test_a_cut_with_its_innspill_is_caught_by_a_head_written_down_earlier(runner, journal):
    published = journal[3].hash
    earlier = journal[1].hash
    ok = runner.invoke(args=["journal", "verify", "--expect-head", published])
    assert ok.exit_code == 0, ok.output
    assert published in ok.output  # the head it prints is the one to write down

    _cut_the_last_two(journal, documents_too=True)
    assert _verify(runner).exit_code == 0  # the chain alone cannot tell
    result = runner.invoke(
        args=["journal", "verify", "--expect-head", earlier, "--expect-head", published]
    )
    assert result.exit_code == 1
    assert f"Journal BROKEN at {published}: the expected head is gone" in result.output
    assert earlier not in result.output


def test_the_public_journal_publishes_the_head_of_each_day(client, journal):
    agency = journal[0].agency_id
    from hoering.accounts.models import Agency

    slug = db.session.get(Agency, agency).slug
    page = client.get(f"/virksomheter/{slug}/offentlig-journal").get_data(as_text=True)
    from bs4 import BeautifulSoup

    heads = BeautifulSoup(page, "html.parser").select_one("dl.journal-heads")
    assert len(heads("dt")) == 1
    assert journal[3].journal_number in heads.dt.get_text()
    assert heads.dd.get_text(strip=True) == journal[3].hash


def test_an_agency_document_cut_from_the_hoeringsbrev_is_caught(runner):
    from hoering.consultations import services as consultations
    from hoering.documents.models import KIND_LETTER, Attachment, Blob

    consultation = make_consultation(publish=False)
    db.session.add(Blob(sha256="a" * 64, size=1, data=b"x"))
    db.session.flush()
    letter = Attachment(
        consultation_id=consultation.id,
        kind=KIND_LETTER,
        title="Høringsbrev",
        original_name="brev.pdf",
        media_type="application/pdf",
        size=1,
        sha256="a" * 64,
    )
    db.session.add(letter)
    db.session.flush()
    consultations.publish_consultation(consultation)
    assert _verify(runner).exit_code == 0
    _sql("DELETE FROM journal_attachments WHERE attachment_id = :id", id=letter.id)
    result = _verify(runner)
    assert result.exit_code == 1
    assert f"BROKEN at (dokument {letter.id})" in result.output
    # The høringsbrev journalpost's hash covered the file: its chain breaks too.
    assert "the journaled document's text was altered or removed" in result.output
