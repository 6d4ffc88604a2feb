"""The demo loads, and its closed consultation exports as a valid arkivuttrekk."""

from __future__ import annotations

from sqlalchemy import select

from hoering import demo
from hoering.analysis.models import Campaign
from hoering.archive.check import check_extraction, format_report
from hoering.archive.export import export_consultation
from hoering.consultations.models import STATUS_CLOSED, Consultation
from hoering.extensions import db
from hoering.journal.models import JournalEntry, JournalRecipient
from hoering.journal.verify import verify_chain
from hoering.submissions.models import Submission


def test_demo_closed_consultation_holds_every_kind_and_exports(tmp_path):
    assert demo.load() is True
    assert demo.load() is False
    closed = db.session.scalar(select(Consultation).where(Consultation.status == STATUS_CLOSED))
    innspill = db.session.scalars(
        select(Submission).where(Submission.consultation_id == closed.id)
    ).all()
    assert any(s.hide_name for s in innspill)
    assert any(s.is_redacted for s in innspill)
    assert any(s.status == "hidden" for s in innspill)
    assert any(s.is_visible and s.parent_id for s in innspill)
    assert verify_chain() == []
    # The høringsbrev journalpost, sent to the invited høringsinstanser when it opened, and the
    # revised draft journaled on its own.
    entries = db.session.scalars(
        select(JournalEntry)
        .where(JournalEntry.consultation_id == closed.id)
        .order_by(JournalEntry.seq)
    ).all()
    letter = entries[0]
    assert (letter.kind, letter.document_type) == ("horingsbrev", "U")
    recipients = db.session.scalars(
        select(JournalRecipient.name).where(JournalRecipient.entry_id == letter.id)
    ).all()
    assert recipients == ["Fjordvik kommune", "Norsk Friluftsforum"]
    assert [e.kind for e in entries].count("revidert_utkast") == 1

    path = export_consultation(closed, tmp_path / "demo.tar", produced_by="Arkivar", workers=1)
    results = check_extraction(path)
    assert all(r.passed for r in results), format_report(results)


def test_demo_closed_consultation_holds_a_form_letter_campaign():
    demo.load()
    closed = db.session.scalar(select(Consultation).where(Consultation.status == STATUS_CLOSED))
    sizes = db.session.scalars(
        select(Campaign.size).where(Campaign.consultation_id == closed.id)
    ).all()
    assert sizes == [60]


def test_demo_agency_period_exports_and_validates(tmp_path):
    import tarfile

    from lxml import etree

    from hoering.archive.export import export_period
    from hoering.archive.xmlutil import MAIN_SCHEMAS, SCHEMA_DIR

    demo.load()
    closed = db.session.scalar(select(Consultation).where(Consultation.status == STATUS_CLOSED))
    path = export_period(
        closed.agency, closed.case_year, tmp_path / "periode.tar", produced_by="Arkivar", workers=1
    )
    results = check_extraction(path)
    assert all(r.passed for r in results), format_report(results)
    with tarfile.open(path) as tar:
        tar.extractall(tmp_path, filter="data")
    package = tmp_path / "periode"
    for xml, xsd in {**MAIN_SCHEMAS, "arkivuttrekk.xml": "addml.xsd"}.items():
        schema = etree.XMLSchema(etree.parse(str(SCHEMA_DIR / xsd)))
        assert schema.validate(etree.parse(str(package / xml))), f"{xml}: {schema.error_log}"


def test_demo_closed_consultation_has_a_published_outcome(client):
    demo.load()
    db.session.commit()
    closed = db.session.scalar(select(Consultation).where(Consultation.status == STATUS_CLOSED))
    page = client.get(f"/hoeringer/{closed.slug}/resultat").get_data(as_text=True)
    assert "Skriv til leseren" in page
    assert "Delvis tatt til følge" in page
    assert "Direktoratet utvider kravet om du-form til brev." in page
    assert "<ins>" in page and "<del>" in page
    data = client.get(f"/api/v1/hoeringer/{closed.slug}/resultat").get_json()
    assert {c["anchor"] for c in data["changed_paragraphs"]} == {"p-1-2", "p-2-1"}


def test_demo_statement_carries_a_docx_and_a_pdf_converted_by_the_queue(client):
    from hoering.documents.models import Attachment
    from hoering.journal.models import JournalEntry
    from hoering.journal.services import document_hash

    demo.load()
    db.session.commit()  # the task queue runs at once in tests: the PDF/As are made here
    closed = db.session.scalar(select(Consultation).where(Consultation.status == STATUS_CLOSED))
    attachments = db.session.scalars(
        select(Attachment)
        .where(Attachment.consultation_id == closed.id, Attachment.submission_id.is_not(None))
        .order_by(Attachment.id)
    ).all()
    assert [(a.original_name, a.media_type) for a in attachments] == [
        (
            "Høringssvar Norsk Friluftsforum.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("Vedlegg 1 – eksempler.pdf", "application/pdf"),
    ]
    statement = attachments[0].submission
    assert statement.organisation_name == "Norsk Friluftsforum"
    assert "retningslinjene også gjelder veiledningen" in attachments[0].text
    assert "uklare formuleringer" in attachments[1].text
    # Through submit(): journaled with the innspill, its hash covering the files.
    entry = db.session.scalar(
        select(JournalEntry).where(JournalEntry.submission_id == statement.id)
    )
    assert entry.document_hash == document_hash(statement.body, [a.sha256 for a in attachments])
    assert [a.conversion_status for a in attachments] == ["done", "done"]
    data = client.get(f"/api/v1/hoeringer/{closed.slug}/innspill").get_json()
    listed = next(item for item in data["data"] if item["id"] == statement.id)
    assert [f["name"] for f in listed["files"]] == [a.original_name for a in attachments]
