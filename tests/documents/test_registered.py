"""A case officer registers an innspill received by e-mail or letter, through submit()."""

import io
import re
from datetime import date

from sqlalchemy import select

from hoering.accounts.models import ROLE_CASE_OFFICER
from hoering.consultations.models import Consultation
from hoering.documents.models import Attachment
from hoering.extensions import db
from hoering.journal.models import JournalEntry
from hoering.journal.verify import verify_chains
from hoering.submissions.models import Submission
from tests.conftest import csrf_from
from tests.documents import files
from tests.factories import make_consultation, make_user


def _register(client, consultation, **fields):
    url = f"/admin/hoeringer/{consultation.slug}/registrer-innspill"
    page = client.get(url)
    data = {
        "csrf_token": csrf_from(page.get_data(as_text=True)),
        "sender_name": "Berit Brev",
        "sender_organisation": "Vestby kommune",
        "channel": "letter",
        "received_on": "2026-11-20",
        "body": "",
        **fields,
    }
    return client.post(url, data=data, content_type="multipart/form-data")


def test_an_officer_registers_a_letter_journaled_with_its_date_and_marked(
    signed_in, client, queued
):
    consultation = make_consultation()
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency, name="Siri Sak")
    db.session.commit()
    staff = signed_in(officer)
    response = _register(
        staff,
        consultation,
        files=[(io.BytesIO(files.pdf("Kommunen støtter forslaget.")), "svar.pdf")],
        position="support",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]

    submission = db.session.scalar(select(Submission))
    assert submission.channel == "letter"
    assert submission.author_name == "Berit Brev"
    assert submission.organisation_name == "Vestby kommune"
    assert submission.respondent_type == "organisation"
    assert submission.body == "Høringssvar fra Vestby kommune"
    assert submission.status == "published"
    assert db.session.get(Consultation, consultation.id).submission_count == 1
    assert db.session.scalar(select(Attachment)).original_name == "svar.pdf"
    entry = db.session.scalar(select(JournalEntry).where(JournalEntry.submission_id.is_not(None)))
    assert entry.document_type == "I"
    assert entry.received_on == date(2026, 11, 20)
    assert entry.correspondent_name == "Berit Brev"
    assert verify_chains()[0] == []

    page = client.get(f"/hoeringer/{consultation.slug}/innspill/{submission.id}")
    assert "Mottatt per brev" in page.get_data(as_text=True)


def test_only_the_agencys_case_officers_register_and_bad_input_keeps_the_form(signed_in, queued):
    consultation = make_consultation()
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    citizen = make_user()
    db.session.commit()
    url = f"/admin/hoeringer/{consultation.slug}/registrer-innspill"
    assert signed_in(citizen).get(url).status_code == 403

    staff = signed_in(officer)
    response = _register(staff, consultation, sender_name="", body="Teksten fra e-posten.")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Skriv navnet på avsenderen." in page
    assert "Teksten fra e-posten." in page

    response = _register(staff, consultation, received_on="2999-01-01", body="Tekst.")
    assert response.status_code == 400
    assert "ikke fram i tid" in response.get_data(as_text=True)
    assert db.session.scalar(select(Submission)) is None


def test_two_senders_with_the_same_form_letter_are_two_innspill(signed_in, queued):
    consultation = make_consultation()
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    db.session.commit()
    staff = signed_in(officer)
    for name in ("Anne", "Bjørn"):
        response = _register(
            staff, consultation, sender_name=name, sender_organisation="", body="Nei til loven."
        )
        assert response.status_code == 302
    rows = db.session.scalars(select(Submission).order_by(Submission.id)).all()
    assert [(s.author_name, s.respondent_type) for s in rows] == [
        ("Anne", "private"),
        ("Bjørn", "private"),
    ]


def test_a_letter_from_an_invited_hoeringsinstans_marks_it_answered(signed_in, client, queued):
    from hoering.consultations import services as consultations
    from hoering.consultations.models import Consultee

    consultation = make_consultation()
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    invited = consultations.add_consultee(consultation, "Vestby kommune", "944383565")
    silent = consultations.add_consultee(consultation, "Stille etat", "974760673")
    db.session.commit()
    staff = signed_in(officer)
    page = staff.get(f"/admin/hoeringer/{consultation.slug}/registrer-innspill")
    assert "Vestby kommune (944383565)" in page.get_data(as_text=True)

    refused = _register(staff, consultation, consultee="99999", body="Tekst.")
    assert refused.status_code == 400
    assert "Velg en høringsinstans fra listen" in refused.get_data(as_text=True)

    response = _register(
        staff,
        consultation,
        consultee=str(invited.id),
        sender_organisation="",
        body="Kommunen støtter forslaget.",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    submission = db.session.scalar(select(Submission))
    assert submission.organisation_name == "Vestby kommune"
    assert submission.organisation.org_number == "944383565"
    consultee = db.session.get(Consultee, invited.id)
    assert consultee.response == "answered"
    assert consultee.organisation_id == submission.organisation_id
    assert db.session.get(Consultee, silent.id).response is None

    # Answered wherever answers show: the consultation page, the overview, the behandling filter.
    public = client.get(f"/hoeringer/{consultation.slug}/").get_data(as_text=True)
    table = public[public.index("consultees-heading") :]
    assert re.search(r"<td>Vestby kommune</td>\s*<td>\s*Har svart", table), table[:1500]
    assert re.search(r"<td>Stille etat</td>\s*<td>\s*Ikke svart", table)
    overview = staff.get(f"/admin/hoeringer/{consultation.slug}/oversikt.json").get_json()
    assert {"name": "Vestby kommune", "answer": "answered"} in overview["consultees"]
    assert {"name": "Stille etat", "answer": "none"} in overview["consultees"]
    behandling = f"/admin/hoeringer/{consultation.slug}/behandling"
    assert "Kommunen støtter forslaget" in staff.get(f"{behandling}?invitert=ja").get_data(
        as_text=True
    )
    assert "Kommunen støtter forslaget" not in staff.get(f"{behandling}?invitert=nei").get_data(
        as_text=True
    )
