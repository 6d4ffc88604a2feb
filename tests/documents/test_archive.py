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


def test_a_withheld_file_is_screened_whole_and_a_redacted_copy_is_its_variant(tmp_path, queued):
    from hoering.accounts.models import ROLE_MODERATOR
    from hoering.documents.services import redacted_copy
    from hoering.journal.models import JournalChange
    from hoering.journal.verify import verify_chains
    from hoering.moderation import services as moderation
    from hoering.moderation.models import ModerationAction

    agency = make_agency()
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=agency)
    moderator = make_user(roles=[ROLE_MODERATOR], agency=agency, name="Mona Moderator")
    consultation = make_consultation(agency=agency, officer=officer)
    letter, appendix = files.docx("Brevet vårt."), files.pdf("Vedlegg med Ola Nordmann")
    make_submission(
        consultation,
        general=True,
        body="Se vedlegg.",
        files=[Upload("Brev.docx", letter), Upload("Tabell.pdf", appendix)],
    )
    db.session.commit()
    for attachment_id in jobs.pending_ids():
        assert jobs.run_conversion(attachment_id) == "done"
    brev, tabell = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
    moderation.withhold_file(brev, True, reason="Opplysninger om en tredjeperson", by=moderator)
    moderation.withhold_file(brev, False, reason="", by=moderator)
    moderation.withhold_file(brev, True, reason="Likevel personopplysninger", by=moderator)
    copy = files.pdf("Vedlegg med [sladdet]")
    moderation.redact_file(
        tabell, lambda: redacted_copy(tabell, Upload("s.pdf", copy)), reason="Navn", by=moderator
    )
    db.session.commit()
    assert jobs.run_conversion(tabell.id) == "done"  # the redacted copy's PDF/A

    # The moderation log and the journal's change log hold every step, with who and why.
    logged = db.session.scalars(select(ModerationAction).order_by(ModerationAction.id)).all()
    assert [(a.action, a.attachment_id, a.reason) for a in logged] == [
        ("withhold_file", brev.id, "Opplysninger om en tredjeperson"),
        ("release_file", brev.id, None),
        ("withhold_file", brev.id, "Likevel personopplysninger"),
        ("redact_file", tabell.id, "Navn"),
    ]
    assert all(a.actor_id == moderator.id for a in logged)
    changes = db.session.scalars(
        select(JournalChange).where(JournalChange.attachment_id.is_not(None))
    ).all()
    assert [(c.field, c.old_value, c.new_value, c.changed_by) for c in changes] == [
        ("withheld_file", "false", "true", "Mona Moderator"),
        ("withheld_file", "true", "false", "Mona Moderator"),
        ("withheld_file", "false", "true", "Mona Moderator"),
        ("redacted_file", None, hashlib.sha256(copy).hexdigest(), "Mona Moderator"),
    ]
    assert verify_chains()[0] == []

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
    described = {d.findtext(f"{N5}systemID"): d for d in tree.iter(f"{N5}dokumentbeskrivelse")}
    withheld = described[brev.system_id]
    assert withheld.findtext(f"{N5}skjerming/{N5}skjermingDokument") == (
        "Skjerming av hele dokumentet"
    )
    remarks = [m.findtext(f"{N5}merknadstekst") for m in withheld.findall(f"{N5}merknad")]
    assert remarks == [
        "Holdt tilbake fra offentligheten av moderator: Opplysninger om en tredjeperson",
        "Vist offentlig igjen av moderator",
        "Holdt tilbake fra offentligheten av moderator: Likevel personopplysninger",
    ]
    assert withheld.find(f"{N5}merknad/{N5}merknadRegistrertAv").text == "Mona Moderator"
    redacted = described[tabell.system_id]
    assert redacted.findtext(f"{N5}skjerming/{N5}skjermingDokument") == (
        "Skjerming av deler av dokumentet"
    )
    objects = redacted.findall(f"{N5}dokumentobjekt")
    assert [o.findtext(f"{N5}variantformat") for o in objects] == [
        "Produksjonsformat",
        "Arkivformat",
        "Dokument hvor deler av innholdet er skjermet",
    ]
    redacted_pdfa = (package / objects[2].findtext(f"{N5}referanseDokumentfil")).read_bytes()
    assert hashlib.sha256(redacted_pdfa).hexdigest() == tabell.redacted_rendition_sha256
    assert redacted_pdfa != copy and b"pdfaid:part" in redacted_pdfa
    log = etree.parse(str(package / "endringslogg.xml"))
    targets = [
        e.findtext("{*}referanseArkivenhet")
        for e in log.iter("{*}endring")
        if e.findtext("{*}referanseMetadata") == "skjermingDokument"
    ]
    assert targets.count(brev.system_id) == 3 and targets.count(tabell.system_id) == 1
