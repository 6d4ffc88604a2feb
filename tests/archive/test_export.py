"""The Noark 5 export of a consultation from the database: valid, complete, screened, refused."""

from __future__ import annotations

import shutil
import tarfile
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import func, select

from hoering.archive import export as export_module
from hoering.archive.check import check_extraction, format_report
from hoering.archive.export import NotClosedError, export_consultation
from hoering.archive.xmlutil import MAIN_SCHEMAS, SCHEMA_DIR
from hoering.extensions import db
from hoering.journal.models import JournalEntry
from hoering.journal.services import entry_for_submission
from tests.factories import make_closed_consultation, make_consultation

N5 = "{http://www.arkivverket.no/standarder/noark5/arkivstruktur}"


@pytest.fixture
def closed():
    return make_closed_consultation()


@pytest.fixture(scope="module")
def exported(app, tmp_path_factory) -> tuple[Path, dict]:
    """The closed consultation exported once for the module (the database is left empty)."""
    folder = tmp_path_factory.mktemp("export")
    with app.app_context():
        closed = make_closed_consultation()
        facts = {
            key: entry_for_submission(closed[key].id).system_id
            for key in ("first", "screened", "redacted")
        }
        facts["answer"] = db.session.scalar(
            select(JournalEntry.system_id).where(
                JournalEntry.agency_reply_id == closed["answer"].id
            )
        )
        facts["registration_id"] = entry_for_submission(closed["first"].id).registration_id
        facts["entries"] = db.session.scalar(select(func.count(JournalEntry.id)))
        path = export_consultation(
            closed["consultation"], folder / "uttrekk.tar", produced_by="Arkivar", workers=1
        )
        db.session.rollback()
        db.session.remove()
    with tarfile.open(path) as tar:
        tar.extractall(folder / "ut", filter="data")
    return folder / "ut" / "uttrekk", facts


@pytest.fixture
def package(exported) -> Path:
    return exported[0]


def _record(tree, system_id: str):
    for record in tree.iter(f"{N5}registrering"):
        if record.findtext(f"{N5}systemID") == system_id:
            return record
    raise AssertionError(f"no registrering {system_id}")


def test_every_xml_file_validates_against_the_official_schemas(package):
    for xml, xsd in {**MAIN_SCHEMAS, "arkivuttrekk.xml": "addml.xsd"}.items():
        schema = etree.XMLSchema(etree.parse(str(SCHEMA_DIR / xsd)))
        assert schema.validate(etree.parse(str(package / xml))), f"{xml}: {schema.error_log}"


def test_our_export_passes_every_check(package):
    results = check_extraction(package)
    assert all(r.passed for r in results), format_report(results)


def test_every_journal_entry_is_a_journalpost_with_its_documents(exported):
    package, facts = exported
    tree = etree.parse(str(package / "arkivstruktur.xml"))
    journalposts = [
        r for r in tree.iter(f"{N5}registrering") if r.findtext(f"{N5}journalaar") is not None
    ]
    assert len(journalposts) == facts["entries"] == 10
    record = _record(tree, facts["first"])
    assert record.findtext(f"{N5}journalposttype") == "Inngående dokument"
    assert record.findtext(f"{N5}registreringsID") == facts["registration_id"]
    party = record.find(f"{N5}korrespondansepart")
    assert party.findtext(f"{N5}korrespondanseparttype") == "Avsender"
    assert party.findtext(f"{N5}korrespondansepartNavn") == "Ola Nordmann"
    document = record.find(f"{N5}dokumentbeskrivelse/{N5}dokumentobjekt")
    assert document.findtext(f"{N5}format") == "fmt/477"
    pdf = package / document.findtext(f"{N5}referanseDokumentfil")
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert b"pdfaid" in pdf.read_bytes()

    # The agency's reply is an outgoing journalpost pointing at the innspill it answers.
    reply_record = _record(tree, facts["answer"])
    assert reply_record.findtext(f"{N5}journalposttype") == "Utgående dokument"
    assert (
        reply_record.findtext(f"{N5}kryssreferanse/{N5}referanseTilRegistrering")
        == (facts["first"])
    )
    # Both draft versions are documents of the case.
    drafts = [
        d.findtext(f"{N5}tittel")
        for d in tree.iter(f"{N5}dokumentbeskrivelse")
        if d.findtext(f"{N5}dokumenttype") == "Høringsutkast"
    ]
    assert drafts == ["Høringsutkast, versjon 1", "Høringsutkast, versjon 2"]


def test_screened_name_and_redaction_are_marked_and_get_a_redacted_variant(exported):
    package, facts = exported
    tree = etree.parse(str(package / "arkivstruktur.xml"))
    for key, metadata in (
        ("screened", "Skjerming navn avsender"),
        ("redacted", "Skjerming av deler av dokumentet"),
    ):
        record = _record(tree, facts[key])
        skjerming = record.find(f"{N5}skjerming")
        assert skjerming.findtext(f"{N5}tilgangsrestriksjon") == "Unntatt offentlighet"
        assert skjerming.findtext(f"{N5}skjermingshjemmel").startswith("Offl. § 13 jf. fvl. § 13")
        assert metadata in [m.text for m in skjerming.findall(f"{N5}skjermingMetadata")]
        variants = [v.text for v in record.iter(f"{N5}variantformat")]
        assert variants == ["Arkivformat", "Dokument hvor deler av innholdet er skjermet"]
    # The archive copy keeps the name; the public journal never shows it.
    assert "Hemmelig Hansen" in (package / "arkivstruktur.xml").read_text(encoding="utf-8")
    public = (package / "offentligJournal.xml").read_text(encoding="utf-8")
    assert "Hemmelig Hansen" not in public
    assert "<korrespondansepartNavn>******</korrespondansepartNavn>" in public


def test_change_log_holds_the_moderation_records(package):
    changes = etree.parse(str(package / "endringslogg.xml"))
    ns = "{http://www.arkivverket.no/standarder/noark5/endringslogg}"
    logged = {
        (c.findtext(f"{ns}referanseMetadata"), c.findtext(f"{ns}nyVerdi"))
        for c in changes.iter(f"{ns}endring")
    }
    assert ("skjermingDokument", "Skjerming av deler av dokumentet") in logged
    assert ("moderasjonsstatus", "hidden") in logged


def test_export_without_documents_keeps_the_drafts_and_passes(closed, tmp_path):
    path = export_consultation(
        closed["consultation"], tmp_path / "lett.tar", produced_by="Arkivar", documents=False
    )
    results = check_extraction(path)
    assert all(r.passed for r in results), format_report(results)
    with tarfile.open(path) as tar:
        pdfs = [n for n in tar.getnames() if n.endswith(".pdf")]
    assert len(pdfs) == 2


def test_open_consultation_is_refused(tmp_path):
    consultation = make_consultation()
    with pytest.raises(NotClosedError):
        export_consultation(consultation, tmp_path / "x.tar", produced_by="Arkivar")
    assert list(tmp_path.iterdir()) == []


def test_an_interrupted_export_leaves_nothing_behind(closed, tmp_path, monkeypatch):
    def broken(_ctx):
        raise RuntimeError("power cut")

    monkeypatch.setattr(export_module, "render_submission_pdf", broken)
    with pytest.raises(RuntimeError, match="power cut"):
        export_consultation(
            closed["consultation"], tmp_path / "x.tar", produced_by="Arkivar", workers=1
        )
    assert list(tmp_path.iterdir()) == []


# The CLI ---------------------------------------------------------------------------------------


def test_cli_exports_and_checks(closed, runner, tmp_path):
    slug = closed["consultation"].slug
    db.session.commit()
    out = tmp_path / "demo.tar"
    result = runner.invoke(
        args=["archive", "export", "--consultation", slug, "--out", str(out), "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "Arkivuttrekk written to" in result.output
    assert "arkivstruktur: " in result.output  # progress
    checked = runner.invoke(args=["archive", "check", str(out)])
    assert checked.exit_code == 0, checked.output
    assert "[PASS] N5.30" in checked.output
    assert "13 passed, 0 failed" in checked.output


def test_cli_check_names_the_failing_test(runner, tmp_path, package):
    broken = shutil.copytree(package, tmp_path / "broken")
    next((broken / "DOKUMENT").rglob("*.pdf")).write_bytes(b"%PDF-1.7 tampered")
    result = runner.invoke(args=["archive", "check", str(broken)])
    assert result.exit_code == 1
    assert "[FAIL] N5.30 Checksums of the document files" in result.output
    not_a_tar = tmp_path / "x.txt"
    not_a_tar.write_text("hei")
    result = runner.invoke(args=["archive", "check", str(not_a_tar)])
    assert result.exit_code != 0
    assert "neither a folder nor a tar file" in result.output


@pytest.mark.parametrize(
    ("slug_key", "out", "message"),
    [
        (None, "{tmp}/x.tar", "Fant ingen høring med adressen «finnes-ikke»."),
        ("open", "{tmp}/x.tar", "Høringen er ikke lukket."),
        ("closed", "/finnes/ikke/x.tar", "Arkivuttrekket kan ikke skrives til /finnes/ikke/x.tar"),
        ("closed", "{tmp}/x.zip", "Arkivuttrekket kan ikke skrives til"),
    ],
)
def test_cli_refusals_are_clear_and_leave_nothing(closed, runner, tmp_path, slug_key, out, message):
    slugs = {
        None: "finnes-ikke",
        "closed": closed["consultation"].slug,
        "open": make_consultation(agency=closed["consultation"].agency).slug,
    }
    db.session.commit()
    result = runner.invoke(
        args=[
            "archive",
            "export",
            "--consultation",
            slugs[slug_key],
            "--out",
            out.format(tmp=tmp_path),
        ]
    )
    assert result.exit_code == 1
    assert message in result.output
    assert list(tmp_path.iterdir()) == []
