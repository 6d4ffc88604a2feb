"""Moderation modes decide what the public sees; reports and their threshold."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from hoering.consultations.models import MODE_POST, MODE_PRE, MODE_REACTIVE
from hoering.extensions import db
from hoering.moderation import services as moderation
from hoering.moderation.models import ACTION_AUTO_HIDE, ModerationAction, Report
from hoering.submissions.models import STATUS_HIDDEN, STATUS_PENDING, STATUS_PUBLISHED
from tests.conftest import post_form
from tests.factories import make_submission, make_user

FNR = "13097248022"  # a valid test fødselsnummer (SECURITY.md §2)


def _paragraph_page(client, consultation):
    html = client.get(f"/hoeringer/{consultation.slug}/p-1-1").get_data(as_text=True)
    return BeautifulSoup(html, "html.parser")


def _queue_ids(client) -> set[int]:
    soup = BeautifulSoup(client.get("/admin/moderering/").get_data(as_text=True), "html.parser")
    return {
        int(a["href"].rsplit("/", 1)[1])
        for a in soup.select(".queue-item h3 a")
        if a["href"].rsplit("/", 1)[1].isdigit()
    }


@pytest.mark.parametrize(
    ("mode", "public_at_once", "queued"),
    [(MODE_PRE, False, True), (MODE_POST, True, True), (MODE_REACTIVE, True, False)],
)
def test_each_mode_decides_visibility_and_the_queue(
    client, signed_in, setting, mode, public_at_once, queued
):
    consultation, moderator, _outsider = setting
    consultation.moderation_mode = mode
    submission = make_submission(consultation, body="Et saklig innspill om formålet.")
    db.session.commit()

    assert (submission.status == STATUS_PUBLISHED) is public_at_once
    shown = "Et saklig innspill om formålet." in _paragraph_page(client, consultation).get_text()
    assert shown is public_at_once
    assert (submission.id in _queue_ids(signed_in(moderator))) is queued


def test_pre_moderated_innspill_becomes_public_when_approved(client, signed_in, setting):
    from tests.moderation.conftest import act

    consultation, moderator, _outsider = setting
    consultation.moderation_mode = MODE_PRE
    submission = make_submission(consultation, body="Venter på godkjenning.")
    db.session.commit()
    assert "Venter på godkjenning." not in _paragraph_page(client, consultation).get_text()

    response = act(signed_in(moderator), submission, "godkjenn")
    assert response.status_code == 302
    assert "Venter på godkjenning." in _paragraph_page(client, consultation).get_text()
    db.session.refresh(consultation)
    assert consultation.submission_count == 1


def test_personal_data_sent_anyway_is_held_whatever_the_mode(client, signed_in, setting):
    consultation, moderator, _outsider = setting
    assert consultation.moderation_mode == MODE_REACTIVE
    with pytest.raises(moderation.BadInputError):
        make_submission(consultation, body=f"Mitt fødselsnummer er {FNR}.")
    db.session.rollback()
    submission = make_submission(
        consultation, body=f"Mitt fødselsnummer er {FNR}.", confirm_personal_data=True
    )
    db.session.commit()
    assert submission.status == STATUS_PENDING
    assert submission.needs_review
    assert FNR not in _paragraph_page(client, consultation).get_text()
    assert submission.id in _queue_ids(signed_in(moderator))


def _report(client, submission, reason="harassment", text="", address="10.0.0.1"):
    page = f"/hoeringer/{submission.consultation.slug}/innspill/{submission.id}/rapporter"
    return post_form(
        client,
        page,
        {"reason": reason, "text": text},
        environ_base={"REMOTE_ADDR": address},
    )


def test_every_public_innspill_has_a_report_link_that_works_without_signing_in(client, setting):
    consultation, _moderator, _outsider = setting
    submission = make_submission(consultation, body="Et innspill.")
    db.session.commit()
    link = _paragraph_page(client, consultation).select_one(
        f"#innspill-{submission.id} .report-link"
    )
    assert link.get_text(strip=True).startswith("Rapporter")

    page = BeautifulSoup(client.get(link["href"]).get_data(as_text=True), "html.parser")
    assert page.select('input[name="reason"]')
    assert page.select_one("textarea[name=text]") is not None
    assert not page.select("script:not([src])")  # no inline JS: the form is plain HTML

    response = _report(client, submission, "personal_data", "Står et telefonnummer her.")
    assert response.status_code == 302
    report = db.session.scalar(db.select(Report))
    assert (report.reason, report.text, report.reporter_id) == (
        "personal_data",
        "Står et telefonnummer her.",
        None,
    )
    assert "10.0.0.1" not in report.reporter_key
    assert len(report.reporter_key) == 64
    db.session.refresh(submission)
    assert submission.report_count == 1
    assert submission.needs_review  # reactive mode: a reported innspill enters the queue


def test_report_needs_a_reason_and_keeps_the_text(client, setting):
    consultation, _moderator, _outsider = setting
    submission = make_submission(consultation)
    db.session.commit()
    response = _report(client, submission, reason="", text="Min forklaring")
    assert response.status_code == 400
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert "Velg hvorfor du rapporterer innspillet." in soup.select_one(".error-summary").get_text()
    assert soup.select_one("textarea[name=text]").get_text().strip() == "Min forklaring"
    assert db.session.scalar(db.select(db.func.count(Report.id))) == 0


def test_one_report_per_person_and_per_address(client, signed_in, setting):
    consultation, _moderator, _outsider = setting
    submission = make_submission(consultation)
    reporter = make_user()
    db.session.commit()
    assert _report(client, submission, address="10.0.0.7").status_code == 302
    again = _report(client, submission, address="10.0.0.7")
    assert again.status_code == 409
    assert "allerede rapportert" in again.get_data(as_text=True)

    person = signed_in(reporter)
    assert _report(person, submission, address="10.0.0.8").status_code == 302
    assert _report(person, submission, address="10.0.0.9").status_code == 409
    assert db.session.scalar(db.select(db.func.count(Report.id))) == 2
    db.session.refresh(submission)
    assert submission.report_count == 2


def test_reports_past_the_threshold_hide_the_innspill_pending_review(client, signed_in, setting):
    consultation, moderator, _outsider = setting
    submission = make_submission(consultation, body="Stygt innspill.")
    reply = make_submission(consultation, parent=submission, body="Et svar som blir stående.")
    db.session.commit()
    for n in range(1, 4):
        assert _report(client, submission, address=f"10.0.1.{n}").status_code == 302

    db.session.refresh(submission)
    assert submission.status == STATUS_HIDDEN
    assert submission.needs_review
    soup = _paragraph_page(client, consultation)
    tombstone = soup.select_one(f"#innspill-{submission.id}")
    assert "skjult i påvente av vurdering" in tombstone.get_text()
    assert "Stygt innspill." not in soup.get_text()
    assert "Et svar som blir stående." in soup.get_text()  # replies stay under the tombstone
    assert reply.id in {int(a["id"].split("-")[1]) for a in soup.select("article.submission")}
    assert submission.id in _queue_ids(signed_in(moderator))
    logged = db.session.scalars(db.select(ModerationAction)).all()
    assert [(a.action, a.actor_id, a.before["status"], a.after["status"]) for a in logged] == [
        (ACTION_AUTO_HIDE, None, STATUS_PUBLISHED, STATUS_HIDDEN)
    ]
    # A hidden innspill cannot be reported further (its report page has no form to take the
    # token from, so the token comes from another page).
    report_url = f"/hoeringer/{consultation.slug}/innspill/{submission.id}/rapporter"
    refused = post_form(
        client,
        "/logg-inn",
        {"reason": "harassment", "text": ""},
        url=report_url,
        environ_base={"REMOTE_ADDR": "10.0.1.9"},
    )
    assert refused.status_code == 409


def test_the_threshold_is_configurable(app, client, setting, monkeypatch):
    monkeypatch.setitem(app.config, "REPORT_HIDE_THRESHOLD", 1)
    consultation, _moderator, _outsider = setting
    submission = make_submission(consultation)
    db.session.commit()
    _report(client, submission)
    db.session.refresh(submission)
    assert submission.status == STATUS_HIDDEN


def test_anonymous_reports_are_rate_limited(app, client, setting, monkeypatch):
    monkeypatch.setitem(app.config, "REPORT_LIMIT", "2 per hour")
    consultation, _moderator, _outsider = setting
    submissions = [make_submission(consultation) for _ in range(3)]
    db.session.commit()
    statuses = [_report(client, s, address="10.0.2.1").status_code for s in submissions]
    assert statuses == [302, 302, 429]
    assert db.session.scalar(db.select(db.func.count(Report.id))) == 2


def test_report_text_with_nul_is_a_clear_400(client, setting):
    consultation, _moderator, _outsider = setting
    submission = make_submission(consultation)
    db.session.commit()
    response = _report(client, submission, text="a\x00b")
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)
