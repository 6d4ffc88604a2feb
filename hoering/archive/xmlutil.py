"""Shared XML pieces of the Noark 5 export and its check: namespaces, shipped schemas, text
sanitizing and streaming reads."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from lxml import etree

SCHEMA_DIR = Path(__file__).with_name("schemas")
XSI = "http://www.w3.org/2001/XMLSchema-instance"
N5 = "http://www.arkivverket.no/standarder/noark5/"
ARKIVSTRUKTUR = N5 + "arkivstruktur"
ENDRINGSLOGG = N5 + "endringslogg"
LOEPENDE_JOURNAL = N5 + "loependeJournal"
OFFENTLIG_JOURNAL = N5 + "offentligJournal"
ADDML = "http://www.arkivverket.no/standarder/addml"

# The XML file each main schema validates, in the order arkivuttrekk.xml lists them (krav 6.4.16).
MAIN_SCHEMAS = {
    "arkivstruktur.xml": "arkivstruktur.xsd",
    "endringslogg.xml": "endringslogg.xsd",
    "loependeJournal.xml": "loependeJournal.xsd",
    "offentligJournal.xml": "offentligJournal.xsd",
}
SCHEMA_FILES = (*MAIN_SCHEMAS.values(), "metadatakatalog.xsd", "addml.xsd")

# Characters XML 1.0 cannot carry: C0 controls other than tab, LF and CR, lone surrogates,
# U+FFFE and U+FFFF (XML 1.0 § 2.2).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class XmlValueError(ValueError):
    """A value that cannot be written: empty where required, or a naive datetime."""


def sanitize_xml_text(text: str) -> tuple[str, int]:
    """Return text without the characters XML 1.0 cannot carry, and how many were removed."""
    cleaned, removed = _NOT_XML.subn("", text)
    return cleaned, removed


def iso(value: date | datetime) -> str:
    """Format xs:date or xs:dateTime; datetimes must be timezone-aware (krav 6.4.7)."""
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise XmlValueError(f"naive datetime {value.isoformat()}: give a timezone")
        return value.isoformat(timespec="seconds")
    return value.isoformat()


class LeafWriter:
    """Writes leaf elements into an lxml xmlfile, leaving out empty values (krav 6.4.5)."""

    def __init__(self, xf: etree.xmlfile, namespace: str) -> None:
        self.xf = xf
        self.namespace = namespace
        self.removed = 0

    def tag(self, name: str) -> str:
        """Qualified name in this writer's namespace."""
        return f"{{{self.namespace}}}{name}"

    def text(self, value: str | int | date | datetime | None) -> str:
        """The value as sanitized XML text, counting removed characters."""
        if value is None:
            return ""
        if isinstance(value, date | datetime):
            return iso(value)
        if isinstance(value, int):
            return str(value)
        cleaned, removed = sanitize_xml_text(value)
        self.removed += removed
        return cleaned.strip()

    def leaf(
        self, name: str, value: str | int | date | datetime | None, *, required: bool = False
    ) -> bool:
        """Write <name>value</name> unless the value is empty; return whether it was written."""
        text = self.text(value)
        if not text:
            if required:
                raise XmlValueError(f"{name} is required but empty")
            return False
        with self.xf.element(self.tag(name)):
            self.xf.write(text)
        self.xf.write("\n")
        return True

    @contextmanager
    def element(self, name: str, attrib: dict[str, str] | None = None) -> Iterator[None]:
        """Open a container element; one element per line keeps line numbers useful."""
        with self.xf.element(self.tag(name), attrib or {}):
            self.xf.write("\n")
            yield
        self.xf.write("\n")


def local_name(tag: object) -> str:
    """An element's tag without its namespace ("" for a comment or processing instruction)."""
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_events(
    path: Path, events: tuple[str, ...] = ("end",), schema: etree.XMLSchema | None = None
) -> Iterator[tuple[str, etree._Element]]:
    """iterparse over a file that is closed even when the caller stops early."""
    with path.open("rb") as handle:
        yield from etree.iterparse(handle, events=events, schema=schema)


def release_element(element: etree._Element) -> None:
    """Free an element that has been read, and the siblings before it."""
    element.clear(keep_tail=True)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]
