"""The høringsoppsummering per part of the draft: who said what there (counts, named
organisations and invited høringsinstanser, campaigns, quotes) and the dispositions that apply,
the same on the page and in the documents, in a fixed number of queries."""

from __future__ import annotations

import io

import pytest
from bs4 import BeautifulSoup
from docx import Document
from odf import teletype
from odf.opendocument import load
from odf.text import P
from pypdf import PdfReader

from hoering.accounts.models import ROLE_CASE_OFFICER
from hoering.analysis import campaigns
from hoering.analysis import services as analysis
from hoering.analysis.models import Campaign
from hoering.consultations import services as consultations
from hoering.extensions import db
from hoering.outcome import documents, services, summary
from hoering.submissions import services as submissions
from hoering.submissions.models import STATUS_HIDDEN
from tests.factories import (
    make_consultation,
    make_organisation,
    make_submission,
    make_user,
)

LETTER = (
    "Vi ber departementet la virkeområdet omfatte alle kommunale foretak. Uten dem blir loven "
    "et halvt tiltak, og innbyggerne mister innsyn i store deler av tjenestene sine."
)


def _organisation_submission(consultation, name, org_number, **kw):
    organisation = make_organisation(name=name, org_number=org_number)
    author = make_user(organisations=[organisation])
    return make_submission(consultation, author=author, organisation_id=organisation.id, **kw)


def _make_case(numbers=("987654325", "921000014"), extra=0):
    consultation = make_consultation(title="Høring om innsyn")
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    consultations.add_consultee(consultation, "Fjordvik kommune", numbers[0])
    municipality = _organisation_submission(
        consultation, "Fjordvik kommune", numbers[0], body="Fristen er for kort for kommunene."
    )
    citizen = make_submission(consultation, body="Loven må gjelde alle.")
    hidden = make_submission(consultation, body="Skjult tekst om fristen som ingen skal se.")
    union = _organisation_submission(
        consultation,
        "Foreningen for åpenhet",
        numbers[1],
        anchor="p-2-1",
        body="Virkeområdet er for smalt.",
    )
    letters = [
        make_submission(consultation, anchor="p-2-1", body=f"{hello}\n\n{LETTER}")
        for hello in ("Hei,", "God dag.", "Til departementet:")
    ]
    db.session.flush()
    campaigns.detect_campaigns(consultation)
    campaign = db.session.scalar(
        db.select(Campaign).where(Campaign.consultation_id == consultation.id)
    )
    theme = analysis.create_theme(consultation, "Fristen", "", by=officer)
    db.session.flush()
    analysis.tag(consultation, theme, [municipality.id], by=officer, quote="for kort")
    analysis.tag(consultation, theme, [citizen.id], by=officer)
    analysis.tag(consultation, theme, [hidden.id], by=officer, quote="Skjult tekst")
    submissions.set_status(hidden, STATUS_HIDDEN, reason="Spam")
    analysis.add_note(consultation, municipality.id, "INTERN: ring rådmannen", by=officer)
    services.record_disposition(
        consultation,
        "tema",
        theme.id,
        decision="partly",
        assessment="Fristen blir seks uker.",
        by=officer,
    )
    services.record_disposition(
        consultation,
        "innspill",
        union.id,
        decision="rejected",
        assessment="Virkeområdet beholdes.",
        by=officer,
    )
    services.record_disposition(
        consultation, "kampanje", campaign.id, decision="noted", assessment="", by=officer
    )
    for n in range(extra):
        more = make_submission(consultation, anchor=("p-1-2", "p-2-1")[n % 2], body=f"Mer {n}.")
        services.record_disposition(
            consultation, "innspill", more.id, decision="accepted", assessment="", by=officer
        )
        other = analysis.create_theme(consultation, f"Tema {n}", "", by=officer)
        db.session.flush()
        analysis.tag(consultation, other, [more.id, citizen.id], by=officer)
        services.record_disposition(
            consultation, "tema", other.id, decision="noted", assessment="", by=officer
        )
    consultations.close_consultation(consultation, by=officer)
    db.session.commit()
    return {
        "consultation": consultation,
        "officer": officer,
        "theme": theme,
        "campaign": campaign,
        "letters": letters,
    }


@pytest.fixture
def case():
    return _make_case()


def test_each_part_of_the_draft_says_who_said_what_and_what_was_done(case):
    content = summary.build(case["consultation"])
    first, second = content.sections
    assert first.title == "§ 1 Formål"
    assert first.total == 2  # the hidden innspill is never counted
    assert first.by_type["private"] == 1
    assert first.consultees == ["Fjordvik kommune"]
    assert first.organisations == []
    assert first.quotes == [("Fjordvik kommune", "for kort")]
    (theme_applied,) = first.dispositions
    assert theme_applied.source == services.SOURCE_THEME
    assert theme_applied.name == "Fristen" and theme_applied.count == 2
    assert theme_applied.disposition.decision == "partly"
    assert theme_applied.disposition.assessment == "Fristen blir seks uker."
    assert second.title == "§ 2 Virkeområde"
    assert second.total == 4
    assert second.organisations == ["Foreningen for åpenhet"]
    assert second.campaigns == [3]
    by_source = {a.source: a for a in second.dispositions}
    assert by_source[services.SOURCE_OWN].name == "Foreningen for åpenhet"
    assert by_source[services.SOURCE_OWN].disposition.assessment == "Virkeområdet beholdes."
    assert by_source[services.SOURCE_CAMPAIGN].size == 3
    assert by_source[services.SOURCE_CAMPAIGN].count == 3
    text = documents.plain_text(documents.blocks(content))
    assert "Gjelder temaet «Fristen» (2 innspill her)." in text
    assert "Gjelder innspillet fra Foreningen for åpenhet." in text
    assert "Gjelder en kampanje med 3 likelydende innspill (3 innspill her)." in text
    assert "Skjult tekst" not in text
    assert "INTERN" not in text


def test_the_page_and_the_documents_show_the_parts_alike(case, signed_in):
    slug = case["consultation"].slug
    client = signed_in(case["officer"])
    page = BeautifulSoup(
        client.get(f"/admin/hoeringer/{slug}/oppsummering").get_data(as_text=True), "html.parser"
    )
    part = page.find(id="resultat-del-2")
    assert part.h3.get_text() == "§ 2 Virkeområde"
    words = " ".join(part.get_text(" ").split())
    assert "Organisasjoner: Foreningen for åpenhet" in words
    assert "En kampanje med 3 likelydende innspill." in words
    assert "Vurdering: Ikke tatt til følge" in words
    assert "Gjelder innspillet fra Foreningen for åpenhet." in words
    assert "Virkeområdet beholdes." in words
    first = " ".join(page.find(id="resultat-del-1").get_text(" ").split())
    assert "Høringsinstanser: Fjordvik kommune" in first
    assert "for kort" in first and "Skjult tekst" not in page.get_text()
    assert "INTERN" not in page.get_text()
    content = summary.build(case["consultation"])
    items = documents.blocks(content)
    docx = Document(io.BytesIO(documents.render_docx(items)))
    docx_text = "\n".join(p.text for p in docx.paragraphs)
    assert "Synspunkter og vurderinger per del av utkastet" in docx_text
    assert "Gjelder innspillet fra Foreningen for åpenhet." in docx_text
    odt = load(io.BytesIO(documents.render_odt(items)))
    odt_text = "\n".join(teletype.extractText(p) for p in odt.getElementsByType(P))
    assert "Gjelder temaet «Fristen» (2 innspill her)." in odt_text
    pdf = documents.render_pdf(items, title="Høringsoppsummering", author="Direktoratet")
    pdf_text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Virkeområdet beholdes." in " ".join(pdf_text.split())


def test_a_long_quote_is_shortened_at_a_word():
    long = "ord " * 200
    short = summary._short(long.strip())
    assert len(short) <= summary.QUOTE_SHORT + 2 and short.endswith(" …")
    assert summary._short("kort sitat") == "kort sitat"


def test_the_summary_takes_the_same_number_of_queries_however_much_there_is(case, count_queries):
    bigger = _make_case(numbers=("974760673", "971524960"), extra=6)
    db.session.commit()  # each count starts a transaction of its own
    with count_queries() as small:
        summary.build(case["consultation"])
    db.session.commit()  # each count starts a transaction of its own
    with count_queries() as large:
        content = summary.build(bigger["consultation"])
    assert len(content.sections) == 2 and len(content.themes) == 7
    assert len(large) == len(small), (small.statements, large.statements)


def test_the_api_gives_the_parts_of_the_draft_once_published(case, client):
    slug = case["consultation"].slug
    assert client.get(f"/api/v1/hoeringer/{slug}/resultat").status_code == 404
    summary.publish_summary(case["consultation"], by=case["officer"])
    db.session.commit()
    data = client.get(f"/api/v1/hoeringer/{slug}/resultat").get_json()
    first, second = data["sections"]
    assert first["consultees"] == ["Fjordvik kommune"]
    assert first["quotes"] == [{"by": "Fjordvik kommune", "text": "for kort"}]
    assert {(d["applies_to"], d["decision"], d["submissions"]) for d in second["dispositions"]} == {
        ("own", "rejected", 1),
        ("campaign", "noted", 3),
    }
