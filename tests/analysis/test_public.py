"""Public pages fold a campaign into one innspill with "N like innspill"; /svar lists every
answer by respondent; nothing internal (themes, notes, statuses, assignments) ever shows."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy import select

from hoering.accounts.models import ROLE_CASE_OFFICER
from hoering.analysis import services
from hoering.analysis.models import Campaign
from hoering.consultations import services as consultations
from hoering.extensions import db
from tests.factories import make_consultation, make_organisation, make_submission, make_user

LETTER = (
    "Vi ber departementet trekke forslaget om å flytte fødeavdelingen. Avstandene i fylket er "
    "for store, og tryggheten for fødende må komme foran innsparinger i helseforetaket."
)
SECRET_THEME = "Hemmelig-tema-xyz"
SECRET_NOTE = "Internt-notat-abc"


def _copies(consultation, n=5):
    return [
        make_submission(consultation, general=True, body=f"Hilsen nr. {i}.\n\n{LETTER}")
        for i in range(n)
    ]


def test_the_consultation_page_shows_one_copy_and_links_the_others(client):
    consultation = make_consultation()
    copies = _copies(consultation)
    alone = make_submission(consultation, general=True, body="Et helt eget innspill om saken.")
    db.session.commit()
    page = BeautifulSoup(client.get(f"/hoeringer/{consultation.slug}/").data, "html.parser")
    shown = {int(a["id"].split("-")[1]) for a in page.select("article.submission")}
    assert shown == {copies[0].id, alone.id}
    link = page.select_one("p.alike a")
    assert link.get_text(strip=True) == "4 like innspill"
    listed = BeautifulSoup(client.get(link["href"]).data, "html.parser")
    assert {int(a["id"].split("-")[1]) for a in listed.select("article.submission")} == {
        s.id for s in copies
    }
    campaign = db.session.scalar(select(Campaign))
    assert client.get(f"/hoeringer/{consultation.slug}/like/{campaign.id + 99}").status_code == 404


def test_the_answers_page_lists_invited_then_organisations_then_persons(client):
    consultation = make_consultation()
    invited_org = make_organisation(name="Invitert Forbund", org_number="974760673")
    consultations.add_consultee(consultation, "Invitert Forbund", "974760673")
    other_org = make_organisation(name="Annen Forening", org_number="921000006")
    invited = make_submission(
        consultation,
        author=make_user(organisations=[invited_org]),
        organisation_id=invited_org.id,
        general=True,
        body="Forbundet støtter forslaget.",
    )
    other = make_submission(
        consultation,
        author=make_user(organisations=[other_org]),
        organisation_id=other_org.id,
        general=True,
        body="Foreningen er imot.",
    )
    copies = _copies(consultation, 3)
    db.session.commit()
    page = BeautifulSoup(client.get(f"/hoeringer/{consultation.slug}/svar").data, "html.parser")
    sections = page.select("section[aria-labelledby^=gruppe-]")
    assert [s.h2.get_text(strip=True) for s in sections] == [
        "Inviterte høringsinstanser",
        "Andre organisasjoner og virksomheter",
        "Privatpersoner",
    ]
    ids = [
        {int(a["id"].split("-")[1]) for a in section.select("article.submission")}
        for section in sections
    ]
    assert ids == [{invited.id}, {other.id}, {copies[0].id}]
    assert "2 like innspill" in sections[2].get_text()
    only = client.get(f"/hoeringer/{consultation.slug}/svar?type=private")
    assert "Forbundet støtter" not in only.get_data(as_text=True)
    assert client.get(f"/hoeringer/{consultation.slug}/svar?type=robot").status_code == 400
    hidden = make_consultation(publish=False)
    db.session.commit()
    assert client.get(f"/hoeringer/{hidden.slug}/svar").status_code == 404


def test_internal_work_never_reaches_public_surfaces(client):
    consultation = make_consultation()
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    copies = _copies(consultation, 3)
    theme = services.create_theme(consultation, SECRET_THEME, "beskrivelse", by=officer)
    services.tag(consultation, theme, [s.id for s in copies], by=officer)
    services.add_note(consultation, copies[0].id, SECRET_NOTE, by=officer)
    services.set_processing(
        consultation, [copies[0].id], by=officer, status="done", assigned_to=officer
    )
    db.session.commit()
    campaign = db.session.scalar(select(Campaign))
    urls = [
        f"/hoeringer/{consultation.slug}/",
        f"/hoeringer/{consultation.slug}/svar",
        f"/hoeringer/{consultation.slug}/like/{campaign.id}",
        f"/hoeringer/{consultation.slug}/innspill/{copies[0].id}",
        f"/atom/hoeringer/{consultation.slug}/innspill",
        f"/api/v1/hoeringer/{consultation.slug}/innspill",
        f"/api/v1/hoeringer/{consultation.slug}",
        f"/virksomheter/{consultation.agency.slug}/offentlig-journal",
        f"/api/v1/virksomheter/{consultation.agency.slug}/offentlig-journal",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.get_data(as_text=True)
        for secret in (SECRET_THEME, SECRET_NOTE, "Ferdig vurdert", officer.name):
            assert secret not in text, (url, secret)
