"""Journeys in a real browser, with real clicks and typing: reading, writing, replying,
endorsing, and the case officer's import and publication.

Each journey is Given/When/Then in its comments and talks to the page objects in pages.py.
The moderator's journey (handling the queue) and the case officer's export download belong
here too, as journeys of their own, with their pages added to pages.py.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from hoering.accounts.models import ROLE_CASE_OFFICER
from hoering.extensions import db
from hoering.submissions.models import Submission
from tests.browser.pages import (
    ConsultationListPage,
    ConsultationPage,
    DashboardPage,
    LoginPage,
    ParagraphPage,
    RegisterPage,
    SubmissionPage,
)
from tests.conftest import PASSWORD
from tests.factories import DRAFT, make_agency, make_consultation, make_user

pytestmark = pytest.mark.browser

FNR = "13097248022"  # a valid fødselsnummer (check digits hold); no real person's
JOURNAL_NUMBER = re.compile(r"^\d{4}/\d{6}$")


def test_visitor_reads_a_consultation_and_follows_a_paragraph_permalink(page, scene):
    # Given an open consultation, and a visitor who is not signed in
    # When they find it in the list and open it
    consultation = ConsultationListPage(page).open().open_consultation(scene.title)
    # Then they read the draft paragraph by paragraph
    expect(consultation.heading).to_have_text(scene.title)
    expect(consultation.paragraph("p-1-2")).to_contain_text("Loven skal sikre god dokumentasjon.")
    expect(consultation.status_badge).to_have_text("Åpen")

    # When they follow the second paragraph's own link
    consultation.follow_permalink("p-1-2")
    # Then the address names the paragraph, and it is the highlighted :target
    expect(page).to_have_url(re.compile(r"#p-1-2$"))
    assert page.evaluate("document.querySelector(':target').id") == "p-1-2"
    highlight = consultation.paragraph("p-1-2").evaluate("e => getComputedStyle(e).backgroundColor")
    assert highlight == "rgb(255, 248, 220)"

    # When they open the paragraph's own page and take its permanent link to a new tab
    paragraph = consultation.read_comments_on("p-1-1")
    expect(paragraph.heading).to_contain_text("avsnitt 1")
    expect(paragraph.submission(scene.comment_id).root).to_contain_text("Avsnittet er for vagt.")
    href = paragraph.permalink.get_attribute("href")
    assert href.endswith(f"/hoeringer/{scene.slug}/#p-1-1")
    shared = page.context.new_page()
    shared.goto(href)
    # Then the link lands on that paragraph, in view and highlighted
    landed = ConsultationPage(shared).paragraph("p-1-1")
    expect(landed).to_be_in_viewport()
    assert shared.evaluate("document.querySelector(':target').id") == "p-1-1"


def test_newcomer_registers_comments_meets_the_privacy_questions_and_gets_a_receipt(
    page, scene, live_server
):
    # Given a newcomer on the registration page
    RegisterPage(page).open().register("Nina Ny", "nina.ny@example.no", "et langt og trygt passord")
    # Then they are signed in
    expect(page.get_by_role("button", name="Logg ut")).to_be_visible()

    # When they choose to comment on the first paragraph
    form = ConsultationPage(page).open(scene.slug).comment_on("p-1-1")
    # Then the privacy warning is in front of them before they write
    expect(form.heading).to_have_text("Kommenter avsnittet")
    expect(form.privacy_notice).to_contain_text("Ikke del personopplysninger")

    # When their text holds a fødselsnummer
    text = f"Min sønn med fødselsnummer {FNR} får ikke plass. Avsnittet må endres."
    form.write(text).choose_position("Går imot").send()
    # Then they are asked about it, the number is pointed out, and nothing they typed is lost
    expect(form.findings).to_contain_text("Teksten kan inneholde personopplysninger")
    expect(form.findings.locator("mark")).to_have_text(FNR)
    expect(form.body).to_have_value(text)
    expect(page.get_by_role("radio", name="Går imot")).to_be_checked()

    # When they confirm and send anyway
    form.confirm_personal_data.check()
    receipt = form.send_expecting_receipt()
    # Then the receipt has a journal number and says it is held for a moderator
    expect(receipt.journal_number).to_have_text(JOURNAL_NUMBER)
    expect(receipt.main).to_contain_text("venter på en moderator")
    with live_server.data():
        submission = db.session.get(Submission, receipt.submission_id())
        assert submission.status == "pending"
        assert submission.position == "oppose"
        assert submission.body == text


def test_reader_endorses_and_replies(page, scene):
    # Given a signed-in citizen on the comments to the first paragraph
    LoginPage(page).open().sign_in(scene.citizen.email, scene.citizen.password)
    paragraph = ParagraphPage(page).open(scene.slug, "p-1-1")
    comment = paragraph.submission(scene.comment_id)
    expect(comment.endorsements).to_have_text("0 er enige")

    # When they press "Enig" on someone else's comment
    comment.endorse()
    # Then the count goes up and the button says it is pressed
    expect(paragraph.flash).to_contain_text("Du har sagt deg enig i innspillet.")
    expect(comment.endorsements).to_have_text("1 er enig")
    expect(comment.endorse_button).to_have_attribute("aria-pressed", "true")

    # When they answer the comment
    form = comment.reply()
    expect(form.heading).to_have_text("Svar på innspill")
    receipt = form.write("Enig, men det gjelder bare første ledd.").send_expecting_receipt()
    expect(receipt.journal_number).to_have_text(JOURNAL_NUMBER)
    # Then the reply stands under the comment on its page
    thread = SubmissionPage(page).open(scene.slug, scene.comment_id)
    expect(thread.main).to_contain_text("Enig, men det gjelder bare første ledd.")
    expect(page.get_by_role("heading", name="1 svar")).to_be_visible()


def test_case_officer_imports_previews_and_publishes_a_draft(page, live_server):
    # Given a case officer, and a consultation created as a draft with no text yet
    with live_server.data():
        agency = make_agency(name="Vegdirektoratet for testing")
        officer = make_user(roles=[ROLE_CASE_OFFICER], agency=agency)
        slug = make_consultation(
            agency=agency, officer=officer, title="Høring om nye skilt", draft=None, publish=False
        ).slug
        email = officer.email
    LoginPage(page).open().sign_in(email, PASSWORD)

    # When the case officer pastes the draft with a table in it and asks for a preview
    manage = DashboardPage(page).open().manage("Høring om nye skilt")
    expect(manage.status_badge).to_have_text("Utkast – ikke publisert")
    draft = manage.edit_draft().paste(DRAFT + "\n| en | tabell |\n").show_preview()
    # Then the preview counts the paragraphs and lists the line it could not place
    expect(draft.preview).to_contain_text("5 avsnitt kan kommenteres.")
    expect(draft.problems).to_have_count(1)
    expect(draft.problems).to_contain_text(re.compile(r"Linje \d+: tabeller støttes ikke"))

    # When they publish this version, and then the consultation
    manage = draft.publish_version()
    expect(manage.flash).to_contain_text("Versjon 1 av utkastet er publisert.")
    manage.publish_consultation()
    # Then it is open, and the public page shows the draft
    expect(manage.flash).to_contain_text("Høringen er publisert.")
    expect(manage.status_badge).to_have_text("Åpen")
    public = manage.view_public_page()
    expect(public.paragraph("p-2-1")).to_contain_text("Loven gjelder for alle organer.")
    expect(page).to_have_url(re.compile(f"/hoeringer/{slug}/$"))
