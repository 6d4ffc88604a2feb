"""Check a Noark 5 arkivuttrekk (ours or another system's) the way Arkade 5 does.

Covers the structure tests N5.01-N5.03 and N5.28, the content controls N5.30, N5.32, N5.33,
N5.47, N5.48, N5.59, N5.60, N5.62 and N5.63, the content analyses that can report an error
(hoering.archive.analyses: N5.10, N5.15-N5.17, N5.22, N5.25, N5.27, N5.29, N5.42, N5.44, N5.45
and N5.61), then hoering.archive.rules: the class controls N5.12, N5.19 and N5.51 and the
records-management rules (dates, closing, avskrivning, code lists). Arkade's other Noark 5 tests
only count and never report an error: their counts are printed as INFO lines (analyses.COUNTS).
The XML files are read with iterparse and cleared as they
go, so memory grows only with the sets of systemIDs and file names.
"""

from __future__ import annotations

import hashlib
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from hoering.archive.analyses import READ, Analyses, Declared
from hoering.archive.analyses import TESTS as ANALYSES
from hoering.archive.rules import check_rules
from hoering.archive.xmlutil import (
    ADDML,
    MAIN_SCHEMAS,
    SCHEMA_DIR,
    XSI,
    local_name,
    parse_events,
    release_element,
)

XML_FILES = ("arkivuttrekk.xml", *MAIN_SCHEMAS)
DOCUMENT_DIRS = ("DOKUMENT", "dokumenter", "DOKUMENTER", "dokument")
CHECKSUM_ALGORITHMS = {"SHA256", "SHA-256"}
_XSI_TYPE = f"{{{XSI}}}type"


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one Arkade test; message names the first offender when it failed, figures
    are the counts Arkade reports beside it. An info result is one of Arkade's tests that only
    count: it always passes and is not counted as passed."""

    test_id: str
    name: str
    passed: bool
    message: str | None = None
    figures: str | None = None
    info: bool = False


@dataclass
class _Structure:
    """What one pass over arkivstruktur.xml finds."""

    system_ids: dict[str, int] = field(default_factory=dict)
    duplicate: str | None = None
    arkivdeler: set[str] = field(default_factory=set)
    arkivdel_refs: list[tuple[str, int]] = field(default_factory=list)
    referenced: set[str] = field(default_factory=set)
    missing_file: str | None = None
    bad_checksum: str | None = None
    journalposter: int = 0
    dates: list[str] = field(default_factory=list)
    empty: str | None = None
    analyses: Analyses = field(default_factory=Analyses)
    multi_referenced: set[str] = field(default_factory=set)
    empty_files: int = 0


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _empty(element: etree._Element) -> bool:
    """An element with neither children nor text (Noark 5 krav 6.4.5, Arkade N5.63)."""
    return len(element) == 0 and not (element.text or "").strip()


@contextmanager
def _opened(path: Path) -> Iterator[Path]:
    """The folder holding arkivuttrekk.xml or arkivstruktur.xml, unpacking a .tar first."""
    if path.is_file():
        with tempfile.TemporaryDirectory(prefix="noark5-check-") as tmp:
            with tarfile.open(path) as tar:
                tar.extractall(tmp, filter="data")
            yield _package_root(Path(tmp))
    else:
        yield _package_root(path)


def _package_root(folder: Path) -> Path:
    if any((folder / name).exists() for name in XML_FILES):
        return folder
    subfolders = [p for p in folder.iterdir() if p.is_dir()]
    return subfolders[0] if len(subfolders) == 1 else folder


class _Checker:
    """Runs the tests over one unpacked package."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.results: list[CheckResult] = []

    def result(
        self, test_id: str, name: str, failure: str | None, figures: str | None = None
    ) -> None:
        self.results.append(CheckResult(test_id, name, failure is None, failure, figures))

    # ADDML -------------------------------------------------------------------------------

    def addml(self) -> etree._ElementTree | None:
        """arkivuttrekk.xml parsed (it is small), or None when missing or unreadable."""
        path = self.root / "arkivuttrekk.xml"
        try:
            return etree.parse(str(path))
        except (OSError, etree.XMLSyntaxError):
            return None

    @staticmethod
    def _property_value(tree: etree._ElementTree, name: str) -> str | None:
        found = tree.find(f".//{{{ADDML}}}property[@name='{name}']/{{{ADDML}}}value")
        return None if found is None else (found.text or "").strip()

    @staticmethod
    def _occurrences(tree: etree._ElementTree, file_name: str, element: str) -> int | None:
        """The numberOfOccurrences arkivuttrekk.xml declares for element in one XML file."""
        value = f"{{{ADDML}}}value"
        for data_object in tree.iter(f"{{{ADDML}}}dataObject"):
            named = data_object.findtext(
                f"{{{ADDML}}}properties/{{{ADDML}}}property[@name='file']/{{{ADDML}}}properties"
                f"/{{{ADDML}}}property[@name='name']/{value}"
            )
            if (named or "").strip() != file_name:
                continue
            for prop in data_object.iter(f"{{{ADDML}}}property"):
                if prop.get("name") == "numberOfOccurrences" and (
                    (prop.findtext(value) or "").strip() == element
                ):
                    count = prop.findtext(
                        f"{{{ADDML}}}properties/{{{ADDML}}}property[@name='value']/{value}"
                    )
                    return int(count) if (count or "").strip().isdigit() else None
        return None

    def declared(self, tree: etree._ElementTree | None) -> Declared | str:
        """What arkivuttrekk.xml declares for the content analyses (a missing flag is false)."""
        if tree is None:
            return "arkivuttrekk.xml is missing or unreadable"
        return Declared(
            folders=self._occurrences(tree, "arkivstruktur.xml", "mappe"),
            registrations=self._occurrences(tree, "arkivstruktur.xml", "registrering"),
            changes=self._occurrences(tree, "endringslogg.xml", "endring"),
            screened=self._property_value(tree, "inneholderSkjermetInformasjon") == "true",
            to_dispose=self._property_value(tree, "inneholderDokumenterSomSkalKasseres") == "true",
            disposed=self._property_value(tree, "omfatterDokumenterSomErKassert") == "true",
        )

    def sharp_separation(self, tree: etree._ElementTree | None) -> bool:
        """Both period separations are "skarpt" (Arkade: PeriodSeparationIsSharp)."""
        if tree is None:
            return False
        return all(
            self._property_value(tree, name) == "skarpt"
            for name in ("inngaaendeSkille", "utgaaendeSkille")
        )

    def n5_01(self) -> None:
        missing = [name for name in XML_FILES if not (self.root / name).is_file()]
        failure = f"missing {missing[0]}" if missing else None
        self.result("N5.01", "Existence of the XML files", failure)

    def n5_02(self, tree: etree._ElementTree | None) -> None:
        failure = None
        if tree is None:
            failure = "arkivuttrekk.xml is missing or unreadable"
        else:
            for prop in tree.iter(f"{{{ADDML}}}property"):
                if prop.get("name") != "file":
                    continue
                failure = self._file_checksum(prop)
                if failure:
                    break
        self.result("N5.02", "Checksums in arkivuttrekk.xml", failure)

    def _file_checksum(self, prop: etree._Element) -> str | None:
        value = f"{{{ADDML}}}value"
        name = prop.findtext(f"{{{ADDML}}}properties/{{{ADDML}}}property[@name='name']/{value}")
        checksum = prop.find(f"{{{ADDML}}}properties/{{{ADDML}}}property[@name='checksum']")
        if not name or checksum is None:
            return None
        algorithm = checksum.findtext(f".//{{{ADDML}}}property[@name='algorithm']/{value}")
        expected = checksum.findtext(f".//{{{ADDML}}}property[@name='value']/{value}")
        if (algorithm or "").strip() not in CHECKSUM_ALGORITHMS:
            return f"{name}: checksum algorithm {algorithm!r} is not SHA-256"
        path = self.root / name.strip()
        if not path.is_file():
            return f"{name}: file listed in arkivuttrekk.xml is missing"
        if (expected or "").strip().lower() != _sha256(path):
            return f"{name}: checksum does not match (line {prop.sourceline})"
        return None

    # N5.03 -------------------------------------------------------------------------------

    def n5_03(self) -> None:
        failure = None
        pairs = [("arkivuttrekk.xml", "addml.xsd"), *MAIN_SCHEMAS.items()]
        for xml_name, xsd_name in pairs:
            xsd = self.root / xsd_name
            if not xsd.is_file() or not (self.root / "metadatakatalog.xsd").is_file():
                failure = failure or f"{xsd_name} or metadatakatalog.xsd missing from the package"
                xsd = SCHEMA_DIR / xsd_name
            if not (self.root / xml_name).is_file():
                continue
            problem = self._validate(self.root / xml_name, xsd)
            if problem:
                failure = failure or f"{xml_name}: {problem}"
        self.result("N5.03", "Validation of the XML files against their schemas", failure)

    @staticmethod
    def _validate(xml: Path, xsd: Path) -> str | None:
        try:
            schema = etree.XMLSchema(etree.parse(str(xsd)))
        except (OSError, etree.XMLSchemaParseError, etree.XMLSyntaxError) as error:
            return f"schema {xsd.name} unusable: {error}"
        line = 0
        try:
            for event, element in parse_events(xml, ("start", "end"), schema):
                if event == "start":
                    line = element.sourceline or line
                elif element.getparent() is not None:
                    release_element(element)
        except etree.XMLSyntaxError as error:
            return f"near line {line}: {error.msg}"
        return None

    # arkivstruktur.xml -------------------------------------------------------------------

    def structure(self) -> _Structure | str:
        """One pass over arkivstruktur.xml collecting what the content controls need."""
        found = _Structure()
        path = self.root / "arkivstruktur.xml"
        try:
            for _event, element in parse_events(path):
                self._visit(found, element)
        except (OSError, etree.XMLSyntaxError) as error:
            return f"arkivstruktur.xml unreadable: {error}"
        return found

    def _visit(self, found: _Structure, element: etree._Element) -> None:
        name = local_name(element.tag)
        if name in READ:
            found.analyses.visit(name, element)
        line = element.sourceline or 0
        if found.empty is None and _empty(element):
            found.empty = f"arkivstruktur.xml line {line}: <{name}> is empty"
        text = (element.text or "").strip()
        if name == "systemID":
            previous = found.system_ids.setdefault(text, line)
            if previous != line and found.duplicate is None:
                found.duplicate = f"systemID {text} at line {line} duplicates line {previous}"
            parent = element.getparent()
            if parent is not None and local_name(parent.tag) == "arkivdel":
                found.arkivdeler.add(text)
        elif name == "referanseArkivdel":
            found.arkivdel_refs.append((text, line))
        elif name == "dokumentobjekt":
            self._document_object(found, element)
        elif name == "registrering":
            if (element.get(_XSI_TYPE) or "").rsplit(":", 1)[-1] == "journalpost":
                found.journalposter += 1
                day = element.findtext("{*}journaldato")
                if day:
                    found.dates.append(day.strip())
            release_element(element)

    def _document_object(self, found: _Structure, element: etree._Element) -> None:
        reference = (element.findtext("{*}referanseDokumentfil") or "").strip()
        reference = reference.replace("\\", "/")
        if reference in found.referenced:
            found.multi_referenced.add(reference)
        found.referenced.add(reference)
        path = self.root / reference
        system_id = (element.findtext("{*}systemID") or "").strip()
        if not reference or not path.is_file():
            if found.missing_file is None:
                found.missing_file = f"{reference or '(no referanseDokumentfil)'} ({system_id})"
            return
        found.empty_files += path.stat().st_size == 0
        expected = (element.findtext("{*}sjekksum") or "").strip().lower()
        if found.bad_checksum is None and expected != _sha256(path):
            found.bad_checksum = f"{reference} ({system_id}): sjekksum does not match"

    # Documents ---------------------------------------------------------------------------

    def document_files(self) -> list[str] | None:
        """Paths of the files in the documents folder, relative to the package root."""
        for name in DOCUMENT_DIRS:
            folder = self.root / name
            if folder.is_dir():
                return sorted(
                    p.relative_to(self.root).as_posix() for p in folder.rglob("*") if p.is_file()
                )
        return None

    def n5_28(self, tree: etree._ElementTree | None, files: list[str] | None) -> None:
        declared = None if tree is None else self._property_value(tree, "antallDokumentfiler")
        if not files:
            failure = "the documents folder is missing or empty"
        elif declared is None or not declared.isdigit():
            failure = "arkivuttrekk.xml has no antallDokumentfiler"
        elif int(declared) != len(files):
            failure = f"antallDokumentfiler is {declared} but the package holds {len(files)} files"
        else:
            failure = None
        self.result("N5.28", "Number of document files", failure)

    # Journals and change log -------------------------------------------------------------

    @staticmethod
    def journal(path: Path) -> tuple[int, list[str]] | str:
        """Number of journalregistreringer and their journaldatoer in one journal file."""
        count, dates = 0, []
        try:
            for _event, element in parse_events(path):
                name = local_name(element.tag)
                if name == "journaldato":
                    dates.append((element.text or "").strip())
                elif name == "journalregistrering":
                    count += 1
                    release_element(element)
        except (OSError, etree.XMLSyntaxError) as error:
            return f"{path.name} unreadable: {error}"
        return count, dates

    def empty_elements(self, name: str) -> str | None:
        """The first element without content in one XML file."""
        try:
            for _event, element in parse_events(self.root / name):
                if _empty(element):
                    return f"{name} line {element.sourceline}: <{local_name(element.tag)}> is empty"
                if element.getparent() is not None and len(element):
                    release_element(element)
        except (OSError, etree.XMLSyntaxError):
            return None
        return None

    def changes(self, system_ids: dict[str, int]) -> tuple[str | None, int, str | None]:
        """The first endringslogg referanseArkivenhet that is not a systemID in arkivstruktur,
        the number of endringer, and why endringslogg.xml could not be read."""
        path = self.root / "endringslogg.xml"
        unknown, count = None, 0
        try:
            for _event, element in parse_events(path):
                if local_name(element.tag) == "referanseArkivenhet":
                    target = (element.text or "").strip()
                    if target not in system_ids and unknown is None:
                        unknown = f"endringslogg.xml line {element.sourceline}: {target} not found"
                elif local_name(element.tag) == "endring":
                    count += 1
                    release_element(element)
        except (OSError, etree.XMLSyntaxError) as error:
            problem = f"endringslogg.xml unreadable: {error}"
            return problem, count, problem
        return unknown, count, None

    # Running -----------------------------------------------------------------------------

    def run(self) -> list[CheckResult]:
        tree = self.addml()
        self.n5_01()
        self.n5_02(tree)
        self.n5_03()
        files = self.document_files()
        self.n5_28(tree, files)
        found = self.structure()
        if isinstance(found, str):
            for test_id, name in (*_CONTENT_TESTS, *ANALYSES):
                self.result(test_id, name, found)
            return _ordered(self.results)
        self.result("N5.30", "Checksums of the document files", found.bad_checksum)
        self.result("N5.32", "Referenced document files exist", _missing(found))
        unreferenced = [f for f in files or () if f not in found.referenced]
        self.result(
            "N5.33",
            "Document files without a reference",
            f"{unreferenced[0]} is not referenced" if unreferenced else None,
        )
        self.result("N5.47", "Unique systemIDs", found.duplicate)
        bad_ref = next(((v, n) for v, n in found.arkivdel_refs if v not in found.arkivdeler), None)
        self.result(
            "N5.48",
            "referanseArkivdel points to an arkivdel",
            f"arkivstruktur.xml line {bad_ref[1]}: {bad_ref[0]}" if bad_ref else None,
        )
        self._journals(found, self.sharp_separation(tree))
        unknown, count, problem = self.changes(found.system_ids)
        self.result("N5.62", "endringslogg references exist", unknown)
        for test_id, name, failure, figures in found.analyses.results(
            self.declared(tree), (count, problem)
        ):
            self.result(test_id, name, failure, figures)
        for test_id, name, figures in found.analyses.counts(
            len(found.multi_referenced), found.empty_files
        ):
            self.results.append(CheckResult(test_id, name, True, None, figures, info=True))
        empty = found.empty or next(
            filter(None, (self.empty_elements(n) for n in list(MAIN_SCHEMAS)[1:])), None
        )
        self.result("N5.63", "Elements without content", empty)
        for test_id, name, failure in check_rules(self.root):
            self.result(test_id, name, failure)
        return _ordered(self.results)

    def _journals(self, found: _Structure, sharp: bool) -> None:
        """N5.59 counts and N5.60 first/last journaldato across the three files."""
        parsed: dict[str, tuple[int, list[str]]] = {}
        for name in ("loependeJournal", "offentligJournal"):
            value = self.journal(self.root / f"{name}.xml")
            if isinstance(value, str):
                self.result("N5.59", "Number of journalposter", value)
                self.result("N5.60", "Start and end dates of the journals", value)
                return
            parsed[name] = value
        counts = {name: count for name, (count, _dates) in parsed.items()}
        spans = {name: _span(dates) for name, (_count, dates) in parsed.items()}
        if sharp:
            counts["arkivstruktur"] = found.journalposter
            spans["arkivstruktur"] = _span(found.dates)
        self.result("N5.59", "Number of journalposter", _differ(counts, "journalposter"))
        self.result("N5.60", "Start and end dates of the journals", _differ(spans, "dates"))


_CONTENT_TESTS = (
    ("N5.30", "Checksums of the document files"),
    ("N5.32", "Referenced document files exist"),
    ("N5.33", "Document files without a reference"),
    ("N5.47", "Unique systemIDs"),
    ("N5.48", "referanseArkivdel points to an arkivdel"),
    ("N5.59", "Number of journalposter"),
    ("N5.60", "Start and end dates of the journals"),
    ("N5.62", "endringslogg references exist"),
    ("N5.63", "Elements without content"),
)


def _ordered(results: list[CheckResult]) -> list[CheckResult]:
    """Arkade's tests by number, then the records-management rules in their own order."""
    arkade = [r for r in results if r.test_id.startswith("N5.")]
    arkade.sort(key=lambda r: int(r.test_id.removeprefix("N5.")))
    return arkade + [r for r in results if not r.test_id.startswith("N5.")]


def _span(dates: list[str]) -> tuple[str, str] | None:
    return (min(dates), max(dates)) if dates else None


def _missing(found: _Structure) -> str | None:
    return None if found.missing_file is None else f"missing {found.missing_file}"


def _differ(values: dict[str, object], what: str) -> str | None:
    """A message when the files disagree, naming each file's value."""
    if len(set(values.values())) <= 1:
        return None
    return f"{what} differ: " + ", ".join(f"{name} {value}" for name, value in values.items())


def check_extraction(path: Path) -> list[CheckResult]:
    """Run the Arkade-style tests on a .tar or a folder holding an arkivuttrekk."""
    with _opened(Path(path)) as root:
        return _Checker(root).run()


def format_report(results: list[CheckResult]) -> str:
    """One line per test: PASS/FAIL (INFO for a count), id, name, the first offender and [the
    counts]."""
    lines = []
    for result in results:
        label = "INFO" if result.info else "PASS" if result.passed else "FAIL"
        line = f"[{label}] {result.test_id} {result.name}"
        if result.message:
            line += f": {result.message}"
        if result.figures:
            line += f" [{result.figures}]"
        lines.append(line)
    failed = sum(not r.passed for r in results)
    passed = sum(r.passed and not r.info for r in results)
    lines.append(f"{passed} passed, {failed} failed")
    return "\n".join(lines)
