"""Archived PDF/A copies show what was sent: Noto fonts embedded for what DejaVu lacks (Hangul,
Han, Ethiopic, symbols), and a note naming any character no font can show (emoji)."""

from __future__ import annotations

import re
import shutil
import subprocess

from hoering.archive.documents import render_submission_pdf, unshowable
from tests.archive.conftest import submission

GHOSTSCRIPT = shutil.which("gs")


def _fonts(pdf: bytes) -> set[str]:
    return {name.decode() for name in re.findall(rb"/BaseFont /[A-Z]{6}\+([\w-]+)", pdf)}


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    done = subprocess.run(
        [GHOSTSCRIPT, "-q", "-dNOPAUSE", "-dBATCH", "-sDEVICE=txtwrite", "-sOutputFile=-", path],
        capture_output=True,
        check=True,
        text=True,
    )
    return " ".join(done.stdout.split())


def test_hangul_han_and_ethiopic_are_drawn_with_embedded_noto_fonts(tmp_path):
    sent = "Hei 안녕하세요, 漢字 og ሰላም ✓"
    assert unshowable(sent) == []
    pdf = render_submission_pdf(submission(text=sent))
    fonts = _fonts(pdf)
    assert any(name.startswith("NotoSansCJK") for name in fonts), fonts
    assert "NotoSansEthiopic" in fonts
    if GHOSTSCRIPT:
        text = _text(pdf, tmp_path)
        assert sent in text
        assert "Merknad om tegn" not in text


def test_a_character_no_font_has_is_named_in_the_document(tmp_path):
    pdf = render_submission_pdf(submission(text="Bra forslag 🙂🧬"))
    assert unshowable("Bra forslag 🙂🧬") == ["🙂", "🧬"]
    if GHOSTSCRIPT:
        text = _text(pdf, tmp_path)
        assert "Merknad om tegn: 2 tegn i teksten kan ikke vises" in text
        assert "U+1F642 slightly smiling face" in text and "U+1F9EC dna double helix" in text


def test_plain_norwegian_needs_no_extra_font(tmp_path):
    pdf = render_submission_pdf(submission(text="Vi støtter forslaget. Æ, ø og å."))
    assert _fonts(pdf) == {"DejaVuSansBook"}
    if GHOSTSCRIPT:
        assert "Merknad om tegn" not in _text(pdf, tmp_path)
