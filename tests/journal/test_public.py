"""The public journal per agency: what it lists, what it screens, filters, pages and CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup

from hoering.accounts.models import ROLE_CASE_OFFICER
from hoering.consultations.models import MODE_PRE
from hoering.db import utcnow
from hoering.extensions import db
from hoering.journal.services import entry_for_submission
from hoering.submissions import services as submissions
from tests.factories import make_agency, make_consultation, make_submission, make_user

URL = "/virksomheter/{}/offentlig-journal"


@pytest.fixture
def journal():
    agency = make_agency(slug="direktoratet", name="Direktoratet")
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=agency)
    consultation = make_consultation(agency=agency, officer=officer, title="Høring om A")
    held = make_consultation(
        agency=agency, officer=officer, title="Høring om B", moderation_mode=MODE_PRE
    )
    secret = make_user(name="Hemmelig Hansen")
    open_person = make_user(name="Åpen Olsen")
    published = make_submission(consultation, author=open_person)
    screened = make_submission(consultation, author=secret, hide_name=True)
    pending = make_submission(held, author=open_person)
    submissions.reply_as_agency(screened, "Takk for innspillet.", by=officer)
    db.session.commit()
    return {
        "agency": agency,
        "consultation": consultation,
        "held": held,
        "published": published,
        "screened": screened,
        "pending": pending,
    }


def _rows(response):
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    return [
        [td.get_text(" ", strip=True) for td in tr.find_all("td")] for tr in soup.select("tbody tr")
    ]


def test_lists_every_entry_newest_first_with_screened_names_masked(client, journal):
    response = client.get(URL.format("direktoratet"))
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    rows = _rows(response)
    assert len(rows) == 6
    numbers = [row[0] for row in rows]
    assert numbers == sorted(numbers, reverse=True)
    reply, pending, screened, published, letter_b, letter_a = rows
    # Each consultation's høringsbrev, journaled when it opened, sent to the høringsinstanser.
    assert letter_a[2] == "Høringsbrev: Høring om A" and letter_b[2] == "Høringsbrev: Høring om B"
    assert letter_a[3] == "Til: Høringsinstansene" and letter_a[5] == "Utgående"
    assert reply[5] == "Utgående"
    assert reply[3] == "Til: ******"
    assert "Offl. § 13 jf. fvl. § 13" in reply[6]
    assert screened[3] == "Fra: ******"
    assert screened[5] == "Inngående"
    assert "Offl. § 13 jf. fvl. § 13" in screened[6]
    assert published[3] == "Fra: Åpen Olsen"
    assert published[6] == ""
    assert "Hemmelig Hansen" not in html
    # Waiting for moderation: listed with its title and case, but no link to a text.
    assert pending[2].startswith("Innspill til § 1")
    assert "Høring om B" in pending[4]
    soup = BeautifulSoup(html, "html.parser")
    links = [a["href"] for a in soup.select("tbody a")]
    assert any(f"/innspill/{journal['published'].id}" in href for href in links)
    assert not any(f"/innspill/{journal['pending'].id}" in href for href in links)
    assert entry_for_submission(journal["pending"].id).journal_number == pending[0]


def test_filters_by_consultation_and_dates(client, journal):
    response = client.get(
        URL.format("direktoratet"), query_string={"hoering": journal["held"].slug}
    )
    assert [row[2] for row in _rows(response)] == [
        "Innspill til § 1 første ledd",
        "Høringsbrev: Høring om B",
    ]
    today = utcnow().date()
    future = (today + timedelta(days=2)).isoformat()
    response = client.get(URL.format("direktoratet"), query_string={"fra": future})
    assert response.status_code == 200
    assert _rows(response) == []
    assert "Ingen journalposter passer med utvalget." in response.get_data(as_text=True)
    past = (today - timedelta(days=2)).isoformat()
    response = client.get(URL.format("direktoratet"), query_string={"fra": past, "til": future})
    assert len(_rows(response)) == 6


@pytest.mark.parametrize(
    ("args", "field", "message"),
    [
        ({"fra": "2026-13-01"}, "fra", "Skriv datoen som åååå-mm-dd"),
        ({"til": "i går"}, "til", "Skriv datoen som åååå-mm-dd"),
        ({"fra": "2026-03-02", "til": "2026-03-01"}, "til", "Fra-datoen må være før til-datoen."),
        ({"etter": "abc"}, "etter", "Ugyldig sidevalg."),
    ],
)
def test_malformed_filters_are_a_400_that_keeps_what_was_typed(
    client, journal, args, field, message
):
    response = client.get(URL.format("direktoratet"), query_string=args)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    soup = BeautifulSoup(html, "html.parser")
    if field in ("fra", "til"):
        box = soup.find("input", id=field)
        assert box["value"] == args[field]
        assert box["aria-invalid"] == "true"
        assert f"{field}-error" in box["aria-describedby"]


def test_unknown_agency_or_consultation_is_404(client, journal):
    assert client.get(URL.format("finnes-ikke")).status_code == 404
    response = client.get(URL.format("direktoratet"), query_string={"hoering": "finnes-ikke"})
    assert response.status_code == 404


def test_pages_with_a_keyset_cursor(app, client, journal, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 3)
    first = client.get(URL.format("direktoratet"))
    assert len(_rows(first)) == 3
    soup = BeautifulSoup(first.get_data(as_text=True), "html.parser")
    older = soup.find("a", rel="next")["href"]
    second = client.get(older)
    assert len(_rows(second)) == 3
    assert BeautifulSoup(second.get_data(as_text=True), "html.parser").find("a", rel="next") is None


def test_csv_download_opens_in_excel_and_keeps_the_screening(client, journal):
    response = client.get(URL.format("direktoratet") + ".csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Journalnummer", "Journaldato", "Dokumenttype", "Tittel"]
    assert len(rows) == 7
    assert "Hemmelig Hansen" not in raw.decode("utf-8")
    assert any(row[4] == "******" and "Offl. § 13" in row[7] for row in rows[1:])

    comma = client.get(URL.format("direktoratet") + ".csv", query_string={"skilletegn": "komma"})
    assert comma.get_data(as_text=True).splitlines()[0].count(",") == 9
    # The agency's answer avskrev the innspill it answered: method and date, in both journals.
    assert any(row[8] == "Besvart med brev" and row[9] for row in rows[1:])
    bad = client.get(URL.format("direktoratet") + ".csv", query_string={"skilletegn": "tab"})
    assert bad.status_code == 400
    assert "semikolon" in bad.get_data(as_text=True)
    bad_date = client.get(URL.format("direktoratet") + ".csv", query_string={"fra": "x"})
    assert bad_date.status_code == 400
