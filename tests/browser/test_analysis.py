"""The case officer's work after the deadline, in a real browser: find the form-letter campaign,
tag it with a theme in one action, mark it assessed and see the progress change; the public page
folds the campaign into one innspill. The new pages pass axe and work without JavaScript."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from hoering import demo
from hoering.accounts.models import ROLE_CASE_OFFICER
from hoering.analysis import campaigns
from hoering.consultations import services as consultations
from hoering.db import utcnow
from tests.browser.pages import LoginPage
from tests.browser.test_accessibility import _axe
from tests.conftest import PASSWORD
from tests.factories import make_agency, make_consultation, make_submission, make_user

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def letters(live_server) -> dict:
    """A closed consultation holding the demo's form letter, sent 60 times, and one other."""
    with live_server.data():
        agency = make_agency(name="Direktoratet for kampanjer")
        officer = make_user(roles=[ROLE_CASE_OFFICER], agency=agency, name="Kim Kampanje")
        sent = utcnow() - timedelta(minutes=600)
        consultation = make_consultation(
            agency=agency,
            officer=officer,
            title="Høring med skjemabrev",
            published_at=sent - timedelta(minutes=1),
        )
        demo.form_letters(consultation, sent, password_hash=officer.password_hash)
        other = make_submission(consultation, general=True, body="Et helt eget syn på saken.")
        consultations.close_consultation(consultation, by=officer)
        campaigns.detect_campaigns(consultation)
        return {
            "slug": consultation.slug,
            "email": officer.email,
            "other": other.id,
        }


def test_case_officer_tags_and_assesses_the_campaign_without_javascript(new_context, letters):
    # Given a case officer of the agency, in a browser with JavaScript off
    page = new_context(java_script_enabled=False).new_page()
    LoginPage(page).open().sign_in(letters["email"], PASSWORD)
    slug = letters["slug"]
    # When they open the behandling page, nothing is assessed yet
    page.goto(f"/admin/hoeringer/{slug}/behandling")
    expect(page.locator("#progress")).to_contain_text("0 av 61 vurdert")
    # And they create a theme
    page.get_by_text("Nytt tema").click()
    page.get_by_label("Navn på temaet").fill("Klarspråk i brev")
    page.get_by_role("button", name="Opprett tema").click()
    expect(page.locator(".flash, [role=status], .ds-alert").first).to_contain_text(
        "Klarspråk i brev"
    )
    # When they find the campaign of 60
    page.get_by_role("link", name="Kampanjer").first.click()
    campaign = page.locator("section.campaign").filter(has_text="60 innspill")
    expect(campaign).to_have_count(1)
    # And tag the whole campaign with the theme in one action
    campaign.get_by_role("button", name="Merk hele kampanjen med tema").click()
    expect(page.get_by_text("60 innspill merket med «Klarspråk i brev».")).to_be_visible()
    # And mark it assessed in one action
    campaign = page.locator("section.campaign").filter(has_text="60 innspill")
    campaign.get_by_label("Behandlingsstatus").select_option(label="Ferdig vurdert")
    campaign.get_by_role("button", name="Sett status for hele kampanjen").click()
    expect(page.get_by_text("Status endret for 60 innspill.")).to_be_visible()
    # Then the progress on the behandling page has changed
    page.goto(f"/admin/hoeringer/{slug}/behandling")
    expect(page.locator("#progress")).to_contain_text("60 av 61 vurdert")
    # And filtering by the theme finds the 60
    page.get_by_label("Tema", exact=True).first.select_option(label="Klarspråk i brev")
    page.get_by_role("button", name="Filtrer").click()
    expect(page.get_by_role("heading", name="60 innspill passer med filteret")).to_be_visible()

    # And the public page shows one of them, with "59 like innspill"
    visitor = new_context(java_script_enabled=False).new_page()
    visitor.goto(f"/hoeringer/{slug}/")
    expect(visitor.get_by_role("link", name="59 like innspill")).to_be_visible()
    expect(visitor.locator("#general-heading ~ ol article.submission")).to_have_count(2)
    visitor.get_by_role("link", name="59 like innspill").click()
    expect(visitor.get_by_role("heading", name="Like innspill")).to_be_visible()


def test_the_new_pages_pass_axe(new_context, letters):
    page = new_context(bypass_csp=True).new_page()
    LoginPage(page).open().sign_in(letters["email"], PASSWORD)
    slug = letters["slug"]
    paths = [
        f"/admin/hoeringer/{slug}/behandling",
        f"/admin/hoeringer/{slug}/behandling?status=done",
        f"/admin/hoeringer/{slug}/kampanjer",
        f"/admin/hoeringer/{slug}/behandling/innspill/{letters['other']}",
        f"/admin/hoeringer/{slug}/oversikt",
        f"/hoeringer/{slug}/svar",
    ]
    problems = []
    for path in paths:
        page.goto(path)
        problems += [f"{path}: {p}" for p in _axe(page)]
    page.goto(f"/hoeringer/{slug}/")
    page.get_by_role("link", name="59 like innspill").click()
    problems += [f"like: {p}" for p in _axe(page)]
    assert problems == []
