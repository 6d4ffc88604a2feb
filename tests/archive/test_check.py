"""The Arkade-style checks fail, naming the offender, when an export is broken on purpose."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from hoering.archive.check import CheckResult, check_extraction, format_report
from tests.archive.conftest import uid


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
    assert report.endswith("21 passed, 0 failed")


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
