"""The period export: every closed consultation of an agency's arkivdel for a year, as one
arkivuttrekk with one arkivdel, stable systemIDs, bevaring og kassasjon and the arkivnøkkel."""

from __future__ import annotations

import tarfile

from lxml import etree

from hoering.accounts.models import ROLE_CASE_OFFICER
from hoering.archive import settings
from hoering.archive.check import check_extraction, format_report
from hoering.archive.xmlutil import MAIN_SCHEMAS, SCHEMA_DIR
from hoering.consultations import services as consultations
from hoering.extensions import db
from tests.factories import (
    make_closed_consultation,
    make_consultation,
    make_submission,
    make_user,
)

N5 = "{http://www.arkivverket.no/standarder/noark5/arkivstruktur}"


def _unpack(path, folder):
    with tarfile.open(path) as tar:
        tar.extractall(folder, filter="data")
    return folder / path.stem


def _arkivdel(package):
    tree = etree.parse(str(package / "arkivstruktur.xml"))
    (arkivdel,) = tree.iter(f"{N5}arkivdel")
    return arkivdel


def test_the_period_holds_every_closed_case_of_the_year_in_one_arkivdel(runner, tmp_path):
    first = make_closed_consultation()
    agency = first["consultation"].agency
    agency.disposal_authority = "Riksarkivarens forskrift § 7-19"
    agency.class_id, agency.class_title = "008", "Høringer og uttalelser"
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=agency)
    second = make_consultation(agency=agency, officer=officer, case_number="2026/77")
    # Filed in a class of its own; the others in the agency's default class.
    settings.set_class(second, "008.1", "Høringer om forskrifter", by=officer)
    make_submission(second)
    consultations.close_consultation(second, by=officer)
    still_open = make_consultation(agency=agency, officer=officer, case_number="2026/78")
    make_submission(still_open)
    other_year = make_consultation(agency=agency, officer=officer, case_number="2025/5")
    consultations.close_consultation(other_year, by=officer)
    db.session.commit()

    out = tmp_path / "periode-2026.tar"
    args = ["archive", "export", "--period", "2026", "--agency", agency.slug, "--out", str(out)]
    result = runner.invoke(args=[*args, "--workers", "1"])
    assert result.exit_code == 0, result.output
    results = check_extraction(out)
    assert all(r.passed for r in results), format_report(results)
    package = _unpack(out, tmp_path / "a")
    for xml, xsd in {**MAIN_SCHEMAS, "arkivuttrekk.xml": "addml.xsd"}.items():
        schema = etree.XMLSchema(etree.parse(str(SCHEMA_DIR / xsd)))
        assert schema.validate(etree.parse(str(package / xml))), f"{xml}: {schema.error_log}"

    arkivdel = _arkivdel(package)
    assert arkivdel.findtext(f"{N5}tittel") == "Elektroniske høringer 2026"
    assert arkivdel.findtext(f"{N5}arkivperiodeStartDato") == "2026-01-01"
    assert arkivdel.findtext(f"{N5}arkivperiodeSluttDato") == "2026-12-31"
    kassasjon = arkivdel.find(f"{N5}kassasjon")
    assert kassasjon.findtext(f"{N5}kassasjonsvedtak") == "Bevares"
    assert kassasjon.findtext(f"{N5}kassasjonshjemmel") == "Riksarkivarens forskrift § 7-19"
    assert kassasjon.findtext(f"{N5}bevaringstid") == "25"
    # The classes the cases of 2026 use, each holding its cases in case-number order; the open
    # one moves to the next period.
    classes = [
        (
            k.findtext(f"{N5}klasseID"),
            k.findtext(f"{N5}tittel"),
            [m.findtext(f"{N5}mappeID") for m in k.iter(f"{N5}mappe")],
        )
        for k in arkivdel.iterfind(f"{N5}klassifikasjonssystem/{N5}klasse")
    ]
    assert classes == [
        ("008", "Høringer og uttalelser", ["2026/1234"]),
        ("008.1", "Høringer om forskrifter", ["2026/77"]),
    ]
    created = sorted(m.findtext(f"{N5}opprettetDato") for m in arkivdel.iter(f"{N5}mappe"))
    assert arkivdel.findtext(f"{N5}opprettetDato") == created[0]

    # Exported again: the same systemIDs; a case officer's copy has an arkivdel of its own.
    again = tmp_path / "igjen.tar"
    assert runner.invoke(args=[*args[:-1], str(again), "--no-documents"]).exit_code == 0
    assert _arkivdel(_unpack(again, tmp_path / "b")).findtext(f"{N5}systemID") == (
        arkivdel.findtext(f"{N5}systemID")
    )
    copy = tmp_path / "kopi.tar"
    slug = first["consultation"].slug
    copied = runner.invoke(
        args=["archive", "export", "--consultation", slug, "--out", str(copy), "--no-documents"]
    )
    assert copied.exit_code == 0, copied.output
    assert _arkivdel(_unpack(copy, tmp_path / "c")).findtext(f"{N5}systemID") != (
        arkivdel.findtext(f"{N5}systemID")
    )


def test_a_period_without_closed_cases_is_refused_with_a_message(runner, tmp_path):
    consultation = make_consultation()
    db.session.commit()
    out = tmp_path / "tom.tar"
    args = ["archive", "export", "--period", "2026", "--agency", consultation.agency.slug]
    result = runner.invoke(args=[*args, "--out", str(out)])
    assert result.exit_code != 0
    assert "ingen lukkede høringer med saksår 2026" in result.output
    assert not out.exists()
    both = runner.invoke(
        args=["archive", "export", "--period", "2026", "--consultation", "x", "--out", str(out)]
    )
    assert both.exit_code != 0 and "either --consultation" in both.output
