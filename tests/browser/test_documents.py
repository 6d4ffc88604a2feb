"""The documents journey in a real browser: a statement on behalf of an organisation with a
DOCX and a PDF; the moderator sees a fødselsnummer found in the DOCX; the public downloads the
PDF/A renditions; a case officer registers an e-mailed innspill and imports a guide from DOCX.
(The archive export of such files is checked against the Noark 5 schemas in
tests/documents/test_archive.py.)"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import select

from hoering.accounts.models import ROLE_CASE_OFFICER, ROLE_MODERATOR
from hoering.documents import jobs
from hoering.documents.models import Attachment
from hoering.extensions import db
from hoering.submissions.models import Submission
from tests.browser.pages import LoginPage
from tests.conftest import PASSWORD
from tests.documents import files
from tests.documents.test_draft_import import guide_docx
from tests.factories import make_agency, make_consultation, make_organisation, make_user

pytestmark = pytest.mark.browser

FNR = "13097248022"  # a valid fødselsnummer (check digits hold); no real person's


def _sign_in(new_context, email: str):
    page = new_context().new_page()
    LoginPage(page).open().sign_in(email, PASSWORD)
    return page


def test_statement_with_files_moderated_published_as_pdfa_and_letters_registered(
    new_context, live_server, tmp_path
):
    # Given an open consultation, a representative of an organisation, a moderator, an officer
    with live_server.data():
        agency = make_agency(name="Direktoratet for dokumenter")
        officer = make_user(roles=[ROLE_CASE_OFFICER], agency=agency, name="Siri Sak")
        moderator = make_user(roles=[ROLE_MODERATOR], agency=agency, name="Mona Moderator")
        organisation = make_organisation(name="Landsforeningen for lesere", org_number=None)
        writer = make_user(name="Rita Representant", organisations=[organisation])
        consultation = make_consultation(agency=agency, officer=officer, title="Høring om vedlegg")
        slug, emails = consultation.slug, (writer.email, moderator.email, officer.email)
    letter = tmp_path / "Høringssvar.docx"
    letter.write_bytes(files.docx("Vi viser til saken om Ola, fødselsnummer " + FNR + "."))
    appendix = tmp_path / "Vedlegg 1.pdf"
    appendix.write_bytes(files.pdf("Tabell over kostnader."))

    # When the representative attaches both files to a statement for the organisation
    page = _sign_in(new_context, emails[0])
    page.goto(f"/hoeringer/{slug}/skriv")
    page.get_by_label("Jeg skriver").select_option(label="på vegne av Landsforeningen for lesere")
    page.get_by_label("Vedlegg (valgfritt)").set_input_files([letter, appendix])
    page.get_by_role("button", name="Send innspill").click()
    # Then the fødselsnummer in the DOCX is shown before anything is stored
    warning = page.locator("#file-findings")
    expect(warning).to_contain_text("Høringssvar.docx")
    expect(warning).to_contain_text(FNR)
    # When they choose the files again and send anyway
    page.get_by_label("Vedlegg (valgfritt)").set_input_files([letter, appendix])
    page.get_by_label("Send likevel", exact=False).check()
    page.get_by_role("button", name="Send innspill").click()
    # Then the receipt lists both files with their checksums
    expect(page.get_by_role("heading", name="Takk for innspillet")).to_be_visible()
    checksums = page.locator("code.checksum")
    expect(checksums).to_have_count(2)
    with live_server.data():
        submission = db.session.scalar(
            select(Submission).where(Submission.author_name == "Rita Representant")
        )
        submission_id, status = submission.id, submission.status
        # The worker makes the PDF/A renditions (here in-process, as `documents convert` does)
        own = set(
            db.session.scalars(
                select(Attachment.id).where(Attachment.submission_id == submission_id)
            )
        )
        outcomes = [jobs.run_conversion(n) for n in jobs.pending_ids() if n in own]
    assert status == "pending"
    assert outcomes == ["done", "done"]

    # When the moderator opens the held innspill
    staff = _sign_in(new_context, emails[1])
    staff.goto(f"/admin/moderering/innspill/{submission_id}")
    # Then they see the text read from the DOCX with the fødselsnummer marked, and approve it
    expect(staff.locator(".attachment-text mark")).to_have_text(FNR)
    staff.get_by_role("button", name="Godkjenn og ta ut av køen").click()
    expect(staff.get_by_text("Lagret")).to_be_visible()

    # When a visitor opens the innspill
    visitor = new_context().new_page()
    visitor.goto(f"/hoeringer/{slug}/innspill/{submission_id}")
    links = visitor.get_by_role("link", name="Last ned (PDF/A)")
    expect(links).to_have_count(2)
    expect(visitor.get_by_role("link", name="Last ned originalen")).to_have_count(0)
    # Then each download is a PDF/A-2b
    for index in range(2):
        with visitor.expect_download() as download:
            links.nth(index).click()
        data = Path(download.value.path()).read_bytes()
        xmp = PdfReader(io.BytesIO(data)).xmp_metadata.rdf_root.toxml()
        assert data.startswith(b"%PDF-") and "pdfaid" in xmp

    # When the case officer registers an innspill that came by e-mail
    desk = _sign_in(new_context, emails[2])
    desk.goto(f"/admin/hoeringer/{slug}/rediger")
    desk.get_by_role("link", name="Registrer innspill mottatt per e-post eller brev").click()
    desk.get_by_label("Avsenderens navn").fill("Per Post")
    desk.get_by_label("E-post", exact=True).check()
    desk.get_by_label("Mottatt dato").fill("2026-11-02")
    desk.get_by_label("Teksten i innspillet").fill("Jeg er imot forslaget.")
    desk.get_by_role("button", name="Registrer og journalfør").click()
    # Then it is published, marked as received by e-mail
    expect(desk.get_by_text("Innspillet er registrert og journalført")).to_be_visible()
    expect(desk.locator(".channel")).to_have_text("Mottatt per e-post")

    # When the officer imports a guide written in Word as the draft
    guide = tmp_path / "Veileder.docx"
    guide.write_bytes(guide_docx())
    desk.goto(f"/admin/hoeringer/{slug}/utkast")
    desk.get_by_label("…eller last opp en fil", exact=False).set_input_files(guide)
    desk.get_by_role("button", name="Forhåndsvis").click()
    # Then its numbered headings keep their numbers in the anchors
    expect(desk.get_by_text("#p-2-4-1", exact=True)).to_be_visible()
    expect(desk.get_by_text("#p-12a-1", exact=True)).to_be_visible()
