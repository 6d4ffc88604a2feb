"""The accessibility statement and reporting a barrier (issue 14, point 14)."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy import select

from hoering.accounts.models import ROLE_ADMIN, ROLE_CASE_OFFICER
from hoering.extensions import db
from hoering.notices.models import KIND_BARRIER, OutboxMessage
from tests.conftest import login, post_form
from tests.factories import make_agency, make_consultation, make_user

DECLARATION = "https://uustatus.no/nb/erklaringer/publisert/0a1b2c3d-4e5f-6789-abcd-ef0123456789"


def _page(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _messages() -> list[OutboxMessage]:
    query = select(OutboxMessage).where(OutboxMessage.kind == KIND_BARRIER)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def test_every_page_links_the_statement_and_the_agency_page_links_uustatus(client):
    agency = make_agency(name="Fjordvik kommune")
    agency.accessibility_url = DECLARATION
    consultation = make_consultation(agency=agency)
    db.session.commit()
    footer = _page(client.get(f"/hoeringer/{consultation.slug}/")).select_one("footer")
    link = footer.find("a", string="Tilgjengelighetserklæring for Fjordvik kommune")
    page = _page(client.get(link["href"]))
    assert page.h1.text == "Tilgjengelighet på høringene til Fjordvik kommune"
    declaration = page.find("a", href=DECLARATION)
    assert "i uustatus" in declaration.text
    # Pages without an agency link the site's statement, which lists every agency's.
    footer = _page(client.get("/hoeringer/")).select_one("footer")
    site = _page(client.get(footer.find("a", string="Tilgjengelighetserklæring")["href"]))
    assert site.find("a", string="Tilgjengelighet hos Fjordvik kommune")


def test_a_reported_barrier_reaches_the_agencys_case_officers_and_nobody_else(client):
    agency = make_agency(name="Fjordvik kommune")
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=agency, email="siri@fjordvik.no")
    officer.wants_email = False  # a report is work, not a notice one can turn off
    make_user(roles=[ROLE_CASE_OFFICER], agency=make_agency(), email="annen@etat.no")
    make_user(roles=[ROLE_ADMIN], email="admin@example.no")
    db.session.commit()
    url = f"/virksomheter/{agency.slug}/tilgjengelighet"
    response = post_form(
        client,
        url,
        {
            "description": "Skjermleseren leser ikke opp fristen.",
            "page": "/hoeringer/vannlov/",
            "contact": "ola@example.no",
        },
    )
    assert response.status_code == 302
    assert "Meldingen er sendt til Fjordvik kommune" in _page(client.get(url)).text
    [message] = _messages()
    assert message.recipient_id == officer.id
    assert message.subject == "Melding om tilgjengelighet: Fjordvik kommune"
    assert "Skjermleseren leser ikke opp fristen." in message.body
    assert "Side: /hoeringer/vannlov/" in message.body
    assert "Svar til: ola@example.no" in message.body


def test_without_case_officers_the_report_goes_to_the_administrators(client):
    agency = make_agency()
    admin = make_user(roles=[ROLE_ADMIN])
    db.session.commit()
    url = f"/virksomheter/{agency.slug}/tilgjengelighet"
    assert post_form(client, url, {"description": "Knappen er for liten."}).status_code == 302
    assert [m.recipient_id for m in _messages()] == [admin.id]


def test_an_empty_report_is_refused_and_keeps_what_was_typed(client):
    agency = make_agency()
    make_user(roles=[ROLE_CASE_OFFICER], agency=agency)
    db.session.commit()
    url = f"/virksomheter/{agency.slug}/tilgjengelighet"
    response = post_form(client, url, {"description": "  ", "page": "/min-side"})
    assert response.status_code == 400
    page = _page(response)
    assert (
        "Beskriv hva som ikke virket." in page.select_one(".ds-error-summary, .error-summary").text
    )
    assert page.select_one("#page")["value"] == "/min-side"
    assert _messages() == []


def test_case_officers_link_the_declaration_and_only_to_uustatus(client):
    agency = make_agency()
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=agency)
    db.session.commit()
    login(client, officer)
    url = f"/admin/virksomheter/{agency.slug}/tilgjengelighet"
    bad = post_form(client, url, {"declaration_url": "javascript:alert(1)"})
    assert bad.status_code == 400
    assert "https://uustatus.no/" in _page(bad).select_one("#declaration_url-error").text
    assert post_form(client, url, {"declaration_url": DECLARATION}).status_code == 302
    db.session.refresh(agency)
    assert agency.accessibility_url == DECLARATION
    outsider = client.application.test_client()
    login(outsider, make_user())
    assert outsider.get(url).status_code == 403
