"""Issue 14 in a real browser: a moderator redacts by selecting text, and pages print cleanly."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from hoering.accounts.models import ROLE_MODERATOR
from hoering.consultations.models import Consultation
from hoering.extensions import db
from hoering.submissions.models import Submission
from tests.browser.pages import ConsultationPage, LoginPage, ModerationItemPage
from tests.conftest import PASSWORD
from tests.factories import make_submission, make_user

pytestmark = pytest.mark.browser


def test_moderator_redacts_a_name_by_selecting_it(page, scene, live_server):
    # Given an innspill naming someone after an emoji (one character to Python, two to JS)
    name = "Per Hansen"
    with live_server.data():
        consultation = db.session.scalar(
            db.select(Consultation).where(Consultation.slug == scene.slug)
        )
        named = make_submission(consultation, body=f"🙂 Naboen min {name} mener det samme.")
        moderator = make_user(roles=[ROLE_MODERATOR], agency=consultation.agency)
        named_id, body, email = named.id, named.body, moderator.email
    LoginPage(page).open().sign_in(email, PASSWORD)
    page.goto(f"/admin/moderering/innspill/{named_id}")
    item = ModerationItemPage(page)

    # When the moderator selects the name in the original and presses "Sladd markert tekst"
    item.select_in_original(name).redact_selection()
    # Then its character positions are in the form, as Python counts them
    start = body.index(name)
    expect(item.spans).to_have_value(f"{start}-{start + len(name)}")
    expect(page.locator(".redact-status")).to_contain_text(name)

    # When they send the redaction
    item.send_redaction()
    # Then the public version shows "[sladdet]" exactly where the name was
    expect(item.flash).to_contain_text("Lagret: Sladdet.")
    expect(item.public_version).to_contain_text("🙂 Naboen min [sladdet] mener det samme.")
    with live_server.data():
        assert db.session.get(Submission, named_id).public_body == (
            "🙂 Naboen min [sladdet] mener det samme."
        )


def test_nothing_selected_says_what_to_do(page, scene, live_server):
    with live_server.data():
        consultation = db.session.scalar(
            db.select(Consultation).where(Consultation.slug == scene.slug)
        )
        moderator = make_user(roles=[ROLE_MODERATOR], agency=consultation.agency)
        email = moderator.email
    LoginPage(page).open().sign_in(email, PASSWORD)
    page.goto(f"/admin/moderering/innspill/{scene.comment_id}")
    item = ModerationItemPage(page)
    item.redact_selection()
    expect(page.locator(".redact-status")).to_have_text(
        "Marker teksten som skal sladdes i originalteksten først."
    )
    expect(item.spans).to_have_value("")


def test_the_draft_prints_without_navigation_with_numbers_and_written_out_links(page, scene):
    consultation = ConsultationPage(page).open(scene.slug)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    expect(page.locator(".paragraph-actions").first).to_be_hidden()
    expect(consultation.paragraph("p-1-1").locator(".paragraph-number")).to_be_visible()
    expect(consultation.paragraph("p-1-1")).to_contain_text("Loven skal sikre deltakelse.")
    after = page.locator(".breadcrumbs a, .consultation-head a, main a[href^='/']").first.evaluate(
        "a => getComputedStyle(a, '::after').content"
    )
    assert "/" in after, after
