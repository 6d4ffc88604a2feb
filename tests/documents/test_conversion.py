"""PDF/A renditions by the real converters (LibreOffice, ocrmypdf with Norwegian OCR), bounded
retries, the sweep, and the command that runs pending work by hand."""

import io

from pypdf import PdfReader
from sqlalchemy import select

from hoering.documents import jobs
from hoering.documents.models import Attachment, Blob
from hoering.extensions import db
from hoering.submissions.models import Submission
from tests.documents import files
from tests.factories import make_consultation, make_submission, make_user


def _is_pdfa2b(data: bytes) -> bool:
    metadata = PdfReader(io.BytesIO(data)).xmp_metadata
    xml = metadata.rdf_root.toxml() if metadata else ""
    return (
        data.startswith(b"%PDF-")
        and "pdfaid" in xml
        and ('pdfaid:part="2"' in xml or "<pdfaid:part>2</pdfaid:part>" in xml)
    )


def _submission_with(*uploads, body="Se vedlegg."):
    from hoering.documents.services import Upload

    consultation = make_consultation()
    submission = make_submission(
        consultation,
        author=make_user(),
        general=True,
        body=body,
        files=[Upload(name, data) for name, data in uploads],
    )
    db.session.commit()
    return submission


def test_office_files_become_pdfa_through_the_queue_and_the_public_sees_them(queued, client):
    submission = _submission_with(
        ("brev.docx", files.docx("Et brev i Word.")), ("brev.odt", files.odt("Et brev i ODT."))
    )
    assert queued.pending_count() == 2
    while queued.pending_count():
        queued.execute(queued.dequeue())

    attachments = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
    for attachment in attachments:
        assert attachment.conversion_status == "done", attachment.conversion_error
        rendition = db.session.get(Blob, attachment.rendition_sha256).data
        assert _is_pdfa2b(rendition)
        assert attachment.conversion_attempts == 1
    consultation = submission.consultation
    url = f"/hoeringer/{consultation.slug}/innspill/{submission.id}/vedlegg/{attachments[0].id}"
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == "attachment; filename=brev.pdf"
    assert "Et brev i Word." in PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    page = client.get(f"/hoeringer/{consultation.slug}/innspill/{submission.id}")
    assert "Last ned (PDF/A)" in page.get_data(as_text=True)


def test_a_scan_is_read_by_ocr_and_personal_data_in_it_holds_the_innspill(queued, runner):
    submission = _submission_with(("skann.pdf", files.scanned_pdf("Fodselsnummer 13097248022")))
    assert submission.status == "published"
    result = runner.invoke(args=["documents", "convert"])
    assert result.exit_code == 0, result.output
    assert "1 converted, 0 failed" in result.output

    attachment = db.session.scalar(select(Attachment))
    db.session.refresh(attachment)
    assert "13097248022" in attachment.text
    assert attachment.findings[0]["kind"] == "national_id"
    assert _is_pdfa2b(db.session.get(Blob, attachment.rendition_sha256).data)
    held = db.session.get(Submission, submission.id)
    db.session.refresh(held)
    assert held.status == "pending" and held.needs_review


def test_a_converter_that_runs_out_of_time_is_retried_then_flagged(queued, app, runner):
    _submission_with(("brev.docx", files.docx("Treg.")))
    attachment_id = db.session.scalar(select(Attachment.id))
    app.config["CONVERSION_TIMEOUT"] = 0.01
    try:
        outcomes = [jobs.run_conversion(attachment_id) for _ in range(4)]
    finally:
        app.config["CONVERSION_TIMEOUT"] = 120
    assert outcomes == ["pending", "pending", "failed", None]
    attachment = db.session.get(Attachment, attachment_id)
    db.session.refresh(attachment)
    assert attachment.conversion_status == "failed"
    assert attachment.conversion_attempts == 3
    assert "ran out of time" in attachment.conversion_error
    assert attachment.rendition_sha256 is None

    # The sweep re-queues only pending work; the command can give failed work another go.
    queued.flush()
    db.session.commit()
    jobs.sweep_conversions.call_local()
    assert queued.pending_count() == 0
    result = runner.invoke(args=["documents", "convert", "--retry-failed"])
    assert "1 converted" in result.output, result.output


def test_a_job_another_worker_holds_is_not_taken_twice(queued):
    _submission_with(("brev.pdf", files.pdf("Brev")))
    attachment_id = db.session.scalar(select(Attachment.id))
    assert jobs._claim(attachment_id)
    assert jobs.run_conversion(attachment_id) is None
    # The sweep still queues it (pending), but a run while the claim is fresh does nothing.
    queued.flush()
    db.session.commit()
    jobs.sweep_conversions.call_local()
    assert queued.pending_count() == 1


def test_a_pdf_with_javascript_loses_it_in_the_rendition(queued):
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(files.pdf("Brev"))))
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hei');"),
        }
    )
    writer.root_object[NameObject("/OpenAction")] = writer._add_object(action)
    out = io.BytesIO()
    writer.write(out)
    _submission_with(("js.pdf", out.getvalue()))
    jobs.run_conversion(db.session.scalar(select(Attachment.id)))
    attachment = db.session.scalar(select(Attachment))
    db.session.refresh(attachment)
    rendition = db.session.get(Blob, attachment.rendition_sha256).data
    assert b"/JavaScript" in db.session.get(Blob, attachment.sha256).data
    assert b"/JavaScript" not in rendition and b"/JS" not in rendition


def test_one_libreoffice_is_reused_restarted_when_it_dies_and_gone_when_its_process_exits(
    tmp_path,
):
    import os
    import signal
    import subprocess
    import sys
    import time

    from hoering.config import INSTANCE_DIR
    from hoering.documents import convert, office
    from hoering.documents.detect import DOCX

    work = INSTANCE_DIR / "conversions"
    first = convert.to_pdfa(files.docx("Første brev."), DOCX, timeout=120, work_dir=work)
    running = office.running_pid()
    second = convert.to_pdfa(files.docx("Andre brev."), DOCX, timeout=120, work_dir=work)
    assert _is_pdfa2b(first.pdf) and _is_pdfa2b(second.pdf)
    assert office.running_pid() == running

    # Killed from outside (a crash): the next conversion starts a new one.
    os.killpg(running, signal.SIGKILL)
    third = convert.to_pdfa(files.docx("Tredje brev."), DOCX, timeout=120, work_dir=work)
    assert "Tredje brev." in PdfReader(io.BytesIO(third.pdf)).pages[0].extract_text()
    assert office.running_pid() not in (None, running)

    # A process that converted and exited leaves no LibreOffice behind.
    script = (
        "import sys; from pathlib import Path; from hoering.documents import office;"
        "office.convert(sys.stdin.buffer.read(), 'pdf', timeout=120, work_dir=Path(sys.argv[1]));"
        "print(office.running_pid())"
    )
    child = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        input=files.docx("Brev fra en annen prosess."),
        capture_output=True,
        check=True,
        timeout=180,
    )
    group = int(child.stdout)
    for _ in range(50):  # killed at exit; the system reaps what was left a moment later
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        raise AssertionError(f"LibreOffice of an exited process still runs (group {group})")
    assert not list(tmp_path.glob("office-*"))
