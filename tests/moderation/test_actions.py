"""Every moderator decision: its effect on the public page, on the author's page, and its log."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from hoering.consultations.models import MODE_POST, MODE_PRE
from hoering.extensions import db
from hoering.journal.services import entry_for_submission
from hoering.moderation.models import ModerationAction, ModerationLogImmutableError
from hoering.notices.models import OutboxMessage
from hoering.submissions.models import (
    STATUS_HIDDEN,
    STATUS_PENDING,
    STATUS_PUBLISHED,
    STATUS_REJECTED,
    STATUS_WITHDRAWN,
)
from hoering.submissions.services import AuthorBlockedError
from tests.conftest import post_form
from tests.factories import make_submission, make_user
from tests.moderation.conftest import act

FNR = "13097248022"


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _public(client, consultation) -> BeautifulSoup:
    return _soup(client.get(f"/hoeringer/{consultation.slug}/p-1-1"))


def _log() -> list[ModerationAction]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(ModerationAction).order_by(ModerationAction.id)))


def test_approve_publishes_and_clears_the_queue(signed_in, setting):
    consultation, moderator, _outsider = setting
    consultation.moderation_mode = MODE_POST
    submission = make_submission(consultation)
    db.session.commit()
    assert submission.needs_review

    assert act(signed_in(moderator), submission, "godkjenn").status_code == 302
    db.session.refresh(submission)
    assert (submission.status, submission.needs_review) == (STATUS_PUBLISHED, False)
    [entry] = _log()
    assert (entry.action, entry.actor_id, entry.submission_id) == (
        "approve",
        moderator.id,
        submission.id,
    )
    assert entry.before["needs_review"] is True
    assert entry.after["needs_review"] is False


def test_reject_tells_the_author_in_mine_innspill(signed_in, setting):
    consultation, moderator, _outsider = setting
    consultation.moderation_mode = MODE_PRE
    author = make_user()
    submission = make_submission(consultation, author=author, body="Avvises.")
    db.session.commit()

    response = act(
        signed_in(moderator),
        submission,
        "avvis",
        category="spam",
        reason="Reklame uten sammenheng med høringen.",
    )
    assert response.status_code == 302
    db.session.refresh(submission)
    assert submission.status == STATUS_REJECTED
    assert submission.status_reason == "Reklame uten sammenheng med høringen."
    mine = _soup(signed_in(author).get("/mine-innspill")).select_one("main").get_text()
    assert "Avvist – Reklame uten sammenheng med høringen." in " ".join(mine.split())
    [entry] = _log()
    assert (entry.action, entry.category, entry.reason) == (
        "reject",
        "spam",
        "Reklame uten sammenheng med høringen.",
    )
    assert (entry.before["status"], entry.after["status"]) == (STATUS_PENDING, STATUS_REJECTED)
    # And by e-mail, through the outbox.
    [notice] = db.session.scalars(
        db.select(OutboxMessage).where(OutboxMessage.kind == "moderated")
    ).all()
    assert notice.recipient_id == author.id
    assert notice.kind == "moderated"
    assert notice.subject.endswith("ble avvist")
    assert "Begrunnelse: Reklame uten sammenheng med høringen." in notice.body


def test_reject_needs_a_reason_and_a_category(signed_in, setting):
    consultation, moderator, _outsider = setting
    consultation.moderation_mode = MODE_PRE
    submission = make_submission(consultation)
    db.session.commit()
    client = signed_in(moderator)
    response = act(client, submission, "avvis", category="", reason="x")
    assert response.status_code == 400
    assert "Velg en grunn." in _soup(response).select_one(".action-avvis").get_text()
    response = act(client, submission, "avvis", category="spam", reason="  ")
    assert response.status_code == 400
    assert "Skriv en begrunnelse" in _soup(response).select_one(".action-avvis").get_text()
    db.session.refresh(submission)
    assert submission.status == STATUS_PENDING
    assert submission.moderation_version == 0
    assert _log() == []


def test_hide_leaves_a_tombstone_with_the_reason_and_the_replies(client, signed_in, setting):
    consultation, moderator, _outsider = setting
    submission = make_submission(consultation, body="Du er en idiot.")
    make_submission(consultation, parent=submission, body="Svaret står igjen.")
    db.session.commit()

    response = act(
        signed_in(moderator), submission, "skjul", category="harassment", reason="personangrep"
    )
    assert response.status_code == 302
    page = _public(client, consultation)
    tombstone = page.select_one(f"#innspill-{submission.id}")
    assert "Fjernet av moderator — personangrep" in tombstone.get_text()
    assert "Du er en idiot." not in page.get_text()
    assert "Svaret står igjen." in page.get_text()
    db.session.refresh(consultation)
    assert consultation.submission_count == 1  # only the reply is still counted as visible
    [entry] = _log()
    assert (entry.action, entry.before["status"], entry.after["status"]) == (
        "hide",
        STATUS_PUBLISHED,
        STATUS_HIDDEN,
    )


def test_redact_shows_sladdet_publicly_and_keeps_the_original(client, signed_in, setting):
    consultation, moderator, _outsider = setting
    body = f"Jeg heter Ola, fnr {FNR}, og ring 91234567."
    submission = make_submission(consultation, body=body, confirm_personal_data=True)
    db.session.commit()
    [finding] = [f for f in submission.findings if f["kind"] == "national_id"]
    phone = body.index("91234567")

    mod = signed_in(moderator)
    item = _soup(mod.get(f"/admin/moderering/innspill/{submission.id}"))
    assert next(m.get_text() for m in item.select("#original-text mark")) == FNR
    boxes = item.select('.action-sladd input[name="sladd-found"]')
    assert f"{finding['start']}-{finding['end']}" in [b["value"] for b in boxes]

    response = act(
        mod,
        submission,
        "sladd",
        found=f"{finding['start']}-{finding['end']}",
        spans=f"{phone}-{phone + 8}",
    )
    assert response.status_code == 302
    assert act(mod, submission, "godkjenn").status_code == 302

    db.session.refresh(submission)
    assert submission.body == body  # the original is kept
    assert submission.public_body == "Jeg heter Ola, fnr [sladdet], og ring [sladdet]."
    page = _public(client, consultation)
    shown = page.select_one(f"#innspill-{submission.id}").get_text()
    assert "[sladdet]" in shown
    assert FNR not in page.get_text()
    assert "91234567" not in shown
    assert "sladdet av moderator" in shown
    entry = entry_for_submission(submission.id)
    assert entry is not None  # the journal keeps the innspill
    redact, approve = _log()
    assert redact.action == "redact"
    assert redact.category == "personal_data"
    assert redact.before["redactions"] is None
    assert redact.after["redactions"] == [[finding["start"], finding["end"]], [phone, phone + 8]]
    assert approve.after["status"] == STATUS_PUBLISHED


@pytest.mark.parametrize(
    ("spans", "message"),
    [("5-9999", "er utenfor teksten"), ("9-3", "er utenfor teksten"), ("abc", "er ikke et gyldig")],
)
def test_a_redaction_outside_the_text_is_refused_with_a_message(signed_in, setting, spans, message):
    consultation, moderator, _outsider = setting
    submission = make_submission(consultation, body="Kort tekst.")
    db.session.commit()
    response = act(signed_in(moderator), submission, "sladd", spans=spans)
    assert response.status_code == 400
    assert message in _soup(response).select_one(".action-sladd").get_text()
    db.session.refresh(submission)
    assert submission.public_body is None
    assert _log() == []


def test_mark_off_topic(client, signed_in, setting):
    consultation, moderator, _outsider = setting
    submission = make_submission(consultation, body="Om noe helt annet.")
    db.session.commit()
    assert act(signed_in(moderator), submission, "utenfor-tema").status_code == 302
    shown = _public(client, consultation).select_one(f"#innspill-{submission.id}").get_text()
    assert "Markert som utenfor tema" in shown
    assert "Om noe helt annet." in shown
    [entry] = _log()
    assert (entry.action, entry.category, entry.after["is_off_topic"]) == (
        "off_topic",
        "off_topic",
        True,
    )


def test_block_author_for_a_period(signed_in, setting):
    consultation, moderator, _outsider = setting
    author = make_user()
    submission = make_submission(consultation, author=author)
    db.session.commit()
    response = act(signed_in(moderator), submission, "blokker", days="7", reason="Gjentatt spam")
    assert response.status_code == 302
    db.session.refresh(author)
    assert author.blocked_reason == "Gjentatt spam"
    with pytest.raises(AuthorBlockedError, match="Gjentatt spam"):
        make_submission(consultation, author=author, body="Nytt forsøk.")
    db.session.rollback()
    [entry] = _log()
    assert entry.action == "block"
    assert entry.before["author_blocked_until"] is None
    assert entry.after["author_blocked_until"].startswith(str(author.blocked_until.date()))

    bad = act(signed_in(moderator), submission, "blokker", days="0", reason="x")
    assert bad.status_code == 400
    assert "fra 1 til 365" in _soup(bad).select_one(".action-blokker").get_text()


def test_two_moderators_at_once_get_one_result_and_a_clear_message(signed_in, setting):
    consultation, moderator, _outsider = setting
    colleague = make_user(roles=["moderator"], agency=consultation.agency)
    submission = make_submission(consultation)
    db.session.commit()
    seen = submission.moderation_version
    first, second = signed_in(moderator), signed_in(colleague)

    assert act(first, submission, "godkjenn", version=seen).status_code == 302
    response = act(second, submission, "skjul", version=seen, category="spam", reason="spam")
    assert response.status_code == 409
    soup = _soup(response)
    assert "Noen andre har behandlet dette innspillet" in soup.select_one("[role=alert]").get_text()
    assert "Publisert" in soup.select_one(".item-status").get_text()
    db.session.refresh(submission)
    assert submission.status == STATUS_PUBLISHED
    assert [entry.action for entry in _log()] == ["approve"]


def test_a_decision_that_does_not_fit_the_status_is_a_409(signed_in, setting):
    consultation, moderator, _outsider = setting
    submission = make_submission(consultation)  # published
    db.session.commit()
    response = act(signed_in(moderator), submission, "avvis", category="spam", reason="x")
    assert response.status_code == 409
    assert _log() == []


def test_the_moderation_log_is_append_only(signed_in, setting):
    consultation, moderator, _outsider = setting
    submission = make_submission(consultation)
    db.session.commit()
    act(signed_in(moderator), submission, "godkjenn")
    [entry] = _log()
    entry.reason = "endret i ettertid"
    with pytest.raises(ModerationLogImmutableError):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(ModerationAction, entry.id))
    with pytest.raises(ModerationLogImmutableError):
        db.session.flush()
    db.session.rollback()


def test_author_withdraws_from_public_view_and_the_journal_keeps_it(client, signed_in, setting):
    consultation, _moderator, _outsider = setting
    author = make_user()
    submission = make_submission(consultation, author=author, body="Jeg angrer.")
    db.session.commit()
    own = signed_in(author)
    response = post_form(
        own,
        "/mine-innspill",
        {"confirm": "ja"},
        url=f"/mine-innspill/{submission.id}/trekk-tilbake",
    )
    assert response.status_code == 302
    db.session.refresh(submission)
    assert submission.status == STATUS_WITHDRAWN
    assert "Trukket tilbake av forfatteren." in _public(client, consultation).get_text()
    assert "Jeg angrer." not in _public(client, consultation).get_text()
    assert entry_for_submission(submission.id) is not None
    assert "Trukket tilbake" in _soup(own.get("/mine-innspill")).select_one("main").get_text()
    [entry] = _log()
    assert (entry.action, entry.actor_id) == ("withdraw", author.id)

    someone = signed_in(make_user())
    db.session.commit()
    response = post_form(
        someone,
        "/mine-innspill",
        {"confirm": "ja"},
        url=f"/mine-innspill/{submission.id}/trekk-tilbake",
    )
    assert response.status_code == 404


def test_public_removal_counts_by_reason_on_the_consultation_page(client, signed_in, setting):
    consultation, moderator, _outsider = setting
    first, second = make_submission(consultation), make_submission(consultation)
    db.session.commit()
    mod = signed_in(moderator)
    act(mod, first, "skjul", category="spam", reason="reklame")
    act(mod, second, "skjul", category="harassment", reason="trusler")
    soup = _soup(client.get(f"/hoeringer/{consultation.slug}/"))
    rows = {
        row.th.get_text(strip=True): [td.get_text(strip=True) for td in row.select("td")]
        for row in soup.select(".removals tbody tr")
    }
    assert rows == {
        "Spam eller reklame": ["1", "0", "0"],
        "Trakassering eller trusler": ["1", "0", "0"],
    }
