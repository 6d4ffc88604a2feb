"""The agency's own documents: on the consultation page, journaled as outgoing, in the archive;
and the case officer's view of failed conversions and search in the files' text."""

import io
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
from hoering.extensions import db
from hoering.journal.models import JournalAttachment, JournalEntry, JournalRecipient
from hoering.journal.verify import verify_chains
from tests.conftest import csrf_from
from tests.documents import files
from tests.factories import make_consultation, make_submission, make_user

N5 = "{http://www.arkivverket.no/standarder/noark5/arkivstruktur}"


def _upload(client, slug, name, data, **fields):
    url = f"/admin/hoeringer/{slug}/dokumenter"
    token = csrf_from(client.get(url).get_data(as_text=True))
    return client.post(
        url,
        data={"csrf_token": token, "files": (io.BytesIO(data), name), **fields},
        content_type="multipart/form-data",
    )


def _officer_and_consultation():
    consultation = make_consultation(title="Høring om dokumenter")
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    db.session.commit()
    return officer, consultation


def test_the_officer_puts_out_a_letter_and_a_memo_journaled_as_outgoing(signed_in, client, queued):
    consultation = make_consultation(title="Høring om dokumenter", publish=False)
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    consultations.add_consultee(consultation, "Fjordvik kommune", "987654325")
    db.session.commit()
    staff = signed_in(officer)
    letter = files.pdf("Høringsbrev: vi ber om merknader.")
    response = _upload(staff, consultation.slug, "brev.pdf", letter, kind="horingsbrev")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    response = _upload(
        staff,
        consultation.slug,
        "notat.docx",
        files.docx("Notatet forklarer forslaget."),
        kind="horingsnotat",
        title="Høringsnotat om nye regler",
    )
    assert response.status_code == 302
    # Not sent yet: the documents wait for the høringsbrev journalpost made at opening.
    assert db.session.scalar(select(JournalEntry)) is None

    consultations.publish_consultation(db.session.merge(consultation))
    db.session.commit()
    (entry,) = db.session.scalars(select(JournalEntry)).all()
    assert (entry.document_type, entry.kind, entry.title) == (
        "U",
        "horingsbrev",
        "Høringsbrev: Høring om dokumenter",
    )
    assert entry.correspondent_name == "Fjordvik kommune"
    carried = db.session.scalars(
        select(Attachment.kind)
        .join(JournalAttachment, JournalAttachment.attachment_id == Attachment.id)
        .order_by(JournalAttachment.position)
    ).all()
    assert carried == ["horingsbrev", "horingsnotat"]
    recipients = db.session.execute(select(JournalRecipient.name, JournalRecipient.org_number))
    assert recipients.all() == [("Fjordvik kommune", "987654325")]

    # Put out after opening: its own outgoing journalpost, to the same høringsinstanser.
    response = _upload(
        staff, consultation.slug, "rettelse.pdf", files.pdf("Rettelse."), kind="annet"
    )
    assert response.status_code == 302
    entries = db.session.scalars(select(JournalEntry).order_by(JournalEntry.seq)).all()
    assert [(e.document_type, e.title) for e in entries] == [
        ("U", "Høringsbrev: Høring om dokumenter"),
        ("U", "Annet dokument: Høring om dokumenter"),
    ]
    assert entries[1].correspondent_name == "Fjordvik kommune"
    assert verify_chains()[0] == []

    page = client.get(f"/hoeringer/{consultation.slug}/").get_data(as_text=True)
    assert "Høringsdokumenter" in page and "Høringsnotat om nye regler" in page
    document = db.session.scalar(select(Attachment).where(Attachment.kind == "horingsbrev"))
    url = f"/hoeringer/{consultation.slug}/dokumenter/{document.id}"
    assert client.get(url).data == letter  # the file itself until its PDF/A exists
    assert jobs.run_conversion(document.id) == "done"
    response = client.get(url)
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.data != letter and response.data.startswith(b"%PDF-")


def test_only_officers_put_out_documents_and_bad_files_are_refused(signed_in, queued):
    officer, consultation = _officer_and_consultation()
    outsider = make_user()
    db.session.commit()
    assert (
        signed_in(outsider).get(f"/admin/hoeringer/{consultation.slug}/dokumenter").status_code
        == 403
    )
    response = _upload(
        signed_in(officer),
        consultation.slug,
        "brev.pdf",
        files.encrypted_pdf(),
        kind="horingsbrev",
        title="Mitt brev",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "kryptert" in page and 'value="Mitt brev"' in page
    assert db.session.scalar(select(JournalEntry).where(JournalEntry.kind.is_(None))) is None


def test_failed_conversions_are_flagged_and_file_text_is_searchable(signed_in, queued):
    from hoering.documents.services import Upload

    officer, consultation = _officer_and_consultation()
    make_submission(
        consultation,
        general=True,
        body="Se vedlegg.",
        files=[Upload("uttalelse.docx", files.docx("Vi er bekymret for villreinen."))],
    )
    db.session.commit()
    attachment = db.session.scalar(select(Attachment))
    attachment.conversion_status = "failed"
    attachment.conversion_error = "soffice ran out of time (120 s)"
    db.session.commit()
    page = (
        signed_in(officer)
        .get(f"/admin/hoeringer/{consultation.slug}/dokumenter?q=villrein")
        .get_data(as_text=True)
    )
    assert "kunne ikke gjøres om til PDF/A" in page and "ran out of time" in page
    assert page.count("uttalelse.docx") == 2  # flagged, and found by the search


def test_the_archive_holds_the_agencys_documents_as_outgoing_records(signed_in, tmp_path, queued):
    officer, consultation = _officer_and_consultation()
    staff = signed_in(officer)
    response = _upload(
        staff, consultation.slug, "notat.odt", files.odt("Notat."), kind="horingsnotat"
    )
    assert response.status_code == 302
    for attachment_id in jobs.pending_ids():
        jobs.run_conversion(attachment_id)
    consultations.close_consultation(db.session.merge(consultation), by=officer)
    db.session.commit()
    path = export_consultation(consultation, tmp_path / "u.tar", produced_by="Arkivar")
    with tarfile.open(path) as tar:
        tar.extractall(tmp_path / "ut", filter="data")
    package = tmp_path / "ut" / "u"
    for xml, xsd in MAIN_SCHEMAS.items():
        schema = etree.XMLSchema(etree.parse(str(SCHEMA_DIR / xsd)))
        assert schema.validate(etree.parse(str(package / xml))), f"{xml}: {schema.error_log}"
    results = check_extraction(package)
    assert all(r.passed for r in results), format_report(results)
    tree = etree.parse(str(package / "arkivstruktur.xml"))
    described = [
        d
        for d in tree.iter(f"{N5}dokumentbeskrivelse")
        if d.findtext(f"{N5}dokumenttype") == "Høringsnotat"
    ]
    assert len(described) == 1
    variants = [o.findtext(f"{N5}variantformat") for o in described[0].iter(f"{N5}dokumentobjekt")]
    assert variants == ["Produksjonsformat", "Arkivformat"]


def test_the_hoeringsbrev_journalpost_carries_the_letter_the_memo_and_the_draft(
    signed_in, tmp_path, queued
):
    consultation = make_consultation(title="Høring om dokumenter", publish=False)
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    consultations.add_consultee(consultation, "Fjordvik kommune", "987654325")
    consultations.add_consultee(consultation, "Norsk Friluftsforum", "921000006")
    db.session.commit()
    staff = signed_in(officer)
    for name, data, kind in (
        ("notat.odt", files.odt("Notat."), "horingsnotat"),
        ("brev.pdf", files.pdf("Vi ber om merknader."), "horingsbrev"),
    ):
        assert _upload(staff, consultation.slug, name, data, kind=kind).status_code == 302
    for attachment_id in jobs.pending_ids():
        jobs.run_conversion(attachment_id)
    consultation = db.session.merge(consultation)
    consultations.publish_consultation(consultation)
    consultations.close_consultation(consultation, by=officer)
    db.session.commit()
    assert verify_chains()[0] == []

    path = export_consultation(consultation, tmp_path / "u.tar", produced_by="Arkivar")
    results = check_extraction(path)
    assert all(r.passed for r in results), format_report(results)
    with tarfile.open(path) as tar:
        tar.extractall(tmp_path / "ut", filter="data")
    tree = etree.parse(str(tmp_path / "ut" / "u" / "arkivstruktur.xml"))
    (letter,) = tree.iter(f"{N5}registrering")
    assert letter.findtext(f"{N5}journalposttype") == "Utgående dokument"
    # The høringsbrev is the hoveddokument whatever order the files came in; then the memo and
    # the draft as published (PDF/A).
    assert [
        (
            d.findtext(f"{N5}dokumenttype"),
            d.findtext(f"{N5}tilknyttetRegistreringSom"),
            d.findtext(f"{N5}dokumentnummer"),
        )
        for d in letter.iter(f"{N5}dokumentbeskrivelse")
    ] == [
        ("Høringsbrev", "Hoveddokument", "1"),
        ("Høringsnotat", "Vedlegg", "2"),
        ("Høringsutkast", "Vedlegg", "3"),
    ]
    assert [
        (p.findtext(f"{N5}korrespondanseparttype"), p.findtext(f"{N5}korrespondansepartNavn"))
        for p in letter.iter(f"{N5}korrespondansepart")
    ] == [("Mottaker", "Fjordvik kommune"), ("Mottaker", "Norsk Friluftsforum")]


def test_a_hoeringsinstans_invited_late_is_sent_the_documents_on_the_record(
    signed_in, tmp_path, queued
):
    consultation = make_consultation(title="Høring om dokumenter", publish=False)
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    consultations.add_consultee(consultation, "Fjordvik kommune", "987654325")
    db.session.commit()
    staff = signed_in(officer)
    for name, data, kind in (
        ("notat.odt", files.odt("Notat."), "horingsnotat"),
        ("brev.pdf", files.pdf("Vi ber om merknader."), "horingsbrev"),
    ):
        assert _upload(staff, consultation.slug, name, data, kind=kind).status_code == 302
    consultation = db.session.merge(consultation)
    consultations.publish_consultation(consultation)
    db.session.commit()
    # Put out after opening (its own journalpost), then a revised draft.
    assert _upload(staff, consultation.slug, "rettelse.pdf", files.pdf("Rettelse."), kind="annet")
    consultation = db.session.merge(consultation)
    revised = consultations.publish_draft_version(
        consultation, "# Lov\n\n## § 1\n\nNy tekst.\n", by=officer
    )
    consultations.add_consultee(consultation, "Norsk Friluftsforum", "921000006")
    db.session.commit()
    for attachment_id in jobs.pending_ids():
        jobs.run_conversion(attachment_id)
    consultations.close_consultation(consultation, by=officer)
    db.session.commit()
    assert verify_chains()[0] == []

    late = db.session.scalar(select(JournalEntry).order_by(JournalEntry.seq.desc()))
    assert (late.title, late.version_id) == (
        "Høringsbrev (ettersendt): Høring om dokumenter",
        revised.id,
    )
    path = export_consultation(consultation, tmp_path / "u.tar", produced_by="Arkivar")
    results = check_extraction(path)
    assert all(r.passed for r in results), format_report(results)
    with tarfile.open(path) as tar:
        tar.extractall(tmp_path / "ut", filter="data")
    package = tmp_path / "ut" / "u"
    for xml, xsd in MAIN_SCHEMAS.items():
        schema = etree.XMLSchema(etree.parse(str(SCHEMA_DIR / xsd)))
        assert schema.validate(etree.parse(str(package / xml))), f"{xml}: {schema.error_log}"
    tree = etree.parse(str(package / "arkivstruktur.xml"))
    (record,) = (
        r for r in tree.iter(f"{N5}registrering") if r.findtext(f"{N5}systemID") == late.system_id
    )
    assert record.findtext(f"{N5}tittel") == "Høringsbrev (ettersendt): Høring om dokumenter"
    # Every document the others have had, as they stand now: the høringsbrev first, the memo,
    # the document put out after opening, and the draft current now.
    assert [
        (d.findtext(f"{N5}dokumenttype"), d.findtext(f"{N5}tilknyttetRegistreringSom"))
        for d in record.iter(f"{N5}dokumentbeskrivelse")
    ] == [
        ("Høringsbrev", "Hoveddokument"),
        ("Høringsnotat", "Vedlegg"),
        ("Dokument", "Vedlegg"),
        ("Høringsutkast", "Vedlegg"),
    ]
    # Sent again, they are this journalpost's own dokumentbeskrivelser (systemIDs unique).
    ids = [d.findtext(f"{N5}systemID") for d in tree.iter(f"{N5}dokumentbeskrivelse")]
    assert len(ids) == len(set(ids))
    assert [
        (p.findtext(f"{N5}korrespondanseparttype"), p.findtext(f"{N5}korrespondansepartNavn"))
        for p in record.iter(f"{N5}korrespondansepart")
    ] == [("Mottaker", "Norsk Friluftsforum")]
