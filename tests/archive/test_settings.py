"""The agency's archive settings: who may change them, and that the journal and exports obey."""

from __future__ import annotations

from bs4 import BeautifulSoup

from hoering.accounts.models import ROLE_CASE_OFFICER, ROLE_MODERATOR
from hoering.archive import export as export_module
from hoering.extensions import db
from hoering.journal.services import SCREENING_BASIS, entry_for_submission
from tests.conftest import login, post_form
from tests.factories import make_agency, make_closed_consultation, make_user

BASIS = "Offl. § 13 jf. fvl. § 13 første ledd nr. 1 (navn på privatperson)"


def _form(**changes):
    data = {
        "name_screening_basis": BASIS,
        "disposal_decision": "Kasseres",
        "disposal_authority": "Arkivverkets vedtak 2026/1",
        "retention_years": "10",
        "classification_title": "Felles arkivnøkkel",
        "class_id": "008",
        "class_title": "Høringer",
    }
    return {**data, **changes}


def test_the_case_officer_sets_the_basis_for_hidden_names_and_the_archive_uses_it(client):
    closed = make_closed_consultation()
    agency = closed["consultation"].agency
    db.session.commit()
    url = f"/admin/virksomheter/{agency.slug}/arkiv"
    login(client, closed["officer"])
    page = client.get(url).get_data(as_text=True)
    assert f"Skjermingshjemmel i bruk for skjulte navn: {SCREENING_BASIS}" in page

    saved = post_form(client, url, _form())
    assert saved.status_code == 302
    db.session.refresh(agency)
    assert (agency.name_screening_basis, agency.disposal_decision, agency.retention_years) == (
        BASIS,
        "Kasseres",
        10,
    )
    journal = client.get(f"/virksomheter/{agency.slug}/offentlig-journal").get_data(as_text=True)
    assert BASIS in journal

    extraction = export_module.build_extraction(closed["consultation"], produced_by="Arkivar")
    assert extraction.retention.decision == "Kasseres"
    assert [c.class_id for c in extraction.classification.classes] == ["008"]
    case = next(iter(extraction.cases()))
    screened = entry_for_submission(closed["screened"].id).system_id
    record = next(r for r in extraction.records(case) if r.system_id == screened)
    assert record.screening.basis == BASIS


def test_bad_input_keeps_what_was_typed_and_others_are_refused(app, client):
    closed = make_closed_consultation()
    agency = closed["consultation"].agency
    moderator = make_user(roles=[ROLE_MODERATOR], agency=agency)
    other = make_user(roles=[ROLE_CASE_OFFICER], agency=make_agency())
    db.session.commit()
    url = f"/admin/virksomheter/{agency.slug}/arkiv"
    login(client, closed["officer"])
    refused = post_form(client, url, _form(retention_years="0", class_id="Mitt valg"))
    assert refused.status_code == 400
    soup = BeautifulSoup(refused.get_data(as_text=True), "html.parser")
    assert "mellom 1 og 200 år" in soup.get_text()
    assert soup.find("input", attrs={"name": "class_id"})["value"] == "Mitt valg"
    for user in (moderator, other):
        own = app.test_client()
        login(own, user)
        assert own.get(url).status_code == 403
    assert client.get("/admin/virksomheter/finnes-ikke/arkiv").status_code == 404


def test_the_case_officer_files_the_case_in_a_class_and_the_export_uses_it(client):
    closed = make_closed_consultation()
    consultation = closed["consultation"]
    db.session.commit()
    url = f"/admin/hoeringer/{consultation.slug}/arkivuttrekk"
    login(client, closed["officer"])
    manage = client.get(f"/admin/hoeringer/{consultation.slug}/rediger").get_data(as_text=True)
    assert f'href="{url}">Arkivet: arkivkode, saksnummer og leveranser' in manage
    page = client.get(url).get_data(as_text=True)
    assert "Saken arkiveres under klassen HØRING Høringer i arkivnøkkelen." in page

    refused = post_form(
        client,
        f"/admin/hoeringer/{consultation.slug}/arkivkode",
        {"class_id": "<033>", "class_title": "Forskrifter"},
    )
    assert refused.status_code == 400
    soup = BeautifulSoup(refused.get_data(as_text=True), "html.parser")
    assert "Klassen kan bare ha bokstaver" in soup.get_text()
    assert soup.find("input", id="class_id")["value"] == "<033>"
    assert soup.find("input", id="class_title")["value"] == "Forskrifter"
    no_title = post_form(
        client, f"/admin/hoeringer/{consultation.slug}/arkivkode", {"class_id": "033"}
    )
    assert no_title.status_code == 400
    assert "Skriv tittelen på klassen." in no_title.get_data(as_text=True)

    saved = post_form(
        client,
        f"/admin/hoeringer/{consultation.slug}/arkivkode",
        {"class_id": "033", "class_title": "Forskrifter"},
    )
    assert saved.status_code == 303
    page = client.get(url).get_data(as_text=True)
    assert "Saken arkiveres under klassen 033 Forskrifter i arkivnøkkelen." in page
    extraction = export_module.build_extraction(consultation, produced_by="Arkivar")
    assert [(c.class_id, c.title) for c in extraction.classification.classes] == [
        ("033", "Forskrifter")
    ]
    assert next(iter(extraction.cases())).class_id == "033"

    # An empty klasseID files it in the agency's default class again.
    post_form(client, f"/admin/hoeringer/{consultation.slug}/arkivkode", {"class_id": ""})
    db.session.refresh(consultation)
    assert (consultation.class_id, consultation.class_title) == (None, None)


def test_the_class_of_an_archived_case_is_locked(client):
    from hoering.consultations import services as consultations

    closed = make_closed_consultation()
    consultation = closed["consultation"]
    consultations.archive_consultation(consultation)
    db.session.commit()
    url = f"/admin/hoeringer/{consultation.slug}/arkivuttrekk"
    login(client, closed["officer"])
    page = BeautifulSoup(client.get(url).get_data(as_text=True), "html.parser")
    assert page.find("input", id="class_id") is None  # shown, not editable
    assert "HØRING" in page.select_one("dl.class-locked").text
    assert "høringen er arkivert under denne klassen" in page.get_text()

    refused = post_form(
        client,
        url,
        {"class_id": "033", "class_title": "Forskrifter"},
        url=url.replace("arkivuttrekk", "arkivkode"),
    )
    assert refused.status_code == 409
    text = BeautifulSoup(refused.get_data(as_text=True), "html.parser").get_text()
    assert "klassen saken er arkivert under, kan ikke endres lenger" in text
    db.session.refresh(consultation)
    assert (consultation.class_id, consultation.class_title) == (None, None)
