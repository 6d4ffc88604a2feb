"""With JavaScript off, everything a participant does still works: the pages are plain HTML
forms and links, and the script only improves them.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from hoering.extensions import db
from hoering.moderation.models import Report
from hoering.submissions.models import Submission
from tests.browser.pages import (
    ConsultationPage,
    LoginPage,
    ParagraphPage,
    SubmissionPage,
    is_focused,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def page(new_context):
    """A visitor whose browser runs no JavaScript at all."""
    return new_context(java_script_enabled=False).new_page()


def test_read_comment_reply_and_endorse_without_javascript(page, scene, live_server):
    # Given a visitor without JavaScript reading the consultation
    consultation = ConsultationPage(page).open(scene.slug)
    expect(consultation.paragraph("p-1-1")).to_contain_text("Loven skal sikre deltakelse.")
    expect(consultation.submission(scene.statement_id).root).to_contain_text(
        "Jeg støtter forslaget i sin helhet."
    )

    # When they sign in and comment on a paragraph
    LoginPage(page).open(f"/hoeringer/{scene.slug}/").sign_in(
        scene.citizen.email, scene.citizen.password
    )
    form = ConsultationPage(page).comment_on("p-2-1")
    expect(form.privacy_notice).to_be_visible()
    # An empty form comes back with the error tied to the field
    form.send()
    expect(form.error_summary).to_contain_text("Skriv innspillet ditt før du sender.")
    expect(form.body).to_have_attribute("aria-invalid", "true")
    # (with JavaScript on, hoering.js would have moved the focus to the summary)
    assert not is_focused(form.error_summary)
    receipt = form.write("Også private organer bør være med.").send_expecting_receipt()
    # Then they get a receipt with a journal number
    expect(receipt.journal_number).to_have_text(re.compile(r"^\d{4}/\d{6}$"))
    comment_id = receipt.submission_id()

    # When they endorse someone else's comment
    paragraph = ParagraphPage(page).open(scene.slug, "p-1-1")
    other = paragraph.submission(scene.comment_id)
    other.endorse()
    # Then the count changes after the plain form post
    expect(other.endorsements).to_have_text("1 er enig")

    # When they reply to it
    receipt = other.reply().write("Helt enig, det bør presiseres.").send_expecting_receipt()
    expect(receipt.journal_number).to_have_text(re.compile(r"^\d{4}/\d{6}$"))
    # Then the reply is on the comment's page, and both are stored as published
    thread = SubmissionPage(page).open(scene.slug, scene.comment_id)
    expect(thread.main).to_contain_text("Helt enig, det bør presiseres.")
    # and under the comment on the paragraph's page, behind a disclosure that needs no script
    paragraph.open(scene.slug, "p-1-1")
    replies = paragraph.replies_to(scene.comment_id)
    expect(replies.get_by_text("Helt enig, det bør presiseres.")).not_to_be_visible()
    replies.get_by_text("1 svar").click()
    expect(replies.get_by_text("Helt enig, det bør presiseres.")).to_be_visible()
    with live_server.data():
        assert db.session.get(Submission, comment_id).status == "published"
        assert db.session.get(Submission, scene.comment_id).endorsement_count == 1
        assert db.session.get(Submission, scene.comment_id).reply_count == 1


def test_report_an_innspill_without_javascript(page, scene, live_server):
    # Given a visitor without JavaScript, not signed in, reading the comments on a paragraph
    paragraph = ParagraphPage(page).open(scene.slug, "p-1-1")
    # When they report a comment, first forgetting to say why
    form = paragraph.submission(scene.comment_id).report()
    expect(form.heading).to_have_text("Rapporter innspill")
    form.send()
    # Then the form comes back with the question marked, and nothing is stored
    expect(page.locator(".error-summary")).to_contain_text(
        "Velg hvorfor du rapporterer innspillet."
    )
    # When they choose a reason, explain, and send again
    thread = form.choose_reason("Spam eller reklame").write("Lenker til en nettbutikk.").send()
    # Then they are back on the innspill with a thank-you, and the moderators have the report
    expect(thread.flash).to_contain_text("Takk. Rapporten er sendt til moderatorene.")
    expect(thread.submission(scene.comment_id).root).to_contain_text("Avsnittet er for vagt.")
    with live_server.data():
        report = db.session.scalar(
            db.select(Report).where(Report.submission_id == scene.comment_id)
        )
        assert (report.reason, report.text, report.reporter_id) == (
            "spam",
            "Lenker til en nettbutikk.",
            None,
        )
        assert db.session.get(Submission, scene.comment_id).needs_review
