"""Journeys in a real browser, with real clicks and typing: reading, writing, replying,
endorsing, and the case officer's import and publication.

Each journey is Given/When/Then in its comments and talks to the page objects in pages.py.
A moderator handles the queue (hides one innspill with a reason, redacts part of another), and
a case officer downloads the exports of a closed consultation.
"""

from __future__ import annotations

import csv
import io
import re
import tarfile

import pytest
from playwright.sync_api import expect

from hoering.accounts.models import ROLE_CASE_OFFICER, ROLE_MODERATOR, User
from hoering.archive import preparation
from hoering.consultations.models import Consultation
from hoering.extensions import db
from hoering.moderation import services as moderation
from hoering.submissions.models import Submission
from tests.browser.pages import (
    ConsultationListPage,
    ConsultationPage,
    DashboardPage,
    LoginPage,
    ModerationQueuePage,
    ParagraphPage,
    RegisterPage,
    SubmissionPage,
)
from tests.conftest import PASSWORD
from tests.factories import (
    DRAFT,
    make_agency,
    make_closed_consultation,
    make_consultation,
    make_submission,
    make_user,
)

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


def test_moderator_hides_a_reported_innspill_and_redacts_another(page, scene, live_server):
    # Given two innspill reported by a citizen, and a moderator of the agency
    name = "Per Hansen"
    with live_server.data():
        consultation = db.session.scalar(
            db.select(Consultation).where(Consultation.slug == scene.slug)
        )
        citizen = db.session.scalar(db.select(User).where(User.email == scene.citizen.email))
        named = make_submission(consultation, body=f"Naboen min {name} mener det samme.")
        for submission, reason in (
            (db.session.get(Submission, scene.comment_id), "harassment"),
            (named, "personal_data"),
        ):
            moderation.report(submission, reason=reason, note="", user=citizen, address=None)
        moderator = make_user(
            roles=[ROLE_MODERATOR], agency=consultation.agency, name="Mona Moderator"
        )
        named_id, named_body, email = named.id, named.body, moderator.email
    LoginPage(page).open().sign_in(email, PASSWORD)

    # When the moderator opens the queue from the menu
    page.get_by_role("navigation", name="Hovedmeny").get_by_role("link", name="Moderering").click()
    queue = ModerationQueuePage(page)
    # Then both reported innspill wait there, each with its report counted by reason
    expect(queue.item(scene.comment_id)).to_contain_text("Trakassering eller trusler: 1")
    expect(queue.item(named_id)).to_contain_text("Personopplysninger: 1")

    # When they open the first and hide it with a reason
    item = queue.open_item(scene.comment_id)
    expect(item.heading).to_have_text(f"Innspill {scene.comment_id}")
    item.hide("Trakassering eller trusler", "Personangrep på en annen deltaker.")
    # Then the page says so, and the public page shows a tombstone with the reason in its place
    expect(item.flash).to_contain_text("Lagret: Skjult.")
    expect(item.status).to_contain_text("Skjult av moderator")
    public = SubmissionPage(page.context.new_page()).open(scene.slug, scene.comment_id)
    expect(public.submission(scene.comment_id).root).to_have_text(
        "Fjernet av moderator — Personangrep på en annen deltaker."
    )
    expect(public.main).not_to_contain_text("Avsnittet er for vagt.")

    # When they open the second from the queue and redact the name by its character positions
    item = item.back_to_queue().open_item(named_id)
    start = named_body.index(name)
    item.redact(f"{start}-{start + len(name)}")
    # Then the public version shows "[sladdet]" where the name was, and the original is kept
    expect(item.flash).to_contain_text("Lagret: Sladdet.")
    expect(item.public_version).to_contain_text("Naboen min [sladdet] mener det samme.")
    public.open(scene.slug, named_id)
    expect(public.submission(named_id).root).to_contain_text("[sladdet]")
    expect(public.main).not_to_contain_text(name)
    with live_server.data():
        hidden = db.session.get(Submission, scene.comment_id)
        assert hidden.status == "hidden"
        assert hidden.status_reason == "Personangrep på en annen deltaker."
        redacted = db.session.get(Submission, named_id)
        assert redacted.body == named_body
        assert redacted.is_redacted


def test_case_officer_downloads_the_archive_extraction_and_the_csv(page, live_server, tmp_path):
    # Given a closed consultation with innspill of every kind, and its case officer
    with live_server.data():
        made = make_closed_consultation(agency=make_agency(name="Arkivverket for testing"))
        title, email = made["consultation"].title, made["officer"].email
        first_body, hidden_body = made["first"].body, made["hidden"].body
    LoginPage(page).open().sign_in(email, PASSWORD)
    manage = DashboardPage(page).open().manage(title)
    expect(manage.status_badge).to_have_text("Avsluttet")

    # When they ask for the archive extraction from the manage page
    page.get_by_role("link", name="Arkivuttrekk (Noark 5, .tar med PDF/A-dokumenter)").click()
    page.get_by_role("button", name="Lag arkivuttrekk").click()
    # Then it waits for the task worker, which builds it (here in-process, as the worker does)
    expect(page.get_by_text("Venter på tur")).to_be_visible()
    with live_server.data():
        for export_id in preparation.unfinished_exports():
            preparation.build_export(export_id)
    page.reload()
    with page.expect_download(timeout=60_000) as started:
        page.get_by_role("link", name="Last ned arkivuttrekket").click()
    download = started.value
    # Then it is a tar file with the Noark 5 structure inside, holding the innspill
    assert re.fullmatch(r"arkivuttrekk-.+\.tar", download.suggested_filename)
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    with tarfile.open(path) as tar:
        structure = next(n for n in tar.getnames() if n.endswith("arkivstruktur.xml"))
        xml = tar.extractfile(structure).read().decode("utf-8")
    assert "<arkiv" in xml
    assert "<journalpost" in xml

    # When they download the innspill as CSV for Excel from the manage page
    manage = DashboardPage(page).open().manage(title)
    download = manage.download("Innspill som CSV (semikolon, for Excel)")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    # Then every innspill is a row with its journal number, hidden ones included
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert all(JOURNAL_NUMBER.match(row["Journalnummer"]) for row in rows)
    texts = {row["Tekst (original)"] for row in rows}
    assert {first_body, hidden_body} <= texts
