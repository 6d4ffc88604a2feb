"""arkivuttrekk.xml: the ADDML 8.3 description following Arkivverket's Noark 5 v5.0 template."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from lxml import etree

from hoering.archive.xmlutil import ADDML, MAIN_SCHEMAS, XSI, sanitize_xml_text

_OCCURRENCES = {
    "arkivstruktur.xml": ("mappe", "registrering"),
    "endringslogg.xml": ("endring",),
    "loependeJournal.xml": ("journalregistrering",),
    "offentligJournal.xml": ("journalregistrering",),
}


@dataclass(frozen=True)
class AddmlFacts:
    """What arkivuttrekk.xml states about the package (krav 6.4.22)."""

    creator_name: str
    system_name: str
    archive_title: str
    period_start: date
    period_end: date
    screened: bool
    to_dispose: bool
    document_files: int
    checksums: dict[str, str]
    occurrences: dict[str, int]
    removed_characters: int


def _el(parent: etree._Element, tag: str, **attrib: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{ADDML}}}{tag}", attrib)


def _value(parent: etree._Element, text: str) -> None:
    _el(parent, "value").text = sanitize_xml_text(text)[0]


def _prop(
    parent: etree._Element, name: str, value: str | None = None, data_type: str | None = None
) -> etree._Element:
    """Add <property name=...> with an optional value; return it."""
    prop = _el(parent, "property", name=name)
    if data_type:
        prop.set("dataType", data_type)
    if value is not None:
        _value(prop, value)
    return prop


def _props(prop: etree._Element) -> etree._Element:
    return _el(prop, "properties")


def _file(parent: etree._Element, name: str, checksum: str | None) -> None:
    """A file property: name, XML 1.0 format and SHA-256 checksum (or name only)."""
    file_props = _props(_prop(parent, "file"))
    _prop(file_props, "name", name)
    if checksum is None:
        return
    _prop(_props(_prop(file_props, "format", "XML")), "version", "1.0")
    checksum_props = _props(_prop(file_props, "checksum"))
    _prop(checksum_props, "algorithm", "SHA-256")
    _prop(checksum_props, "value", checksum)


def _schema(parent: etree._Element, name: str, checksum: str | None, *, main: bool) -> None:
    """A schema property; metadatakatalog.xsd carries its checksum only at its first occurrence."""
    schema_props = _props(_prop(parent, "schema", "main" if main else None))
    _file(schema_props, name, checksum)
    if checksum is not None:
        _prop(_props(_prop(schema_props, "type", "XML Schema")), "version", "1.0")


def write_addml(path: Path, facts: AddmlFacts) -> None:
    """Write arkivuttrekk.xml describing the package (krav 6.4.22, template arkivuttrekk_v5_0)."""
    root = etree.Element(
        f"{{{ADDML}}}addml",
        {f"{{{XSI}}}schemaLocation": f"{ADDML} addml.xsd", "name": "Noark 5-arkivuttrekk"},
        nsmap={None: ADDML, "xsi": XSI},
    )
    dataset = _el(root, "dataset")
    _el(dataset, "description").text = "Noark 5-arkivuttrekk"
    reference = _el(dataset, "reference")
    context = _el(_el(reference, "context"), "additionalElements")
    creators = _el(_el(context, "additionalElement", name="recordCreators"), "additionalElements")
    _value(_el(creators, "additionalElement", name="recordCreator"), facts.creator_name)
    _value(_el(context, "additionalElement", name="systemType"), "Sakarkiv (Noark-5)")
    _value(_el(context, "additionalElement", name="systemName"), facts.system_name)
    _value(_el(context, "additionalElement", name="archive"), facts.archive_title)
    content = _el(_el(reference, "content"), "additionalElements")
    period = _props(_el(content, "additionalElement", name="archivalPeriod"))
    _prop(period, "startDate", facts.period_start.isoformat())
    _prop(period, "endDate", facts.period_end.isoformat())

    package = _el(_el(dataset, "dataObjects"), "dataObject", name="Noark 5-arkivuttrekk")
    info = _props(_prop(_props(package), "info"))
    _prop(_props(_prop(info, "type", "Noark 5")), "version", "5.0")
    extra = _props(_prop(info, "additionalInfo"))
    separation = _props(_prop(extra, "periode"))
    _prop(separation, "inngaaendeSkille", "skarpt")
    _prop(separation, "utgaaendeSkille", "skarpt")
    for name, flag in (
        ("inneholderSkjermetInformasjon", facts.screened),
        ("omfatterDokumenterSomErKassert", False),
        ("inneholderDokumenterSomSkalKasseres", facts.to_dispose),
        ("inneholderVirksomhetsspesifikkeMetadata", False),
    ):
        _prop(extra, name, "true" if flag else "false", "boolean")
    _prop(extra, "antallDokumentfiler", str(facts.document_files), "integer")
    if facts.removed_characters:
        _prop(
            extra,
            "merknad",
            f"{facts.removed_characters} tegn som XML 1.0 ikke kan inneholde (kontrolltegn, "
            "U+FFFE/U+FFFF, ensomme surrogater) er fjernet fra tekstfeltene i uttrekket.",
        )

    children = _el(package, "dataObjects")
    metadata_catalogue_listed = False
    for xml_name, xsd_name in MAIN_SCHEMAS.items():
        child_props = _props(_el(children, "dataObject", name=xml_name.removesuffix(".xml")))
        _file(child_props, xml_name, facts.checksums[xml_name])
        _schema(child_props, xsd_name, facts.checksums[xsd_name], main=True)
        _schema(
            child_props,
            "metadatakatalog.xsd",
            None if metadata_catalogue_listed else facts.checksums["metadatakatalog.xsd"],
            main=False,
        )
        metadata_catalogue_listed = True
        occurrences = _props(_prop(child_props, "info"))
        for element in _OCCURRENCES[xml_name]:
            occurrence = _props(_prop(occurrences, "numberOfOccurrences", element))
            _prop(occurrence, "elementPath", f"//{element}")
            _prop(occurrence, "value", str(facts.occurrences[f"{xml_name}//{element}"]), "integer")

    etree.ElementTree(root).write(
        str(path), encoding="utf-8", xml_declaration=True, pretty_print=True
    )
