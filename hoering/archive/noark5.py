"""Write a Noark 5 v5.0 arkivuttrekk as one .tar file (Noark 5 krav 6.4.1-6.4.42).

The package holds arkivstruktur.xml, endringslogg.xml, loependeJournal.xml, offentligJournal.xml,
arkivuttrekk.xml (ADDML 8.3), the six schemas and the documents under DOKUMENT/. Everything is
streamed: records are read through the Extraction callables, documents are rendered a few at a
time (in worker processes when workers > 1) and go straight into the tar.

Choices the standard leaves open:
- Every registrering is a journalpost: the draft versions are documents of the outgoing
  journalposter that sent them (the høringsbrev, a revised draft).
- With a klassifikasjonssystem, each klasse holds the saksmapper filed in it (krav 6.4.13).
- endringslogg.xsd needs at least one endring. When the app reports no changes, the closing of
  each case (saksstatus "Under behandling" -> "Avsluttet", at closed_at by closed_by) is logged.
- A reply (U) points at the innspill it answers with a kryssreferanse/referanseTilRegistrering.
- Change values that were empty are written as "(ingen verdi)": tidligereVerdi and nyVerdi may
  not be empty.
"""

from __future__ import annotations

import hashlib
import heapq
import io
import os
import shutil
import tarfile
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from lxml import etree

from hoering.archive.addml import AddmlFacts, write_addml
from hoering.archive.codelists import SKJERMING_DOKUMENT, SKJERMING_METADATA
from hoering.archive.model import (
    JOURNAL_POST_TYPES,
    PARTLY_SCREENED,
    REDACTED_FORMAT,
    RESTRICTED,
    Case,
    Change,
    Classification,
    Document,
    DocumentFile,
    Extraction,
    Record,
    Remark,
    Screening,
)
from hoering.archive.xmlutil import (
    ARKIVSTRUKTUR,
    ENDRINGSLOGG,
    LOEPENDE_JOURNAL,
    MAIN_SCHEMAS,
    OFFENTLIG_JOURNAL,
    SCHEMA_DIR,
    SCHEMA_FILES,
    XSI,
    LeafWriter,
    XmlValueError,
)
from hoering.journal.models import SCREENED_TEXT

DOCUMENT_DIR = "DOKUMENT"

NO_VALUE = "(ingen verdi)"
ELECTRONIC = "Elektronisk arkiv"

Progress = Callable[[str, int], None]


class ArchiveError(Exception):
    """An export that cannot be made; code is a stable key the app translates."""

    code = "archive_error"


class CaseNotClosedError(ArchiveError):
    """Only closed saksmapper may be deposited (krav 6.4.12)."""

    code = "case_not_closed"


class DestinationError(ArchiveError):
    """The directory for the .tar file is missing or cannot be written."""

    code = "destination_not_writable"


class InvalidDataError(ArchiveError):
    """The data given cannot make a valid arkivuttrekk (e.g. a required value is empty)."""

    code = "invalid_data"


@dataclass
class _Stats:
    """What the later files need to know about arkivstruktur.xml once it is written."""

    mapper: int = 0
    registreringer: int = 0
    journalposter: int = 0
    document_files: int = 0
    first_date: date | None = None
    last_date: date | None = None
    screened: bool = False
    removed: int = 0
    occurrences: dict[str, int] = field(default_factory=dict)

    def journaled(self, day: date) -> None:
        """Count one journalpost with its journaldato."""
        self.journalposter += 1
        self.first_date = day if self.first_date is None else min(self.first_date, day)
        self.last_date = day if self.last_date is None else max(self.last_date, day)


@dataclass(frozen=True)
class _Unit:
    """One journalpost to write, with its documents."""

    case: Case
    record: Record
    documents: tuple[Document, ...]


class _Inline:
    """A not-yet-rendered document, rendered on result() in this process."""

    def __init__(self, content: bytes | Callable[[], bytes]) -> None:
        self.content = content

    def result(self) -> bytes:
        return self.content if isinstance(self.content, bytes) else self.content()


def _render(content: Callable[[], bytes]) -> bytes:
    """Call a document renderer in a worker process."""
    return content()


def _check_destination(out_path: Path) -> None:
    """Refuse a destination whose directory is missing or not writable."""
    parent = out_path.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        raise DestinationError(f"cannot write an arkivuttrekk into {parent}")
    if out_path.suffix != ".tar":
        raise DestinationError(f"the arkivuttrekk must be a .tar file, not {out_path.name}")


def _check_cases(extraction: Extraction) -> None:
    """Every saksmappe must be closed before it can be deposited (krav 6.4.12)."""
    for case in extraction.cases():
        if case.closed_at is None or not case.closed_by:
            raise CaseNotClosedError(f"case {case.case_number} ({case.system_id}) is not closed")


def _check_record(record: Record, previous: Record | None) -> None:
    """Reject records the schemas or the journals cannot take."""
    if record.journal_post_type not in JOURNAL_POST_TYPES:
        raise InvalidDataError(
            f"journalpost {record.system_id}: journal_post_type must be I or U, "
            f"not {record.journal_post_type!r}"
        )
    if not record.parties:
        raise InvalidDataError(f"journalpost {record.system_id} has no korrespondansepart")
    screenings = [(record.system_id, record.screening, record.documents)] + [
        (d.system_id, d.screening, (d,)) for d in record.documents
    ]
    for system_id, screening, documents in screenings:
        if screening is None:
            continue
        if not screening.basis or not screening.metadata:
            raise InvalidDataError(
                f"{system_id} is screened without skjermingshjemmel or skjermingMetadata"
            )
        unknown = [m for m in screening.metadata if m not in SKJERMING_METADATA]
        if unknown or screening.document not in (None, *SKJERMING_DOKUMENT):
            raise InvalidDataError(f"{system_id}: screening codes not in M502/M503")
        if screening.document == PARTLY_SCREENED and not any(
            f.variant == REDACTED_FORMAT for d in documents for f in d.files
        ):
            raise InvalidDataError(f"{system_id} is partly screened but has no redacted variant")
    if previous is not None and (previous.journal_year, previous.journal_seq) >= (
        record.journal_year,
        record.journal_seq,
    ):
        raise InvalidDataError(
            f"journalpost {record.system_id}: records must come sorted by journal year and "
            "sequence number (krav 6.4.30)"
        )


def _write_screening(w: LeafWriter, screening: Screening | None) -> None:
    if screening is None:
        return
    with w.element("skjerming"):
        w.leaf("tilgangsrestriksjon", RESTRICTED)
        w.leaf("skjermingshjemmel", screening.basis, required=True)
        for item in screening.metadata:
            w.leaf("skjermingMetadata", item)
        w.leaf("skjermingDokument", screening.document)
        w.leaf("skjermingsvarighet", screening.years)
        w.leaf("skjermingOpphoererDato", screening.ends)


def _write_remarks(w: LeafWriter, remarks: tuple[Remark, ...]) -> None:
    for remark in remarks:
        with w.element("merknad"):
            w.leaf("merknadstekst", remark.text, required=True)
            w.leaf("merknadstype", remark.kind)
            w.leaf("merknadsdato", remark.at)
            w.leaf("merknadRegistrertAv", remark.by, required=True)


class _PackageWriter:
    """Writes one arkivuttrekk into a tar file, one XML file at a time."""

    def __init__(
        self,
        extraction: Extraction,
        tar: tarfile.TarFile,
        top: str,
        work_dir: Path,
        progress: Progress | None,
        executor: Executor | None,
        window: int,
    ) -> None:
        self.x = extraction
        self.tar = tar
        self.top = top
        self.work_dir = work_dir
        self.progress = progress
        self.executor = executor
        self.window = window
        self.stats = _Stats()
        self.checksums: dict[str, str] = {}
        self.mtime = int(extraction.produced_at.timestamp())

    # Tar members -------------------------------------------------------------------------

    def _add(self, info: tarfile.TarInfo, content) -> None:
        self.tar.addfile(info, content)
        # TarFile keeps every member it wrote in a list, which only reading needs: with a file
        # per document that list would grow with the size of the uttrekk.
        self.tar.members.clear()

    def _add_bytes(self, name: str, data: bytes) -> None:
        info = tarfile.TarInfo(f"{self.top}/{name}")
        info.size = len(data)
        info.mtime = self.mtime
        info.mode = 0o644
        self._add(info, io.BytesIO(data))

    def _add_file(self, name: str, path: Path) -> None:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        self.checksums[name] = digest.hexdigest()
        info = self.tar.gettarinfo(str(path), f"{self.top}/{name}")
        info.mtime = self.mtime
        info.mode = 0o644
        info.uid = info.gid = 0
        info.uname = info.gname = ""
        with path.open("rb") as handle:
            self._add(info, handle)

    def _xml_file(self, name: str) -> Path:
        return self.work_dir / name

    # Rendering pipeline ------------------------------------------------------------------

    def _submit(self, content: bytes | Callable[[], bytes]) -> Future[bytes] | _Inline:
        if self.executor is None or isinstance(content, bytes):
            return _Inline(content)
        return self.executor.submit(_render, content)

    def _units(self, case: Case) -> Iterator[_Unit]:
        previous = None
        for record in self.x.records(case):
            _check_record(record, previous)
            previous = record
            yield _Unit(case, record, record.documents)

    def _rendered(
        self, units: Iterable[_Unit]
    ) -> Iterator[tuple[_Unit, list[list[Future[bytes] | _Inline]]]]:
        """Units in order with their documents submitted ahead, at most `window` units in flight."""
        pending: deque[tuple[_Unit, list[list[Future[bytes] | _Inline]]]] = deque()
        for unit in units:
            pending.append(
                (unit, [[self._submit(f.content) for f in d.files] for d in unit.documents])
            )
            if len(pending) >= self.window:
                yield pending.popleft()
        while pending:
            yield pending.popleft()

    # arkivstruktur.xml -------------------------------------------------------------------

    def write_arkivstruktur(self) -> None:
        """Write arkiv > arkivdel > saksmappe > registrering in XSD sequence order (gotcha 1)."""
        x = self.x
        with etree.xmlfile(str(self._xml_file("arkivstruktur.xml")), encoding="utf-8") as xf:
            xf.write_declaration()
            w = LeafWriter(xf, ARKIVSTRUKTUR)
            with xf.element(w.tag("arkiv"), nsmap={None: ARKIVSTRUKTUR, "xsi": XSI}):
                w.leaf("systemID", x.archive_system_id, required=True)
                w.leaf("tittel", x.archive_title, required=True)
                w.leaf("arkivstatus", "Avsluttet")
                w.leaf("dokumentmedium", ELECTRONIC)
                self._created_closed(w, x)
                with w.element("arkivskaper"):
                    w.leaf("arkivskaperID", x.creator_id, required=True)
                    w.leaf("arkivskaperNavn", x.creator_name, required=True)
                with w.element("arkivdel"):
                    w.leaf("systemID", x.series_system_id, required=True)
                    w.leaf("tittel", x.series_title, required=True)
                    w.leaf("arkivdelstatus", "Avsluttet periode")
                    w.leaf("dokumentmedium", ELECTRONIC)
                    w.leaf("opprettetDato", x.series_created_at or x.created_at, required=True)
                    w.leaf("opprettetAv", x.created_by, required=True)
                    w.leaf("avsluttetDato", x.series_closed_at or x.produced_at, required=True)
                    w.leaf("avsluttetAv", x.series_closed_by or x.produced_by, required=True)
                    w.leaf("arkivperiodeStartDato", x.period_start)
                    w.leaf("arkivperiodeSluttDato", x.period_end)
                    if x.retention is not None:
                        with w.element("kassasjon"):
                            w.leaf("kassasjonsvedtak", x.retention.decision, required=True)
                            w.leaf("kassasjonshjemmel", x.retention.authority)
                            w.leaf("bevaringstid", x.retention.years)
                            w.leaf("kassasjonsdato", x.retention.due, required=True)
                    if x.classification is None:
                        for case in x.cases():
                            self._write_case(w, case)
                    else:
                        self._write_classified(w, x.classification)
        self.stats.removed += w.removed
        self.stats.occurrences["arkivstruktur.xml//mappe"] = self.stats.mapper
        self.stats.occurrences["arkivstruktur.xml//registrering"] = self.stats.registreringer

    def _write_classified(self, w: LeafWriter, c: Classification) -> None:
        """klassifikasjonssystem > each klasse > the saksmapper filed in it (krav 6.4.13)."""
        x = self.x
        known = {klasse.class_id for klasse in c.classes}
        unfiled = [case.case_number for case in x.cases() if case.class_id not in known]
        if unfiled:
            raise InvalidDataError(f"saksmapper {', '.join(unfiled)} are in no klasse")
        with w.element("klassifikasjonssystem"):
            w.leaf("systemID", c.system_id, required=True)
            w.leaf("tittel", c.title, required=True)
            w.leaf("opprettetDato", x.series_created_at or x.created_at, required=True)
            w.leaf("opprettetAv", x.created_by, required=True)
            for klasse in c.classes:
                with w.element("klasse"):
                    w.leaf("systemID", klasse.system_id, required=True)
                    w.leaf("klasseID", klasse.class_id, required=True)
                    w.leaf("tittel", klasse.title, required=True)
                    w.leaf("opprettetDato", x.series_created_at or x.created_at, required=True)
                    w.leaf("opprettetAv", x.created_by, required=True)
                    for case in x.cases():
                        if case.class_id == klasse.class_id:
                            self._write_case(w, case)

    def _created_closed(self, w: LeafWriter, x: Extraction) -> None:
        w.leaf("opprettetDato", x.created_at, required=True)
        w.leaf("opprettetAv", x.created_by, required=True)
        w.leaf("avsluttetDato", x.produced_at, required=True)
        w.leaf("avsluttetAv", x.produced_by, required=True)

    def _write_case(self, w: LeafWriter, case: Case) -> None:
        self.stats.mapper += 1
        with w.element("mappe", {f"{{{XSI}}}type": "saksmappe"}):
            try:
                w.leaf("systemID", case.system_id, required=True)
                w.leaf("mappeID", case.case_number, required=True)
                w.leaf("tittel", case.title, required=True)
                w.leaf("offentligTittel", case.public_title)
                w.leaf("beskrivelse", case.description)
                w.leaf("dokumentmedium", ELECTRONIC)
                w.leaf("opprettetDato", case.created_at, required=True)
                w.leaf("opprettetAv", case.created_by, required=True)
                w.leaf("avsluttetDato", case.closed_at, required=True)
                w.leaf("avsluttetAv", case.closed_by, required=True)
                w.leaf("referanseArkivdel", self.x.series_system_id)
            except XmlValueError as error:
                raise InvalidDataError(f"saksmappe {case.system_id}: {error}") from error
            for unit, futures in self._rendered(self._units(case)):
                files = [[f.result() for f in per_document] for per_document in futures]
                self._write_record(w, unit.record, case, files)
            w.leaf("saksaar", case.case_year)
            w.leaf("sakssekvensnummer", case.case_seq)
            w.leaf("saksdato", case.case_date)
            w.leaf("administrativEnhet", case.administrative_unit, required=True)
            w.leaf("saksansvarlig", case.responsible, required=True)
            w.leaf("saksstatus", case.status, required=True)

    def _write_record(
        self, w: LeafWriter, record: Record, case: Case, files: list[list[bytes]]
    ) -> None:
        self.stats.registreringer += 1
        self.stats.journaled(record.journal_date)
        self.stats.screened |= record.screened
        try:
            with w.element("registrering", {f"{{{XSI}}}type": "journalpost"}):
                w.leaf("systemID", record.system_id, required=True)
                w.leaf("opprettetDato", record.created_at, required=True)
                w.leaf("opprettetAv", record.created_by, required=True)
                w.leaf("arkivertDato", record.archived_at, required=True)
                w.leaf("arkivertAv", record.archived_by, required=True)
                w.leaf("referanseArkivdel", self.x.series_system_id)
                _write_screening(w, record.screening)
                self._write_documents(
                    w, case, record.documents, files, record.created_at, record.created_by
                )
                w.leaf("registreringsID", record.registration_id)
                w.leaf("tittel", record.title, required=True)
                w.leaf("offentligTittel", record.public_title)
                w.leaf("dokumentmedium", ELECTRONIC)
                _write_remarks(w, record.remarks)
                if record.replies_to_system_id:
                    with w.element("kryssreferanse"):
                        w.leaf("referanseTilRegistrering", record.replies_to_system_id)
                for party in record.parties:
                    with w.element("korrespondansepart"):
                        w.leaf("korrespondanseparttype", party.role, required=True)
                        w.leaf(
                            "korrespondansepartNavn",
                            party.organisation or party.name,
                            required=True,
                        )
                        if party.organisation:
                            w.leaf("kontaktperson", party.name)
                w.leaf("journalaar", record.journal_year)
                w.leaf("journalsekvensnummer", record.journal_seq)
                w.leaf("journalpostnummer", record.record_number)
                w.leaf("journalposttype", JOURNAL_POST_TYPES[record.journal_post_type])
                w.leaf("journalstatus", record.status, required=True)
                w.leaf("journaldato", record.journal_date)
                w.leaf("dokumentetsDato", record.document_date)
                w.leaf("sendtDato", record.sent_at)
                for avskrivning in record.avskrivninger:
                    with w.element("avskrivning"):
                        w.leaf("avskrivningsdato", avskrivning.on)
                        w.leaf("avskrevetAv", avskrivning.by)
                        w.leaf("avskrivningsmaate", avskrivning.method)
                        w.leaf("referanseAvskrivesAvJournalpost", avskrivning.by_system_id)
        except XmlValueError as error:
            raise InvalidDataError(f"journalpost {record.system_id}: {error}") from error
        if self.progress is not None:
            self.progress("arkivstruktur", self.stats.journalposter)

    def _write_documents(
        self,
        w: LeafWriter,
        case: Case,
        documents: tuple[Document, ...],
        files: list[list[bytes]],
        created_at: datetime,
        created_by: str,
    ) -> None:
        """dokumentbeskrivelse + dokumentobjekt per file, each file stored under DOKUMENT/."""
        for number, (document, contents) in enumerate(zip(documents, files, strict=True), 1):
            with w.element("dokumentbeskrivelse"):
                w.leaf("systemID", document.system_id, required=True)
                w.leaf("dokumenttype", document.kind, required=True)
                w.leaf("dokumentstatus", "Dokumentet er ferdigstilt")
                w.leaf("tittel", document.title, required=True)
                w.leaf("opprettetDato", created_at)
                w.leaf("opprettetAv", created_by)
                w.leaf("tilknyttetRegistreringSom", document.role)
                w.leaf("dokumentnummer", number)
                w.leaf("tilknyttetDato", created_at)
                w.leaf("tilknyttetAv", created_by)
                _write_remarks(w, document.remarks)
                _write_screening(w, document.screening)
                self.stats.screened |= document.screening is not None
                for file, data in zip(document.files, contents, strict=True):
                    self._write_file(w, case, file, data, created_at, created_by)

    def _write_file(
        self,
        w: LeafWriter,
        case: Case,
        file: DocumentFile,
        data: bytes,
        created_at: datetime,
        created_by: str,
    ) -> None:
        name = f"{DOCUMENT_DIR}/{case.case_year}/{case.case_seq}/{file.system_id}.{file.extension}"
        self._add_bytes(name, data)
        self.stats.document_files += 1
        with w.element("dokumentobjekt"):
            w.leaf("systemID", file.system_id, required=True)
            w.leaf("versjonsnummer", 1)
            w.leaf("variantformat", file.variant, required=True)
            w.leaf("format", file.puid, required=True)
            w.leaf("formatDetaljer", file.format_details)
            w.leaf("opprettetDato", created_at)
            w.leaf("opprettetAv", created_by)
            w.leaf("referanseDokumentfil", name)
            w.leaf("sjekksum", hashlib.sha256(data).hexdigest())
            w.leaf("sjekksumAlgoritme", "SHA256")
            w.leaf("filstoerrelse", len(data))
            if file.conversion is not None:
                conversion = file.conversion
                with w.element("konvertering"):
                    w.leaf("konvertertDato", conversion.converted_at, required=True)
                    w.leaf("konvertertAv", conversion.converted_by, required=True)
                    w.leaf("konvertertFraFormat", conversion.from_format, required=True)
                    w.leaf("konvertertTilFormat", conversion.to_format, required=True)
                    w.leaf("konverteringsverktoey", conversion.tool)
                    w.leaf("konverteringskommentar", conversion.comment)

    # Journals ----------------------------------------------------------------------------

    def _journal_entries(self) -> Iterator[tuple[Case, Record]]:
        """All journalposter of all cases, merged in journal order (krav 6.4.30)."""

        def entries(case: Case) -> Iterator[tuple[Case, Record]]:
            for record in self.x.records(case):
                yield case, record

        streams = [entries(case) for case in self.x.cases()]
        return heapq.merge(*streams, key=lambda item: (item[1].journal_year, item[1].journal_seq))

    def write_journal(self, public: bool) -> None:
        """Write offentligJournal.xml (public, screened values as ******) or loependeJournal.xml."""
        namespace = OFFENTLIG_JOURNAL if public else LOEPENDE_JOURNAL
        root = "offentligJournal" if public else "loependeJournal"
        stats = self.stats
        if stats.journalposter == 0 or stats.first_date is None or stats.last_date is None:
            raise InvalidDataError("an arkivuttrekk needs at least one journalpost")
        with etree.xmlfile(str(self._xml_file(f"{root}.xml")), encoding="utf-8") as xf:
            xf.write_declaration()
            w = LeafWriter(xf, namespace)
            with xf.element(w.tag(root), nsmap={None: namespace}):
                with w.element("journalhode"):
                    w.leaf("journalStartDato", stats.first_date)
                    w.leaf("journalSluttDato", stats.last_date)
                    w.leaf("antallJournalposter", stats.journalposter)
                    with w.element("arkivskaper"):
                        w.leaf("arkivskaperID", self.x.creator_id)
                        w.leaf("arkivskaperNavn", self.x.creator_name)
                count = 0
                for case, record in self._journal_entries():
                    with w.element("journalregistrering"):
                        self._journal_case(w, case, public)
                        self._journal_record(w, record, public)
                    count += 1
                    if self.progress is not None:
                        self.progress(root, count)
        stats.occurrences[f"{root}.xml//journalregistrering"] = count

    def _journal_case(self, w: LeafWriter, case: Case, public: bool) -> None:
        with w.element("saksmappe"):
            w.leaf("mappeID", case.case_number)
            w.leaf("saksaar", case.case_year)
            w.leaf("sakssekvensnummer", case.case_seq)
            if public:
                w.leaf("offentligTittel", case.public_title or case.title)
            else:
                w.leaf("tittel", case.title)
                w.leaf("offentligTittel", case.public_title)
            w.leaf("administrativEnhet", case.administrative_unit)
            w.leaf("saksansvarlig", case.responsible)
            if not public:
                w.leaf("referanseArkivdel", self.x.series_system_id)

    def _journal_record(self, w: LeafWriter, record: Record, public: bool) -> None:
        """One journalpost; the public journal never shows what is screened (krav 5.2.5-5.2.10)."""
        with w.element("journalpost"):
            w.leaf("systemID", record.system_id)
            w.leaf("registreringsID", record.registration_id)
            w.leaf("journalaar", record.journal_year)
            w.leaf("journalsekvensnummer", record.journal_seq)
            w.leaf("journalpostnummer", record.record_number)
            if public:
                w.leaf("offentligTittel", record.public_title or record.title)
            else:
                w.leaf("tittel", record.title)
                w.leaf("offentligTittel", record.public_title)
                if record.screening is not None:
                    w.leaf("skjermingMetadata", record.screening.metadata[0])
            w.leaf("journaldato", record.journal_date)
            w.leaf("dokumentetsDato", record.document_date)
            # The journals hold one avskrivning: the first, which avskrev the journalpost.
            if record.avskrivninger:
                w.leaf("avskrivningsdato", record.avskrivninger[0].on)
                w.leaf("avskrivningsmaate", record.avskrivninger[0].method)
                w.leaf("referanseAvskrivesAvJournalpost", record.avskrivninger[0].by_system_id)
            if record.screening is not None:
                w.leaf("tilgangsrestriksjon", RESTRICTED)
                w.leaf("skjermingshjemmel", record.screening.basis)
            for party in record.parties:
                with w.element("korrespondansepart"):
                    w.leaf("korrespondanseparttype", party.role)
                    hidden = public and record.names_screened
                    w.leaf(
                        "korrespondansepartNavn",
                        SCREENED_TEXT if hidden else party.organisation or party.name,
                    )
                    if not public and record.names_screened:
                        w.leaf("skjermingMetadata", f"Skjerming navn {party.role.lower()}")

    # endringslogg.xml --------------------------------------------------------------------

    def write_endringslogg(self) -> None:
        """Write the change log; with no changes, log the closing of each case (gotcha 3)."""
        count = 0
        with etree.xmlfile(str(self._xml_file("endringslogg.xml")), encoding="utf-8") as xf:
            xf.write_declaration()
            w = LeafWriter(xf, ENDRINGSLOGG)
            with xf.element(w.tag("endringslogg"), nsmap={None: ENDRINGSLOGG}):
                for change in self.x.changes():
                    self._endring(w, change)
                    count += 1
                if count == 0:
                    for case in self.x.cases():
                        closing = Change(
                            target_system_id=case.system_id,
                            element="saksstatus",
                            changed_at=case.closed_at,
                            changed_by=case.closed_by or "",
                            old_value="Under behandling",
                            new_value=case.status,
                        )
                        self._endring(w, closing)
                        count += 1
        self.stats.removed += w.removed
        self.stats.occurrences["endringslogg.xml//endring"] = count

    def _endring(self, w: LeafWriter, change: Change) -> None:
        try:
            with w.element("endring"):
                w.leaf("referanseArkivenhet", change.target_system_id, required=True)
                w.leaf("referanseMetadata", change.element, required=True)
                w.leaf("endretDato", change.changed_at, required=True)
                w.leaf("endretAv", change.changed_by, required=True)
                w.leaf("tidligereVerdi", w.text(change.old_value) or NO_VALUE)
                w.leaf("nyVerdi", w.text(change.new_value) or NO_VALUE)
        except XmlValueError as error:
            raise InvalidDataError(f"endring of {change.target_system_id}: {error}") from error

    # Finishing ---------------------------------------------------------------------------

    def finish(self) -> None:
        """Add the XML files, the schemas and arkivuttrekk.xml (checksums of the bytes written)."""
        for name in MAIN_SCHEMAS:
            self._add_file(name, self._xml_file(name))
        for name in SCHEMA_FILES:
            self._add_file(name, SCHEMA_DIR / name)
        addml = self._xml_file("arkivuttrekk.xml")
        write_addml(
            addml,
            AddmlFacts(
                creator_name=self.x.creator_name,
                system_name=self.x.system_name,
                archive_title=self.x.archive_title,
                period_start=self.x.period_start,
                period_end=self.x.period_end,
                screened=self.stats.screened,
                to_dispose=self.x.retention is not None and self.x.retention.disposes,
                document_files=self.stats.document_files,
                checksums=self.checksums,
                occurrences=self.stats.occurrences,
                removed_characters=self.stats.removed,
            ),
        )
        self._add_file("arkivuttrekk.xml", addml)


def write_extraction(
    extraction: Extraction,
    out_path: Path,
    *,
    progress: Progress | None = None,
    workers: int = 2,
) -> Path:
    """Write the arkivuttrekk as one .tar at out_path, atomically: all of it or nothing.

    progress(stage, n) is called after each journalpost written, stage being "arkivstruktur",
    "loependeJournal" or "offentligJournal". Documents render in `workers` processes.
    """
    out_path = Path(out_path)
    _check_destination(out_path)
    _check_cases(extraction)
    try:
        work_dir = Path(tempfile.mkdtemp(prefix=f".{out_path.stem}.", dir=out_path.parent))
    except OSError as error:
        raise DestinationError(f"cannot write into {out_path.parent}: {error}") from error
    executor = ProcessPoolExecutor(workers) if workers > 1 else None
    try:
        partial = work_dir / "package.tar"
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
            writer = _PackageWriter(
                extraction,
                tar,
                out_path.stem,
                work_dir,
                progress,
                executor,
                window=max(2, workers * 4),
            )
            writer.write_arkivstruktur()
            writer.write_journal(public=False)
            writer.write_journal(public=True)
            writer.write_endringslogg()
            writer.finish()
        os.replace(partial, out_path)
    except XmlValueError as error:
        raise InvalidDataError(str(error)) from error
    finally:
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(work_dir, ignore_errors=True)
    return out_path
