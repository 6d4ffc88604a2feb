"""PDF/A-2b renderings of innspill and draft versions (riksarkivarens forskrift § 5-17)."""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import OutputIntentSubType, XPos, YPos
from fpdf.output import PDFICCProfile

ASSETS = Path(__file__).with_name("assets")
FONT_REGULAR = ASSETS / "DejaVuSans.ttf"
FONT_BOLD = ASSETS / "DejaVuSans-Bold.ttf"
SRGB_PROFILE = ASSETS / "sRGB.icc"
REDACTED = "[sladdet]"
PRIVATE_PERSON = "Privatperson"
_FAMILY = "DejaVuSans"
_LINE = 5.5


@dataclass(frozen=True)
class QuotedSubmission:
    """The innspill a reply answers, as quoted on the reply's page."""

    author: str
    submitted_at: datetime
    text: str


@dataclass(frozen=True)
class SubmissionContext:
    """An innspill in its original context: the paragraph and draft version it comments on.

    screened_spans are (start, end) offsets into text that the redacted variant shows as [sladdet];
    paragraph_* are None for a statement on the whole draft.
    """

    consultation_title: str
    case_number: str
    agency: str
    version_label: str
    paragraph_number: str | None
    paragraph_heading: str | None
    paragraph_text: str | None
    text: str
    author: str
    organisation: str | None
    submitted_at: datetime
    journal_number: str
    position: str | None = None
    in_reply_to: QuotedSubmission | None = None
    screened_spans: tuple[tuple[int, int], ...] = ()
    redacted: bool = False
    lang: str = "nb"


@dataclass(frozen=True)
class DraftParagraph:
    """One numbered paragraph of a draft version."""

    number: str
    text: str


@dataclass(frozen=True)
class DraftSection:
    """A heading and its paragraphs."""

    heading: str
    paragraphs: tuple[DraftParagraph, ...]


@dataclass(frozen=True)
class DraftContext:
    """A whole draft version as published for comment."""

    consultation_title: str
    case_number: str
    agency: str
    version_label: str
    published_on: date | None
    sections: tuple[DraftSection, ...]
    lang: str = "nb"


@functools.cache
def _font_coverage() -> frozenset[int]:
    """Code points both embedded fonts can draw."""
    maps = []
    for path in (FONT_REGULAR, FONT_BOLD):
        with TTFont(path) as font:
            maps.append(set(font.getBestCmap()))
    return frozenset(maps[0] & maps[1])


def printable(text: str) -> str:
    """Text the embedded font can draw: controls dropped, missing glyphs shown as U+FFFD."""
    coverage = _font_coverage()
    out = []
    for char in unicodedata.normalize("NFC", text):
        if char in "\n\t":
            out.append(" " if char == "\t" else char)
        elif unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            continue
        elif ord(char) in coverage:
            out.append(char)
        else:
            out.append("\ufffd")
    return "".join(out)


def redact(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    """Replace each screened span with [sladdet] (M503 "Skjerming av deler av dokumentet")."""
    result, position = [], 0
    for start, end in sorted(spans):
        if end <= start:
            continue
        if start < position:  # overlaps the previous span: widen it
            position = max(position, end)
            continue
        result += [text[position:start], REDACTED]
        position = end
    result.append(text[position:])
    return "".join(result)


def _new_pdf(title: str, author: str, lang: str) -> FPDF:
    """An FPDF set up for PDF/A-2b: embedded fonts, sRGB OutputIntent, XMP with pdfaid."""
    pdf = FPDF(format="A4", enforce_compliance="PDF/A-2B")
    pdf.add_font(_FAMILY, "", FONT_REGULAR)
    pdf.add_font(_FAMILY, "B", FONT_BOLD)
    pdf.add_output_intent(
        OutputIntentSubType.PDFA,
        output_condition_identifier="sRGB IEC61966-2.1",
        output_condition="sRGB",
        registry_name="http://www.color.org",
        dest_output_profile=PDFICCProfile(
            contents=SRGB_PROFILE.read_bytes(), n=3, alternate="DeviceRGB"
        ),
        info="sRGB IEC61966-2.1",
    )
    pdf.set_title(printable(title))
    pdf.set_author(printable(author))
    pdf.set_lang(lang)
    pdf.set_creator("Høring")
    pdf.set_producer("Høring (fpdf2)")
    pdf.set_margins(20, 20, 20)
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    return pdf


def _text(pdf: FPDF, text: str, *, size: float = 10.5, bold: bool = False) -> None:
    """Write a wrapped block of text."""
    pdf.set_font(_FAMILY, "B" if bold else "", size)
    pdf.multi_cell(0, _LINE, printable(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _label(pdf: FPDF, label: str, value: str) -> None:
    """Write a "label: value" line."""
    pdf.set_font(_FAMILY, "B", 9.5)
    pdf.cell(38, _LINE, printable(label))
    pdf.set_font(_FAMILY, "", 9.5)
    pdf.multi_cell(0, _LINE, printable(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _quote(pdf: FPDF, text: str) -> None:
    """Write an indented, grey quoted block."""
    pdf.set_left_margin(28)
    pdf.set_x(28)
    pdf.set_text_color(70, 70, 70)
    _text(pdf, text, size=10)
    pdf.set_text_color(0, 0, 0)
    pdf.set_left_margin(20)
    pdf.set_x(20)


def _header(pdf: FPDF, consultation_title: str, case_number: str, agency: str) -> None:
    """Write the consultation heading shared by every page type."""
    _text(pdf, consultation_title, size=15, bold=True)
    pdf.set_font(_FAMILY, "", 9.5)
    pdf.multi_cell(
        0, _LINE, printable(f"{agency} · Sak {case_number}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.ln(3)


def render_submission_pdf(ctx: SubmissionContext) -> bytes:
    """Render one innspill with the draft text it comments on, as PDF/A-2b (fmt/477)."""
    author = ctx.author
    if ctx.redacted:
        author = ctx.organisation or PRIVATE_PERSON
    elif ctx.organisation:
        author = f"{ctx.author}, {ctx.organisation}"
    text = redact(ctx.text, ctx.screened_spans) if ctx.redacted else ctx.text
    title = f"Høringsinnspill {ctx.journal_number}: {ctx.consultation_title}"
    pdf = _new_pdf(title, author, ctx.lang)
    _header(pdf, ctx.consultation_title, ctx.case_number, ctx.agency)

    _text(pdf, f"Høringsutkast, {ctx.version_label}", size=11, bold=True)
    if ctx.paragraph_text is None:
        _quote(pdf, "Innspill til høringen som helhet.")
    else:
        heading = " ".join(p for p in (ctx.paragraph_number, ctx.paragraph_heading) if p)
        if heading:
            _text(pdf, heading, size=10.5, bold=True)
        _quote(pdf, ctx.paragraph_text)
    pdf.ln(3)

    if ctx.in_reply_to is not None:
        quoted = ctx.in_reply_to
        _text(
            pdf,
            f"Svar på innspill fra {quoted.author}, {quoted.submitted_at:%d.%m.%Y}:",
            size=10,
            bold=True,
        )
        _quote(pdf, quoted.text)
        pdf.ln(2)

    _text(pdf, "Innspill", size=11, bold=True)
    _text(pdf, text)
    pdf.ln(4)
    _label(pdf, "Avsender", author)
    _label(pdf, "Dato", f"{ctx.submitted_at:%d.%m.%Y %H:%M}")
    _label(pdf, "Journalnummer", ctx.journal_number)
    if ctx.position:
        _label(pdf, "Standpunkt", ctx.position)
    if ctx.redacted:
        _label(pdf, "Merknad", "Deler av innholdet er skjermet.")
    return bytes(pdf.output())


def render_draft_pdf(ctx: DraftContext) -> bytes:
    """Render a whole draft version (headings and numbered paragraphs) as PDF/A-2b (fmt/477)."""
    pdf = _new_pdf(f"{ctx.consultation_title}, {ctx.version_label}", ctx.agency, ctx.lang)
    _header(pdf, ctx.consultation_title, ctx.case_number, ctx.agency)
    subtitle = f"Høringsutkast, {ctx.version_label}"
    if ctx.published_on:
        subtitle += f", publisert {ctx.published_on:%d.%m.%Y}"
    _text(pdf, subtitle, size=11, bold=True)
    pdf.ln(2)
    for section in ctx.sections:
        pdf.ln(2)
        _text(pdf, section.heading, size=12, bold=True)
        for paragraph in section.paragraphs:
            _text(pdf, f"{paragraph.number} {paragraph.text}")
            pdf.ln(1)
    return bytes(pdf.output())


def render_text_pdf(title: str, case_number: str, agency: str, text: str) -> bytes:
    """Render a document the agency wrote itself (its journaled text, block by block) as
    PDF/A-2b (fmt/477): the høringsoppsummering."""
    pdf = _new_pdf(title, agency, "nb")
    _header(pdf, title, case_number, agency)
    for block in text.split("\n\n"):
        _text(pdf, block)
        pdf.ln(1)
    return bytes(pdf.output())
