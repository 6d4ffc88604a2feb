"""Verified organisations: Enhetsregisteret's bulk file loaded by the CLI; a person asks to
speak for an organisation by its number; its representatives or the administrators decide with
a reason; the person is told by e-mail; their innspill then show "verifisert"."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from hoering.accounts import organisations, registry
from hoering.accounts.models import (
    ROLE_ADMIN,
    Organisation,
    RegistryEntity,
    RepresentationRequest,
)
from hoering.extensions import db
from hoering.notices.models import OutboxMessage
from hoering.submissions.models import Submission
from tests.conftest import post_form
from tests.factories import make_consultation, make_organisation, make_submission, make_user

SAMPLE = Path(__file__).parent / "data" / "enheter_sample.json.gz"


def _page(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


@pytest.fixture
def register(runner):
    result = runner.invoke(args=["organisations", "import", str(SAMPLE)])
    assert result.exit_code == 0, result.output
    return result


def test_the_cli_loads_the_bulk_file_and_flags_deleted_and_bankrupt(register, runner):
    assert "Imported 6 entities" in register.output
    assert "1 deleted, 1 bankrupt, 1 skipped" in register.output
    friluft = db.session.get(RegistryEntity, "921000006")
    assert friluft.name == "NORSK FRILUFTSFORUM"
    assert friluft.form_code == "FLI"
    assert db.session.get(RegistryEntity, "910000020").is_deleted
    assert db.session.get(RegistryEntity, "910000012").is_bankrupt
    assert db.session.get(RegistryEntity, "910000039").is_winding_up
    # Loading it again changes nothing.
    again = runner.invoke(args=["organisations", "import", str(SAMPLE)])
    assert again.exit_code == 0
    assert len(db.session.scalars(select(RegistryEntity)).all()) == 6


def test_known_organisations_take_the_registers_name_and_form(runner):
    typed = make_organisation(name="Fjordvik kommune (skrevet inn)", org_number="987654325")
    db.session.commit()
    result = runner.invoke(args=["organisations", "import", str(SAMPLE)])
    assert "1 known organisations updated" in result.output
    db.session.refresh(typed)
    assert typed.name == "FJORDVIK KOMMUNE"
    assert typed.kind == "public_agency"
    assert typed.registry_checked_at is not None


def test_the_file_is_read_as_a_stream_in_small_pieces(monkeypatch, app):
    monkeypatch.setattr(registry, "CHUNK", 7)
    result = registry.import_entities(str(SAMPLE))
    assert result.entities == 6


def test_a_file_that_is_not_the_bulk_file_is_refused_clearly(runner, tmp_path):
    plain = tmp_path / "enheter.json"
    plain.write_text("[]")
    result = runner.invoke(args=["organisations", "import", str(plain)])
    assert result.exit_code == 1
    assert "cannot be read as gzipped JSON" in result.output
    cut = tmp_path / "cut.json.gz"
    cut.write_bytes(gzip.compress(b'[{"organisasjonsnummer": "921000006", "navn": "X"'))
    result = runner.invoke(args=["organisations", "import", str(cut)])
    assert result.exit_code == 1
    assert "ends in the middle" in result.output
    assert db.session.scalar(select(RegistryEntity)) is None


@pytest.mark.parametrize(
    ("number", "says"),
    [
        ("12345", "ikke gyldig"),
        ("910000047", "Fant ikke organisasjonsnummeret i Enhetsregisteret"),
        ("910000020", "NEDLAGT FORENING er slettet i Enhetsregisteret"),
    ],
)
def test_a_request_for_a_malformed_unknown_or_deleted_number_is_refused(
    register, signed_in, number, says
):
    person = make_user()
    db.session.commit()
    client = signed_in(person)
    response = post_form(client, "/organisasjoner/", {"org_number": number, "note": "Leder"})
    assert response.status_code == 400
    page = _page(response)
    assert says in page.find(id="org_number-error").text
    assert page.find("input", {"name": "org_number"})["value"] == number
    assert page.find("textarea", {"name": "note"}).text.strip() == "Leder"
    assert db.session.scalar(select(RepresentationRequest)) is None


def test_an_admin_approves_when_nobody_represents_it_and_the_innspill_is_verified(
    register, signed_in
):
    person = make_user(name="Ingrid Berg")
    admin = make_user(roles=[ROLE_ADMIN])
    consultation = make_consultation()
    db.session.commit()
    client = signed_in(person)
    response = post_form(client, "/organisasjoner/", {"org_number": "921 000 006", "note": ""})
    assert response.status_code == 302
    request = db.session.scalar(select(RepresentationRequest))
    assert request.organisation.name == "NORSK FRILUFTSFORUM"
    # Nobody represents the forum yet, so the administrators are told.
    [asked] = db.session.scalars(select(OutboxMessage)).all()
    assert asked.recipient_id == admin.id
    assert asked.subject == "Ingrid Berg ber om å skrive på vegne av NORSK FRILUFTSFORUM"
    assert "/organisasjoner/foresporsler" in asked.body

    admin_client = signed_in(admin)
    page = _page(admin_client.get("/organisasjoner/foresporsler"))
    assert "Ingrid Berg – NORSK FRILUFTSFORUM" in page.get_text()
    prefix = f"r{request.id}"
    response = post_form(
        admin_client,
        "/organisasjoner/foresporsler",
        {f"{prefix}-decision": "approve", f"{prefix}-reason": "Bekreftet med styret."},
        url=f"/organisasjoner/foresporsler/{request.id}",
    )
    assert response.status_code == 302
    db.session.refresh(request)
    assert request.status == "approved"
    [message] = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient_id == person.id)
    ).all()
    assert message.subject == "Du kan nå skrive på vegne av NORSK FRILUFTSFORUM"
    assert "Bekreftet med styret." in message.body

    db.session.refresh(person)
    organisation = person.organisations[0]
    submission = make_submission(consultation, author=person, organisation_id=organisation.id)
    db.session.commit()
    assert submission.organisation_verified
    assert submission.respondent_type == "organisation"
    shown = _page(client.get(f"/hoeringer/{consultation.slug}/p-1-1"))
    [byline] = [p for p in shown.select("p.byline") if "NORSK FRILUFTSFORUM" in p.text]
    assert byline.select_one("span.verified").text == "verifisert"


def test_existing_representatives_decide_and_a_refusal_needs_a_reason(register, signed_in):
    representative = make_user(name="Rita Representant")
    person = make_user(name="Per Person")
    admin = make_user(roles=[ROLE_ADMIN])
    db.session.commit()
    first = organisations.request_representation(representative, "987654325")
    organisations.decide(first, approve=True, reason="", by=admin)
    request = organisations.request_representation(person, "987654325", "Rådgiver")
    db.session.commit()
    assert request.organisation.kind == "public_agency"

    # The administrator no longer decides: the kommune has a representative.
    admin_client = signed_in(admin)
    assert (
        admin_client.get("/organisasjoner/foresporsler").get_data(as_text=True).count("Per Person")
        == 0
    )
    prefix = f"r{request.id}"
    url = f"/organisasjoner/foresporsler/{request.id}"
    forbidden = post_form(admin_client, "/konto", {f"{prefix}-decision": "approve"}, url=url)
    assert forbidden.status_code == 403

    # The representative, not the administrator, was told of the request.
    told = db.session.scalars(
        select(OutboxMessage.recipient_id).where(
            OutboxMessage.ref == f"representation-request:{request.id}"
        )
    ).all()
    assert told == [representative.id]

    client = signed_in(representative)
    no_reason = post_form(
        client, "/organisasjoner/foresporsler", {f"{prefix}-decision": "refuse"}, url=url
    )
    assert no_reason.status_code == 400
    assert "Skriv en begrunnelse" in _page(no_reason).find(id=f"{prefix}-reason-error").text
    refused = post_form(
        client,
        "/organisasjoner/foresporsler",
        {f"{prefix}-decision": "refuse", f"{prefix}-reason": "Ikke ansatt hos oss."},
        url=url,
    )
    assert refused.status_code == 302
    db.session.refresh(request)
    assert request.status == "refused"
    assert request.decided_by_id == representative.id
    message = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.recipient_id == person.id)
    )
    assert "ble avslått" in message.subject
    assert "Ikke ansatt hos oss." in message.body
    assert not db.session.get(type(person), person.id).organisations
    mine = _page(signed_in(person).get("/organisasjoner/"))
    assert "avslått – Ikke ansatt hos oss." in " ".join(mine.get_text().split())


def test_a_hand_linked_organisation_is_not_verified(register):
    organisation = make_organisation(name="Norsk Testforening", org_number="910000004")
    person = make_user(organisations=[organisation])
    consultation = make_consultation()
    submission = make_submission(consultation, author=person, organisation_id=organisation.id)
    assert not submission.organisation_verified
    assert not db.session.scalar(
        select(Submission.organisation_verified).where(Submission.id == submission.id)
    )
    assert db.session.scalar(select(Organisation.registry_checked_at)) is None
