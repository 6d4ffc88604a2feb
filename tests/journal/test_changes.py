"""The change log (endringslogg): screening and moderation outcomes as appended records."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hoering.accounts.models import ROLE_CASE_OFFICER, ROLE_MODERATOR
from hoering.extensions import db
from hoering.journal.models import JournalChange, JournalCounter, JournalEntry
from hoering.journal.services import (
    SCREENING_BASIS,
    current_screening,
    entry_for_submission,
    record_change,
    record_moderation,
)
from hoering.journal.verify import verify_chain
from hoering.submissions import services as submissions
from hoering.submissions.models import STATUS_HIDDEN, STATUS_PUBLISHED
from tests.factories import make_consultation, make_submission, make_user


def test_an_entry_starts_with_the_screening_it_was_journaled_with():
    consultation = make_consultation()
    author = make_user()
    open_one = make_submission(consultation, author=author)
    hidden = make_submission(consultation, author=author, hide_name=True)

    plain = current_screening(entry_for_submission(open_one.id))
    assert not plain.screened
    assert plain.legal_basis is None
    screened = current_screening(entry_for_submission(hidden.id))
    assert screened.name
    assert not screened.document
    assert screened.legal_basis == SCREENING_BASIS
    assert "Offl. § 13 jf. fvl. § 13" in screened.legal_basis


def test_record_change_appends_a_numbered_chained_record_and_leaves_the_entry_alone():
    consultation = make_consultation()
    moderator = make_user(roles=[ROLE_MODERATOR], agency=consultation.agency)
    entry = entry_for_submission(make_submission(consultation).id)
    before = entry.hash

    first = record_change(entry, "screened_name", False, True, reason="Ønske", by=moderator)
    second = record_change(entry, "screened_name", True, False, reason="Angret", by="Høring")

    assert (first.seq, second.seq) == (1, 2)
    assert second.prev_hash == first.hash
    assert first.changed_by == moderator.name
    assert second.changed_by == "Høring"
    assert (first.old_value, first.new_value) == ("false", "true")
    counter = db.session.get(JournalCounter, (entry.agency_id, entry.year))
    assert (counter.last_change_seq, counter.last_change_hash) == (2, second.hash)
    assert db.session.get(JournalEntry, entry.id).hash == before
    assert not current_screening(entry).name
    assert verify_chain() == []


def test_unknown_fields_are_a_programming_error():
    consultation = make_consultation()
    entry = entry_for_submission(make_submission(consultation).id)
    with pytest.raises(ValueError, match="unknown journal change field"):
        record_change(entry, "body", "a", "b", reason=None, by="x")


def test_record_moderation_logs_each_difference_once():
    consultation = make_consultation()
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    submission = make_submission(consultation, body="Naboen min har en mening.")
    submissions.reply_as_agency(submission, "Takk.", by=officer)

    submission.public_body = "Naboen [sladdet] har en mening."
    submission.hide_name = True
    submissions.set_status(submission, STATUS_HIDDEN, reason="Personopplysninger")
    made = record_moderation(submission, STATUS_PUBLISHED, reason="Personopplysninger", by=officer)

    fields = sorted((c.entry.document_type, c.field, c.new_value) for c in made)
    assert fields == [
        ("I", "moderation_status", "hidden"),
        ("I", "screened_document", "true"),
        ("I", "screened_name", "true"),
        ("U", "screened_name", "true"),
    ]
    state = current_screening(entry_for_submission(submission.id))
    assert state.name
    assert state.document
    assert state.moderation_status == STATUS_HIDDEN
    # Nothing changed since: a second call logs nothing.
    assert record_moderation(submission, STATUS_HIDDEN, reason=None, by=officer) == []
    assert db.session.scalar(select(db.func.count(JournalChange.id))) == 4


def test_record_moderation_logs_another_legal_basis():
    consultation = make_consultation()
    submission = make_submission(consultation, body="Noe om helsen min.")
    submission.public_body = "Noe om [sladdet]."
    made = record_moderation(
        submission,
        STATUS_PUBLISHED,
        reason="Helseopplysninger",
        by="Mona Moderator",
        basis="Offl. § 13 jf. fvl. § 13 første ledd nr. 1 (helse)",
    )
    assert {c.field for c in made} == {"screened_document", "screening_basis"}
    state = current_screening(entry_for_submission(submission.id))
    assert state.legal_basis == "Offl. § 13 jf. fvl. § 13 første ledd nr. 1 (helse)"
