"""The arkivuttrekk holds each attached file as its own Vedlegg: the original as
produksjonsformat, the PDF/A as arkivformat, with a konvertering record; and stays valid."""

import hashlib
import tarfile

from lxml import etree
from sqlalchemy import select

from hoering.accounts.models import ROLE_CASE_OFFICER
from hoering.archive.check import check_extraction, format_report
from hoering.archive.export import export_consultation
from hoering.archive.xmlutil import MAIN_SCHEMAS, SCHEMA_DIR
from hoering.consultations import services as consultations
from hoering.documents import jobs
from hoering.documents.models import Attachment
from hoering.documents.services import Upload
from hoering.extensions import db
from tests.documents import files
from tests.factories import make_agency, make_consultation, make_submission, make_user

N5 = "{http://www.arkivverket.no/standarder/noark5/arkivstruktur}"


def test_attachments_are_vedlegg_with_both_variants_and_a_conversion(tmp_path, queued):
    agency = make_agency()
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=agency)
    consultation = make_consultation(agency=agency, officer=officer)
    letter, appendix = files.docx("Brevet vårt."), files.pdf("Vedlegg 2")
    make_submission(
        consultation,
        general=True,
        body="Se vedlegg.",
        files=[Upload("Brev.docx", letter), Upload("Tabell.pdf", appendix)],
    )
    db.session.commit()
    for attachment_id in jobs.pending_ids():
        assert jobs.run_conversion(attachment_id) == "done"
    consultations.close_consultation(consultation, by=officer)
    db.session.commit()

    path = export_consultation(consultation, tmp_path / "uttrekk.tar", produced_by="Arkivar")
    with tarfile.open(path) as tar:
        tar.extractall(tmp_path / "ut", filter="data")
    package = tmp_path / "ut" / "uttrekk"
    for xml, xsd in MAIN_SCHEMAS.items():
        schema = etree.XMLSchema(etree.parse(str(SCHEMA_DIR / xsd)))
        assert schema.validate(etree.parse(str(package / xml))), f"{xml}: {schema.error_log}"
    results = check_extraction(package)
    assert all(r.passed for r in results), format_report(results)

    tree = etree.parse(str(package / "arkivstruktur.xml"))
    attachments = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
    record = next(
        r
        for r in tree.iter(f"{N5}registrering")
        if any(
            d.findtext(f"{N5}systemID") == attachments[0].system_id
            for d in r.iter(f"{N5}dokumentbeskrivelse")
        )
    )
    described = record.findall(f"{N5}dokumentbeskrivelse")
    assert [d.findtext(f"{N5}tilknyttetRegistreringSom") for d in described] == [
        "Hoveddokument",
        "Vedlegg",
        "Vedlegg",
    ]
    assert [d.findtext(f"{N5}tittel") for d in described[1:]] == ["Brev.docx", "Tabell.pdf"]
    word = described[1].findall(f"{N5}dokumentobjekt")
    assert [o.findtext(f"{N5}variantformat") for o in word] == ["Produksjonsformat", "Arkivformat"]
    assert [o.findtext(f"{N5}format") for o in word] == ["fmt/412", "fmt/477"]
    original_file = package / word[0].findtext(f"{N5}referanseDokumentfil")
    assert original_file.read_bytes() == letter
    assert word[0].findtext(f"{N5}sjekksum") == hashlib.sha256(letter).hexdigest()
    assert word[0].find(f"{N5}konvertering") is None
    conversion = word[1].find(f"{N5}konvertering")
    assert conversion.findtext(f"{N5}konvertertFraFormat") == "fmt/412"
    assert conversion.findtext(f"{N5}konvertertTilFormat") == "fmt/477"
    assert "LibreOffice" in conversion.findtext(f"{N5}konverteringsverktoey")
    archived = (package / word[1].findtext(f"{N5}referanseDokumentfil")).read_bytes()
    assert archived.startswith(b"%PDF-")
