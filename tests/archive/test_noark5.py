"""The arkivuttrekk writer: valid XML, screening in the journals, refusals, atomicity, streaming."""

from __future__ import annotations

import functools
import tarfile
import time
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from hoering.archive.check import check_extraction, format_report
from hoering.archive.model import Record
from hoering.archive.noark5 import (
    CaseNotClosedError,
    DestinationError,
    InvalidDataError,
    write_extraction,
)
from hoering.archive.xmlutil import MAIN_SCHEMAS, SCHEMA_DIR, SCHEMA_FILES, sanitize_xml_text
from tests.archive.conftest import (
    case_fixture,
    extraction_fixture,
    many_records,
    records_fixture,
    uid,
)

N5 = "{http://www.arkivverket.no/standarder/noark5/%s}"


def _validate(folder: Path, xml: str, xsd: str) -> None:
    schema = etree.XMLSchema(etree.parse(str(SCHEMA_DIR / xsd)))
    document = etree.parse(str(folder / xml))
    assert schema.validate(document), f"{xml}: {schema.error_log}"


def test_every_xml_file_validates_against_the_official_schemas(unpacked: Path) -> None:
    for xml, xsd in {**MAIN_SCHEMAS, "arkivuttrekk.xml": "addml.xsd"}.items():
        _validate(unpacked, xml, xsd)


def test_schemas_are_shipped_byte_for_byte(unpacked: Path) -> None:
    for name in SCHEMA_FILES:
        assert (unpacked / name).read_bytes() == (SCHEMA_DIR / name).read_bytes()
        assert b"\r\n" in (unpacked / name).read_bytes()


def test_check_extraction_passes_on_our_output(written: Path) -> None:
    results = check_extraction(written)
    assert all(r.passed for r in results), format_report(results)
    assert [r.test_id for r in results if not r.info] == [
        "N5.01", "N5.02", "N5.03", "N5.10", "N5.12", "N5.15", "N5.16", "N5.17", "N5.19",
        "N5.22", "N5.25", "N5.27", "N5.28", "N5.29", "N5.30", "N5.32", "N5.33", "N5.42",
        "N5.44", "N5.45", "N5.47", "N5.48", "N5.51", "N5.59", "N5.60", "N5.61", "N5.62",
        "N5.63", "K3.2.4", "K-DATES", "K-JOURNAL", "K3.4", "M-CODES",
    ]  # fmt: skip


def test_public_journal_hides_screened_names_and_titles(unpacked: Path) -> None:
    public = (unpacked / "offentligJournal.xml").read_text(encoding="utf-8")
    assert "Kari Hemmelig" not in public
    assert "helse" not in public
    assert "<korrespondansepartNavn>******</korrespondansepartNavn>" in public
    assert "<offentligTittel>Innspill fra ****** om ******</offentligTittel>" in public
    running = (unpacked / "loependeJournal.xml").read_text(encoding="utf-8")
    assert "Kari Hemmelig" in running
    assert "<skjermingMetadata>Skjerming navn avsender</skjermingMetadata>" in running


def test_arkivstruktur_carries_screening_reply_and_redacted_variant(unpacked: Path) -> None:
    ns = N5 % "arkivstruktur"
    root = etree.parse(str(unpacked / "arkivstruktur.xml")).getroot()
    posts = {r.findtext(f"{ns}systemID"): r for r in root.iter(f"{ns}registrering")}
    reply = posts[uid("record-2")]
    assert reply.findtext(f"{ns}journalposttype") == "Utgående dokument"
    assert reply.findtext(f"{ns}kryssreferanse/{ns}referanseTilRegistrering") == uid("record-1")
    partly = posts[uid("record-4")]
    assert partly.findtext(f"{ns}dokumentbeskrivelse/{ns}skjerming/{ns}skjermingDokument") == (
        "Skjerming av deler av dokumentet"
    )
    variants = [v.text for v in partly.iter(f"{ns}variantformat")]
    assert variants == ["Arkivformat", "Dokument hvor deler av innholdet er skjermet"]
    # The høringsbrev comes first: a journalpost to each høringsinstans, the draft its document.
    letter = posts[str(root.find(f".//{ns}mappe/{ns}registrering/{ns}systemID").text)]
    assert letter.get("{http://www.w3.org/2001/XMLSchema-instance}type") == "journalpost"
    assert letter.findtext(f"{ns}dokumentbeskrivelse/{ns}dokumenttype") == "Høringsutkast"
    assert [
        p.findtext(f"{ns}korrespondansepartNavn") for p in letter.iter(f"{ns}korrespondansepart")
    ] == [
        "Foreningen for åpenhet",
        "Fjordvik kommune",
    ]
    assert letter.findtext(f"{ns}sendtDato") == "2026-03-02T09:00:00+01:00"


def test_addml_states_counts_screening_and_removed_characters(unpacked: Path) -> None:
    addml = (unpacked / "arkivuttrekk.xml").read_text(encoding="utf-8")
    tree = etree.parse(str(unpacked / "arkivuttrekk.xml"))
    values = {
        p.get("name"): p.findtext("{*}value")
        for p in tree.iter("{*}property")
        if p.get("dataType") in ("boolean", "integer") and p.get("name") != "value"
    }
    assert values["inneholderSkjermetInformasjon"] == "true"
    assert values["antallDokumentfiler"] == "6"
    assert "tegn som XML 1.0 ikke kan inneholde" in addml


def test_control_characters_are_stripped_and_xml_stays_valid(unpacked: Path) -> None:
    text = (unpacked / "arkivstruktur.xml").read_text(encoding="utf-8")
    assert "\x07" not in text
    assert "Ola Nordmann 😀</tittel>" in text
    assert "\x0c" not in (unpacked / "endringslogg.xml").read_text(encoding="utf-8")
    assert sanitize_xml_text("a\x00b\ufffec\ud800d\te\n") == ("abcd\te\n", 3)


def test_empty_change_list_logs_the_closing_of_the_case(tmp_path: Path) -> None:
    out = write_extraction(extraction_fixture(changes=()), tmp_path / "u.tar", workers=1)
    with tarfile.open(out) as tar:
        member = tar.extractfile("u/endringslogg.xml")
        assert member is not None
        log = member.read().decode()
    assert "<referanseMetadata>saksstatus</referanseMetadata>" in log
    assert "<nyVerdi>Avsluttet</nyVerdi>" in log
    assert all(r.passed for r in check_extraction(out))


def test_open_case_is_refused(tmp_path: Path) -> None:
    extraction = extraction_fixture(case=case_fixture(closed=False))
    with pytest.raises(CaseNotClosedError) as raised:
        write_extraction(extraction, tmp_path / "u.tar", workers=1)
    assert raised.value.code == "case_not_closed"
    assert list(tmp_path.iterdir()) == []


def test_unwritable_destination_is_refused(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    with pytest.raises(DestinationError) as raised:
        write_extraction(extraction_fixture(), not_a_folder / "u.tar", workers=1)
    assert raised.value.code == "destination_not_writable"


def test_record_without_party_is_refused(tmp_path: Path) -> None:
    records = records_fixture()
    records[2] = replace(records[2], parties=())
    extraction = extraction_fixture(records=lambda _case: records)
    with pytest.raises(InvalidDataError, match=uid("record-2")):
        write_extraction(extraction, tmp_path / "u.tar", workers=1)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("workers", [1, 2])
def test_failure_half_way_leaves_nothing_behind(tmp_path: Path, workers: int) -> None:
    def records(case: object) -> list[Record]:
        items = records_fixture()
        document = items[2].documents[0]
        broken_file = replace(document.files[0], content=functools.partial(bytes.fromhex, "zz"))
        items[2] = replace(items[2], documents=(replace(document, files=(broken_file,)),))
        return items

    with pytest.raises(ValueError, match="non-hexadecimal"):
        write_extraction(extraction_fixture(records=records), tmp_path / "u.tar", workers=workers)
    assert list(tmp_path.iterdir()) == []


def test_progress_is_reported_per_record(tmp_path: Path) -> None:
    calls: list[tuple[str, int]] = []
    write_extraction(
        extraction_fixture(),
        tmp_path / "u.tar",
        workers=1,
        progress=lambda stage, n: calls.append((stage, n)),
    )
    assert [n for stage, n in calls if stage == "arkivstruktur"] == [1, 2, 3, 4, 5]
    assert ("offentligJournal", 5) in calls


def test_two_thousand_records_stream_quickly(tmp_path: Path) -> None:
    extraction = extraction_fixture(records=many_records(2000), changes=())
    started = time.perf_counter()
    out = write_extraction(extraction, tmp_path / "big.tar", workers=2)
    assert time.perf_counter() - started < 30
    results = check_extraction(out)
    assert all(r.passed for r in results), format_report(results)
