"""Pages tell the truth about a consultation's state (issue 14, point 12)."""

from datetime import timedelta

from bs4 import BeautifulSoup
from sqlalchemy import func, select

from hoering.accounts.models import ROLE_CASE_OFFICER
from hoering.consultations.models import Consultation
from hoering.consultations.services import close_consultation
from hoering.db import utcnow
from hoering.extensions import db
from hoering.moderation import services as moderation
from hoering.submissions.models import Submission
from tests.conftest import csrf_from, login
from tests.factories import make_agency, make_consultation, make_submission, make_user


def _page(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_after_an_early_close_pages_say_when_it_closed_not_the_deadline(client):
    consultation = make_consultation()
    consultation.deadline = utcnow() + timedelta(days=30)
    db.session.flush()
    close_consultation(consultation, by=None, now=utcnow() - timedelta(days=1))
    db.session.commit()
    for url in (f"/hoeringer/{consultation.slug}/", f"/hoeringer/{consultation.slug}/p-1-1"):
        banner = _page(client.get(url)).select_one(".deadline-banner").get_text(" ", strip=True)
        assert "Lukket" in banner and "før fristen" in banner, banner
        assert "Fristen var" not in banner


def test_closing_asks_for_confirmation_first(client):
    agency = make_agency()
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=agency)
    consultation = make_consultation(agency=agency, officer=officer)
    db.session.commit()
    login(client, officer)
    edit = _page(client.get(f"/admin/hoeringer/{consultation.slug}/rediger"))
    assert not edit.find("button", attrs={"value": "close"})
    link = edit.find("a", string=lambda s: s and "Lukk høringen nå" in s)
    question = client.get(link["href"])
    assert question.status_code == 200
    page = _page(question)
    assert page.h1.text == "Vil du lukke høringen nå?"
    html = question.get_data(as_text=True)
    status_url = f"/admin/hoeringer/{consultation.slug}/status"
    unconfirmed = client.post(status_url, data={"csrf_token": csrf_from(html), "action": "close"})
    assert unconfirmed.status_code == 303
    assert db.session.get(Consultation, consultation.id).status == "open"
    form = {"csrf_token": csrf_from(html), "action": "close", "confirm": "ja"}
    assert client.post(status_url, data=form).status_code == 302
    db.session.expire_all()
    assert db.session.get(Consultation, consultation.id).status == "closed"


def test_a_paragraph_whose_only_innspill_was_removed_says_so(client):
    consultation = make_consultation()
    author = make_user()
    submission = make_submission(consultation, author=author, anchor="p-1-1")
    moderation.withdraw(submission, by=author)
    db.session.commit()
    draft = _page(client.get(f"/hoeringer/{consultation.slug}/"))
    count = draft.select_one("#p-1-1 .comment-count").get_text(" ", strip=True)
    assert "Ingen synlige innspill (1 fjernet)" in count
    assert "Ingen innspill ennå" not in count
    paragraph = _page(client.get(f"/hoeringer/{consultation.slug}/p-1-1"))
    note = paragraph.select_one(".removed-note").get_text(" ", strip=True)
    assert note.startswith("Ingen synlige innspill: 1 innspill er fjernet")
    assert paragraph.select_one(".tombstone")


def test_a_private_person_without_a_public_name_is_named_once(client):
    consultation = make_consultation()
    consultation.agency.allow_hidden_names = True
    make_submission(consultation, hide_name=True, body="Anonymt innspill.")
    db.session.commit()
    byline = _page(client.get(f"/hoeringer/{consultation.slug}/p-1-1")).select_one(".byline")
    assert byline.get_text(" ", strip=True).count("Privatperson") == 1


def test_an_old_write_link_to_a_closed_consultation_says_it_is_closed_without_sign_in(client):
    consultation = make_consultation()
    parent = make_submission(consultation)
    close_consultation(consultation, by=None)
    db.session.commit()
    for url in (
        f"/hoeringer/{consultation.slug}/p-1-1/skriv",
        f"/hoeringer/{consultation.slug}/skriv",
        f"/hoeringer/{consultation.slug}/innspill/{parent.id}/svar",
    ):
        response = client.get(url)
        assert response.status_code == 409, url
        alert = _page(response).select_one("[role=alert]").get_text(" ", strip=True)
        assert "tar ikke imot innspill" in alert and "Lukket" in alert, alert
    assert db.session.scalar(select(func.count(Submission.id))) == 1


def test_an_open_consultation_still_asks_anonymous_writers_to_sign_in(client):
    consultation = make_consultation()
    db.session.commit()
    response = client.get(f"/hoeringer/{consultation.slug}/p-1-1/skriv")
    assert response.status_code == 302
    assert "/logg-inn" in response.headers["Location"]
