"""The outcome in a real browser, without JavaScript: the case officer goes from a theme to a
published høringsoppsummering; a citizen goes from their innspill to what became of it. The new
pages pass axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from hoering import prepared
from hoering.accounts.models import ROLE_CASE_OFFICER
from hoering.analysis import services as analysis
from hoering.consultations import services as consultations
from hoering.outcome import downloads
from hoering.outcome.models import PreparedSummary
from tests.browser.pages import LoginPage
from tests.browser.test_accessibility import _axe
from tests.conftest import PASSWORD
from tests.factories import DRAFT, make_agency, make_consultation, make_submission, make_user

pytestmark = pytest.mark.browser

REVISED = DRAFT.replace("Loven skal sikre deltakelse.", "Loven skal sikre bred deltakelse.")


@pytest.fixture(scope="module")
def closed(live_server) -> dict:
    """A closed consultation with a theme, and a revised draft where § 1 first paragraph changed."""
    with live_server.data():
        agency = make_agency(name="Direktoratet for utfall")
        officer = make_user(roles=[ROLE_CASE_OFFICER], agency=agency, name="Una Utfall")
        citizen = make_user(name="Sigrid Svar")
        consultation = make_consultation(agency=agency, officer=officer, title="Høring om utfall")
        innspill = make_submission(
            consultation, author=citizen, body="Skriv at deltakelsen skal være bred."
        )
        theme = analysis.create_theme(consultation, "Bred deltakelse", "", by=officer)
        analysis.tag(consultation, theme, [innspill.id], by=officer)
        consultations.close_consultation(consultation, by=officer)
        consultations.publish_draft_version(consultation, REVISED, by=officer)
        return {
            "slug": consultation.slug,
            "officer": officer.email,
            "citizen": citizen.email,
            "innspill": innspill.id,
            "theme": theme.id,
        }


def test_from_themes_to_a_published_summary_and_back_to_the_innspill(
    new_context, closed, live_server
):
    slug = closed["slug"]
    # Given the case officer, with JavaScript off, on the outcome page
    page = new_context(java_script_enabled=False).new_page()
    LoginPage(page).open().sign_in(closed["officer"], PASSWORD)
    page.goto(f"/admin/hoeringer/{slug}/behandling")
    page.get_by_role("link", name="Utfall").first.click()
    theme = page.locator(f"#tema-{closed['theme']}")
    # When they choose "delvis" without a reason, they are told what is missing
    theme.get_by_label("Delvis tatt til følge").check()
    theme.get_by_role("button", name="Lagre vurderingen").click()
    theme = page.locator(f"#tema-{closed['theme']}")
    expect(theme.get_by_role("alert")).to_contain_text("Skriv direktoratets vurdering")
    # And with a reason and the changed paragraph, it is saved
    theme.get_by_label("Direktoratets vurdering").fill("Vi skriver «bred», men ikke mer.")
    theme.locator("summary").click()
    theme.get_by_label("Loven skal sikre bred deltakelse.", exact=False).check()
    theme.get_by_role("button", name="Lagre vurderingen").click()
    expect(page.get_by_text("Vurderingen er lagret.")).to_be_visible()
    # When they write the introduction and publish the summary
    page.get_by_role("link", name="Høringsoppsummering").first.click()
    page.get_by_label("Innledning").fill("Takk til alle som svarte.")
    page.get_by_role("button", name="Lagre innledningen").click()
    expect(page.get_by_text("Innledningen er lagret.")).to_be_visible()
    # And ask for the summary as Word: it is made on the task queue, then offered for download
    docx = page.locator("#dokument-docx")
    expect(docx).to_contain_text("Ikke laget ennå.")
    docx.get_by_role("button", name="Lag dokumentet").click()
    expect(page.locator("#dokument-docx")).to_contain_text("Venter på tur")
    with live_server.data():  # the task worker's step, here in-process
        for row_id in prepared.unfinished(PreparedSummary, stale_after=downloads.STALE_AFTER):
            downloads.build_document(row_id)
    page.reload()
    expect(page.locator("#dokument-docx").get_by_role("link", name="Last ned")).to_be_visible()
    page.get_by_role("button", name="Publiser og journalfør oppsummeringen").click()
    expect(page.get_by_text("Høringsoppsummeringen er publisert og journalført.")).to_be_visible()
    # Then the dispositions are frozen: the outcome page says why and offers no form
    page.goto(f"/admin/hoeringer/{slug}/utfall")
    expect(page.locator("main")).to_contain_text("kan ikke endres lenger")
    expect(page.get_by_role("button", name="Lagre vurderingen")).to_have_count(0)
    # And the public outcome page shows the disposition and the redline
    page.goto(f"/admin/hoeringer/{slug}/oppsummering")
    page.get_by_role("link", name="Se resultatet av høringen").click()
    expect(page.get_by_role("heading", name="Resultat av høringen", exact=True)).to_be_visible()
    expect(page.locator("main")).to_contain_text("Vi skriver «bred», men ikke mer.")
    expect(page.locator("ins").first).to_contain_text("satt inn")

    # Given the citizen who wrote the innspill
    citizen = new_context(java_script_enabled=False).new_page()
    LoginPage(citizen).open().sign_in(closed["citizen"], PASSWORD)
    citizen.goto(f"/hoeringer/{slug}/innspill/{closed['innspill']}")
    # Then their innspill says what was done with it, right where it is shown
    inline = citizen.locator("section.outcome-inline")
    expect(inline).to_contain_text("Delvis tatt til følge")
    expect(inline).to_contain_text("Vi skriver «bred», men ikke mer.")
    # When they follow the link from their innspill
    citizen.get_by_role("link", name="Hva ble gjort med innspillet").click()
    # Then they see what became of it, and that their paragraph changed, with the new wording
    expect(citizen.get_by_role("heading", name="Delvis tatt til følge")).to_be_visible()
    expect(citizen.locator("main")).to_contain_text("Avsnittet er endret i den nye versjonen.")
    citizen.get_by_role("link", name="Se den nye teksten").click()
    expect(citizen.locator("main")).to_contain_text("Loven skal sikre bred deltakelse.")


def test_the_outcome_pages_pass_axe(new_context, closed):
    page = new_context(bypass_csp=True).new_page()
    LoginPage(page).open().sign_in(closed["officer"], PASSWORD)
    slug = closed["slug"]
    paths = [
        f"/admin/hoeringer/{slug}/utfall",
        f"/admin/hoeringer/{slug}/utfall/innspill/{closed['innspill']}",
        f"/admin/hoeringer/{slug}/oppsummering",
    ]
    problems = []
    for path in paths:
        page.goto(path)
        problems += [f"{path}: {p}" for p in _axe(page)]
    assert problems == []
