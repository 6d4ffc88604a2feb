"""Avskrivning and the order of the journal hold by construction."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from hoering.accounts.models import ROLE_CASE_OFFICER
from hoering.consultations import services as consultations
from hoering.db import utcnow
from hoering.extensions import db
from hoering.journal.models import Avskrivning, JournalEntry
from hoering.journal.services import (
    CLOSING_REASON,
    CaseClosedError,
    JournalOrderError,
    entry_for_submission,
)
from hoering.submissions import services as submissions
from tests.factories import make_consultation, make_submission, make_user


def _avskrivning(submission) -> Avskrivning | None:
    entry = entry_for_submission(submission.id)
    return db.session.scalar(select(Avskrivning).where(Avskrivning.entry_id == entry.id))


def test_a_reply_avskriver_the_innspill_and_closing_avskriver_the_rest():
    consultation = make_consultation()
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency, name="Siri")
    answered = make_submission(consultation)
    left = make_submission(consultation)
    reply = submissions.reply_as_agency(answered, "Takk.", by=officer)
    by_reply = _avskrivning(answered)
    reply_entry = db.session.scalar(
        select(JournalEntry).where(JournalEntry.agency_reply_id == reply.id)
    )
    assert (by_reply.method, by_reply.by_entry_id, by_reply.avskrevet_by) == (
        "Besvart med brev",
        reply_entry.id,
        "Siri",
    )
    assert _avskrivning(left) is None

    consultations.close_consultation(consultation, by=officer)
    closing = _avskrivning(left)
    assert (closing.method, closing.reason, closing.by_entry_id) == (
        "Tatt til orientering",
        CLOSING_REASON,
        None,
    )
    assert _avskrivning(answered).id == by_reply.id  # the first avskrivning stands


def test_the_deadline_closing_avskriver_with_its_own_name():
    consultation = make_consultation()
    innspill = make_submission(consultation)
    assert consultations.close_expired(now=consultation.deadline + timedelta(minutes=1)) == 1
    assert _avskrivning(innspill).avskrevet_by == "Høring (fristen gikk ut)"
    assert consultations.close_expired(now=consultation.deadline + timedelta(minutes=2)) == 0


def test_the_agency_cannot_answer_once_the_consultation_is_closed():
    consultation = make_consultation()
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    innspill = make_submission(consultation)
    consultations.close_consultation(consultation, by=officer)
    entries = db.session.scalar(select(db.func.count(JournalEntry.id)))
    with pytest.raises(CaseClosedError) as refused:
        submissions.reply_as_agency(innspill, "For sent.", by=officer)
    assert "høringsoppsummeringen" in str(refused.value.message)
    assert db.session.scalar(select(db.func.count(JournalEntry.id))) == entries


def test_the_journal_refuses_an_entry_dated_before_the_last_one():
    consultation = make_consultation()
    make_submission(consultation)
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    innspill = make_submission(consultation)
    with pytest.raises(JournalOrderError):
        submissions.reply_as_agency(
            innspill, "Tilbakedatert.", by=officer, now=utcnow() - timedelta(hours=1)
        )
