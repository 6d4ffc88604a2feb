"""Warnings before writing, the agency's privacy statement, and the live personal-data check."""

from __future__ import annotations

import json

from bs4 import BeautifulSoup

from hoering.accounts.models import ROLE_CASE_OFFICER, ROLE_MODERATOR
from hoering.extensions import db
from tests.conftest import csrf_from, post_form
from tests.factories import make_agency, make_consultation, make_submission, make_user

FNR = "13097248022"


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_the_write_form_warns_and_links_the_privacy_statement(signed_in):
    consultation = make_consultation()
    author = make_user()
    db.session.commit()
    client = signed_in(author)
    page = _soup(client.get(f"/hoeringer/{consultation.slug}/p-1-1/skriv"))
    notice = page.select_one(".privacy-notice").get_text()
    for words in ("journalført og arkivert", "fødselsnummer", "ingen saksbehandling", "fjernet"):
        assert words in notice
    statement = f"/virksomheter/{consultation.agency.slug}/personvern"
    assert page.select_one(f'.privacy-notice a[href="{statement}"]')
    assert page.select_one(f'.site-footer a[href="{statement}"]')
    assert page.select_one(".first-time-notice")  # no innspill yet
    hint = page.select_one("#privacy-hint")
    assert hint["aria-live"] == "polite"
    assert hint["data-check-url"] == "/api/v1/personvern/sjekk"
    assert not [s for s in page.select("script") if not s.get("src")]  # no inline JS

    make_submission(consultation, author=author)
    db.session.commit()
    again = _soup(client.get(f"/hoeringer/{consultation.slug}/p-1-1/skriv"))
    assert again.select_one(".first-time-notice") is None
    assert again.select_one(".privacy-notice")


def test_the_default_privacy_statement_covers_what_the_law_asks(client):
    agency = make_agency(name="Etat for test", privacy_contact="pvo@etat.example.no")
    db.session.commit()
    page = _soup(client.get(f"/virksomheter/{agency.slug}/personvern"))
    assert "Etat for test" in page.h1.get_text()
    text = page.select_one(".statement").get_text()
    for heading in (
        "Hva vi lagrer",
        "Rettslig grunnlag",
        "Hvor lenge vi lagrer",
        "Innsyn, retting og fjerning fra offentlig visning",
        "Personvernombud",
    ):
        assert heading in text
    assert "pvo@etat.example.no" in text
    assert client.get("/virksomheter/finnes-ikke/personvern").status_code == 404


def test_case_officers_edit_their_agencys_statement(client, signed_in):
    agency = make_agency()
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=agency)
    other_officer = make_user(roles=[ROLE_CASE_OFFICER], agency=make_agency())
    moderator = make_user(roles=[ROLE_MODERATOR], agency=agency)
    db.session.commit()
    edit = f"/admin/virksomheter/{agency.slug}/personvern"
    assert signed_in(other_officer).get(edit).status_code == 403
    assert signed_in(moderator).get(edit).status_code == 403
    assert client.get(edit).status_code == 302  # sign in first

    own = signed_in(officer)
    form = _soup(own.get(edit))
    assert "Hva vi lagrer" in form.select_one("textarea[name=statement]").get_text()
    response = post_form(
        own,
        edit,
        {
            "statement": "## Vår erklæring\n\n<script>x</script>Vi lagrer lite.",
            "contact": "pvo@x.no",
        },
    )
    assert response.status_code == 302
    page = _soup(client.get(f"/virksomheter/{agency.slug}/personvern"))
    assert "Vi lagrer lite." in page.get_text()
    assert page.select_one(".statement script") is None
    db.session.refresh(agency)
    assert agency.privacy_contact == "pvo@x.no"

    post_form(own, edit, {"statement": "", "contact": "pvo@x.no"})
    db.session.refresh(agency)
    assert agency.privacy_statement is None  # back to the default
    assert "Hva vi lagrer" in client.get(f"/virksomheter/{agency.slug}/personvern").text


def _check(client, payload, *, token=True, **kwargs):
    headers = {}
    if token:
        headers["X-CSRFToken"] = csrf_from(client.get("/logg-inn").get_data(as_text=True))
    return client.post(
        "/api/v1/personvern/sjekk",
        data=json.dumps(payload),
        content_type="application/json",
        headers=headers,
        **kwargs,
    )


def test_the_live_check_uses_the_same_detector(client):
    response = _check(client, {"text": f"Fnr {FNR}, e-post ola@example.no"})
    assert response.status_code == 200
    findings = response.get_json()["findings"]
    assert [(f["kind"], f["text"]) for f in findings] == [
        ("national_id", FNR),
        ("email", "ola@example.no"),
    ]
    assert findings[0]["label"] == "ser ut som et fødselsnummer eller D-nummer"
    assert {"start", "end", "confidence", "category"} <= set(findings[0])
    assert _check(client, {"text": "Helt vanlig tekst."}).get_json() == {"findings": []}


def test_the_live_check_refuses_bad_input_with_json_errors(client, app, monkeypatch):
    assert _check(client, {"text": "x"}, token=False).status_code == 400  # CSRF
    for payload in (["text"], {"tekst": "x"}, {"text": 5}, {"text": "a\x00b"}):
        response = _check(client, payload)
        assert response.status_code == 400, payload
        assert response.get_json()["error"]
    too_long = _check(client, {"text": "a" * (app.config["SUBMISSION_MAX_LENGTH"] + 1)})
    assert too_long.status_code == 400

    monkeypatch.setitem(app.config, "PRIVACY_CHECK_LIMIT", "2 per minute")
    statuses = [_check(client, {"text": "x"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
