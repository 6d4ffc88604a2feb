"""The case officer's downloads: arkivuttrekk, and every innspill as CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
import tarfile

import pytest

from hoering.accounts.models import ROLE_CASE_OFFICER, ROLE_MODERATOR
from hoering.extensions import db
from hoering.journal.services import entry_for_submission
from tests.conftest import login
from tests.factories import make_agency, make_closed_consultation, make_consultation, make_user


@pytest.fixture
def closed():
    data = make_closed_consultation()
    db.session.commit()
    return data


def _url(consultation, what: str) -> str:
    return f"/admin/hoeringer/{consultation.slug}/{what}"


def test_case_officer_downloads_the_arkivuttrekk(client, closed, tmp_path):
    login(client, closed["officer"])
    response = client.get(_url(closed["consultation"], "arkivuttrekk"))
    assert response.status_code == 200
    assert response.mimetype == "application/x-tar"
    assert "filename=arkivuttrekk-2026-1234.tar" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    path = tmp_path / "download.tar"
    path.write_bytes(response.get_data())
    response.close()  # what the WSGI server does: closes the file behind the download
    with tarfile.open(path) as tar:
        names = tar.getnames()
    assert "arkivuttrekk-2026-1234/arkivstruktur.xml" in names
    assert any(name.endswith(".pdf") for name in names)


@pytest.mark.parametrize("what", ["arkivuttrekk", "innspill.csv", "innspill.json"])
def test_only_the_agencys_case_officers_get_the_exports(app, client, closed, what):
    other_agency = make_agency()
    outsiders = [
        make_user(roles=[ROLE_CASE_OFFICER], agency=other_agency),
        make_user(roles=[ROLE_MODERATOR], agency=closed["consultation"].agency),
        make_user(),
    ]
    db.session.commit()
    url = _url(closed["consultation"], what)
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert "/logg-inn" in anonymous.headers["Location"]
    for user in outsiders:
        own_client = app.test_client()
        login(own_client, user)
        response = own_client.get(url)
        assert response.status_code == 403
        assert "Hemmelig Hansen" not in response.get_data(as_text=True)
    assert own_client.get(f"/admin/hoeringer/finnes-ikke/{what}").status_code == 404


def test_open_consultation_download_is_a_409_with_a_message(client):
    consultation = make_consultation()
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    db.session.commit()
    login(client, officer)
    response = client.get(_url(consultation, "arkivuttrekk"))
    assert response.status_code == 409
    assert "Høringen er ikke lukket" in response.get_data(as_text=True)


def test_csv_has_every_innspill_marked_for_excel(client, closed):
    login(client, closed["officer"])
    response = client.get(_url(closed["consultation"], "innspill.csv"))
    assert response.status_code == 200
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 9  # every innspill, whatever its status
    by_text = {row["Tekst (original)"]: row for row in rows}
    redacted = by_text["Naboen min Per Hansen er uenig."]
    assert redacted["Offentlig tekst (der den er en annen)"] == "Naboen min [sladdet] er uenig."
    assert redacted["Sladdet"] == "ja"
    assert by_text["Dette er bare tull og spam."]["Moderasjonsstatus"] == "Skjult av moderator"
    assert by_text["Jeg trekker dette."]["Moderasjonsstatus"] == "Trukket tilbake"
    assert by_text["Mitt fødselsnummer er 13097248022."]["Moderasjonsstatus"] == (
        "Venter på moderator"
    )
    screened = by_text["Jeg vil ikke stå med navn."]
    assert screened["Avsender"] == "Hemmelig Hansen"
    assert screened["Navn skjult for offentligheten"] == "ja"
    first = by_text["Fristen er for kort."]
    assert first["Journalnummer"] == entry_for_submission(closed["first"].id).journal_number
    assert first["Avsnitt"] == "§ 1 første ledd"
    assert first["Versjon"] == "1"
    assert first["Standpunkt"] == "Går imot"
    assert by_text["Bedre i versjon 2."]["Versjon"] == "2"
    assert by_text["Enig i det."]["Svar på journalnummer"] == first["Journalnummer"]
    statement = by_text["Foreningen støtter forslaget."]
    assert statement["Organisasjon"] == "Foreningen for åpenhet"
    assert statement["Type"] == "Høringsuttalelse"

    comma = client.get(_url(closed["consultation"], "innspill.csv?skilletegn=komma"))
    header = comma.get_data(as_text=True).lstrip("\ufeff").splitlines()[0]
    assert header.startswith("Journalnummer,Mottatt,")
    assert client.get(_url(closed["consultation"], "innspill.csv?skilletegn=x")).status_code == 400


def test_json_has_every_innspill_with_codes(client, closed):
    login(client, closed["officer"])
    response = client.get(_url(closed["consultation"], "innspill.json"))
    assert response.status_code == 200
    data = json.loads(response.get_data(as_text=True))
    assert data["consultation"]["case_number"] == "2026/1234"
    statuses = sorted(row["status"] for row in data["innspill"])
    assert statuses == sorted(["published"] * 6 + ["hidden", "pending", "withdrawn"])
    redacted = next(r for r in data["innspill"] if r["redacted"])
    assert redacted["public_text"] == "Naboen min [sladdet] er uenig."
    plain = next(r for r in data["innspill"] if r["text"] == "Fristen er for kort.")
    assert plain["public_text"] is None
    assert plain["position"] == "oppose"
    assert plain["endorsements"] == 0


def test_csv_cells_that_look_like_formulas_are_neutralised():
    from hoering.tabular import cell

    assert cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert cell("-1") == "'-1"
    assert cell("Vanlig tekst") == "Vanlig tekst"
    assert cell(None) == ""
    assert cell(True) == "ja"
