"""The Arkade-style checks fail, naming the offender, when an export is broken on purpose."""

from __future__ import annotations

import hashlib
import re
import tarfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from hoering.archive.check import CheckResult, check_extraction, format_report
from hoering.archive.model import Retention
from hoering.archive.noark5 import write_extraction
from tests.archive.conftest import extraction_fixture, records_fixture, uid


def _failed(folder: Path) -> dict[str, CheckResult]:
    return {r.test_id: r for r in check_extraction(folder) if not r.passed}


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _refresh_addml_checksum(folder: Path, name: str) -> None:
    """Keep N5.02 quiet after editing an XML file on purpose."""
    addml = folder / "arkivuttrekk.xml"
    text = addml.read_text(encoding="utf-8")
    block = re.search(
        rf"<value>{re.escape(name)}</value>.*?<value>SHA-256</value>.*?<value>([0-9a-f]{{64}})",
        text,
        re.S,
    )
    assert block is not None
    new = hashlib.sha256((folder / name).read_bytes()).hexdigest()
    addml.write_text(text.replace(block.group(1), new), encoding="utf-8")


def _first_document(folder: Path) -> Path:
    return sorted((folder / "DOKUMENT").rglob("*.pdf"))[0]


def test_wrong_addml_checksum_fails_n5_02(unpacked: Path) -> None:
    with (unpacked / "endringslogg.xml").open("a", encoding="utf-8") as handle:
        handle.write("\n")
    failed = _failed(unpacked)
    assert "endringslogg.xml" in (failed["N5.02"].message or "")


def test_wrong_document_checksum_fails_n5_30(unpacked: Path) -> None:
    document = _first_document(unpacked)
    document.write_bytes(document.read_bytes() + b"x")
    failed = _failed(unpacked)
    assert set(failed) == {"N5.30"}
    assert document.name in (failed["N5.30"].message or "")


def test_missing_document_fails_n5_32_and_n5_28(unpacked: Path) -> None:
    document = _first_document(unpacked)
    document.unlink()
    failed = _failed(unpacked)
    assert set(failed) == {"N5.28", "N5.32"}
    assert document.name in (failed["N5.32"].message or "")
    assert "antallDokumentfiler is 6 but the package holds 5" in (failed["N5.28"].message or "")


def test_an_empty_document_file_is_counted_n5_64(unpacked: Path) -> None:
    _first_document(unpacked).write_bytes(b"")
    results = {r.test_id: r for r in check_extraction(unpacked)}
    assert not results["N5.30"].passed
    assert results["N5.64"].info and results["N5.64"].figures == "1"
    assert "[INFO] N5.64 Empty document files [1]" in format_report(list(results.values()))


def test_missing_documents_folder_fails_n5_28(unpacked: Path) -> None:
    for document in (unpacked / "DOKUMENT").rglob("*.pdf"):
        document.unlink()
    assert _failed(unpacked)["N5.28"].message == "the documents folder is missing or empty"


def test_unreferenced_file_fails_n5_33(unpacked: Path) -> None:
    (unpacked / "DOKUMENT" / "stray.pdf").write_bytes(b"%PDF-1.7")
    failed = _failed(unpacked)
    assert failed["N5.33"].message == "DOKUMENT/stray.pdf is not referenced"


def test_empty_element_fails_n5_63(unpacked: Path) -> None:
    _edit(
        unpacked / "arkivstruktur.xml",
        "<beskrivelse>Elektronisk høring med innspill per paragraf.</beskrivelse>",
        "<beskrivelse></beskrivelse>",
    )
    _refresh_addml_checksum(unpacked, "arkivstruktur.xml")
    failed = _failed(unpacked)
    assert re.fullmatch(
        r"arkivstruktur.xml line \d+: <beskrivelse> is empty", failed["N5.63"].message or ""
    )
    assert "N5.03" in failed


def test_duplicate_system_id_fails_n5_47(unpacked: Path) -> None:
    _edit(
        unpacked / "arkivstruktur.xml",
        f"<systemID>{uid('record-2')}</systemID>",
        f"<systemID>{uid('record-1')}</systemID>",
    )
    _refresh_addml_checksum(unpacked, "arkivstruktur.xml")
    failed = _failed(unpacked)
    assert uid("record-1") in (failed["N5.47"].message or "")


def test_bad_arkivdel_reference_fails_n5_48(unpacked: Path) -> None:
    wrong = "00000000-0000-4000-8000-000000000000"
    _edit(
        unpacked / "arkivstruktur.xml",
        f"<referanseArkivdel>{uid('arkivdel')}</referanseArkivdel>",
        f"<referanseArkivdel>{wrong}</referanseArkivdel>",
    )
    failed = _failed(unpacked)
    assert wrong in (failed["N5.48"].message or "")


def test_unequal_journal_counts_fail_n5_59(unpacked: Path) -> None:
    path = unpacked / "offentligJournal.xml"
    text = path.read_text(encoding="utf-8")
    start = text.rindex("<journalregistrering>")
    end = text.rindex("</journalregistrering>") + len("</journalregistrering>")
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    failed = _failed(unpacked)
    message = failed["N5.59"].message or ""
    assert "offentligJournal 4" in message
    assert "loependeJournal 5" in message


def test_endringslogg_reference_to_unknown_unit_fails_n5_62(unpacked: Path) -> None:
    unknown = "11111111-1111-4111-8111-111111111111"
    _edit(unpacked / "endringslogg.xml", uid("record-3"), unknown)
    assert unknown in (_failed(unpacked)["N5.62"].message or "")


def test_missing_schema_fails_n5_03(unpacked: Path) -> None:
    (unpacked / "offentligJournal.xsd").unlink()
    failed = _failed(unpacked)
    assert "offentligJournal.xsd" in (failed["N5.03"].message or "")


@pytest.mark.parametrize("name", ["loependeJournal.xml", "arkivuttrekk.xml"])
def test_missing_xml_file_fails_n5_01(unpacked: Path, name: str) -> None:
    (unpacked / name).unlink()
    assert _failed(unpacked)["N5.01"].message == f"missing {name}"


def test_format_report_lists_every_test(written: Path) -> None:
    report = format_report(check_extraction(written))
    assert report.splitlines()[0] == "[PASS] N5.01 Existence of the XML files"
    assert "[PASS] N5.17 Journalposttype of the journalposter [Inngående dokument 3, " in report
    assert "[PASS] N5.29 Document formats and file extensions [fmt/477 6]" in report
    assert "[INFO] N5.39 Number of korrespondanseparter [6]" in report
    assert "[INFO] N5.18 Registreringer per year [2026 5]" in report
    assert report.endswith("33 passed, 0 failed")


# Records-management rules: each broken on purpose in an otherwise valid package.


def _break(folder: Path, old: str, new: str) -> dict[str, CheckResult]:
    _edit(folder / "arkivstruktur.xml", old, new)
    _refresh_addml_checksum(folder, "arkivstruktur.xml")
    return _failed(folder)


def test_a_registrering_after_the_case_closed_fails_k3_2_4(unpacked: Path) -> None:
    failed = _break(
        unpacked,
        "<avsluttetDato>2026-04-11T09:00:00+01:00</avsluttetDato>",
        "<avsluttetDato>2026-03-03T12:00:00+01:00</avsluttetDato>",
    )
    assert "avsluttet (2026-03-03T12:00:00+01:00)" in (failed["K3.2.4"].message or "")


def test_a_case_created_after_its_first_registrering_fails_k_dates(unpacked: Path) -> None:
    text = (unpacked / "arkivstruktur.xml").read_text(encoding="utf-8")
    mappe = text.index('<mappe xsi:type="saksmappe">')
    created = text.index("<opprettetDato>", mappe)
    end = text.index("</opprettetDato>", created)
    text = text[:created] + "<opprettetDato>2026-03-04T09:00:00+01:00" + text[end:]
    (unpacked / "arkivstruktur.xml").write_text(text, encoding="utf-8")
    _refresh_addml_checksum(unpacked, "arkivstruktur.xml")
    failed = _failed(unpacked)
    assert "made before its mappe" in (failed["K-DATES"].message or "")


def test_journal_numbers_against_journal_dates_fail_k_journal(unpacked: Path) -> None:
    failed = _break(
        unpacked, "<journaldato>2026-03-03</journaldato>", "<journaldato>2026-03-01</journaldato>"
    )
    assert "dated 2026-03-01 after" in (failed["K-JOURNAL"].message or "")


def test_an_incoming_journalpost_left_open_fails_k3_4(unpacked: Path) -> None:
    text = (unpacked / "arkivstruktur.xml").read_text(encoding="utf-8")
    last = text.rindex("<avskrivning>")
    end = text.index("</avskrivning>", last) + len("</avskrivning>")
    (unpacked / "arkivstruktur.xml").write_text(text[:last] + text[end:], encoding="utf-8")
    _refresh_addml_checksum(unpacked, "arkivstruktur.xml")
    failed = _failed(unpacked)
    assert uid("record-4") in (failed["K3.4"].message or "")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (
            "<skjermingMetadata>Skjerming navn avsender</skjermingMetadata>",
            "<skjermingMetadata>Skjerming av deler av dokumentet</skjermingMetadata>",
        ),
        (
            "<avskrivningsmaate>Tatt til orientering</avskrivningsmaate>",
            "<avskrivningsmaate>Lukket</avskrivningsmaate>",
        ),
    ],
)
def test_a_value_outside_its_code_list_fails_m_codes(unpacked: Path, old: str, new: str) -> None:
    failed = _break(unpacked, old, new)
    message = failed["M-CODES"].message or ""
    assert new.split(">")[1].split("<")[0] in message
    assert " is not in M" in message


def _classified(unpacked: Path, inner: str) -> None:
    """Wrap the saksmappe in klassifikasjonssystem > klasse > klasse (with inner in the outer)."""
    path = unpacked / "arkivstruktur.xml"
    text = path.read_text(encoding="utf-8")
    start = text.index('<mappe xsi:type="saksmappe">')
    end = text.rindex("</mappe>") + len("</mappe>")
    header = "<opprettetDato>2026-01-01T09:00:00+01:00</opprettetDato><opprettetAv>a</opprettetAv>"
    wrapped = (
        f"<klassifikasjonssystem><systemID>{uid('ks')}</systemID><tittel>K</tittel>{header}"
        f"<klasse><systemID>{uid('k1')}</systemID><klasseID>1</klasseID><tittel>K1</tittel>"
        f"{header}<klasse><systemID>{uid('k2')}</systemID><klasseID>2</klasseID>"
        f"<tittel>K2</tittel>{header}{text[start:end]}</klasse>{inner}</klasse>"
        "</klassifikasjonssystem>"
    )
    path.write_text(text[:start] + wrapped + text[end:], encoding="utf-8")
    _refresh_addml_checksum(unpacked, "arkivstruktur.xml")


def test_a_class_with_subclasses_and_folders_fails_n5_12(unpacked: Path) -> None:
    folder = (
        f"<mappe><systemID>{uid('m2')}</systemID><tittel>M</tittel>"
        "<opprettetDato>2026-03-01T09:00:00+01:00</opprettetDato><opprettetAv>a</opprettetAv>"
        "<avsluttetDato>2026-04-01T09:00:00+01:00</avsluttetDato><avsluttetAv>a</avsluttetAv>"
        "</mappe>"
    )
    _classified(unpacked, folder)
    failed = _failed(unpacked)
    assert uid("k1") in (failed["N5.12"].message or "")
    assert "N5.19" not in failed and "N5.51" not in failed


def test_a_secondary_class_reference_to_nothing_fails_n5_51(unpacked: Path) -> None:
    _classified(unpacked, "")
    assert "N5.12" not in _failed(unpacked)
    failed = _break(
        unpacked,
        "</saksstatus>",
        f"</saksstatus><referanseSekundaerKlassifikasjon>{uid('ingen')}"
        "</referanseSekundaerKlassifikasjon>",
    )
    assert set(failed) == {"N5.51"}
    assert uid("ingen") in (failed["N5.51"].message or "")


# Arkade's content analyses that can report an error: each broken on purpose.


def _declare(folder: Path, pattern: str, new: str) -> None:
    """Change one value in arkivuttrekk.xml (its own checksum is not listed anywhere)."""
    path = folder / "arkivuttrekk.xml"
    text, count = re.subn(pattern, new, path.read_text(encoding="utf-8"), count=1, flags=re.S)
    assert count == 1
    path.write_text(text, encoding="utf-8")


def _flag(folder: Path, name: str, value: str) -> None:
    _declare(folder, rf'(name="{name}"[^>]*>\s*<value>)\w+', rf"\g<1>{value}")


@pytest.mark.parametrize(
    ("element", "test_id", "actual"),
    [("mappe", "N5.10", 1), ("registrering", "N5.16", 5), ("endring", "N5.61", 2)],
)
def test_a_count_other_than_declared_fails(
    unpacked: Path, element: str, test_id: str, actual: int
) -> None:
    _declare(
        unpacked,
        rf"(<value>{element}</value>.*?name=\"value\"[^>]*>\s*<value>)\d+",
        r"\g<1>7",
    )
    failed = _failed(unpacked)
    assert set(failed) == {test_id}
    assert failed[test_id].message == (
        f"arkivuttrekk.xml declares 7 <{element}>, the uttrekk holds {actual}"
    )


def test_an_unreadable_endringslogg_fails_n5_61(unpacked: Path) -> None:
    path = unpacked / "endringslogg.xml"
    path.write_bytes(path.read_bytes()[:-40])
    failed = _failed(unpacked)
    assert (failed["N5.61"].message or "").startswith("endringslogg.xml unreadable")


@pytest.mark.parametrize(
    ("old", "new", "test_id", "offender"),
    [
        (
            "<saksstatus>Avsluttet</saksstatus>",
            "<saksstatus>Under behandling</saksstatus>",
            "N5.15",
            "saksstatus 'Under behandling'",
        ),
        (
            "<journalstatus>Arkivert</journalstatus>",
            "<journalstatus>Journalført</journalstatus>",
            "N5.22",
            f"({uid('record-0')}): journalstatus 'Journalført'",
        ),
        (
            "<dokumentstatus>Dokumentet er ferdigstilt</dokumentstatus>",
            "<dokumentstatus>Dokumentet er under redigering</dokumentstatus>",
            "N5.25",
            "dokumentstatus 'Dokumentet er under redigering'",
        ),
        (
            "<format>fmt/477</format>",
            "<format>fmt/412</format>",
            "N5.29",
            "does not fit format fmt/412",
        ),
        (
            "<format>fmt/477</format>",
            "<format>fmt/18</format>",
            "N5.29",
            ".pdf is fmt/18, not an archive format",
        ),
    ],
)
def test_a_status_or_format_arkade_reports_fails(
    unpacked: Path, old: str, new: str, test_id: str, offender: str
) -> None:
    failed = _break(unpacked, old, new)
    assert set(failed) == {test_id}
    assert offender in (failed[test_id].message or "")


def test_a_journalpost_without_journalposttype_fails_n5_17(unpacked: Path) -> None:
    failed = _break(
        unpacked, "<journalposttype>Inngående dokument</journalposttype>", "<journalposttype/>"
    )
    message = failed["N5.17"].message or ""
    assert uid("record-1") in message
    assert message.endswith("journalpost without journalposttype")


def test_a_creation_date_that_is_no_date_fails_n5_27(unpacked: Path) -> None:
    failed = _break(
        unpacked,
        "<opprettetDato>2026-03-03T09:00:00+01:00</opprettetDato>",
        "<opprettetDato>3. mars 2026</opprettetDato>",
    )
    assert set(failed) == {"N5.03", "N5.27"}
    assert f"({uid('record-1')}): opprettetDato '3. mars 2026'" in (failed["N5.27"].message or "")


@pytest.mark.parametrize(
    ("name", "value", "test_id", "message"),
    [
        ("inneholderSkjermetInformasjon", "false", "N5.42", "is false, but arkivstruktur.xml"),
        ("inneholderDokumenterSomSkalKasseres", "true", "N5.44", "holds no disposal"),
        ("omfatterDokumenterSomErKassert", "true", "N5.45", "holds no utfoertKassasjon"),
    ],
)
def test_a_declaration_the_content_contradicts_fails(
    unpacked: Path, name: str, value: str, test_id: str, message: str
) -> None:
    _flag(unpacked, name, value)
    failed = _failed(unpacked)
    assert set(failed) == {test_id}
    assert (failed[test_id].message or "").startswith(f"{name} is {value}")
    assert message in (failed[test_id].message or "")


@pytest.mark.parametrize(("decision", "passes"), [("Bevares", True), ("Kasseres", False)])
def test_only_a_disposing_kassasjonsvedtak_needs_declaring_n5_44(
    unpacked: Path, decision: str, passes: bool
) -> None:
    failed = _break(
        unpacked,
        "</arkivperiodeSluttDato>",
        f"</arkivperiodeSluttDato><kassasjon><kassasjonsvedtak>{decision}</kassasjonsvedtak>"
        "<bevaringstid>10</bevaringstid><kassasjonsdato>2036-12-31</kassasjonsdato></kassasjon>",
    )
    assert set(failed) == (set() if passes else {"N5.44"})
    if not passes:
        assert "kassasjonsvedtak 'Kasseres' in arkivdel" in (failed["N5.44"].message or "")


def test_a_screened_document_alone_is_declared_n5_42(tmp_path: Path) -> None:
    """An uttrekk whose only skjerming is a redacted text says it holds screened information."""
    extraction = extraction_fixture(
        records=lambda _case: [r for r in records_fixture() if r.screening is None]
    )
    written = write_extraction(extraction, tmp_path / "uttrekk.tar", workers=1)
    results = {r.test_id: r for r in check_extraction(written)}
    assert results["N5.42"].passed, results["N5.42"].message
    assert results["N5.42"].figures == "dokumentbeskrivelse 1"


@pytest.mark.parametrize(("decision", "declared"), [("Bevares", "false"), ("Kasseres", "true")])
def test_the_kassasjonsvedtak_is_declared_n5_44(
    tmp_path: Path, decision: str, declared: str
) -> None:
    """arkivuttrekk.xml says documents are to be disposed of exactly when the vedtak disposes."""
    retention = Retention(decision, "Riksarkivarens forskrift § 7-19", 10, date(2036, 12, 31))
    extraction = replace(extraction_fixture(), retention=retention)
    written = write_extraction(extraction, tmp_path / "uttrekk.tar", workers=1)
    results = check_extraction(written)
    assert all(r.passed for r in results), format_report(results)
    n5_44 = next(r for r in results if r.test_id == "N5.44")
    assert n5_44.figures == f"arkivdel ({decision}) 1"
    with tarfile.open(written) as tar:
        member = tar.extractfile("uttrekk/arkivuttrekk.xml")
        assert member is not None
        addml = member.read().decode()
    assert re.search(rf'"inneholderDokumenterSomSkalKasseres"[^>]*>\s*<value>{declared}<', addml)
