"""Screenshots for people to look at, with fixed names, in test-artifacts/screenshots/:
the consultation page at phone and desktop width, and the comment form with its privacy
warning and the personal-data question."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DESKTOP, PHONE, SCREENSHOTS
from tests.browser.pages import ConsultationPage, LoginPage

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("name", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_consultation_page_screenshot(new_context, scene, name, viewport):
    page = new_context(viewport=viewport).new_page()
    consultation = ConsultationPage(page).open(scene.slug)
    expect(consultation.paragraph("p-1-1")).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"consultation-{name}.png", full_page=True)


def test_comment_form_with_privacy_warning_screenshot(page, scene):
    LoginPage(page).open().sign_in(scene.citizen.email, scene.citizen.password)
    form = ConsultationPage(page).open(scene.slug).comment_on("p-1-1")
    form.write("Datteren min, født 13.09.72 med fødselsnummer 13097248022, får ikke plass.").send()
    expect(form.privacy_notice).to_be_visible()
    expect(form.findings).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "comment-form-privacy.png", full_page=True)
