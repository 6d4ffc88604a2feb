"""Dispositions: recording, validation, inheritance from campaign and theme, access."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from hoering.accounts.models import ROLE_CASE_OFFICER, ROLE_MODERATOR
from hoering.analysis import campaigns
from hoering.analysis import services as analysis
from hoering.analysis.models import Campaign
from hoering.consultations.models import Paragraph
from hoering.errors import BadInputError, NotFoundError
from hoering.extensions import db
from hoering.outcome import services
from hoering.outcome.models import Disposition, DispositionParagraph
from tests.conftest import post_form
from tests.factories import make_closed_consultation, make_consultation, make_submission, make_user

LETTER = (
    "Vi ber departementet trekke forslaget om å flytte fødeavdelingen. Avstandene i fylket er "
    "for store, og tryggheten for fødende må komme foran innsparinger i helseforetaket."
)


def _paragraph(consultation, anchor="p-1-1", version_id=None):
    return db.session.scalar(
        select(Paragraph).where(
            Paragraph.version_id == (version_id or consultation.current_version_id),
            Paragraph.anchor == anchor,
        )
    )


@pytest.fixture
def case():
    data = make_closed_consultation()
    consultation = data["consultation"]
    theme = analysis.create_theme(consultation, "Fristen", "", by=data["officer"])
    db.session.flush()
    analysis.tag(consultation, theme, [data["first"].id, data["screened"].id], by=data["officer"])
    db.session.commit()
    data["theme"] = theme
    return data


def test_a_theme_disposition_applies_to_its_members_unless_they_have_their_own(case):
    consultation, officer = case["consultation"], case["officer"]
    changed = _paragraph(consultation, "p-1-1")
    services.record_disposition(
        consultation,
        services.TARGET_THEME,
        case["theme"].id,
        decision="accepted",
        assessment="Fristen blir forlenget til seks uker.",
        paragraph_ids=[changed.id],
        by=officer,
    )
    services.record_disposition(
        consultation,
        services.TARGET_SUBMISSION,
        case["screened"].id,
        decision="noted",
        assessment="",
        by=officer,
    )
    db.session.commit()
    applies = services.effective(
        consultation, [case["first"].id, case["screened"].id, case["statement"].id]
    )
    assert applies[case["first"].id].source == services.SOURCE_THEME
    assert applies[case["first"].id].decision == "accepted"
    assert applies[case["first"].id].dispositions[0].paragraphs == [changed]
    assert applies[case["screened"].id].source == services.SOURCE_OWN
    assert applies[case["screened"].id].decision == "noted"
    assert case["statement"].id not in applies


def test_a_campaign_disposition_comes_before_the_themes():
    consultation = make_consultation()
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    letters = [
        make_submission(consultation, general=True, body=f"{hello}\n\n{LETTER}")
        for hello in ("Hei,", "God dag.", "Til departementet:")
    ]
    db.session.flush()
    campaigns.detect_campaigns(consultation)
    campaign = db.session.scalar(
        select(Campaign).where(Campaign.consultation_id == consultation.id)
    )
    theme = analysis.create_theme(consultation, "Fødeavdelingen", "", by=officer)
    db.session.flush()
    analysis.tag(consultation, theme, [letters[0].id], by=officer)
    services.record_disposition(
        consultation, "tema", theme.id, decision="noted", assessment="", by=officer
    )
    services.record_disposition(
        consultation,
        "kampanje",
        campaign.id,
        decision="rejected",
        assessment="Avdelingen flyttes likevel.",
        by=officer,
    )
    applies = services.effective(consultation, [letter.id for letter in letters])
    assert {e.source for e in applies.values()} == {services.SOURCE_CAMPAIGN}
    assert {e.decision for e in applies.values()} == {"rejected"}


@pytest.mark.parametrize("decision", ["partly", "rejected"])
def test_partly_or_not_followed_needs_the_reasons(case, decision):
    with pytest.raises(BadInputError) as refused:
        services.record_disposition(
            case["consultation"],
            "tema",
            case["theme"].id,
            decision=decision,
            assessment="   ",
            by=case["officer"],
        )
    assert refused.value.field == "assessment"
    assert db.session.scalar(select(Disposition.id)) is None


def test_a_paragraph_of_another_version_or_consultation_is_refused(case):
    consultation = case["consultation"]
    old_version = db.session.scalar(
        select(Paragraph.version_id)
        .where(Paragraph.consultation_id == consultation.id)
        .order_by(Paragraph.version_id)
    )
    old = _paragraph(consultation, "p-1-1", version_id=old_version)
    other = _paragraph(make_consultation())
    for paragraph in (old, other):
        with pytest.raises(BadInputError):
            services.record_disposition(
                consultation,
                "tema",
                case["theme"].id,
                decision="accepted",
                assessment="",
                paragraph_ids=[paragraph.id],
                by=case["officer"],
            )
    assert db.session.scalar(select(Disposition.id)) is None


def test_an_unknown_decision_or_a_foreign_target_is_refused(case):
    with pytest.raises(BadInputError):
        services.record_disposition(
            case["consultation"],
            "tema",
            case["theme"].id,
            decision="x",
            assessment="",
            by=case["officer"],
        )
    foreign = make_submission(make_consultation())
    with pytest.raises(NotFoundError):
        services.record_disposition(
            case["consultation"],
            "innspill",
            foreign.id,
            decision="accepted",
            assessment="",
            by=case["officer"],
        )


def _page(client, url):
    response = client.get(url)
    return response, BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_the_case_officer_records_and_clears_a_theme_disposition_in_the_browser(case, signed_in):
    consultation, theme = case["consultation"], case["theme"]
    client = signed_in(case["officer"])
    url = f"/admin/hoeringer/{consultation.slug}/utfall"
    changed = _paragraph(consultation, "p-2-1")
    response = post_form(
        client,
        url,
        {
            "mal": "tema",
            "id": theme.id,
            "decision": "partly",
            "assessment": "Fristen blir noe lengre.",
            "avsnitt": [str(changed.id)],
        },
    )
    assert response.status_code == 302
    _response, page = _page(client, url)
    section = page.find(id=f"tema-{theme.id}")
    assert "Delvis tatt til følge" in section.get_text()
    assert section.find("textarea").get_text() == "Fristen blir noe lengre."
    assert section.find("input", {"value": str(changed.id)}).has_attr("checked")
    stored = db.session.scalar(select(Disposition))
    assert (stored.theme_id, stored.decision) == (theme.id, "partly")
    response = post_form(client, url, {"mal": "tema", "id": theme.id, "action": "clear"})
    assert response.status_code == 302
    assert db.session.scalar(select(Disposition.id)) is None
    assert db.session.scalar(select(DispositionParagraph.disposition_id)) is None


def test_a_refused_disposition_keeps_what_was_typed(case, signed_in):
    consultation, theme = case["consultation"], case["theme"]
    client = signed_in(case["officer"])
    url = f"/admin/hoeringer/{consultation.slug}/utfall"
    response = post_form(client, url, {"mal": "tema", "id": theme.id, "decision": "rejected"})
    assert response.status_code == 400
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    section = page.find(id=f"tema-{theme.id}")
    assert "Skriv direktoratets vurdering" in section.find(role="alert").get_text()
    assert section.find("input", {"value": "rejected"}).has_attr("checked")
    assert db.session.scalar(select(Disposition.id)) is None
    foreign = make_submission(make_consultation())
    db.session.commit()
    response = post_form(client, url, {"mal": "innspill", "id": foreign.id, "decision": "accepted"})
    assert response.status_code == 404
    response = post_form(client, url, {"mal": "innspill", "id": "9" * 30, "decision": "accepted"})
    assert response.status_code == 400


def test_an_innspill_page_shows_what_it_inherits_and_takes_its_own(case, signed_in):
    consultation, first = case["consultation"], case["first"]
    services.record_disposition(
        consultation,
        "tema",
        case["theme"].id,
        decision="noted",
        assessment="Notert.",
        by=case["officer"],
    )
    db.session.commit()
    client = signed_in(case["officer"])
    url = f"/admin/hoeringer/{consultation.slug}/utfall/innspill/{first.id}"
    _response, page = _page(client, url)
    assert "Tatt til orientering" in page.get_text()
    assert "arvet fra et tema" in page.get_text()
    response = post_form(
        client,
        url,
        {"mal": "innspill", "id": first.id, "decision": "partly", "assessment": ""},
        url=f"/admin/hoeringer/{consultation.slug}/utfall",
    )
    assert response.status_code == 400
    assert "Skriv direktoratets vurdering" in response.get_data(as_text=True)
    response = post_form(
        client,
        url,
        {"mal": "innspill", "id": first.id, "decision": "accepted", "assessment": "Ja."},
        url=f"/admin/hoeringer/{consultation.slug}/utfall",
    )
    assert response.status_code == 302
    _response, page = _page(client, url)
    assert "arvet" not in page.get_text()
    assert "Tatt til følge" in page.get_text()


def test_only_the_agencys_case_officers_get_in(case, signed_in, client):
    consultation = case["consultation"]
    url = f"/admin/hoeringer/{consultation.slug}/utfall"
    moderator = make_user(roles=[ROLE_MODERATOR], agency=consultation.agency)
    stranger = make_user(roles=[ROLE_CASE_OFFICER], agency=make_consultation().agency)
    db.session.commit()
    for who in (moderator, stranger):
        assert signed_in(who).get(url).status_code == 403
    assert client.get(url).status_code == 302
    hidden = make_consultation(publish=False)
    db.session.commit()
    assert signed_in(stranger).get(f"/admin/hoeringer/{hidden.slug}/utfall").status_code == 404


def test_dispositions_and_origins_are_frozen_once_the_summary_is_published(case, signed_in):
    from hoering.outcome import summary
    from hoering.outcome.models import ParagraphOrigin

    consultation, officer = case["consultation"], case["officer"]
    services.record_disposition(
        consultation, "tema", case["theme"].id, decision="noted", assessment="Sett.", by=officer
    )
    summary.publish_summary(consultation, by=officer)
    db.session.commit()
    with pytest.raises(services.DispositionsFrozenError):
        services.record_disposition(
            consultation, "innspill", case["first"].id, decision="noted", assessment="", by=officer
        )
    db.session.rollback()
    client = signed_in(officer)
    url = f"/admin/hoeringer/{consultation.slug}/utfall"
    frozen = "Høringsoppsummeringen er publisert."
    page = BeautifulSoup(client.get(url).get_data(as_text=True), "html.parser")
    assert frozen in page.get_text()
    assert page.select("form[action$='/utfall']") == []
    assert "Sett." in page.find(id=f"tema-{case['theme'].id}").get_text()
    for action in ("save", "clear"):
        response = post_form(
            client,
            url,
            {"mal": "tema", "id": case["theme"].id, "decision": "accepted", "action": action},
        )
        assert response.status_code == 409
        assert frozen in response.get_data(as_text=True)
    response = post_form(
        client,
        url,
        {"mal": "innspill", "id": case["first"].id, "decision": "accepted", "action": "save"},
    )
    assert response.status_code == 409
    (stored,) = db.session.scalars(select(Disposition)).all()
    assert (stored.theme_id, stored.decision, stored.assessment) == (
        case["theme"].id,
        "noted",
        "Sett.",
    )
    item = client.get(f"{url}/innspill/{case['first'].id}").get_data(as_text=True)
    assert frozen in item and 'name="decision"' not in item
    versions = f"{url}/versjoner"
    newest = _paragraph(consultation, "p-1-1")
    response = post_form(client, versions, {"avsnitt": newest.id, "origin": "ny"})
    assert response.status_code == 409
    assert frozen in response.get_data(as_text=True)
    assert db.session.scalar(select(ParagraphOrigin)) is None
    assert 'name="origin"' not in client.get(versions).get_data(as_text=True)
