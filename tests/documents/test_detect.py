"""Type by content, and the files that must be refused: each with its reason."""

import pytest

from hoering.documents import detect
from hoering.documents.extract import extract_text
from tests.documents import files

ALL = (detect.PDF, detect.DOCX, detect.ODT)


def test_the_three_types_are_known_by_their_content():
    assert detect.sniff(files.pdf("Hei"), ALL) == detect.PDF
    assert detect.sniff(files.docx("Hei"), ALL) == detect.DOCX
    assert detect.sniff(files.odt("Hei"), ALL) == detect.ODT


def test_a_type_left_out_of_the_list_is_refused():
    with pytest.raises(detect.RefusedFileError, match="Filtypen"):
        detect.sniff(files.odt("Hei"), (detect.PDF, detect.DOCX))


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda: b"<html><body>Hei</body></html>", "Filtypen"),
        (files.polyglot_pdf, "Filtypen"),
        (lambda: b"PK\x03\x04 not really a zip", "skadet"),
        (lambda: b"%PDF-1.7\n garbage", "skadet"),
        (files.encrypted_pdf, "kryptert"),
        (files.macro_docx, "makroer"),
        (files.nested_docx, "annen pakket fil"),
        (files.bomb_docx, "pakkes ut"),
        (files.xxe_docx, "DOCTYPE"),
        (files.remote_template_docx, "utenfra"),
        (files.remote_image_odt, "utenfra"),
    ],
)
def test_dangerous_or_broken_files_are_refused_with_their_reason(make, reason):
    with pytest.raises(detect.RefusedFileError) as refused:
        detect.sniff(make(), ALL)
    assert reason in str(refused.value)


def test_the_unpacked_size_limit_holds_even_at_a_modest_ratio():
    data = files.docx("Hei", "x" * 200_000)
    with pytest.raises(detect.RefusedFileError, match="pakkes ut"):
        detect.sniff(data, ALL, detect.Limits(max_unpacked=50_000, max_ratio=1000))


def test_text_comes_out_of_each_type():
    assert "Første avsnitt" in extract_text(files.docx("Første avsnitt", "Andre"), detect.DOCX)
    assert extract_text(files.odt("Første avsnitt", "Andre"), detect.ODT) == "Første avsnitt\nAndre"
    assert "Første avsnitt" in extract_text(files.pdf("Første avsnitt"), detect.PDF)
    assert extract_text(files.scanned_pdf("Ingen tekst her"), detect.PDF) == ""


def test_an_ordinary_hyperlink_is_fine():
    assert detect.sniff(files.hyperlink_docx(), ALL) == detect.DOCX


def test_the_text_parser_resolves_no_entity_even_past_the_check():
    # Were a DOCTYPE to slip past the check, the parser still reads no file and expands nothing.
    text = extract_text(files.xxe_docx(), detect.DOCX)
    assert "root:" not in text
