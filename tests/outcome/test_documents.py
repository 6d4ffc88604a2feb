"""The summary as DOCX, ODT and PDF/A: LibreOffice opens each, the text survives, and the PDF
passes the archive's PDF/A checks."""

from __future__ import annotations

import io

import pytest
from docx import Document
from odf import teletype
from odf.opendocument import load
from odf.text import P

from hoering.analysis import services as analysis
from hoering.config import INSTANCE_DIR
from hoering.documents import office
from hoering.extensions import db
from hoering.outcome import services, summary
from tests.archive.test_documents import _assert_pdfa_2b, _streams
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
    client = signed_in(case["officer"])
    response = client.get(
        f"/admin/hoeringer/{case['consultation'].slug}/hoeringsoppsummering.{ext}"
    )
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
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
    _assert_pdfa_2b(data)
    assert "Høringsoppsummering: Høring om arkivloven" in _streams(data)
    slug = case["consultation"].slug
    assert client.get(f"/hoeringer/{slug}/resultat/hoeringsoppsummering.pdf").status_code == 404
    assert client.get(f"/admin/hoeringer/{slug}/hoeringsoppsummering.exe").status_code in (
        302,
        404,
    )
