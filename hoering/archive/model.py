"""Plain data handed to the Noark 5 writer: the boundary between the app's models and the export."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

# Noark 5 code values (metadatakatalog M082, M087, M700, M217, M500).
INCOMING = "I"
OUTGOING = "U"
JOURNAL_POST_TYPES = {INCOMING: "Inngående dokument", OUTGOING: "Utgående dokument"}
SENDER = "Avsender"
RECIPIENT = "Mottaker"
ARCHIVE_FORMAT = "Arkivformat"
PRODUCTION_FORMAT = "Produksjonsformat"
REDACTED_FORMAT = "Dokument hvor deler av innholdet er skjermet"
MAIN_DOCUMENT = "Hoveddokument"
ATTACHMENT = "Vedlegg"
RESTRICTED = "Unntatt offentlighet"
PARTLY_SCREENED = "Skjerming av deler av dokumentet"  # M503
WHOLLY_SCREENED = "Skjerming av hele dokumentet"  # M503
SCREENED_SENDER = "Skjerming navn avsender"  # M502
SCREENED_RECIPIENT = "Skjerming navn mottaker"  # M502
SCREENED_DOCUMENT_TITLE = "Skjerming tittel dokumentbeskrivelse"  # M502
PDFA_2B = "fmt/477"
KEEP = "Bevares"  # M450: the kassasjonsvedtak that disposes of nothing


@dataclass(frozen=True)
class Screening:
    """A skjerming element: what is screened (M502, at least one: the schema needs it), whether
    the document is partly screened (M503), on what legal basis and until when (M504, M505)."""

    basis: str
    metadata: tuple[str, ...]
    document: str | None
    years: int
    ends: date


@dataclass(frozen=True)
class Remark:
    """A merknad (M310) with its type (M084), time and author."""

    text: str
    kind: str
    at: datetime
    by: str


@dataclass(frozen=True)
class Avskrivning:
    """How an incoming journalpost was dealt with (avskrivningsmåte, M619), and by which outgoing
    journalpost when it was answered (referanseAvskrivesAvJournalpost)."""

    on: date
    by: str
    method: str
    by_system_id: str | None = None


@dataclass(frozen=True)
class Party:
    """A korrespondansepart; role is "Avsender" or "Mottaker" (M087)."""

    name: str
    organisation: str | None
    role: str


@dataclass(frozen=True)
class Conversion:
    """A konvertering record: how an arkivformat file was made from the file as received."""

    converted_at: datetime
    converted_by: str
    from_format: str
    to_format: str
    tool: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class DocumentFile:
    """One dokumentobjekt: bytes, or a picklable callable rendering them when written (6.4.36)."""

    system_id: str
    content: bytes | Callable[[], bytes]
    variant: str = ARCHIVE_FORMAT
    puid: str = PDFA_2B
    format_details: str | None = "PDF/A-2b"
    extension: str = "pdf"
    conversion: Conversion | None = None


@dataclass(frozen=True)
class Document:
    """One dokumentbeskrivelse with its files; kind is the free-text dokumenttype (M083)."""

    system_id: str
    title: str
    kind: str
    files: tuple[DocumentFile, ...]
    role: str = MAIN_DOCUMENT
    remarks: tuple[Remark, ...] = ()
    screening: Screening | None = None


@dataclass(frozen=True)
class Record:
    """One journalpost; journal_post_type is "I" or "U", written as the M082 code value."""

    system_id: str
    journal_year: int
    journal_seq: int
    record_number: int
    registration_id: str
    journal_post_type: str
    title: str
    public_title: str | None
    journal_date: date
    document_date: date | None
    created_at: datetime
    created_by: str
    archived_at: datetime
    archived_by: str
    parties: tuple[Party, ...]
    documents: tuple[Document, ...] = ()
    screening: Screening | None = None
    status: str = "Arkivert"
    replies_to_system_id: str | None = None
    remarks: tuple[Remark, ...] = ()
    avskrivninger: tuple[Avskrivning, ...] = ()
    # When an outgoing journalpost was sent (sendtDato, M105); None for an incoming one.
    sent_at: datetime | None = None

    @property
    def screened(self) -> bool:
        return self.screening is not None

    @property
    def names_screened(self) -> bool:
        """True when skjermingMetadata screens the korrespondansepart names (M502)."""
        return self.screening is not None and any(
            m in (SCREENED_SENDER, SCREENED_RECIPIENT) for m in self.screening.metadata
        )


@dataclass(frozen=True)
class Case:
    """One saksmappe per consultation, filed in the class class_id of the klassifikasjonssystem."""

    system_id: str
    case_year: int
    case_seq: int
    title: str
    public_title: str | None
    description: str | None
    created_at: datetime
    created_by: str
    closed_at: datetime | None
    closed_by: str | None
    case_date: date
    administrative_unit: str
    responsible: str
    class_id: str = ""
    class_title: str = ""
    # The systemID of the klassifikasjonssystem the class belongs to (None: not classified).
    classification_system_id: str | None = None
    status: str = "Avsluttet"

    @property
    def case_number(self) -> str:
        """The mappeID, saksaar/sakssekvensnummer (M003)."""
        return f"{self.case_year}/{self.case_seq}"


@dataclass(frozen=True)
class Change:
    """One endringslogg entry; element is the changed metadata element (referanseMetadata, M681)."""

    target_system_id: str
    element: str
    changed_at: datetime
    changed_by: str
    old_value: str | None
    new_value: str | None


@dataclass(frozen=True)
class Retention:
    """Bevaring og kassasjon of the arkivdel: the decision (M450), its authority (M453), the
    years kept (M451) and the date the decision falls due (kassasjonsdato)."""

    decision: str
    authority: str | None
    years: int
    due: date

    @property
    def disposes(self) -> bool:
        """Documents are to be disposed of later (inneholderDokumenterSomSkalKasseres)."""
        return self.decision != KEEP


@dataclass(frozen=True)
class Class:
    """One klasse of the arkivnøkkel: its systemID, klasseID and tittel."""

    system_id: str
    class_id: str
    title: str


@dataclass(frozen=True)
class Classification:
    """The klassifikasjonssystem (arkivnøkkel) with the classes the saksmapper are filed in (each
    saksmappe in the klasse whose klasseID is its class_id)."""

    system_id: str
    title: str
    classes: tuple[Class, ...]


@dataclass(frozen=True)
class Extraction:
    """Everything one arkivuttrekk holds; the callables are re-invoked for each pass over the data.

    records(case) must yield the case's journalposter sorted by journal year and sequence number,
    as the journals must be (krav 6.4.30).
    """

    archive_system_id: str
    archive_title: str
    creator_id: str
    creator_name: str
    series_system_id: str
    series_title: str
    period_start: date
    period_end: date
    system_name: str
    created_at: datetime
    created_by: str
    produced_at: datetime
    produced_by: str
    cases: Callable[[], Iterable[Case]]
    records: Callable[[Case], Iterable[Record]]
    changes: Callable[[], Iterable[Change]] = tuple
    # The arkivdel's own dates: when its first saksmappe was created and its last one closed
    # (the export's time when not given).
    series_created_at: datetime | None = None
    series_closed_at: datetime | None = None
    series_closed_by: str | None = None
    retention: Retention | None = None
    classification: Classification | None = None
