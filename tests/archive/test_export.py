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
        closed = make_closed_consultation(
            consultees=(("Fjordvik kommune", "987654325"), ("Norsk Friluftsforum", "921000006"))
        )
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
    # Ten entries of innspill and replies, the høringsbrev and the revised draft.
    assert len(journalposts) == facts["entries"] == 12
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
    # The høringsbrev journalpost: outgoing, to each invited høringsinstans, with the draft.
    letter = journalposts[0]
    assert letter.findtext(f"{N5}journalposttype") == "Utgående dokument"
    assert letter.findtext(f"{N5}tittel") == "Høringsbrev: Høring om arkivloven"
    assert [
        (p.findtext(f"{N5}korrespondanseparttype"), p.findtext(f"{N5}korrespondansepartNavn"))
        for p in letter.iter(f"{N5}korrespondansepart")
    ] == [("Mottaker", "Fjordvik kommune"), ("Mottaker", "Norsk Friluftsforum")]
    assert letter.findtext(f"{N5}sendtDato")
    assert letter.findtext(f"{N5}dokumentbeskrivelse/{N5}tilknyttetRegistreringSom") == (
        "Hoveddokument"
    )
    # Both draft versions are documents of journalposter: the høringsbrev, the revised draft.
    assert letter.findtext(f"{N5}dokumentbeskrivelse/{N5}dokumenttype") == "Høringsutkast"
    revised = [r for r in journalposts if r.findtext(f"{N5}tittel").startswith("Revidert utkast")]
    assert len(revised) == 1
    assert revised[0].findtext(f"{N5}journalposttype") == "Utgående dokument"
    assert not [r for r in tree.iter(f"{N5}registrering") if r.findtext(f"{N5}journalaar") is None]
    drafts = [
        d.findtext(f"{N5}tittel")
        for d in tree.iter(f"{N5}dokumentbeskrivelse")
        if d.findtext(f"{N5}dokumenttype") == "Høringsutkast"
    ]
    assert drafts == ["Høringsutkast, versjon 1", "Høringsutkast, versjon 2"]


def test_screening_uses_m502_m503_with_its_duration_and_a_redacted_variant(exported):
    package, facts = exported
    tree = etree.parse(str(package / "arkivstruktur.xml"))
    # A screened name: the journalpost's metadata and the document, for 60 years.
    record = _record(tree, facts["screened"])
    skjerming = record.find(f"{N5}skjerming")
    assert skjerming.findtext(f"{N5}tilgangsrestriksjon") == "Unntatt offentlighet"
    assert skjerming.findtext(f"{N5}skjermingshjemmel").startswith("Offl. § 13 jf. fvl. § 13")
    assert [m.text for m in skjerming.findall(f"{N5}skjermingMetadata")] == [
        "Skjerming navn avsender"
    ]
    assert skjerming.findtext(f"{N5}skjermingDokument") == "Skjerming av deler av dokumentet"
    assert skjerming.findtext(f"{N5}skjermingsvarighet") == "60"
    journal_date = record.findtext(f"{N5}journaldato")
    ends = skjerming.findtext(f"{N5}skjermingOpphoererDato")
    assert int(ends[:4]) == int(journal_date[:4]) + 60 and ends[4:] == journal_date[4:]
    # A redacted text only: the document is screened, the journalpost's metadata is not.
    record = _record(tree, facts["redacted"])
    assert record.find(f"{N5}skjerming") is None
    document = record.find(f"{N5}dokumentbeskrivelse")
    skjerming = document.find(f"{N5}skjerming")
    assert skjerming.findtext(f"{N5}skjermingDokument") == "Skjerming av deler av dokumentet"
    for key in ("screened", "redacted"):
        variants = [v.text for v in _record(tree, facts[key]).iter(f"{N5}variantformat")]
        assert variants == ["Arkivformat", "Dokument hvor deler av innholdet er skjermet"]
    # The archive copy keeps the name; the public journal never shows it.
    assert "Hemmelig Hansen" in (package / "arkivstruktur.xml").read_text(encoding="utf-8")
    public = (package / "offentligJournal.xml").read_text(encoding="utf-8")
    assert "Hemmelig Hansen" not in public
    assert "<korrespondansepartNavn>******</korrespondansepartNavn>" in public


def test_the_redacted_variant_blanks_exactly_what_was_screened(closed):
    extraction = export_module.build_extraction(closed["consultation"], produced_by="Arkivar")
    case = next(iter(extraction.cases()))
    records = {r.system_id: r for r in extraction.records(case)}

    def variant(submission):
        record = records[entry_for_submission(submission.id).system_id]
        files = record.documents[0].files
        assert [f.variant for f in files][-1] == "Dokument hvor deler av innholdet er skjermet"
        return files[0].content.args[0], files[-1].content.args[0]

    full, redacted = variant(closed["redacted"])  # only the text was screened
    assert full.text == "Naboen min Per Hansen er uenig." and full.author == "Ola Nordmann"
    assert redacted.text == "Naboen min [sladdet] er uenig."
    assert redacted.author == "Ola Nordmann" and not redacted.author_screened
    assert "Deler av teksten er skjermet." in redacted.notes
    full, redacted = variant(closed["screened"])  # only the name was screened
    assert redacted.author_screened and redacted.text == full.text
    assert "Avsenderens navn er skjermet." in redacted.notes


def test_moderation_is_a_merknad_in_norwegian_and_the_hidden_pdf_says_so(exported, closed):
    package, _facts = exported
    changes = etree.parse(str(package / "endringslogg.xml"))
    ns = "{http://www.arkivverket.no/standarder/noark5/endringslogg}"
    logged = {
        (c.findtext(f"{ns}referanseMetadata"), c.findtext(f"{ns}nyVerdi"))
        for c in changes.iter(f"{ns}endring")
    }
    assert ("skjermingDokument", "Skjerming av deler av dokumentet") in logged
    assert not any(element == "moderasjonsstatus" for element, _value in logged)
    tree = etree.parse(str(package / "arkivstruktur.xml"))
    remarks = [
        (m.findtext(f"{N5}merknadstekst"), m.findtext(f"{N5}merknadRegistrertAv"))
        for m in tree.iter(f"{N5}merknad")
    ]
    assert ("Skjult av moderator: Spam", "Mona Moderator") in remarks
    extraction = export_module.build_extraction(closed["consultation"], produced_by="Arkivar")
    case = next(iter(extraction.cases()))
    hidden = entry_for_submission(closed["hidden"].id).system_id
    record = next(r for r in extraction.records(case) if r.system_id == hidden)
    assert "Skjult av moderator: Spam" in record.documents[0].files[0].content.args[0].notes


def test_answers_and_closing_avskriver_every_incoming_journalpost(exported):
    package, facts = exported
    tree = etree.parse(str(package / "arkivstruktur.xml"))
    answered = _record(tree, facts["first"]).find(f"{N5}avskrivning")
    assert answered.findtext(f"{N5}avskrivningsmaate") == "Besvart med brev"
    assert answered.findtext(f"{N5}referanseAvskrivesAvJournalpost") == facts["answer"]
    assert answered.findtext(f"{N5}avskrevetAv") == "Siri Saksbehandler"
    closing = _record(tree, facts["screened"]).find(f"{N5}avskrivning")
    assert closing.findtext(f"{N5}avskrivningsmaate") == "Tatt til orientering"
    assert closing.findtext(f"{N5}referanseAvskrivesAvJournalpost") is None
    for record in tree.iter(f"{N5}registrering"):
        if record.findtext(f"{N5}journalposttype") == "Inngående dokument":
            assert record.find(f"{N5}avskrivning") is not None
    for name in ("loependeJournal", "offentligJournal"):
        journal = (package / f"{name}.xml").read_text(encoding="utf-8")
        assert "<avskrivningsmaate>Besvart med brev</avskrivningsmaate>" in journal
        assert "<avskrivningsmaate>Tatt til orientering</avskrivningsmaate>" in journal


def test_export_without_documents_keeps_the_agencys_own_and_passes(closed, tmp_path):
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
    assert "33 passed, 0 failed" in checked.output


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
