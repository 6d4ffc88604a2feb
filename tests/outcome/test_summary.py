"""The høringsoppsummering: what it holds, publishing (closed only, journaled, mailed once),
the public outcome pages and the API, and the redline between draft versions."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from hoering.accounts.models import ROLE_CASE_OFFICER
from hoering.analysis import services as analysis
from hoering.consultations import services as consultations
from hoering.consultations.models import Paragraph
from hoering.extensions import db
from hoering.journal.models import DOC_OUTGOING, JournalDocument, JournalEntry
from hoering.journal.verify import verify_chain
from hoering.notices.models import KIND_OUTCOME, OutboxMessage
from hoering.outcome import documents, lineage, services, summary
from hoering.outcome.models import Summary
from tests.conftest import post_form
from tests.factories import (
    DRAFT,
    make_closed_consultation,
    make_consultation,
    make_submission,
    make_user,
)

REVISED = DRAFT.replace("Loven skal sikre deltakelse.", "Loven skal sikre bred deltakelse.")


@pytest.fixture
def case():
    data = make_closed_consultation()
    consultation, officer = data["consultation"], data["officer"]
    consultations.add_consultee(consultation, "Fjordvik kommune", "987654325")
    theme = analysis.create_theme(consultation, "Fristen", "Om høringsfristen.", by=officer)
    db.session.flush()
    analysis.tag(consultation, theme, [data["first"].id], by=officer, quote="for kort")
    analysis.tag(consultation, theme, [data["redacted"].id], by=officer, quote="Per Hansen")
    analysis.tag(consultation, theme, [data["statement"].id], by=officer)
    analysis.add_note(consultation, data["first"].id, "INTERN: ring rådmannen", by=officer)
    services.record_disposition(
        consultation,
        "tema",
        theme.id,
        decision="partly",
        assessment="Fristen blir seks uker, ikke åtte.",
        by=officer,
    )
    summary.save_introduction(consultation, "Direktoratet takker for innspillene.", by=officer)
    db.session.commit()
    data["theme"] = theme
    return data


def test_the_summary_holds_themes_counts_consultees_and_respondents_but_no_notes(case):
    content = summary.build(case["consultation"])
    (part,) = content.themes
    assert part.total == 3
    assert part.organisations == ["Foreningen for åpenhet"]
    assert part.quotes == [("Ola Nordmann", "for kort")]  # the redacted name is never quoted
    assert part.disposition.decision == "partly"
    assert part.disposition.assessment == "Fristen blir seks uker, ikke åtte."
    assert ("Fjordvik kommune", "none") in content.consultees
    assert "Privatperson" in content.respondents  # the innspill with a hidden name
    assert "Hemmelig Hansen" not in content.respondents
    assert content.introduction == "Direktoratet takker for innspillene."
    text = documents.plain_text(documents.blocks(content))
    assert "INTERN" not in text
    assert "Per Hansen" not in text


def test_publishing_before_the_consultation_is_closed_is_refused(signed_in):
    consultation = make_consultation()
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    db.session.commit()
    client = signed_in(officer)
    url = f"/admin/hoeringer/{consultation.slug}/oppsummering"
    response = post_form(client, url, {"action": "publish"})
    assert response.status_code == 409
    assert "når høringen er lukket" in response.get_data(as_text=True)
    assert db.session.scalar(select(Summary.published_at)) is None
    assert (
        db.session.scalar(
            select(JournalEntry.id).where(
                JournalEntry.submission_id.is_(None), JournalEntry.kind.is_(None)
            )
        )
        is None
    )


def test_publishing_journals_the_summary_and_mails_each_participant_once(case, signed_in, app):
    consultation = case["consultation"]
    quiet = case["statement"].author
    quiet.wants_email = False
    db.session.commit()
    client = signed_in(case["officer"])
    url = f"/admin/hoeringer/{consultation.slug}/oppsummering"
    response = post_form(client, url, {"action": "publish"})
    assert response.status_code == 302
    entry = db.session.scalar(
        select(JournalEntry).where(
            JournalEntry.consultation_id == consultation.id,
            JournalEntry.submission_id.is_(None),
            JournalEntry.agency_reply_id.is_(None),
            JournalEntry.kind.is_(None),  # not the høringsbrev nor a revised draft
        )
    )
    assert entry.document_type == DOC_OUTGOING
    assert entry.title == "Høringsoppsummering – Høring om arkivloven"
    row = db.session.get(Summary, consultation.id)
    assert row.journal_entry_id == entry.id and row.published_at is not None
    assert "Fristen blir seks uker" in db.session.get(JournalDocument, entry.id).text
    assert verify_chain() == []
    messages = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == KIND_OUTCOME)
    ).all()
    assert sorted(m.recipient.name for m in messages) == ["Hemmelig Hansen", "Ola Nordmann"]
    first = next(m for m in messages if m.recipient.name == "Ola Nordmann")
    assert f"/hoeringer/{consultation.slug}/resultat/innspill/{case['first'].id}" in first.body
    response = post_form(client, url, {"action": "publish"})
    assert response.status_code == 409
    assert db.session.query(OutboxMessage).filter_by(kind=KIND_OUTCOME).count() == 2


def test_the_outcome_is_public_only_once_published(case, client):
    consultation = case["consultation"]
    slug = consultation.slug
    first = case["first"]
    for url in (
        f"/hoeringer/{slug}/resultat",
        f"/hoeringer/{slug}/resultat/innspill/{first.id}",
        f"/api/v1/hoeringer/{slug}/resultat",
    ):
        assert client.get(url).status_code == 404
    assert "Resultat av høringen" not in client.get(f"/hoeringer/{slug}/").get_data(as_text=True)
    summary.publish_summary(consultation, by=case["officer"])
    db.session.commit()
    page = BeautifulSoup(
        client.get(f"/hoeringer/{slug}/resultat").get_data(as_text=True), "html.parser"
    )
    assert page.h1.get_text() == "Resultat av høringen"
    theme = page.find(id=f"resultat-tema-{case['theme'].id}")
    assert "Delvis tatt til følge" in theme.get_text()
    assert "Fristen blir seks uker, ikke åtte." in theme.get_text()
    assert "INTERN" not in page.get_text()
    assert "Har ikke svart" in page.get_text()
    handled = client.get(f"/hoeringer/{slug}/resultat/innspill/{first.id}").get_data(as_text=True)
    assert "Delvis tatt til følge" in handled
    statement_page = client.get(f"/hoeringer/{slug}/innspill/{first.id}").get_data(as_text=True)
    assert f"/hoeringer/{slug}/resultat/innspill/{first.id}" in statement_page
    assert f"/hoeringer/{slug}/resultat" in client.get(f"/hoeringer/{slug}/").get_data(as_text=True)
    hidden = case["hidden"]
    assert client.get(f"/hoeringer/{slug}/resultat/innspill/{hidden.id}").status_code == 404
    data = client.get(f"/api/v1/hoeringer/{slug}/resultat").get_json()
    (theme_data,) = data["themes"]
    assert theme_data["disposition"]["decision"] == "partly"
    assert data["introduction"] == "Direktoratet takker for innspillene."
    assert {"name": "Fjordvik kommune", "response": "none"} in data["consultees"]


def test_an_innspill_on_the_old_version_shows_its_paragraph_changed(signed_in, client):
    consultation = make_consultation()
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    innspill = make_submission(consultation, body="Skriv «bred» deltakelse.")
    untouched = make_submission(consultation, anchor="p-2-1", body="Greit nok.")
    consultations.close_consultation(consultation, by=officer)
    # The revised draft comes after the høring; an archived consultation takes none.
    consultations.publish_draft_version(consultation, REVISED, by=officer)
    changed = db.session.scalar(
        select(Paragraph).where(
            Paragraph.version_id == consultation.current_version_id, Paragraph.anchor == "p-1-1"
        )
    )
    services.record_disposition(
        consultation,
        "innspill",
        innspill.id,
        decision="accepted",
        assessment="",
        paragraph_ids=[changed.id],
        by=officer,
    )
    summary.publish_summary(consultation, by=officer)
    db.session.commit()
    slug = consultation.slug
    page = BeautifulSoup(
        client.get(f"/hoeringer/{slug}/resultat/innspill/{innspill.id}").get_data(as_text=True),
        "html.parser",
    )
    assert "Avsnittet er endret i den nye versjonen." in page.get_text()
    assert page.find("ins").get_text(" ", strip=True) == "[satt inn:] bred [slutt på innsatt tekst]"
    assert page.find("a", string="Se den nye teksten")["href"].endswith(f"/hoeringer/{slug}/p-1-1")
    other = client.get(f"/hoeringer/{slug}/resultat/innspill/{untouched.id}").get_data(as_text=True)
    assert "Avsnittet er ikke endret i den nye versjonen." in other
    public = BeautifulSoup(
        client.get(f"/hoeringer/{slug}/resultat").get_data(as_text=True), "html.parser"
    )
    (change,) = public.select("section[id^=endring-]")
    assert change["id"] == "endring-p-1-1"
    data = client.get(f"/api/v1/hoeringer/{slug}/resultat").get_json()
    (changed_data,) = data["changed_paragraphs"]
    assert changed_data["redline"] == [
        {"op": "equal", "text": "Loven skal sikre"},
        {"op": "insert", "text": "bred"},
        {"op": "equal", "text": "deltakelse."},
    ]


def test_a_paragraph_without_its_anchor_is_matched_by_similarity():
    consultation = make_consultation()
    old = list(
        db.session.scalars(
            select(Paragraph).where(Paragraph.version_id == consultation.current_version_id)
        )
    )
    moved = Paragraph(id=-1, anchor="p-9-9", text="Loven skal sikre god og rask dokumentasjon.")
    fresh = Paragraph(id=-2, anchor="p-9-8", text="Noe helt annet om fiskeri og havbruk.")
    found = lineage.match(old, [moved, fresh])
    assert found[-1].text == "Loven skal sikre god dokumentasjon."
    assert -2 not in found
    assert lineage.redline("a b c", "a c d") == [
        ("equal", "a"),
        ("delete", "b"),
        ("equal", "c"),
        ("insert", "d"),
    ]


def test_only_the_agencys_case_officers_edit_and_publish(case, signed_in):
    consultation = case["consultation"]
    stranger = make_user(roles=[ROLE_CASE_OFFICER], agency=make_consultation().agency)
    db.session.commit()
    client = signed_in(stranger)
    url = f"/admin/hoeringer/{consultation.slug}/oppsummering"
    assert client.get(url).status_code == 403
    officer_client = signed_in(case["officer"])
    response = post_form(
        officer_client,
        url,
        {"action": "introduction", "introduction": "Ny innledning."},
    )
    assert response.status_code == 302
    assert db.session.get(Summary, consultation.id).introduction == "Ny innledning."
    token_page = officer_client.get(url).get_data(as_text=True)
    assert "Ny innledning." in token_page


def test_the_case_officer_corrects_where_a_paragraph_came_from(signed_in, client):
    consultation = make_consultation()
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    old_second = _anchor_paragraph(consultation, "p-1-2")
    consultations.publish_draft_version(consultation, REVISED, by=officer)
    other = make_consultation()
    db.session.commit()
    web = signed_in(officer)
    url = f"/admin/hoeringer/{consultation.slug}/utfall/versjoner"
    new_first = _anchor_paragraph(consultation, "p-1-1")
    page = BeautifulSoup(web.get(url).get_data(as_text=True), "html.parser")
    assert (
        page.find(id=f"versjon-{new_first.id}")
        .find("ins")
        .get_text(" ", strip=True)
        .startswith("[satt inn:] bred")
    )
    # A paragraph of another consultation, or of the current version, is refused
    for wrong in (_anchor_paragraph(other, "p-1-1").id, new_first.id, "x"):
        response = post_form(web, url, {"avsnitt": new_first.id, "origin": str(wrong)})
        assert response.status_code == 400
        assert "forrige versjonen" in response.get_data(as_text=True)
    # Linking it to the old second paragraph changes the redline; "ny" makes it new
    response = post_form(web, url, {"avsnitt": new_first.id, "origin": str(old_second.id)})
    assert response.status_code == 302
    change = next(c for c in lineage.changes(consultation) if c.paragraph.id == new_first.id)
    assert change.previous.id == old_second.id
    post_form(web, url, {"avsnitt": new_first.id, "origin": "ny"})
    change = next(c for c in lineage.changes(consultation) if c.paragraph.id == new_first.id)
    assert change.previous is None
    post_form(web, url, {"avsnitt": new_first.id, "origin": "auto"})
    change = next(c for c in lineage.changes(consultation) if c.paragraph.id == new_first.id)
    assert change.previous.anchor == "p-1-1"
    stranger = make_user(roles=[ROLE_CASE_OFFICER], agency=other.agency)
    db.session.commit()
    assert signed_in(stranger).get(url).status_code == 403


def _anchor_paragraph(consultation, anchor):
    return db.session.scalar(
        select(Paragraph).where(
            Paragraph.version_id == consultation.current_version_id, Paragraph.anchor == anchor
        )
    )


def test_an_archived_consultation_takes_no_new_version():
    consultation = make_consultation()
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    consultations.close_consultation(consultation, by=officer)
    consultations.archive_consultation(consultation)
    with pytest.raises(consultations.InvalidTransitionError):
        consultations.publish_draft_version(consultation, REVISED, by=officer)


def test_the_public_draft_shows_its_changes_against_the_previous_version(client):
    consultation = make_consultation()
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    db.session.commit()
    assert client.get(f"/hoeringer/{consultation.slug}/endringer").status_code == 404
    consultations.publish_draft_version(consultation, REVISED, by=officer, note="Ny ordlyd.")
    db.session.commit()
    front = client.get(f"/hoeringer/{consultation.slug}/").get_data(as_text=True)
    assert f"/hoeringer/{consultation.slug}/endringer" in front
    page = BeautifulSoup(
        client.get(f"/hoeringer/{consultation.slug}/endringer").get_data(as_text=True),
        "html.parser",
    )
    assert page.h1.get_text() == "Hva er endret i versjon 2"
    (change,) = page.select("section[id^=endring-]")
    inserted = change.find("ins").get_text(" ", strip=True)
    assert inserted == "[satt inn:] bred [slutt på innsatt tekst]"
    assert change.find("del") is None


def _outcomes(client, url):
    page = BeautifulSoup(client.get(url).get_data(as_text=True), "html.parser")
    return {
        int(section["aria-labelledby"].removeprefix("utfall-")): " ".join(
            section.get_text(" ").split()
        )
        for section in page.select("section.outcome-inline")
    }


def test_each_public_innspill_shows_what_was_done_with_it_once_published(
    case, client, count_queries
):
    consultation, officer = case["consultation"], case["officer"]
    slug = consultation.slug
    first, statement = case["first"], case["statement"]
    front, paragraph = f"/hoeringer/{slug}/", f"/hoeringer/{slug}/p-1-1"
    own = f"/hoeringer/{slug}/innspill/{first.id}"
    assert _outcomes(client, paragraph) == {} and _outcomes(client, own) == {}
    services.record_disposition(
        consultation, "innspill", statement.id, decision="accepted", assessment="", by=officer
    )
    summary.publish_summary(consultation, by=officer)
    db.session.commit()
    shown = _outcomes(client, paragraph)
    assert "Delvis tatt til følge (vurdert under et tema)" in shown[first.id]
    assert "Fristen blir seks uker, ikke åtte." in shown[first.id]
    assert case["hidden"].id not in shown
    assert "Delvis tatt til følge" in _outcomes(client, own)[first.id]
    assert "Tatt til følge" in _outcomes(client, front)[statement.id]
    # Every listed innspill with its own disposition and a changed paragraph: no more queries.
    db.session.commit()  # each count starts a transaction of its own, with nothing loaded
    db.session.expire_all()
    with count_queries() as before:
        client.get(paragraph)
    changed = _anchor_paragraph(consultation, "p-1-2")
    page = BeautifulSoup(client.get(paragraph).get_data(as_text=True), "html.parser")
    listed = [int(a["id"].removeprefix("innspill-")) for a in page.select("article.submission")]
    assert len(listed) >= 2
    db.session.execute(Summary.__table__.update().values(published_at=None))
    for submission_id in listed:
        services.record_disposition(
            consultation,
            "innspill",
            submission_id,
            decision="accepted",
            assessment="Tatt inn.",
            paragraph_ids=[changed.id],
            by=officer,
        )
    summary.publish_summary(consultation, by=officer)
    db.session.commit()
    db.session.expire_all()
    with count_queries() as after:
        client.get(paragraph)
    assert len(after) == len(before)
    shown = _outcomes(client, paragraph)
    assert "Endret i den nye versjonen: § 1, avsnitt 2" in shown[first.id]
    public = [
        int(a["id"].removeprefix("innspill-"))
        for a in page.select("article.submission")
        if "tombstone" not in a["class"]
    ]
    assert set(shown) == set(public) and set(public) < set(listed)  # none on a removed one
