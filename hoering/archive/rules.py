"""Records-management rules an archivist checks beyond Arkade: dates in order, nothing in a closed
saksmappe, avskrivning, and code values from the metadatakatalog's lists.

Each rule reads arkivstruktur.xml (and the journals for the code lists) once with iterparse,
keeping only what one saksmappe needs, plus a (journalår, sekvensnummer, journaldato) triple per
journalpost for the journal order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from lxml import etree

from hoering.archive.codelists import CODE_LISTS
from hoering.archive.xmlutil import local_name, parse_events, release_element

INCOMING = "Inngående dokument"
CLOSED = "Avsluttet"

# (test id, name): Arkade 5's class controls, then rules named after the Noark 5 krav they check.
RULES = (
    ("N5.12", "No class with subclasses holds folders"),
    ("N5.19", "No class with subclasses holds registrations"),
    ("N5.51", "Secondary class references point to a class"),
    ("K3.2.4", "Nothing is registered in a closed saksmappe"),
    ("K-DATES", "Saksmappe created before its first registrering, closed after its last"),
    ("K-JOURNAL", "Journal numbers increase with journal dates"),
    ("K3.4", "Incoming journalposter of a closed saksmappe are avskrevet"),
    ("M-CODES", "Code values belong to their metadatakatalog list"),
)


@dataclass
class _Folder:
    """What one saksmappe holds: its dates and its registreringer's."""

    system_id: str = ""
    created: datetime | None = None
    closed: datetime | None = None
    status: str | None = None
    # (systemID, opprettetDato, journaldato, incoming, avskrevet) per registrering
    records: list[tuple[str, datetime | None, date | None, bool, bool]] = field(
        default_factory=list
    )


@dataclass
class _Class:
    """What one klasse directly holds."""

    system_id: str = ""
    subclasses: bool = False
    folders: bool = False
    registrations: bool = False


@dataclass
class _Found:
    superclass_folder: str | None = None
    superclass_registration: str | None = None
    class_ids: set[str] = field(default_factory=set)
    class_references: list[tuple[str, str]] = field(default_factory=list)
    closed_case: str | None = None
    dates: str | None = None
    open_incoming: str | None = None
    journal: list[tuple[int, int, date, str]] = field(default_factory=list)
    code: str | None = None


def _when(text: str | None) -> datetime | None:
    """A Noark date or date-time as a comparable datetime (a date is its first instant)."""
    if not text:
        return None
    text = text.strip()
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if value.tzinfo else value.astimezone()


def _code(found: _Found, name: str, element: etree._Element, where: str) -> None:
    if found.code is not None or name not in CODE_LISTS:
        return
    number, allowed = CODE_LISTS[name]
    value = (element.text or "").strip()
    if value not in allowed:
        found.code = f"{where} line {element.sourceline}: {name} '{value}' is not in {number}"


def _record(found: _Found, folder: _Folder, element: etree._Element) -> None:
    system_id = (element.findtext("{*}systemID") or "").strip()
    created = _when(element.findtext("{*}opprettetDato"))
    incoming = (element.findtext("{*}journalposttype") or "").strip() == INCOMING
    avskrevet = element.find("{*}avskrivning") is not None
    journaled = _when(element.findtext("{*}journaldato"))
    day = journaled.date() if journaled else None
    folder.records.append((system_id, created, day, incoming, avskrevet))
    year, seq = element.findtext("{*}journalaar"), element.findtext("{*}journalsekvensnummer")
    if year and seq and day is not None:
        found.journal.append((int(year), int(seq), day, system_id))


def _folder(found: _Found, folder: _Folder) -> None:
    """Check one saksmappe once all its registreringer are read."""
    for system_id, created, day, _incoming, _avskrevet in folder.records:
        if (
            found.dates is None
            and folder.created
            and ((created and created < folder.created) or (day and day < folder.created.date()))
        ):
            found.dates = (
                f"registrering {system_id} made before its mappe {folder.system_id} was "
                f"opprettet ({folder.created.isoformat()})"
            )
        if (
            found.closed_case is None
            and folder.closed
            and ((created and created > folder.closed) or (day and day > folder.closed.date()))
        ):
            found.closed_case = (
                f"registrering {system_id} made after its mappe {folder.system_id} was "
                f"avsluttet ({folder.closed.isoformat()})"
            )
    if found.dates is None and folder.created and folder.closed and folder.closed < folder.created:
        found.dates = f"mappe {folder.system_id} avsluttet before it was opprettet"
    if found.open_incoming is None and folder.status == CLOSED:
        for system_id, _created, _day, incoming, avskrevet in folder.records:
            if incoming and not avskrevet:
                found.open_incoming = (
                    f"journalpost {system_id} in closed mappe {folder.system_id} is not avskrevet"
                )
                break


def _class_end(found: _Found, klasse: _Class) -> None:
    if klasse.subclasses and klasse.folders and found.superclass_folder is None:
        found.superclass_folder = f"klasse {klasse.system_id} has subclasses and mapper"
    if klasse.subclasses and klasse.registrations and found.superclass_registration is None:
        found.superclass_registration = (
            f"klasse {klasse.system_id} has subclasses and registreringer"
        )


def _structure(path: Path, found: _Found) -> None:
    folders: list[_Folder] = []  # the mappe being read and the ones around it
    classes: list[_Class] = []  # likewise for klasse
    for event, element in parse_events(path, ("start", "end")):
        name = local_name(element.tag)
        if event == "start":
            if name == "mappe":
                folders.append(_Folder())
            elif name == "klasse":
                classes.append(_Class())
            continue
        _code(found, name, element, path.name)
        parent = element.getparent()
        parent_name = local_name(parent.tag) if parent is not None else ""
        if name == "klasse":
            _class_end(found, classes.pop())
        if parent_name == "klasse" and classes:
            klasse = classes[-1]
            if name == "systemID":
                klasse.system_id = (element.text or "").strip()
                found.class_ids.add(klasse.system_id)
            klasse.subclasses |= name == "klasse"
            klasse.folders |= name == "mappe"
            klasse.registrations |= name == "registrering"
        if name == "referanseSekundaerKlassifikasjon" and parent_name == "mappe" and folders:
            found.class_references.append((folders[-1].system_id, (element.text or "").strip()))
        if name == "mappe":
            _folder(found, folders.pop())
            release_element(element)
        elif folders and parent is not None and local_name(parent.tag) == "mappe":
            folder = folders[-1]
            text = (element.text or "").strip()
            if name == "systemID":
                folder.system_id = text
            elif name == "opprettetDato":
                folder.created = _when(text)
            elif name == "avsluttetDato":
                folder.closed = _when(text)
            elif name == "saksstatus":
                folder.status = text
            elif name == "registrering":
                _record(found, folder, element)
                release_element(element)


def _journal_order(found: _Found) -> str | None:
    found.journal.sort()
    for (year, seq, day, _sid), (n_year, n_seq, n_day, n_sid) in zip(
        found.journal, found.journal[1:], strict=False
    ):
        if n_day < day:
            return (
                f"journalpost {n_year}/{n_seq} ({n_sid}) dated {n_day.isoformat()} "
                f"after {year}/{seq} dated {day.isoformat()}"
            )
    return None


def check_rules(root: Path) -> list[tuple[str, str, str | None]]:
    """(test id, name, first offender or None) for each rule."""
    found = _Found()
    try:
        _structure(root / "arkivstruktur.xml", found)
        for journal in ("loependeJournal.xml", "offentligJournal.xml"):
            if (root / journal).is_file():
                for _event, element in parse_events(root / journal):
                    _code(found, local_name(element.tag), element, journal)
                    if local_name(element.tag) == "journalregistrering":
                        release_element(element)
    except (OSError, etree.XMLSyntaxError) as error:
        return [(test_id, name, f"unreadable: {error}") for test_id, name in RULES]
    bad_reference = next(
        ((f, ref) for f, ref in found.class_references if ref not in found.class_ids), None
    )
    failures = (
        found.superclass_folder,
        found.superclass_registration,
        f"mappe {bad_reference[0]} refers to klasse {bad_reference[1]}, which is not in the uttrekk"
        if bad_reference
        else None,
        found.closed_case,
        found.dates,
        _journal_order(found),
        found.open_incoming,
        found.code,
    )
    return [
        (test_id, name, failure) for (test_id, name), failure in zip(RULES, failures, strict=True)
    ]
