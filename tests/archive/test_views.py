"""The case officer's downloads: arkivuttrekk, and every innspill as CSV and JSON."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import func, select

from hoering.accounts.models import ROLE_CASE_OFFICER, ROLE_MODERATOR
from hoering.archive import preparation
from hoering.archive.check import check_extraction, format_report
from hoering.archive.models import PreparedExport
from hoering.db import utcnow
from hoering.extensions import db
from hoering.journal.services import entry_for_submission
from tests.conftest import login, post_form
from tests.factories import make_agency, make_closed_consultation, make_consultation, make_user


@pytest.fixture
def closed():
    data = make_closed_consultation()
    db.session.commit()
    return data


def _url(consultation, what: str) -> str:
    return f"/admin/hoeringer/{consultation.slug}/{what}"


def test_the_arkivuttrekk_is_prepared_in_the_background_then_downloaded(client, closed, tmp_path):
    login(client, closed["officer"])
    page = client.get(_url(closed["consultation"], "arkivuttrekk"))
    assert page.status_code == 200
    assert "Lag arkivuttrekk" in page.get_data(as_text=True)
    assert "no-store" in page.headers["Cache-Control"]

    # The request only queues the work (run at commit here: TASKS_IMMEDIATE) and answers at once.
    queued = post_form(client, _url(closed["consultation"], "arkivuttrekk"), {})
    assert queued.status_code == 303
    export = db.session.scalar(select(PreparedExport))
    assert export.status == "done" and preparation.percent_done(export) == 100
    assert export.progress == 3 * export.total == 3 * 12
    soup = BeautifulSoup(
        client.get(queued.headers["Location"]).get_data(as_text=True), "html.parser"
    )
    link = soup.find("a", string="Last ned arkivuttrekket")
    assert soup.find("meta", attrs={"http-equiv": "refresh"}) is None
    response = client.get(link["href"])
    assert response.status_code == 200
    assert response.mimetype == "application/x-tar"
    assert "filename=arkivuttrekk-2026-1234.tar" in response.headers["Content-Disposition"]
    assert "no-store" in response.headers["Cache-Control"]
    path = tmp_path / "download.tar"
    path.write_bytes(response.get_data())
    response.close()
    results = check_extraction(path)
    assert all(r.passed for r in results), format_report(results)


def test_an_export_underway_shows_its_progress_and_refreshes(app, client, closed):
    export = PreparedExport(
        consultation=closed["consultation"],
        requested_by=closed["officer"],
        status="running",
        started_at=utcnow(),
        total=10,
    )
    db.session.add(export)
    db.session.commit()
    folder = Path(app.config["ARCHIVE_EXPORT_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{export.id}.progress").write_text("15")
    login(client, closed["officer"])
    soup = BeautifulSoup(
        client.get(_url(closed["consultation"], "arkivuttrekk")).get_data(as_text=True),
        "html.parser",
    )
    assert soup.find("meta", attrs={"http-equiv": "refresh"})["content"] == "3"
    assert soup.find("progress")["value"] == "50"
    assert soup.find("button", string="Lag arkivuttrekk").has_attr("disabled")
    # Not finished: no file yet; another consultation's export id is not found either.
    assert (
        client.get(_url(closed["consultation"], f"arkivuttrekk/{export.id}.tar")).status_code == 404
    )
    # Asking again reuses the export underway.
    post_form(client, _url(closed["consultation"], "arkivuttrekk"), {})
    assert db.session.scalar(select(func.count(PreparedExport.id))) == 1


def test_a_failed_export_is_shown_with_its_reason(client, closed, app, monkeypatch):
    monkeypatch.setitem(app.config, "ARCHIVE_EXPORT_DIR", "/proc/ikke-skrivbar")
    login(client, closed["officer"])
    post_form(client, _url(closed["consultation"], "arkivuttrekk"), {})
    export = db.session.scalar(select(PreparedExport))
    assert export.status == "failed" and export.error
    page = client.get(_url(closed["consultation"], "arkivuttrekk")).get_data(as_text=True)
    assert "Feilet:" in page


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
    page = client.get(_url(consultation, "arkivuttrekk"))
    assert "kan lastes ned når høringen er lukket" in page.get_data(as_text=True)
    response = post_form(client, _url(consultation, "arkivuttrekk"), {})
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
