"""The published høringsoppsummering is a journalpost of the case in the Noark 5 export, with its
journaled text as a PDF/A document; the package still validates and passes every check."""

from __future__ import annotations

import tarfile

from lxml import etree

from hoering.analysis import services as analysis
from hoering.archive.check import check_extraction, format_report
from hoering.archive.export import export_consultation
from hoering.archive.xmlutil import MAIN_SCHEMAS, SCHEMA_DIR
from hoering.extensions import db
from hoering.outcome import services, summary
from tests.archive.test_documents import assert_pdfa_2b
from tests.factories import make_closed_consultation

N5 = "{http://www.arkivverket.no/standarder/noark5/arkivstruktur}"


def test_the_summary_is_a_document_of_the_case_in_the_export(tmp_path):
    data = make_closed_consultation()
    consultation, officer = data["consultation"], data["officer"]
    theme = analysis.create_theme(consultation, "Fristen", "", by=officer)
    db.session.flush()
    analysis.tag(consultation, theme, [data["first"].id], by=officer)
    services.record_disposition(
        consultation, "tema", theme.id, decision="rejected", assessment="Fristen står.", by=officer
    )
    summary.publish_summary(consultation, by=officer)
    db.session.commit()
    path = export_consultation(
        consultation, tmp_path / "uttrekk.tar", produced_by="Arkivar", workers=1
    )
    with tarfile.open(path) as tar:
        tar.extractall(tmp_path / "ut", filter="data")
    package = tmp_path / "ut" / "uttrekk"
    for xml, xsd in {**MAIN_SCHEMAS, "arkivuttrekk.xml": "addml.xsd"}.items():
        schema = etree.XMLSchema(etree.parse(str(SCHEMA_DIR / xsd)))
        assert schema.validate(etree.parse(str(package / xml))), f"{xml}: {schema.error_log}"
    results = check_extraction(package)
    assert all(r.passed for r in results), format_report(results)
    tree = etree.parse(str(package / "arkivstruktur.xml"))
    (document,) = [
        d
        for d in tree.iter(f"{N5}dokumentbeskrivelse")
        if d.findtext(f"{N5}dokumenttype") == "Høringsoppsummering"
    ]
    assert document.findtext(f"{N5}tittel") == "Høringsoppsummering – Høring om arkivloven"
    record = document.getparent()
    assert record.findtext(f"{N5}journalposttype") == "Utgående dokument"
    pdf = (package / document.findtext(f"{N5}dokumentobjekt/{N5}referanseDokumentfil")).read_bytes()
    assert_pdfa_2b(pdf)
