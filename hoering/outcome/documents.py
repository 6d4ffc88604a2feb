"""The høringsoppsummering as documents: DOCX (python-docx) and ODT (odfpy) to edit in Word and
LibreOffice, and PDF/A-2b for the archive. All three are written from one list of blocks."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from docx import Document as DocxDocument
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from odf.opendocument import OpenDocumentText
from odf.style import ParagraphProperties, Style, TableColumnProperties, TextProperties
from odf.table import Table, TableCell, TableColumn, TableRow
from odf.text import H, P

from hoering.archive.documents import new_pdf, uses_common, write_quote, write_text
from hoering.archive.submission_export import LABELS
from hoering.outcome.services import SOURCE_CAMPAIGN, SOURCE_THEME

CONSULTEE_LABELS = {
    "answered": _l("Har svart"),
    "no_comments": _l("Ingen merknader"),
    "none": _l("Har ikke svart"),
}

if TYPE_CHECKING:
    from hoering.outcome.summary import (
        AppliedDisposition,
        DispositionView,
        SummaryContent,
        Voices,
    )

HEADING, PARAGRAPH, QUOTE, TABLE = "heading", "paragraph", "quote", "table"


@dataclass(frozen=True)
class Block:
    kind: str
    text: str = ""
    level: int = 1
    rows: tuple[tuple[str, ...], ...] = ()  # a table: the first row is the header


def blocks(content: SummaryContent) -> list[Block]:
    """The summary in reading order, in the current language."""
    types = LABELS["respondent_type"]
    out = [
        Block(HEADING, _("Høringsoppsummering: %(title)s", title=content.title), 0),
        Block(PARAGRAPH, f"{content.agency} · {_('Saksnummer %(n)s', n=content.case_number)}"),
    ]
    if content.introduction:
        out += [Block(HEADING, _("Innledning"))]
        out += [Block(PARAGRAPH, part) for part in content.introduction.split("\n\n")]
    out.append(Block(HEADING, _("Innspillene i tall")))
    out.append(Block(PARAGRAPH, _("%(n)s publiserte innspill.", n=content.total)))
    out.append(
        Block(
            TABLE,
            rows=(
                (_("Avsender"), _("Innspill")),
                *((str(types[t]), str(n)) for t, n in content.by_type.items()),
            ),
        )
    )
    if content.sections:
        out.append(
            Block(
                TABLE,
                rows=(
                    (_("Del av utkastet"), _("Innspill")),
                    *((s.title, str(s.total)) for s in content.sections),
                    (_("Uttalelser til hele utkastet"), str(content.general)),
                ),
            )
        )
    if content.sections:
        out.append(Block(HEADING, _("Synspunkter og vurderinger per del av utkastet")))
    for section in content.sections:
        out.append(Block(HEADING, section.title, 2))
        _voices(out, section)
        for applied in section.dispositions:
            out.append(Block(HEADING, _decision_heading(applied.disposition), 3))
            out.append(Block(PARAGRAPH, applies_to(applied)))
            _assessment(out, applied.disposition)
        if not section.dispositions:
            out.append(Block(PARAGRAPH, _("Ikke vurdert")))
    out.append(Block(HEADING, _("Synspunkter og vurderinger per tema")))
    for part in content.themes:
        out.append(Block(HEADING, part.name, 2))
        if part.description:
            out.append(Block(PARAGRAPH, part.description))
        _voices(out, part)
        if part.disposition:
            out.append(Block(HEADING, _decision_heading(part.disposition), 3))
            _assessment(out, part.disposition)
        else:
            out.append(Block(PARAGRAPH, _("Ikke vurdert")))
    out.append(Block(HEADING, _("Høringsinstanser")))
    out.append(
        Block(
            TABLE,
            rows=(
                (_("Høringsinstans"), _("Svar")),
                *((name, str(CONSULTEE_LABELS[r])) for name, r in content.consultees),
            ),
        )
    )
    out.append(Block(HEADING, _("Alle som sendte innspill")))
    out.append(Block(PARAGRAPH, ", ".join(content.respondents)))
    return out


def _voices(out: list[Block], part: Voices) -> None:
    """Who said what in one part: counts, høringsinstanser, organisations, campaigns, quotes."""
    types = LABELS["respondent_type"]
    counts = ", ".join(f"{types[t]} {n}" for t, n in part.by_type.items() if n)
    out.append(Block(PARAGRAPH, f"{_('%(n)s innspill', n=part.total)}: {counts}"))
    if part.consultees:
        out.append(
            Block(PARAGRAPH, _("Høringsinstanser: %(names)s", names=", ".join(part.consultees)))
        )
    if part.organisations:
        names = ", ".join(part.organisations)
        out.append(Block(PARAGRAPH, _("Organisasjoner: %(names)s", names=names)))
    for size in part.campaigns:
        out.append(Block(PARAGRAPH, _("En kampanje med %(n)s likelydende innspill.", n=size)))
    for who, passage in part.quotes:
        out.append(Block(QUOTE, f"«{passage}» – {who}"))


def _decision_heading(disposition: DispositionView) -> str:
    return f"{_('Vurdering')}: {LABELS['disposition'][disposition.decision]}"


def _assessment(out: list[Block], disposition: DispositionView) -> None:
    if disposition.assessment:
        out.append(Block(PARAGRAPH, disposition.assessment))
    for paragraph in disposition.paragraphs:
        out.append(Block(QUOTE, f"{paragraph.label}: {paragraph.text}"))


def applies_to(applied: AppliedDisposition) -> str:
    """What a disposition in a part of the draft is on, and how many of its innspill it covers."""
    if applied.source == SOURCE_THEME:
        return _(
            "Gjelder temaet «%(name)s» (%(n)s innspill her).", name=applied.name, n=applied.count
        )
    if applied.source == SOURCE_CAMPAIGN:
        return _(
            "Gjelder en kampanje med %(size)s likelydende innspill (%(n)s innspill her).",
            size=applied.size,
            n=applied.count,
        )
    return _("Gjelder innspillet fra %(name)s.", name=applied.name)


def plain_text(items: list[Block]) -> str:
    """The blocks as plain text, one block per paragraph: the text that is journaled."""
    return "\n\n".join(
        "\n".join(" · ".join(row) for row in block.rows) if block.kind == TABLE else block.text
        for block in items
    )


def render_docx(items: list[Block]) -> bytes:
    document = DocxDocument()
    for block in items:
        if block.kind == HEADING:
            document.add_heading(block.text, level=block.level)
        elif block.kind == QUOTE:
            document.add_paragraph(block.text, style="Quote")
        elif block.kind == TABLE:
            table = document.add_table(rows=0, cols=len(block.rows[0]))
            table.style = "Table Grid"
            for row in block.rows:
                for cell, value in zip(table.add_row().cells, row, strict=True):
                    cell.text = value
        else:
            document.add_paragraph(block.text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render_odt(items: list[Block]) -> bytes:
    document = OpenDocumentText()
    quote = Style(name="Quote", family="paragraph")
    quote.addElement(ParagraphProperties(marginleft="1cm"))
    quote.addElement(TextProperties(fontstyle="italic"))
    column = Style(name="Column", family="table-column")
    column.addElement(TableColumnProperties(columnwidth="8cm"))
    headings = {}
    for level in range(4):
        style = Style(name=f"Heading {level or 'Title'}", family="paragraph")
        style.addElement(TextProperties(fontsize=f"{20 - 2 * level}pt", fontweight="bold"))
        headings[level] = style
        document.styles.addElement(style)
    document.styles.addElement(quote)
    document.automaticstyles.addElement(column)
    for block in items:
        if block.kind == HEADING:
            document.text.addElement(
                H(
                    outlinelevel=max(block.level, 1),
                    stylename=headings[block.level],
                    text=block.text,
                )
            )
        elif block.kind == QUOTE:
            document.text.addElement(P(stylename=quote, text=block.text))
        elif block.kind == TABLE:
            table = Table()
            table.addElement(
                TableColumn(numbercolumnsrepeated=len(block.rows[0]), stylename=column)
            )
            for row in block.rows:
                table_row = TableRow()
                for value in row:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=value))
                    table_row.addElement(cell)
                table.addElement(table_row)
            document.text.addElement(table)
        else:
            document.text.addElement(P(text=block.text))
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def render_pdf(items: list[Block], *, title: str, author: str, lang: str = "nb") -> bytes:
    """PDF/A-2b, with the archive's fonts and output intent."""
    texts = [block.text for block in items] + [
        cell for b in items for row in b.rows for cell in row
    ]
    pdf = new_pdf(title, author, lang, common=uses_common(title, author, *texts))
    for block in items:
        if block.kind == HEADING:
            pdf.ln(2)
            write_text(pdf, block.text, size=(15, 13, 11.5, 10.5)[block.level], bold=True)
        elif block.kind == QUOTE:
            write_quote(pdf, block.text)
        elif block.kind == TABLE:
            for row in block.rows:
                write_text(pdf, " · ".join(row), size=9.5, bold=row is block.rows[0])
        else:
            write_text(pdf, block.text)
    pdf.note_missing()
    return bytes(pdf.output())
