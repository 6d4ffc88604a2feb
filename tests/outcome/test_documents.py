"""The summary as DOCX, ODT and PDF/A: LibreOffice opens each, the text survives, and the PDF
passes the archive's PDF/A checks."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from docx import Document
from odf import teletype
from odf.opendocument import load
from odf.text import P
from sqlalchemy import func, select

from hoering import prepared
from hoering.analysis import services as analysis
from hoering.config import INSTANCE_DIR
from hoering.db import utcnow
from hoering.documents import office
from hoering.extensions import db
from hoering.outcome import documents, downloads, services, summary
from hoering.outcome.models import PreparedSummary
from tests.archive.test_documents import assert_pdfa_2b, pdf_streams
from tests.conftest import post_form
from tests.factories import make_closed_consultation

ASSESSMENT = "Fristen blir seks uker, ikke åtte."


@pytest.fixture
def case():
    data = make_closed_consultation()
    consultation, officer = data["consultation"], data["officer"]
    theme = analysis.create_theme(consultation, "Høringsfristen", "", by=officer)
    db.session.flush()
    analysis.tag(consultation, theme, [data["first"].id], by=officer, quote="for kort")
    analysis.add_note(consultation, data["first"].id, "INTERN notat", by=officer)
    services.record_disposition(
        consultation, "tema", theme.id, decision="partly", assessment=ASSESSMENT, by=officer
    )
    summary.save_introduction(consultation, "Takk for innspillene, ÆØÅ.", by=officer)
    db.session.commit()
    return data


def _download(signed_in, case, ext):
    """Ask for the document (the task queue makes it; in the tests, as the request commits),
    then download it."""
    client = signed_in(case["officer"])
    slug = case["consultation"].slug
    response = post_form(
        client, f"/admin/hoeringer/{slug}/oppsummering/dokumenter", {"format": ext}
    )
    assert response.status_code == 303
    response = client.get(f"/admin/hoeringer/{slug}/hoeringsoppsummering.{ext}")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "private, no-store"
    return response.data


def _soffice_text(data: bytes) -> str:
    """LibreOffice (the app's own reused instance) opens the file, found to be a DOCX or ODT by
    its content, and writes it as text and as PDF: proves it opens and reads."""
    text = office.convert(
        data,
        "txt",
        filtername="Text (encoded)",
        filter_options=("UTF8",),
        timeout=120,
        work_dir=INSTANCE_DIR / "conversions",
    )
    pdf = office.convert(data, "pdf", timeout=120, work_dir=INSTANCE_DIR / "conversions")
    assert pdf.startswith(b"%PDF-") and len(pdf) > 1000
    return text.decode("utf-8-sig")


def test_the_docx_opens_in_libreoffice_and_python_docx(case, signed_in):
    data = _download(signed_in, case, "docx")
    document = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Høringsoppsummering: Høring om arkivloven" in text
    assert ASSESSMENT in text
    assert "«for kort» – Ola Nordmann" in text
    assert "INTERN" not in text
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "Privatperson" in cells
    converted = _soffice_text(data)
    assert ASSESSMENT in converted
    assert "Takk for innspillene, ÆØÅ." in converted


def test_the_odt_opens_in_libreoffice_and_odfpy(case, signed_in):
    data = _download(signed_in, case, "odt")
    document = load(io.BytesIO(data))
    text = "\n".join(teletype.extractText(p) for p in document.getElementsByType(P))
    assert ASSESSMENT in text
    assert "INTERN" not in text
    converted = _soffice_text(data)
    assert ASSESSMENT in converted
    assert "Delvis tatt til følge" in converted


def test_the_pdf_is_pdfa(case, signed_in, client):
    data = _download(signed_in, case, "pdf")
    assert_pdfa_2b(data)
    assert "Høringsoppsummering: Høring om arkivloven" in pdf_streams(data)
    slug = case["consultation"].slug
    assert client.get(f"/hoeringer/{slug}/resultat/hoeringsoppsummering.pdf").status_code == 404
    assert client.get(f"/admin/hoeringer/{slug}/hoeringsoppsummering.exe").status_code in (
        302,
        404,
    )


def _summary_page(client, slug):
    return BeautifulSoup(
        client.get(f"/admin/hoeringer/{slug}/oppsummering").get_data(as_text=True), "html.parser"
    )


def test_a_document_is_made_on_the_task_queue_and_its_state_shown(case, signed_in):
    consultation = case["consultation"]
    slug = consultation.slug
    # A request whose queue message was lost: the row is pending, nothing runs it yet.
    db.session.add(PreparedSummary(consultation_id=consultation.id, format="docx", lang="nb"))
    db.session.commit()
    client = signed_in(case["officer"])
    page = _summary_page(client, slug)
    assert "Venter på tur" in page.find(id="dokument-docx").get_text()
    assert page.find("meta", attrs={"http-equiv": "refresh"}) is not None
    assert page.find(id="dokument-docx").find("a", string="Last ned") is None
    assert "Ikke laget ennå." in page.find(id="dokument-odt").get_text()
    response = client.get(f"/admin/hoeringer/{slug}/hoeringsoppsummering.docx")
    assert response.status_code == 303 and response.location.endswith("#dokumenter")
    # The sweep finds it and the worker makes it.
    (row_id,) = prepared.unfinished(PreparedSummary, stale_after=downloads.STALE_AFTER)
    downloads.build_document(row_id)
    row = db.session.get(PreparedSummary, row_id)
    assert row.status == "done" and row.size > 1000 and row.blob_sha256
    page = _summary_page(client, slug)
    assert page.find("meta", attrs={"http-equiv": "refresh"}) is None
    assert page.find(id="dokument-docx").find("a", string="Last ned") is not None
    data = client.get(f"/admin/hoeringer/{slug}/hoeringsoppsummering.docx").data
    assert ASSESSMENT in "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_a_failed_document_is_shown_kept_and_made_again(case, signed_in, monkeypatch):
    slug = case["consultation"].slug
    client = signed_in(case["officer"])

    def broken(*args, **kwargs):
        raise OSError("Skriften mangler")

    monkeypatch.setattr(documents, "render_pdf", broken)
    url = f"/admin/hoeringer/{slug}/oppsummering/dokumenter"
    assert post_form(client, url, {"format": "pdf"}).status_code == 303
    page = _summary_page(client, slug)
    shown = page.find(id="dokument-pdf")
    assert "Kunne ikke lages: Skriften mangler" in shown.get_text()
    assert shown.find("button").get_text(strip=True) == "Prøv igjen"
    monkeypatch.undo()
    assert post_form(client, url, {"format": "pdf"}).status_code == 303
    rows = db.session.scalars(select(PreparedSummary).order_by(PreparedSummary.id)).all()
    assert [r.status for r in rows] == ["failed", "done"]
    assert client.get(f"/admin/hoeringer/{slug}/hoeringsoppsummering.pdf").status_code == 200
    assert post_form(client, url, {"format": "exe"}).status_code == 400


def test_a_document_whose_worker_died_is_made_again_by_the_sweep(case):
    consultation = case["consultation"]
    stale = PreparedSummary(
        consultation_id=consultation.id,
        format="odt",
        lang="nb",
        status="running",
        started_at=utcnow() - timedelta(hours=1),
    )
    busy = PreparedSummary(
        consultation_id=consultation.id,
        format="pdf",
        lang="nb",
        status="running",
        started_at=utcnow(),
    )
    db.session.add_all([stale, busy])
    db.session.commit()
    assert prepared.unfinished(PreparedSummary, stale_after=downloads.STALE_AFTER) == [stale.id]
    downloads.build_document(busy.id)  # another worker has it: nothing happens
    assert db.session.get(PreparedSummary, busy.id).status == "running"
    downloads.build_document(stale.id)
    assert db.session.get(PreparedSummary, stale.id).status == "done"


def test_a_visitor_downloads_the_published_summary_once_it_is_made(case, client):
    consultation = case["consultation"]
    slug = consultation.slug
    url = f"/hoeringer/{slug}/resultat/hoeringsoppsummering.odt"
    assert client.get(url).status_code == 404
    summary.publish_summary(consultation, by=case["officer"])
    db.session.commit()
    # One being made: the visitor gets a page that checks again by itself.
    db.session.add(PreparedSummary(consultation_id=consultation.id, format="odt", lang="nb"))
    db.session.commit()
    response = client.get(url)
    assert response.status_code == 202
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert page.find("meta", attrs={"http-equiv": "refresh"}) is not None
    assert page.find("a", string="Sjekk igjen")["href"].endswith("hoeringsoppsummering.odt")
    (row_id,) = prepared.unfinished(PreparedSummary, stale_after=downloads.STALE_AFTER)
    downloads.build_document(row_id)
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/vnd.oasis.opendocument.text"
    # None made yet for PDF: the visit asks for it (made here as the request commits).
    assert client.get(f"/hoeringer/{slug}/resultat/hoeringsoppsummering.pdf").status_code == 200
    assert db.session.scalar(select(func.count(PreparedSummary.id))) == 2
