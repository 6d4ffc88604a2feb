"""PDF/A-2b renderings of innspill and draft versions (riksarkivarens forskrift § 5-17).

Other documents of the case (the høringsoppsummering) are written with the same small API, so
they get the same fonts, output intent and checks: new_pdf() (with uses_common() to choose the
font cut), write_text() and write_quote(), then the document's note_missing() and output().
"""

from __future__ import annotations

import copy
import functools
import io
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from fontTools.subset import Options, Subsetter
from fontTools.ttLib import TTFont
from fpdf import FPDF
from fpdf.enums import OutputIntentSubType, TextMode, XPos, YPos
from fpdf.fonts import SubsetMap, TTFFont
from fpdf.output import PDFICCProfile

ASSETS = Path(__file__).with_name("assets")
FONT_REGULAR = ASSETS / "DejaVuSans.ttf"
SRGB_PROFILE = ASSETS / "sRGB.icc"
REDACTED = "[sladdet]"
PRIVATE_PERSON = "Privatperson"
_FAMILY = "DejaVuSans"
# Debian's Noto fonts (fonts-noto-core, fonts-noto-cjk) for what DejaVu cannot show: Hangul and
# Han, Ethiopic, Indic scripts, mathematical and other symbols. Embedded only into a document
# whose text needs them; a character none of them has (most emoji) is named in a note instead.
NOTO_DIRS = (Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/opentype/noto"))
NOTO_FILES = (
    "NotoSansCJK-Regular.ttc",
    "NotoSansEthiopic-Regular.ttf",
    "NotoSansDevanagari-Regular.ttf",
    "NotoSansBengali-Regular.ttf",
    "NotoSansGurmukhi-Regular.ttf",
    "NotoSansTamil-Regular.ttf",
    "NotoSansSinhala-Regular.ttf",
    "NotoSansThai-Regular.ttf",
    "NotoSansMath-Regular.ttf",
    "NotoSansSymbols-Regular.ttf",
    "NotoSansSymbols2-Regular.ttf",
)
_LINE = 5.5
# The characters most innspill are written with (Latin with the Nordic and Sámi letters,
# punctuation, the euro sign and a few symbols). A document that uses only these embeds its glyphs
# from a small cut of the font made once per process, so subsetting it is cheap; any other
# document uses the whole font.
_COMMON = frozenset(
    (
        *range(0x20, 0x7F),
        *range(0xA0, 0x180),
        *range(0x1E4, 0x1F0),
        *range(0x2010, 0x2028),
        *range(0x2030, 0x203B),
        *range(0x2190, 0x2194),
        *(0x20AC, 0x2122, 0x2212, 0x2264, 0x2265, 0xFFFD),
    )
)


@dataclass(frozen=True)
class QuotedSubmission:
    """The innspill a reply answers, as quoted on the reply's page."""

    author: str
    submitted_at: datetime
    text: str


@dataclass(frozen=True)
class SubmissionContext:
    """An innspill (or the agency's answer) in its original context: the paragraph and draft
    version it comments on.

    registration_id is the saksnummer-dokumentnummer (2026/815-3), journal_number the løpenummer.
    redacted marks the variant with its screened parts blanked: the author's name when
    author_screened, the spans in screened_spans (shown as [sladdet]); a text redacted by a
    moderator comes as its public text. notes are merknader printed at the end (a moderator's
    outcome, what the variant blanks). paragraph_* are None for a statement on the whole draft.
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
    registration_id: str = ""
    outgoing: bool = False
    position: str | None = None
    in_reply_to: QuotedSubmission | None = None
    screened_spans: tuple[tuple[int, int], ...] = ()
    redacted: bool = False
    author_screened: bool = False
    notes: tuple[str, ...] = ()
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
    """Code points the embedded font can draw."""
    with TTFont(FONT_REGULAR) as font:
        return frozenset(font.getBestCmap())


@functools.cache
def _fallback_fonts() -> tuple[tuple[str, Path, frozenset[int]], ...]:
    """(family, file, code points) of each Noto font installed here, in the order tried."""
    found = []
    for name in NOTO_FILES:
        path = next((folder / name for folder in NOTO_DIRS if (folder / name).is_file()), None)
        if path is not None:
            with TTFont(path, fontNumber=0) as font:
                found.append((path.stem.replace("-", ""), path, frozenset(font.getBestCmap())))
    return tuple(found)


@functools.cache
def _all_coverage() -> frozenset[int]:
    return _font_coverage().union(*(cover for _family, _path, cover in _fallback_fonts()))


@functools.cache
def _srgb_profile() -> bytes:
    return SRGB_PROFILE.read_bytes()


@dataclass(frozen=True)
class _FontSource:
    """A font parsed once per process: its bytes and the parsed metrics every document shares."""

    data: bytes
    template: TTFFont


def _common_cut(data: bytes) -> bytes:
    """The font reduced to the common characters (_COMMON), with every table fpdf2 reads."""
    font = TTFont(io.BytesIO(data))
    # No hinting (a PDF viewer hints by itself) and none of the tables fpdf2 drops anyway.
    options = Options(notdef_outline=True, recommended_glyphs=True, glyph_names=True, hinting=False)
    options.drop_tables += ["FFTM", "GPOS", "GSUB", "GDEF", "MATH", "hdmx", "kern"]
    subsetter = Subsetter(options)
    subsetter.populate(unicodes=_COMMON & set(font.getBestCmap()))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


@functools.cache
def _font_source(path: Path, common: bool) -> _FontSource:
    """Parse a font once per process (fontTools reading the whole TrueType file is slow)."""
    data = path.read_bytes()
    if common:
        data = _common_cut(data)
    template = TTFFont(FPDF(), io.BytesIO(data), _FAMILY.lower(), "")
    return _FontSource(data, template)


def _add_font(pdf: FPDF, path: Path, common: bool) -> None:
    """pdf.add_font() without parsing the font again: share the parsed metrics, and give the
    document its own glyph subset and its own copy of the font tables (embedding subsets them
    in place)."""
    source = _font_source(path, common)
    font = copy.copy(source.template)
    font.i = len(pdf.fonts) + 1
    # recalcBBoxes=False: the cut's bounding boxes are right; recomputing them at every embedding
    # would decompile and recompile each glyph.
    font.ttfont = TTFont(
        io.BytesIO(source.data), recalcTimestamp=False, recalcBBoxes=False, lazy=True
    )
    font.subset = SubsetMap(font)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    pdf.fonts[font.fontkey] = font


def uses_common(*texts: str | None) -> bool:
    """True when every character of the texts (as printed) is in the common cut."""
    return all(set(map(ord, printable(text))) <= _COMMON for text in texts if text)


def printable(text: str) -> str:
    """Text the fonts can draw: controls dropped, glyphs no font has shown as U+FFFD."""
    coverage = _all_coverage()
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


def unshowable(text: str) -> list[str]:
    """The characters of a text that no font can draw (each once, in order)."""
    coverage = _all_coverage()
    return list(
        dict.fromkeys(
            char
            for char in unicodedata.normalize("NFC", text)
            if ord(char) not in coverage
            and char not in "\n\t"
            and unicodedata.category(char) not in ("Cc", "Cf", "Cs", "Co", "Cn")
        )
    )


class PdfDocument(FPDF):
    """An FPDF that embeds fallback fonts as its text needs them and notes what none can show."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.fallbacks: list[str] = []
        self.missing: dict[str, None] = {}

    def prepare(self, text: str) -> str:
        """Make the text drawable: fonts for it embedded, what cannot be drawn recorded."""
        needed = {ord(char) for char in text} - _font_coverage()
        for family, path, cover in _fallback_fonts():
            if not needed:
                break
            if needed & cover:
                if family not in self.fallbacks:
                    self.add_font(family, "", path)
                    self.fallbacks.append(family)
                    self.set_fallback_fonts(self.fallbacks, exact_match=False)
                needed -= cover
        self.missing.update(dict.fromkeys(unshowable(text)))
        return printable(text)

    def note_missing(self) -> None:
        """Say so when the document could not show all of the text it was given."""
        if not self.missing:
            return
        listed = ", ".join(
            f"U+{ord(char):04X} {unicodedata.name(char, '').lower()}".strip()
            for char in self.missing
        )
        self.ln(3)
        self.set_font(_FAMILY, "", 9)
        _lines(
            self,
            "Merknad om tegn: "
            f"{len(self.missing)} tegn i teksten kan ikke vises med skriftene i dette dokumentet "
            f"og står som \ufffd: {listed}. Den journalførte teksten har dem uendret.",
        )


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


def new_pdf(title: str, author: str, lang: str, *, common: bool) -> PdfDocument:
    """An FPDF set up for PDF/A-2b: embedded fonts, sRGB OutputIntent, XMP with pdfaid.

    common: every text of the document is in the common cut of the font (uses_common).
    """
    pdf = PdfDocument(format="A4", enforce_compliance="PDF/A-2B")
    _add_font(pdf, FONT_REGULAR, common)
    # Bold is the regular font filled and stroked: every embedded font costs a few milliseconds
    # of subsetting per document, more than all of an innspill's layout.
    pdf.set_line_width(0.2)
    pdf.add_output_intent(
        OutputIntentSubType.PDFA,
        output_condition_identifier="sRGB IEC61966-2.1",
        output_condition="sRGB",
        registry_name="http://www.color.org",
        dest_output_profile=PDFICCProfile(contents=_srgb_profile(), n=3, alternate="DeviceRGB"),
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


def _width(pdf: FPDF, text: str) -> float:
    """The width of text in the current font (what get_string_width gives for plain text)."""
    widths = pdf.current_font.cw
    return sum(widths[ord(char)] for char in text) * pdf.font_size / 1000


def _fit(pdf: FPDF, word: str, width: float) -> int:
    """How many characters of word fit in width (at least one)."""
    used = 0.0
    for count, char in enumerate(word):
        used += _width(pdf, char)
        if used > width:
            return max(count, 1)
    return len(word)


def _wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    """Break text into lines no wider than width (mm) at spaces, in time linear in its length.

    fpdf2's multi_cell measures the whole line again at every space; innspill are mostly text, so
    that was most of the rendering time. A word wider than a line is broken where it overflows.
    """
    space = _width(pdf, " ")
    lines = []
    for paragraph in text.split("\n"):
        line: list[str] = []
        line_width = 0.0
        for word in paragraph.split(" "):
            word_width = _width(pdf, word)
            while word_width > width:
                if line:
                    lines.append(" ".join(line))
                    line, line_width = [], 0.0
                cut = _fit(pdf, word, width)
                lines.append(word[:cut])
                word = word[cut:]
                word_width = _width(pdf, word)
            extra = word_width + (space if line else 0.0)
            if line and line_width + extra > width:
                lines.append(" ".join(line))
                line, line_width = [word], word_width
            else:
                line.append(word)
                line_width += extra
        lines.append(" ".join(line))
    return lines


def _lines(pdf: PdfDocument, text: str) -> None:
    """Write text wrapped from the current x to the right margin, each line starting there."""
    text = pdf.prepare(text)
    if pdf.fallbacks:
        # Text in another script than DejaVu's: fpdf2 wraps it and switches fonts per glyph.
        pdf.multi_cell(0, _LINE, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return
    x = pdf.x
    width = pdf.w - pdf.r_margin - x
    for line in _wrap(pdf, text, width - 2 * pdf.c_margin):
        pdf.set_x(x)
        pdf.cell(width, _LINE, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def write_text(pdf: FPDF, text: str, *, size: float = 10.5, bold: bool = False) -> None:
    """Write a wrapped block of text."""
    pdf.set_font(_FAMILY, "", size)
    if bold:
        with pdf.local_context(text_mode=TextMode.FILL_STROKE):
            _lines(pdf, text)
    else:
        _lines(pdf, text)


def _label(pdf: FPDF, label: str, value: str) -> None:
    """Write a "label: value" line."""
    pdf.set_font(_FAMILY, "", 9.5)
    with pdf.local_context(text_mode=TextMode.FILL_STROKE):
        pdf.cell(38, _LINE, pdf.prepare(label))
    _lines(pdf, value)


def write_quote(pdf: FPDF, text: str) -> None:
    """Write an indented, grey quoted block."""
    pdf.set_left_margin(28)
    pdf.set_x(28)
    pdf.set_text_color(70, 70, 70)
    write_text(pdf, text, size=10)
    pdf.set_text_color(0, 0, 0)
    pdf.set_left_margin(20)
    pdf.set_x(20)


def _header(pdf: FPDF, consultation_title: str, case_number: str, agency: str) -> None:
    """Write the consultation heading shared by every page type."""
    write_text(pdf, consultation_title, size=15, bold=True)
    pdf.set_font(_FAMILY, "", 9.5)
    _lines(pdf, f"{agency} · Sak {case_number}")
    pdf.ln(3)


def render_submission_pdf(ctx: SubmissionContext) -> bytes:
    """Render one innspill with the draft text it comments on, as PDF/A-2b (fmt/477)."""
    author = ctx.author
    if ctx.redacted and ctx.author_screened:
        author = ctx.organisation or PRIVATE_PERSON
    elif ctx.organisation:
        author = f"{ctx.author}, {ctx.organisation}"
    text = redact(ctx.text, ctx.screened_spans) if ctx.redacted else ctx.text
    number = ctx.registration_id or ctx.journal_number
    kind = "Svar på høringsinnspill" if ctx.outgoing else "Høringsinnspill"
    title = f"{kind} {number}: {ctx.consultation_title}"
    quoted = ctx.in_reply_to
    common = uses_common(
        title,
        author,
        ctx.agency,
        ctx.version_label,
        ctx.paragraph_number,
        ctx.paragraph_heading,
        ctx.paragraph_text,
        text,
        ctx.position,
        quoted.author if quoted else None,
        quoted.text if quoted else None,
        *ctx.notes,
    )
    pdf = new_pdf(title, author, ctx.lang, common=common)
    _header(pdf, ctx.consultation_title, ctx.case_number, ctx.agency)

    write_text(pdf, f"Høringsutkast, {ctx.version_label}", size=11, bold=True)
    if ctx.paragraph_text is None:
        write_quote(pdf, "Innspill til høringen som helhet.")
    else:
        heading = " ".join(p for p in (ctx.paragraph_number, ctx.paragraph_heading) if p)
        if heading:
            write_text(pdf, heading, size=10.5, bold=True)
        write_quote(pdf, ctx.paragraph_text)
    pdf.ln(3)

    if ctx.in_reply_to is not None:
        quoted = ctx.in_reply_to
        write_text(
            pdf,
            f"Svar på innspill fra {quoted.author}, {quoted.submitted_at:%d.%m.%Y}:",
            size=10,
            bold=True,
        )
        write_quote(pdf, quoted.text)
        pdf.ln(2)

    write_text(pdf, f"Svar fra {ctx.agency}" if ctx.outgoing else "Innspill", size=11, bold=True)
    write_text(pdf, text)
    pdf.ln(4)
    _label(pdf, "Avsender", author)
    _label(pdf, "Dato", f"{ctx.submitted_at:%d.%m.%Y %H:%M}")
    if ctx.registration_id:
        _label(pdf, "Dokumentnummer", ctx.registration_id)
    _label(pdf, "Løpenummer", ctx.journal_number)
    if ctx.position:
        _label(pdf, "Standpunkt", ctx.position)
    for note in ctx.notes:
        _label(pdf, "Merknad", note)
    pdf.note_missing()
    return bytes(pdf.output())


def render_draft_pdf(ctx: DraftContext) -> bytes:
    """Render a whole draft version (headings and numbered paragraphs) as PDF/A-2b (fmt/477)."""
    title = f"{ctx.consultation_title}, {ctx.version_label}"
    common = uses_common(
        title,
        ctx.agency,
        ctx.case_number,
        *(s.heading for s in ctx.sections),
        *(f"{p.number} {p.text}" for s in ctx.sections for p in s.paragraphs),
    )
    pdf = new_pdf(title, ctx.agency, ctx.lang, common=common)
    _header(pdf, ctx.consultation_title, ctx.case_number, ctx.agency)
    subtitle = f"Høringsutkast, {ctx.version_label}"
    if ctx.published_on:
        subtitle += f", publisert {ctx.published_on:%d.%m.%Y}"
    write_text(pdf, subtitle, size=11, bold=True)
    pdf.ln(2)
    for section in ctx.sections:
        pdf.ln(2)
        write_text(pdf, section.heading, size=12, bold=True)
        for paragraph in section.paragraphs:
            write_text(pdf, f"{paragraph.number} {paragraph.text}")
            pdf.ln(1)
    pdf.note_missing()
    return bytes(pdf.output())


def render_text_pdf(title: str, case_number: str, agency: str, text: str) -> bytes:
    """Render a document the agency wrote itself (its journaled text, block by block) as
    PDF/A-2b (fmt/477): the høringsoppsummering."""
    pdf = new_pdf(title, agency, "nb", common=uses_common(title, case_number, agency, text))
    _header(pdf, title, case_number, agency)
    for block in text.split("\n\n"):
        write_text(pdf, block)
        pdf.ln(1)
    pdf.note_missing()
    return bytes(pdf.output())
