"""PDF/A-2b renderings: structure checked over the bytes, content checked through the text."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

from hoering.archive import documents
from hoering.archive.check import check_extraction, format_report
from hoering.archive.documents import (
    DraftContext,
    DraftParagraph,
    DraftSection,
    printable,
    redact,
    render_draft_pdf,
    render_submission_pdf,
)
from hoering.archive.noark5 import write_extraction
from tests.archive.conftest import case_fixture, extraction_fixture, records_fixture, submission


def pdf_streams(pdf: bytes) -> str:
    """All streams inflated and decoded as UTF-8, the encoding of the XMP packet."""
    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            out.append(zlib.decompress(match.group(1)))
        except zlib.error:
            out.append(match.group(1))
    return b"\n".join(out).decode("utf-8", "replace")


def assert_pdfa_2b(pdf: bytes) -> None:
    assert re.match(rb"%PDF-1\.[4-7]\n", pdf)
    text = pdf_streams(pdf)
    assert "<pdfaid:part>2</pdfaid:part>" in text
    assert "<pdfaid:conformance>B</pdfaid:conformance>" in text
    assert b"/OutputIntents" in pdf
    assert b"/S /GTS_PDFA1" in pdf
    assert b"/DestOutputProfile" in pdf
    fonts = re.findall(rb"/Type /Font\b", pdf)
    assert fonts
    assert pdf.count(b"/FontFile2") >= len(re.findall(rb"/Type /FontDescriptor", pdf)) > 0
    for forbidden in (b"/Encrypt", b"/JavaScript", b"/JS "):
        assert forbidden not in pdf


def test_submission_pdf_is_pdfa_2b() -> None:
    pdf = render_submission_pdf(submission(text="Æ ø å 😀 שלום مرحبا \x07 ok"))
    assert_pdfa_2b(pdf)
    text = pdf_streams(pdf)
    assert "<dc:title>" in text
    assert "Høringsinnspill 2026/1234-2" in text


def test_draft_pdf_is_pdfa_2b() -> None:
    draft = DraftContext(
        consultation_title="Høring",
        case_number="2026/1234",
        agency="Etaten",
        version_label="versjon 2",
        published_on=None,
        sections=(DraftSection("Kapittel 1", (DraftParagraph("§ 1", "Tekst. " * 1500),)),),
    )
    pdf = render_draft_pdf(draft)
    assert_pdfa_2b(pdf)
    assert pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") >= 2


def test_redaction_replaces_spans_and_hides_the_author() -> None:
    assert redact("Naboen min Per Hansen mener", ((11, 21),)) == "Naboen min [sladdet] mener"
    assert redact("abcdef", ((1, 3), (2, 4))) == "a[sladdet]ef"
    full = render_submission_pdf(submission())
    hidden = render_submission_pdf(submission(redacted=True, screened_spans=((0, 3),)))
    assert len(full) != len(hidden)


def test_printable_replaces_glyphs_the_font_lacks() -> None:
    assert printable("a\x00b\u200bc") == "abc"
    assert printable("\U000e0001x") == "x"
    assert printable("\U0001f9ec") == "\ufffd"
    assert printable("æøå ÆØÅ") == "æøå ÆØÅ"


def test_export_with_real_pdfs_in_two_worker_processes(tmp_path: Path) -> None:
    extraction = extraction_fixture(
        case=case_fixture(), records=lambda _case: records_fixture(pdf=True)
    )
    out = write_extraction(extraction, tmp_path / "pdf.tar", workers=2)
    results = check_extraction(out)
    assert all(r.passed for r in results), format_report(results)


def test_the_font_is_parsed_once_per_process_and_other_scripts_get_the_whole_font() -> None:
    documents._font_source.cache_clear()
    render_submission_pdf(submission(text="Første innspill, æøå."))
    render_submission_pdf(submission(text="Andre innspill – «sitat» €"))
    assert documents._font_source.cache_info().misses == 1  # the common cut, parsed once
    greek = render_submission_pdf(submission(text="Καλημέρα"))
    assert documents._font_source.cache_info().misses == 2  # the whole font, for Greek
    assert_pdfa_2b(greek)
    assert not documents.uses_common("Καλημέρα")
    assert documents.uses_common("Sámi: čđŋšŧž ǧǩ, «æøå» – € ±")


def test_lines_wrap_within_the_width_and_long_words_break() -> None:
    pdf = documents.new_pdf("t", "a", "nb", common=True)
    pdf.set_font("DejaVuSans", "", 10)
    text = "Et kort avsnitt med vanlige ord som må brytes. " * 8 + "x" * 400 + "\n\nslutt"
    lines = documents._wrap(pdf, text, 100)
    assert all(pdf.get_string_width(line) <= 100.01 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "").replace("\n", "")
    assert lines[-2:] == ["", "slutt"]
