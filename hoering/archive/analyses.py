"""Arkade 5's Noark 5 content analyses that can report an error.

Arkade reports counts for these tests and an error in the cases below; each count is printed
beside the result as figures. The elements are handed over one by one from check.py's single
iterparse pass over arkivstruktur.xml (before it frees them), so nothing here reads the file.

| test  | counts                                  | fails when                                   |
|-------|-----------------------------------------|----------------------------------------------|
| N5.10 | mapper per type                         | not the number arkivuttrekk.xml declares     |
| N5.15 | saksmapper per saksstatus               | a saksstatus other than Avsluttet or Utgår   |
| N5.16 | registreringer per type                 | not the number arkivuttrekk.xml declares     |
| N5.17 | journalposter per journalposttype       | a journalpost without journalposttype        |
| N5.22 | registreringer per journalstatus        | a journalstatus other than Arkivert or Utgår |
| N5.25 | dokumentbeskrivelser per dokumentstatus | a dokumentstatus other than ferdigstilt      |
| N5.27 | first and last opprettetDato            | an opprettetDato that is not an xs:dateTime  |
| N5.29 | dokumentobjekter per format             | an extension that does not fit the format, or|
|       |                                         | an arkivformat that is not one (§ 5-17)      |
| N5.42 | skjerminger per element                 | inneholderSkjermetInformasjon disagrees      |
| N5.44 | kassasjon per element and vedtak        | inneholderDokumenterSomSkalKasseres disagrees|
| N5.45 | utfoertKassasjon per element            | omfatterDokumenterSomErKassert disagrees     |
| N5.61 | endringer in endringslogg.xml           | unreadable, or not the declared number       |

Arkade's other Noark 5 tests only count and never report an error. Those whose counts one pass
can take are printed for information (COUNTS); N5.09, N5.13 and N5.20 (per klasse) are left to
Arkade's own report.

Two differ from Arkade on purpose, and the README says why. N5.29: Arkade compares the extension
with the `format` value itself, so every PRONOM identifier (`fmt/477` against `.pdf`) is reported;
here the extension must be one PRONOM gives for the identified format, and every variant but the
produksjonsformat must be in an archive format of riksarkivarens forskrift § 5-17. N5.44: Arkade
counts every kassasjon, also "Bevares"; here only a kassasjonsvedtak that disposes (Kasseres,
Vurderes senere) means the uttrekk "inneholder dokumenter som skal kasseres".
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath

from lxml import etree

from hoering.archive.codelists import ARCHIVE_FORMATS, FORMAT_EXTENSIONS
from hoering.archive.model import KEEP, PRODUCTION_FORMAT
from hoering.archive.xmlutil import XSI, local_name

CLOSED_CASE_STATUSES = ("Avsluttet", "Utgår")  # M052 values a deposited saksmappe may have
ARCHIVED_STATUSES = ("Arkivert", "Utgår")  # M053 values a deposited registrering may have
FINISHED_DOCUMENT = "Dokumentet er ferdigstilt"  # M054

TESTS = (
    ("N5.10", "Number of mapper"),
    ("N5.15", "Saksstatus of the saksmapper"),
    ("N5.16", "Number of registreringer"),
    ("N5.17", "Journalposttype of the journalposter"),
    ("N5.22", "Journalstatus of the registreringer"),
    ("N5.25", "Dokumentstatus of the dokumentbeskrivelser"),
    ("N5.27", "Creation dates of the registreringer"),
    ("N5.29", "Document formats and file extensions"),
    ("N5.42", "Skjerminger as arkivuttrekk.xml declares"),
    ("N5.44", "Kassasjonsvedtak as arkivuttrekk.xml declares"),
    ("N5.45", "Utførte kassasjoner as arkivuttrekk.xml declares"),
    ("N5.61", "Number of changes in endringslogg.xml"),
)

# Arkade's counting tests: (test id, name, the element counted or how).
COUNTS = (
    ("N5.04", "Number of arkiver", "arkiv"),
    ("N5.05", "Number of arkivdeler", "arkivdel"),
    ("N5.06", "Status of the arkivdeler", "arkivdelstatus"),
    ("N5.07", "Number of klassifikasjonssystemer", "klassifikasjonssystem"),
    ("N5.08", "Number of klasser", "klasse"),
    ("N5.11", "Mapper per year", "mappe years"),
    ("N5.14", "Mapper without registreringer or undermapper", "empty mapper"),
    ("N5.18", "Registreringer per year", "registrering years"),
    ("N5.21", "Registreringer without dokumentbeskrivelse", "bare registreringer"),
    ("N5.23", "Number of dokumentbeskrivelser", "dokumentbeskrivelse"),
    ("N5.24", "Dokumentbeskrivelser without dokumentobjekt", "bare dokumentbeskrivelser"),
    ("N5.26", "Number of dokumentobjekter", "dokumentobjekt"),
    ("N5.34", "Document files referenced more than once", "multi-referenced"),
    ("N5.35", "Number of parter", "part"),
    ("N5.36", "Number of merknader", "merknad"),
    ("N5.37", "Number of kryssreferanser", "kryssreferanse"),
    ("N5.38", "Number of presedenser", "presedens"),
    ("N5.39", "Number of korrespondanseparter", "korrespondansepart"),
    ("N5.40", "Number of avskrivninger", "avskrivning"),
    ("N5.41", "Number of dokumentflyter", "dokumentflyt"),
    ("N5.43", "Number of graderinger", "gradering"),
    ("N5.46", "Number of konverteringer", "konvertering"),
    ("N5.64", "Empty document files", "empty files"),
)
_COUNTED = frozenset(what for _id, _name, what in COUNTS)
# The elements visit() takes in; the caller passes over the others.
READ = _COUNTED | {
    "mappe",
    "registrering",
    "opprettetDato",
    "saksstatus",
    "dokumentstatus",
    "dokumentobjekt",
    "skjerming",
    "kassasjon",
    "utfoertKassasjon",
}

# xs:dateTime (the type of opprettetDato), with an optional timezone as the schema allows.
_DATE_TIME = re.compile(r"-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?")
_XSI_TYPE = f"{{{XSI}}}type"


@dataclass(frozen=True)
class Declared:
    """What arkivuttrekk.xml says about arkivstruktur.xml and endringslogg.xml (None: not said)."""

    folders: int | None
    registrations: int | None
    changes: int | None
    screened: bool
    to_dispose: bool
    disposed: bool


@dataclass
class _Tally:
    """Counts by value, with the first value that breaks the test's rule."""

    counts: Counter[str] = field(default_factory=Counter)
    offender: str | None = None

    def add(self, value: str, offence: str | None = None) -> None:
        self.counts[value] += 1
        if offence and self.offender is None:
            self.offender = offence

    def figures(self) -> str:
        return ", ".join(f"{value} {n}" for value, n in sorted(self.counts.items())) or "none"

    def total(self) -> int:
        return sum(self.counts.values())


def _type(element: etree._Element, default: str) -> str:
    return (element.get(_XSI_TYPE) or default).rsplit(":", 1)[-1]


def _valid_date_time(text: str) -> bool:
    if not _DATE_TIME.fullmatch(text):
        return False
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _extension_fits(format_value: str, reference: str) -> bool:
    """The file's extension is one PRONOM gives for the format (or, in the older Noark 5
    versions' style, the format is the extension itself, as Arkade compares). An identifier
    not in FORMAT_EXTENSIONS cannot be judged and fits."""
    extension = PurePosixPath(reference.replace("\\", "/")).suffix.lower().lstrip(".")
    value = format_value.strip().lower()
    return extension == value or extension in FORMAT_EXTENSIONS.get(value, (extension,))


class Analyses:
    """Collects the counts while arkivstruktur.xml is read, then judges them."""

    def __init__(self) -> None:
        self.folders = _Tally()
        self.case_statuses = _Tally()
        self.registrations = _Tally()
        self.journalpost_types = _Tally()
        self.journal_statuses = _Tally()
        self.document_statuses = _Tally()
        self.formats = _Tally()
        self.screenings = _Tally()
        self.disposals = _Tally()
        self.executed = _Tally()
        self.first_created: datetime | None = None
        self.last_created: datetime | None = None
        self.bad_created: str | None = None
        self.disposing: str | None = None  # the first kassasjon whose vedtak disposes
        self.counted: Counter[str] = Counter()  # for COUNTS
        self.archive_part_statuses = _Tally()
        self.folder_years = _Tally()
        self.registration_years = _Tally()

    def visit(self, name: str, element: etree._Element) -> None:
        """Take in one element named in READ (name is its local name) at its end, before it is
        freed."""
        parent = element.getparent()
        parent_name = local_name(parent.tag) if parent is not None else ""
        line = element.sourceline
        text = (element.text or "").strip()
        if name in _COUNTED:
            self.counted[name] += 1
        if name == "mappe":
            self.folders.add(_type(element, "mappe"))
            if element.find("{*}registrering") is None and element.find("{*}mappe") is None:
                self.counted["empty mapper"] += 1
        elif name == "opprettetDato" and parent_name == "mappe":
            self.folder_years.add(text[:4])
        elif name == "arkivdelstatus":
            self.archive_part_statuses.add(text)
        elif name == "dokumentbeskrivelse" and element.find("{*}dokumentobjekt") is None:
            self.counted["bare dokumentbeskrivelser"] += 1
        elif name == "registrering":
            self._registration(element)
        elif name == "saksstatus" and parent_name == "mappe":
            bad = text not in CLOSED_CASE_STATUSES
            self.case_statuses.add(text, f"line {line}: saksstatus '{text}'" if bad else None)
        elif name == "dokumentstatus" and parent_name == "dokumentbeskrivelse":
            offence = f"line {line}: dokumentstatus '{text}'"
            self.document_statuses.add(text, offence if text != FINISHED_DOCUMENT else None)
        elif name == "dokumentobjekt":
            self._document_object(element)
        elif name == "skjerming":
            self.screenings.add(parent_name, f"line {line}: skjerming in {parent_name}")
        elif name == "kassasjon":
            decision = (element.findtext("{*}kassasjonsvedtak") or "").strip()
            self.disposals.add(f"{parent_name} ({decision})")
            if decision != KEEP and self.disposing is None:
                self.disposing = f"line {line}: kassasjonsvedtak '{decision}' in {parent_name}"
        elif name == "utfoertKassasjon" and parent_name in ("arkivdel", "dokumentbeskrivelse"):
            self.executed.add(parent_name, f"line {line}: utfoertKassasjon in {parent_name}")

    def _registration(self, element: etree._Element) -> None:
        kind = _type(element, "registrering")
        self.registrations.add(kind)
        if element.find("{*}dokumentbeskrivelse") is None:
            self.counted["bare registreringer"] += 1
        system_id = (element.findtext("{*}systemID") or "").strip()
        where = f"line {element.sourceline} ({system_id})"
        if kind == "journalpost":
            value = (element.findtext("{*}journalposttype") or "").strip()
            self.journalpost_types.add(value or "(none)", None if value else where)
        status = element.findtext("{*}journalstatus")
        if status is not None:
            status = status.strip()
            bad = status not in ARCHIVED_STATUSES
            self.journal_statuses.add(status, f"{where}: journalstatus '{status}'" if bad else None)
        created = element.findtext("{*}opprettetDato")
        if created is None:
            return
        created = created.strip()
        if not _valid_date_time(created):
            self.bad_created = self.bad_created or f"{where}: opprettetDato '{created}'"
            return
        self.registration_years.add(created[:4])
        moment = datetime.fromisoformat(created.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.astimezone()
        if self.first_created is None or moment < self.first_created:
            self.first_created = moment
        if self.last_created is None or moment > self.last_created:
            self.last_created = moment

    def _document_object(self, element: etree._Element) -> None:
        value = (element.findtext("{*}format") or "").strip()
        reference = (element.findtext("{*}referanseDokumentfil") or "").strip()
        variant = (element.findtext("{*}variantformat") or "").strip()
        if not value or not reference:
            return
        offence, line = None, element.sourceline
        if not _extension_fits(value, reference):
            offence = f"line {line}: the extension of {reference} does not fit format {value}"
        elif variant != PRODUCTION_FORMAT and value.lower() not in ARCHIVE_FORMATS:
            offence = f"line {line}: {variant} {reference} is {value}, not an archive format"
        self.formats.add(value.lower(), offence)

    def results(
        self, declared: Declared | str, changes: tuple[int, str | None]
    ) -> list[tuple[str, str, str | None, str | None]]:
        """(test id, name, first offender or None, figures) for each test, in TESTS' order.

        declared is what arkivuttrekk.xml says, or why it could not be read; changes is the
        number of endringer and why endringslogg.xml could not be read (or None)."""
        created = (
            f"first {self.first_created.isoformat()}, last {self.last_created.isoformat()}"
            if self.first_created and self.last_created
            else "none"
        )
        change_count, change_problem = changes
        outcomes = (
            (_documented(declared, "folders", self.folders.total(), "mappe"), self.folders),
            (self.case_statuses.offender, self.case_statuses),
            (
                _documented(declared, "registrations", self.registrations.total(), "registrering"),
                self.registrations,
            ),
            (_missing_type(self.journalpost_types.offender), self.journalpost_types),
            (self.journal_statuses.offender, self.journal_statuses),
            (self.document_statuses.offender, self.document_statuses),
            (self.bad_created, created),
            (self.formats.offender, self.formats),
            (_flag(declared, "screened", self.screenings.offender, "skjerming"), self.screenings),
            (_flag(declared, "to_dispose", self.disposing, "disposal"), self.disposals),
            (
                _flag(declared, "disposed", self.executed.offender, "utfoertKassasjon"),
                self.executed,
            ),
            (
                change_problem or _documented(declared, "changes", change_count, "endring"),
                f"endring {change_count}",
            ),
        )
        return [
            (test_id, name, failure, shown if isinstance(shown, str) else shown.figures())
            for (test_id, name), (failure, shown) in zip(TESTS, outcomes, strict=True)
        ]

    def counts(self, multi_referenced: int, empty_files: int) -> list[tuple[str, str, str]]:
        """(test id, name, figures) for Arkade's counting tests, in COUNTS' order."""
        self.counted["multi-referenced"] = multi_referenced
        self.counted["empty files"] = empty_files
        tallies = {
            "arkivdelstatus": self.archive_part_statuses,
            "mappe years": self.folder_years,
            "registrering years": self.registration_years,
        }
        return [
            (test_id, name, tallies[what].figures() if what in tallies else str(self.counted[what]))
            for test_id, name, what in COUNTS
        ]


def _missing_type(offender: str | None) -> str | None:
    return None if offender is None else f"{offender}: journalpost without journalposttype"


def _documented(declared: Declared | str, attribute: str, actual: int, element: str) -> str | None:
    """A message when arkivuttrekk.xml declares another number of <element> than there is."""
    if isinstance(declared, str):
        return declared
    stated = getattr(declared, attribute)
    if stated is None:
        if attribute == "changes":
            return None
        return f"arkivuttrekk.xml does not declare the number of <{element}>"
    if stated != actual:
        return f"arkivuttrekk.xml declares {stated} <{element}>, the uttrekk holds {actual}"
    return None


def _flag(declared: Declared | str, attribute: str, found: str | None, what: str) -> str | None:
    """A message when an arkivuttrekk.xml flag says yes and none is found, or no and one is."""
    if isinstance(declared, str):
        return declared
    names = {
        "screened": "inneholderSkjermetInformasjon",
        "to_dispose": "inneholderDokumenterSomSkalKasseres",
        "disposed": "omfatterDokumenterSomErKassert",
    }
    flag = getattr(declared, attribute)
    if flag and found is None:
        return f"{names[attribute]} is true, but arkivstruktur.xml holds no {what}"
    if not flag and found is not None:
        return f"{names[attribute]} is false, but arkivstruktur.xml has a {what} ({found})"
    return None
