"""The text of a PDF (its text layer), a DOCX or an ODT, for the personal-data scan and search.

Office XML is read with a parser that loads no DTD, resolves no entity and opens no network
connection; detect.sniff() has already refused packages that carry a DOCTYPE at all.
"""

from __future__ import annotations

import io
import zipfile

from lxml import etree

from hoering.documents.detect import DOCX, ODT, PDF

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
# A bound on the work per file: more pages than any letter has.
MAX_PAGES = 500


def safe_parser() -> etree.XMLParser:
    """An XML parser that loads no DTD, resolves no entity and opens no connection."""
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False
    )


def extract_text(data: bytes, media_type: str) -> str:
    """Plain text, one paragraph a line; '' for a PDF with no text layer (a scan)."""
    if media_type == PDF:
        return _pdf_text(data)
    if media_type == DOCX:
        return _docx_text(data)
    if media_type == ODT:
        return _odt_text(data)
    raise ValueError(media_type)


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    pages = [page.extract_text() or "" for page in reader.pages[:MAX_PAGES]]
    return "\n".join(page.strip() for page in pages if page.strip())


def _xml(data: bytes, member: str):
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        return etree.fromstring(package.read(member), safe_parser())


def _docx_text(data: bytes) -> str:
    root = _xml(data, "word/document.xml")
    lines = []
    for paragraph in root.iter(f"{W}p"):
        parts = []
        for node in paragraph.iter(f"{W}t", f"{W}tab", f"{W}br"):
            parts.append(node.text or "" if node.tag == f"{W}t" else " ")
        lines.append("".join(parts))
    return "\n".join(line for line in lines if line.strip())


def _odt_text(data: bytes) -> str:
    root = _xml(data, "content.xml")
    lines = ["".join(node.itertext()) for node in root.iter(f"{TEXT}h", f"{TEXT}p")]
    return "\n".join(line for line in lines if line.strip())
