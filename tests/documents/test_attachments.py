"""Attachments on innspill: through submit() with the innspill and its journal entry, the
receipt's checksums, refusals that keep the text, the body limit, and safe downloads."""

import hashlib
import io

from pypdf import PdfReader
from sqlalchemy import func, select

from hoering.documents.models import Attachment, Blob
from hoering.extensions import db
from hoering.journal.models import JournalEntry
from hoering.journal.services import document_hash
from hoering.journal.verify import verify_chains
from hoering.submissions.models import STATUS_PUBLISHED, Submission
from hoering.submissions.services import set_status
from tests.conftest import csrf_from
from tests.documents import files
from tests.documents.test_conversion import _is_pdfa2b
from tests.factories import make_consultation, make_organisation, make_user


def _post(client, url, body="", uploads=(), **fields):
    page = client.get(url).get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "body": body, **fields}
    data["files"] = [(io.BytesIO(content), name) for name, content in uploads]
    return client.post(url, data=data, content_type="multipart/form-data")


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _setup():
    consultation = make_consultation()
    organisation = make_organisation(name="Kommunenes Forbund")
    author = make_user(name="Kari Kommune", organisations=[organisation])
    db.session.commit()
    return consultation, organisation, author


def test_a_statement_as_files_only_is_stored_journaled_and_receipted(signed_in, queued):
    consultation, organisation, author = _setup()
    client = signed_in(author)
    letter, appendix = files.docx("Kommunen mener fristen er for kort."), files.pdf("Vedlegg 1")
    response = _post(
        client,
        f"/hoeringer/{consultation.slug}/skriv",
        uploads=[("Høringssvar KF.docx", letter), ("../../etc/vedlegg.pdf", appendix)],
        speaker=str(organisation.id),
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]

    submission = db.session.scalar(select(Submission))
    assert submission.body == "Høringssvar fra Kommunenes Forbund"
    attachments = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
    assert [(a.original_name, a.media_type.rsplit(".", 1)[-1]) for a in attachments] == [
        ("Høringssvar KF.docx", "document"),
        ("vedlegg.pdf", "application/pdf"),
    ]
    assert attachments[0].text == "Kommunen mener fristen er for kort."
    assert attachments[0].conversion_status == "pending"
    entry = db.session.scalar(select(JournalEntry).where(JournalEntry.submission_id.is_not(None)))
    shas = [hashlib.sha256(letter).hexdigest(), hashlib.sha256(appendix).hexdigest()]
    assert [a.sha256 for a in attachments] == shas
    assert entry.document_hash == document_hash(submission.body, shas)
    assert entry.title.startswith("Høringsuttalelse til")
    assert verify_chains()[0] == []
    # One conversion job per file waits in the queue.
    assert queued.pending_count() == 2

    assert submission.attachment_count == 2
    listing = client.get(f"/hoeringer/{consultation.slug}/").get_data(as_text=True)
    assert "2 vedlegg" in listing

    receipt = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Høringssvar KF.docx" in receipt
    assert shas[0] in receipt and shas[1] in receipt


def test_the_journal_notices_a_swapped_file(signed_in, queued):
    consultation, _organisation, author = _setup()
    response = _post(
        signed_in(author),
        f"/hoeringer/{consultation.slug}/skriv",
        body="Se vedlegg.",
        uploads=[("brev.pdf", files.pdf("Originalen"))],
    )
    assert response.status_code == 302
    other = Blob(sha256="f" * 64, size=1, data=b"x")
    db.session.add(other)
    db.session.flush()
    db.session.scalar(select(Attachment)).sha256 = "f" * 64
    db.session.commit()
    problems = verify_chains()[0]
    assert problems and "altered" in problems[0].problem


def test_the_same_content_is_stored_once(signed_in, queued):
    consultation, _organisation, author = _setup()
    same = files.pdf("Samme brev")
    for text in ("Første.", "Andre."):
        response = _post(
            signed_in(author),
            f"/hoeringer/{consultation.slug}/skriv",
            body=text,
            uploads=[("a.pdf", same)],
        )
        assert response.status_code == 302
    assert _count(Attachment) == 2
    assert _count(Blob) == 1


def test_a_refused_file_says_why_keeps_the_text_and_stores_nothing(signed_in, queued):
    consultation, _organisation, author = _setup()
    response = _post(
        signed_in(author),
        f"/hoeringer/{consultation.slug}/skriv",
        body="Min lange tekst som ikke må gå tapt.",
        uploads=[("brev.pdf", files.polyglot_pdf())],
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "«brev.pdf» ble ikke godtatt" in page
    assert "PDF, DOCX, ODT" in page
    assert "Min lange tekst som ikke må gå tapt." in page
    assert "Velg vedleggene på nytt" in page
    assert (
        _count(Submission) == 0 and _count(Blob) == 0 and _count(JournalEntry) == 1
    )  # the høringsbrev alone


def test_too_many_files_and_an_empty_text_without_files(signed_in, app, queued):
    consultation, _organisation, author = _setup()
    client = signed_in(author)
    url = f"/hoeringer/{consultation.slug}/skriv"
    many = [(f"{n}.pdf", files.pdf(f"Fil {n}")) for n in range(6)]
    response = _post(client, url, body="Tekst", uploads=many)
    assert response.status_code == 400
    assert "høyst 5 filer" in response.get_data(as_text=True)
    response = _post(client, url, body="  ")
    assert response.status_code == 400
    assert "Skriv innspillet ditt" in response.get_data(as_text=True)
    assert _count(Submission) == 0


def test_a_file_over_the_limit_is_a_413(signed_in, app, queued):
    consultation, _organisation, author = _setup()
    client = signed_in(author)
    url = f"/hoeringer/{consultation.slug}/skriv"
    app.config["ATTACHMENT_MAX_BYTES"] = 3000
    try:
        response = _post(client, url, body="Tekst", uploads=[("stor.pdf", files.pdf("x" * 20))])
        assert response.status_code == 413
        assert "«stor.pdf» er for stor" in response.get_data(as_text=True)
        # The whole body over the route's limit: refused from Content-Length, before reading.
        big = b"x" * (3000 * 5 + app.config["MAX_CONTENT_LENGTH"] + 1)
        response = client.post(url, data=big, content_type="application/octet-stream")
        assert response.status_code == 413
    finally:
        app.config["ATTACHMENT_MAX_BYTES"] = 20 * 1024 * 1024
    assert _count(Submission) == 0
    # Other routes keep the small limit.
    response = client.post("/logg-inn", data=b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1))
    assert response.status_code == 413


def test_personal_data_in_a_file_is_shown_and_holds_the_innspill(signed_in, queued):
    consultation, _organisation, author = _setup()
    client = signed_in(author)
    url = f"/hoeringer/{consultation.slug}/skriv"
    letter = files.docx("Saken gjelder Ola, fødselsnummer 13097248022.")
    response = _post(client, url, body="Se brevet.", uploads=[("brev.docx", letter)])
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "brev.docx" in page and "13097248022" in page
    assert _count(Submission) == 0

    response = _post(
        client, url, body="Se brevet.", uploads=[("brev.docx", letter)], confirm_personal_data="y"
    )
    assert response.status_code == 302
    submission = db.session.scalar(select(Submission))
    assert submission.status == "pending" and submission.needs_review
    assert db.session.scalar(select(Attachment)).findings[0]["kind"] == "national_id"


def test_downloads_are_attachments_with_the_right_type_for_the_right_people(
    signed_in, client, queued
):
    consultation, _organisation, author = _setup()
    own = signed_in(author)
    response = _post(
        own,
        f"/hoeringer/{consultation.slug}/skriv",
        body="Se brevet.",
        uploads=[("<script>brev.docx", files.docx("Brev"))],
    )
    assert response.status_code == 302
    submission = db.session.scalar(select(Submission))
    attachment = db.session.scalar(select(Attachment))
    base = f"/hoeringer/{consultation.slug}/innspill/{submission.id}/vedlegg/{attachment.id}"

    original = own.get(f"{base}/original")
    assert original.status_code == 200
    assert original.mimetype == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    disposition = original.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "\n" not in disposition and "\r" not in disposition
    assert original.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in original.headers["Content-Security-Policy"]
    assert original.data == db.session.get(Blob, attachment.sha256).data

    # The public gets no original, and no copy before the PDF/A rendition exists.
    assert client.get(f"{base}/original").status_code == 404
    assert client.get(base).status_code == 404
    page = client.get(f"/hoeringer/{consultation.slug}/innspill/{submission.id}")
    text = page.get_data(as_text=True)
    assert "&lt;script&gt;brev.docx" in text and "<script>brev" not in text
    assert "blir gjort klart for publisering" in text
    assert "Last ned originalen" not in text
    # Another consultation's address for the same file is a 404.
    other = make_consultation()
    db.session.commit()
    wrong = f"/hoeringer/{other.slug}/innspill/{submission.id}/vedlegg/{attachment.id}/original"
    assert own.get(wrong).status_code == 404


def test_the_moderator_sees_the_files_text_withholds_and_publishes_a_redacted_copy(
    signed_in, client, queued
):
    from hoering.accounts.models import ROLE_MODERATOR
    from hoering.documents import jobs

    consultation, _organisation, author = _setup()
    moderator = make_user(roles=[ROLE_MODERATOR], agency=consultation.agency)
    outsider = make_user()
    db.session.commit()
    letter = files.pdf("Gjelder Ola, fødselsnummer 13097248022.")
    response = _post(
        signed_in(author),
        f"/hoeringer/{consultation.slug}/skriv",
        body="Se brevet.",
        uploads=[("brev.pdf", letter)],
        confirm_personal_data="y",
    )
    assert response.status_code == 302
    submission = db.session.scalar(select(Submission))
    attachment = db.session.scalar(select(Attachment))
    assert jobs.run_conversion(attachment.id) == "done"

    staff = signed_in(moderator)
    page = staff.get(f"/admin/moderering/innspill/{submission.id}").get_data(as_text=True)
    assert "<mark>13097248022</mark>" in page
    assert "Tekst hentet fra filen" in page

    base = f"/admin/moderering/innspill/{submission.id}/vedlegg/{attachment.id}"
    page_url = f"/admin/moderering/innspill/{submission.id}"
    # Someone who does not moderate this agency cannot act on the file.
    intruder = signed_in(outsider)
    token = csrf_from(intruder.get("/registrer").get_data(as_text=True))
    assert intruder.post(f"{base}/hold-tilbake", data={"csrf_token": token}).status_code == 403

    token = csrf_from(staff.get(page_url).get_data(as_text=True))
    # Withholding needs a reason, which the moderation log and the journal keep.
    refused = staff.post(f"{base}/hold-tilbake", data={"csrf_token": token})
    assert refused.status_code == 400
    assert "Skriv en begrunnelse" in refused.get_data(as_text=True)
    withhold = {"csrf_token": token, "reason": "Fødselsnummer i brevet"}
    assert staff.post(f"{base}/hold-tilbake", data=withhold).status_code == 302
    db.session.refresh(attachment)
    assert attachment.withheld and attachment.public_sha256 is None
    log = staff.get("/admin/moderering/logg").get_data(as_text=True)
    assert "Vedlegg holdt tilbake" in log and "Fødselsnummer i brevet" in log
    assert "brev.pdf: vises offentlig → holdt tilbake" in log
    history = staff.get(page_url).get_data(as_text=True)
    assert "Vedlegg holdt tilbake (brev.pdf)" in history

    refused = staff.post(
        f"{base}/sladdet-kopi",
        data={"csrf_token": token, "redacted": (io.BytesIO(files.docx("x")), "s.docx")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 400
    assert "må være en PDF-fil" in refused.get_data(as_text=True)

    # The findings blacked out in a PDF/A of the file's text
    token = csrf_from(staff.get(page_url).get_data(as_text=True))
    assert staff.post(f"{base}/sladd-funn", data={"csrf_token": token}).status_code == 302
    db.session.refresh(attachment)
    made = db.session.get(Blob, attachment.redacted_sha256).data
    text = PdfReader(io.BytesIO(made)).pages[0].extract_text()
    assert "[sladdet]" in text and "13097248022" not in text

    redacted = files.pdf("Gjelder [sladdet].")
    token = csrf_from(staff.get(page_url).get_data(as_text=True))
    staff.post(f"{base}/hold-tilbake", data={"csrf_token": token, "action": "release"})
    response = staff.post(
        f"{base}/sladdet-kopi",
        data={"csrf_token": token, "redacted": (io.BytesIO(redacted), "sladdet.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.refresh(attachment)
    assert db.session.get(Blob, attachment.redacted_sha256).data == redacted
    assert attachment.sha256 == hashlib.sha256(letter).hexdigest()

    # The uploaded copy is converted to PDF/A by the queue like any file; until then the public
    # gets no copy at all (never the unredacted file's rendition).
    assert attachment.conversion_status == "pending" and attachment.public_sha256 is None
    set_status(db.session.get(Submission, submission.id), STATUS_PUBLISHED, reason="Godkjent")
    db.session.commit()
    page = staff.get(page_url).get_data(as_text=True)
    assert "PDF/A-versjonen av den blir laget" in page
    public_page = f"/hoeringer/{consultation.slug}/innspill/{submission.id}"
    assert "blir gjort klart for publisering" in client.get(public_page).get_data(as_text=True)
    public_url = f"{public_page}/vedlegg/{attachment.id}"
    assert client.get(public_url).status_code == 404
    assert queued.pending_count()
    while queued.pending_count():
        queued.execute(queued.dequeue())
    db.session.refresh(attachment)
    assert attachment.conversion_status == "done", attachment.conversion_error
    download = client.get(public_url)
    assert download.status_code == 200
    assert download.data != redacted and _is_pdfa2b(download.data)
    assert "Gjelder [sladdet]." in PdfReader(io.BytesIO(download.data)).pages[0].extract_text()
    assert "Last ned sladdet kopi (PDF/A)" in client.get(public_page).get_data(as_text=True)
    assert "PDF/A-versjonen av den blir laget" not in staff.get(page_url).get_data(as_text=True)


def test_a_redacted_copy_that_cannot_be_converted_is_flagged_and_shown_to_nobody(
    signed_in, client, queued, app
):
    from hoering.accounts.models import ROLE_MODERATOR
    from hoering.documents import jobs

    consultation, _organisation, author = _setup()
    moderator = make_user(roles=[ROLE_MODERATOR], agency=consultation.agency)
    db.session.commit()
    _post(
        signed_in(author),
        f"/hoeringer/{consultation.slug}/skriv",
        body="Se brevet.",
        uploads=[("brev.docx", files.docx("Gjelder Kari."))],
    )
    submission = db.session.scalar(select(Submission))
    attachment = db.session.scalar(select(Attachment))
    assert jobs.run_conversion(attachment.id) == "done"
    rendition = attachment.rendition_sha256

    staff = signed_in(moderator)
    page_url = f"/admin/moderering/innspill/{submission.id}"
    token = csrf_from(staff.get(page_url).get_data(as_text=True))
    staff.post(
        f"{page_url}/vedlegg/{attachment.id}/sladdet-kopi",
        data={"csrf_token": token, "redacted": (io.BytesIO(files.pdf("[sladdet]")), "s.pdf")},
        content_type="multipart/form-data",
    )
    app.config["CONVERSION_TIMEOUT"] = 0.01
    try:
        outcomes = [jobs.run_conversion(attachment.id) for _ in range(3)]
    finally:
        app.config["CONVERSION_TIMEOUT"] = 120
    assert outcomes == ["pending", "pending", "failed"]
    db.session.refresh(attachment)
    assert attachment.conversion_error.startswith("redacted copy: ")
    # The file's own rendition is kept (the archive holds it), the public sees neither.
    assert attachment.rendition_sha256 == rendition and attachment.public_sha256 is None
    page = staff.get(page_url).get_data(as_text=True)
    assert "Det gjelder den sladdede kopien; ingen kopi vises offentlig." in page
    public = client.get(f"/hoeringer/{consultation.slug}/innspill/{submission.id}")
    assert "saksbehandleren er varslet" in public.get_data(as_text=True)


def test_a_reply_takes_no_files(signed_in, queued):
    import pytest

    from hoering.documents.services import Upload
    from hoering.errors import BadInputError
    from tests.factories import make_submission

    consultation, _organisation, author = _setup()
    statement = make_submission(consultation, general=True)
    with pytest.raises(BadInputError, match="vedlegg"):
        make_submission(consultation, parent=statement, files=[Upload("a.pdf", files.pdf("x"))])
    page = signed_in(author).get(f"/hoeringer/{consultation.slug}/innspill/{statement.id}/svar")
    assert 'name="files"' not in page.get_data(as_text=True)
