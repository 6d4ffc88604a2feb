"""A draft written in Word or LibreOffice (DOCX, ODT) as the Markdown the draft import reads.

Heading styles become headings (#, ##, ...), keeping their numbers: a number typed in the heading
stays as it is, and a heading numbered by the word processor's own multi-level numbering gets
the number the reader saw ("2", "2.4", "2.4.1"). Numbered and bulleted list items become list
items. Tables and images are written as lines the draft parser lists as "not imported", so
nothing is dropped silently. Pure functions over the file's bytes, with a parser that loads no
DTD and resolves no entity (detect.sniff() has checked the package before this runs).
"""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

from hoering.documents.detect import DOCX, ODT
from hoering.documents.extract import safe_parser

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
STYLE = "{urn:oasis:names:tc:opendocument:xmlns:style:1.0}"
_ODF_HEADING = re.compile(r"^Heading_20_(\d)$")
_HEADING_NAME = re.compile(r"^(?:heading|overskrift)\s*(\d)$", re.IGNORECASE)
_TYPED_NUMBER = re.compile(r"^(?:§|kapittel\b|kap\.|\d+(?:\.\d+)*\.?\s)", re.IGNORECASE)
TABLE_LINE = "| tabell |"
IMAGE_LINE = "![bilde]"


def to_markdown(data: bytes, media_type: str) -> str:
    if media_type == DOCX:
        return _docx(data)
    if media_type == ODT:
        return _odt(data)
    raise ValueError(media_type)


def _clean(text: str) -> str:
    return " ".join(text.split())


def _block(lines: list[str], *new: str) -> None:
    """Add a block (heading, paragraph, table) after a blank line."""
    if lines and lines[-1] != "":
        lines.append("")
    lines.extend([*new, ""])


def _heading(level: int, text: str, numbers: list[int], auto: bool) -> str:
    """'## 2.4 Title': the typed number kept, else the one the numbering gave it, if any."""
    level = max(1, min(level, 6))
    del numbers[level:]
    while len(numbers) < level:
        numbers.append(0)
    numbers[level - 1] += 1
    if auto and not _TYPED_NUMBER.match(text):
        text = f"{'.'.join(str(n or 1) for n in numbers)} {text}"
    return f"{'#' * level} {text}"


# DOCX ----------------------------------------------------------------------------------------


def _member(package: zipfile.ZipFile, name: str):
    try:
        return etree.fromstring(package.read(name), safe_parser())
    except KeyError:
        return None


def _styles(package: zipfile.ZipFile) -> dict[str, tuple[int | None, str | None]]:
    """styleId -> (heading level or None, the numId of the style's own numbering or None)."""
    root = _member(package, "word/styles.xml")
    styles = {}
    for style in root.iter(f"{W}style") if root is not None else ():
        name = style.find(f"{W}name")
        match = _HEADING_NAME.match(name.get(f"{W}val", "")) if name is not None else None
        level = int(match.group(1)) if match else None
        outline = style.find(f"{W}pPr/{W}outlineLvl")
        if level is None and outline is not None and outline.get(f"{W}val", "").isdigit():
            level = int(outline.get(f"{W}val")) + 1 if int(outline.get(f"{W}val")) < 9 else None
        num_id = style.find(f"{W}pPr/{W}numPr/{W}numId")
        styles[style.get(f"{W}styleId", "")] = (
            level,
            num_id.get(f"{W}val") if num_id is not None else None,
        )
    return styles


def _list_formats(package: zipfile.ZipFile) -> dict[tuple[str, str], str]:
    """(numId, ilvl) -> numFmt ('bullet', 'decimal', ...)."""
    root = _member(package, "word/numbering.xml")
    if root is None:
        return {}
    abstract = {}
    for item in root.iter(f"{W}abstractNum"):
        for lvl in item.iter(f"{W}lvl"):
            fmt = lvl.find(f"{W}numFmt")
            key = (item.get(f"{W}abstractNumId"), lvl.get(f"{W}ilvl"))
            abstract[key] = fmt.get(f"{W}val") if fmt is not None else "decimal"
    formats = {}
    for num in root.iter(f"{W}num"):
        ref = num.find(f"{W}abstractNumId")
        if ref is None:
            continue
        for (abstract_id, ilvl), fmt in abstract.items():
            if abstract_id == ref.get(f"{W}val"):
                formats[(num.get(f"{W}numId"), ilvl)] = fmt
    return formats


def _docx(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        document = _member(package, "word/document.xml")
        styles = _styles(package)
        formats = _list_formats(package)
    body = document.find(f"{W}body")
    lines: list[str] = []
    numbers: list[int] = []
    counters: dict[tuple[str, str], int] = {}
    for block in body if body is not None else ():
        if block.tag == f"{W}tbl":
            _block(lines, TABLE_LINE)
            continue
        if block.tag != f"{W}p":
            continue
        if block.find(f".//{W}drawing") is not None or block.find(f".//{W}pict") is not None:
            _block(lines, IMAGE_LINE)
        text = _clean("".join(t.text or "" for t in block.iter(f"{W}t")))
        if not text:
            continue
        style = block.find(f"{W}pPr/{W}pStyle")
        style_id = style.get(f"{W}val") if style is not None else ""
        level, style_num_id = styles.get(style_id, (None, None))
        num_id = block.find(f"{W}pPr/{W}numPr/{W}numId")
        ilvl = block.find(f"{W}pPr/{W}numPr/{W}ilvl")
        num = num_id.get(f"{W}val") if num_id is not None else style_num_id
        if num == "0":
            num = None  # numId 0 switches numbering off
        if level is not None:
            _block(lines, _heading(level, text, numbers, num is not None))
            continue
        if num is not None:
            key = (num, ilvl.get(f"{W}val") if ilvl is not None else "0")
            if formats.get(key, "bullet") in ("bullet", "none"):
                lines += [f"- {text}"]
            else:
                counters[key] = counters.get(key, 0) + 1
                lines += [f"{counters[key]}. {text}"]
            continue
        _block(lines, text)
    return "\n".join(lines).strip() + "\n"


# ODT -----------------------------------------------------------------------------------------


def _odt_heading_levels(package: zipfile.ZipFile, content) -> dict[str, int]:
    """Paragraph style name -> heading level, following parent styles ("P1" -> Heading 1)."""
    parents: dict[str, str] = {}
    levels: dict[str, int] = {}
    styles = _member(package, "styles.xml")
    for root in (styles, content):
        for style in root.iter(f"{STYLE}style") if root is not None else ():
            name = style.get(f"{STYLE}name", "")
            parents[name] = style.get(f"{STYLE}parent-style-name", "")
            outline = style.get(f"{STYLE}default-outline-level", "")
            match = _ODF_HEADING.match(name)
            if match or outline.isdigit():
                levels[name] = int(match.group(1) if match else outline)

    def level(name: str, depth: int = 0) -> int | None:
        if name in levels or depth > 8 or not name:
            return levels.get(name)
        return level(parents.get(name, ""), depth + 1)

    return {name: found for name in parents if (found := level(name))}


def _odt(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        content = _member(package, "content.xml")
        heading_levels = _odt_heading_levels(package, content)
    body = content.find(f"{OFFICE}body/{OFFICE}text")
    lines: list[str] = []
    numbers: list[int] = []

    def walk(node, in_list: bool) -> None:
        for child in node:
            style_level = heading_levels.get(child.get(f"{TEXT}style-name", ""))
            if child.tag == f"{TEXT}h" or (child.tag == f"{TEXT}p" and style_level and not in_list):
                level = int(child.get(f"{TEXT}outline-level", "") or style_level or 1)
                shown = child.find(f"{TEXT}number")
                text = _clean("".join(child.itertext()))
                if shown is not None and shown.text:
                    text = _clean(text.removeprefix(shown.text.strip()))
                    text = f"{shown.text.strip().rstrip('.')} {text}"
                if text:
                    _block(lines, _heading(level, text, numbers, False))
            elif child.tag == f"{TEXT}p":
                if child.find(f".//{DRAW}frame") is not None:
                    _block(lines, IMAGE_LINE)
                text = _clean("".join(child.itertext()))
                if text and in_list:
                    lines.append(f"- {text}")
                elif text:
                    _block(lines, text)
            elif child.tag == f"{TEXT}list":
                if lines and lines[-1] != "":
                    lines.append("")
                walk(child, True)
                lines.append("")
            elif child.tag == f"{TEXT}list-item":
                walk(child, True)
            elif child.tag == f"{TABLE}table":
                _block(lines, TABLE_LINE)
            elif child.tag == f"{TEXT}section":
                walk(child, in_list)

    walk(body if body is not None else [], False)
    return "\n".join(lines).strip() + "\n"
