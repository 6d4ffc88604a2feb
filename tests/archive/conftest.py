"""A realistic consultation for the Noark 5 export tests: innspill, replies, screening."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from hoering.archive.documents import (
    DraftContext,
    DraftParagraph,
    DraftSection,
    QuotedSubmission,
    SubmissionContext,
    render_draft_pdf,
    render_submission_pdf,
)
from hoering.archive.model import (
    INCOMING,
    OUTGOING,
    RECIPIENT,
    REDACTED_FORMAT,
    SENDER,
    Avskrivning,
    Case,
    Change,
    Document,
    DocumentFile,
    Extraction,
    Party,
    Record,
    Screening,
)
from hoering.archive.noark5 import write_extraction

OSLO = timezone(timedelta(hours=1))
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=OSLO)
PARAGRAPH = "Forskriften skal sikre at alle får uttale seg."
ANSWERED = "Besvart med brev"
CLOSING = "Tatt til orientering"


def uid(name: str) -> str:
    """A stable UUID per fixture name, so tests can point at known systemIDs."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"hoering-test:{name}"))


def cheap(text: str) -> Callable[[], bytes]:
    """A picklable stand-in renderer returning the text as bytes."""
    return functools.partial(str.encode, text)


def submission(**changes: object) -> SubmissionContext:
    """A SubmissionContext with overridable defaults."""
    ctx = SubmissionContext(
        consultation_title="Høring om endring i forskrift om åpne høringer",
        case_number="2026/1234",
        agency="Direktoratet for høringer",
        version_label="versjon 1",
        paragraph_number="§ 3",
        paragraph_heading="Formål",
        paragraph_text=PARAGRAPH,
        text="Jeg støtter forslaget, men fristen bør være lengre.",
        author="Ola Nordmann",
        organisation=None,
        submitted_at=T0,
        journal_number="2026/1234-2",
        position="Støtter",
    )
    return replace(ctx, **changes)  # type: ignore[arg-type]


def draft_document(pdf: bool = False) -> Document:
    """The draft as published, a document of the høringsbrev journalpost."""
    draft = DraftContext(
        consultation_title="Høring om endring i forskrift om åpne høringer",
        case_number="2026/1234",
        agency="Direktoratet for høringer",
        version_label="versjon 1",
        published_on=date(2026, 3, 1),
        sections=(DraftSection("Kapittel 1. Innledning", (DraftParagraph("§ 3", PARAGRAPH),)),),
    )
    content = functools.partial(render_draft_pdf, draft) if pdf else cheap("draft v1")
    return Document(
        uid("draft-doc"),
        "Høringsutkast versjon 1",
        "Høringsutkast",
        (DocumentFile(uid("draft-file"), content),),
    )


def case_fixture(closed: bool = True) -> Case:
    """The consultation's saksmappe."""
    return Case(
        system_id=uid("case"),
        case_year=2026,
        case_seq=1234,
        title="Høring om endring i forskrift om åpne høringer",
        public_title=None,
        description="Elektronisk høring med innspill per paragraf.",
        created_at=T0 - timedelta(days=1),
        created_by="saksbehandler@etaten.no",
        closed_at=T0 + timedelta(days=40) if closed else None,
        closed_by="saksbehandler@etaten.no" if closed else None,
        case_date=date(2026, 3, 1),
        administrative_unit="Seksjon for regelverk",
        responsible="Kari Saksbehandler",
    )


def records_fixture(pdf: bool = False) -> list[Record]:
    """I and U records: the høringsbrev to two høringsinstanser with the draft, a reply, a
    name-screened one, a partly screened one, odd characters."""

    def content(name: str, ctx: SubmissionContext) -> Callable[[], bytes]:
        return functools.partial(render_submission_pdf, ctx) if pdf else cheap(name)

    def record(n: int, kind: str, title: str, parties: tuple[Party, ...], **kw: object) -> Record:
        ctx = kw.pop("ctx", None) or submission(journal_number=f"2026/1234-{n}", text=title)
        docs = kw.pop("documents", None) or (
            Document(
                uid(f"doc-{n}"),
                title,
                "Høringsuttalelse",
                (DocumentFile(uid(f"file-{n}"), content(f"doc {n}", ctx)),),
            ),
        )
        base = Record(
            system_id=uid(f"record-{n}"),
            journal_year=2026,
            journal_seq=500 + n,
            record_number=n,
            registration_id=f"2026/1234-{n}",
            journal_post_type=kind,
            title=title,
            public_title=None,
            journal_date=date(2026, 3, n + 1),
            document_date=date(2026, 3, n + 1),
            created_at=T0 + timedelta(days=n),
            created_by="hoering",
            archived_at=T0 + timedelta(days=n, hours=1),
            archived_by="hoering",
            parties=parties,
            documents=docs,  # type: ignore[arg-type]
            # Incoming journalposts are avskrevet when the case closes, unless answered.
            avskrivninger=(Avskrivning(date(2026, 4, 11), "saksbehandler", CLOSING),)
            if kind == INCOMING
            else (),
        )
        return replace(base, **kw)  # type: ignore[arg-type]

    ola = (Party("Ola Nordmann", None, SENDER),)
    redacted_ctx = submission(
        journal_number="2026/1234-4",
        text="Naboen min Per Hansen mener noe annet.",
        screened_spans=((10, 20),),
        redacted=True,
    )
    full_ctx = replace(redacted_ctx, redacted=False)
    partly_docs = (
        Document(
            uid("doc-4"),
            "Innspill til § 3",
            "Høringsuttalelse",
            (
                DocumentFile(uid("file-4"), content("doc 4", full_ctx)),
                DocumentFile(uid("file-4r"), content("doc 4r", redacted_ctx), REDACTED_FORMAT),
            ),
            screening=Screening(
                "Offl. § 13 jf. fvl. § 13 første ledd nr. 1",
                ("Skjerming tittel dokumentbeskrivelse",),
                "Skjerming av deler av dokumentet",
                60,
                date(2086, 3, 2),
            ),
        ),
    )
    return [
        record(
            0,
            OUTGOING,
            "Høringsbrev: Høring om endring i forskrift om åpne høringer",
            (
                Party("Foreningen for åpenhet", None, RECIPIENT),
                Party("Fjordvik kommune", None, RECIPIENT),
            ),
            documents=(draft_document(pdf),),
            sent_at=T0,
        ),
        record(
            1,
            INCOMING,
            "Innspill til § 3 fra Ola Nordmann 😀\x07",
            ola,
            avskrivninger=(
                Avskrivning(date(2026, 3, 3), "Kari Saksbehandler", ANSWERED, uid("record-2")),
            ),
        ),
        record(
            2,
            OUTGOING,
            "Svar på innspill til § 3",
            (Party("Ola Nordmann", None, RECIPIENT),),
            replies_to_system_id=uid("record-1"),
            ctx=submission(
                journal_number="2026/1234-2",
                text="Takk for innspillet. Vi vurderer fristen.",
                author="Kari Saksbehandler",
                organisation="Direktoratet for høringer",
                position=None,
                in_reply_to=QuotedSubmission("Ola Nordmann", T0, "Fristen bør være lengre."),
            ),
        ),
        record(
            3,
            INCOMING,
            "Innspill fra Kari Hemmelig om helse",
            (Party("Kari Hemmelig", None, SENDER),),
            public_title="Innspill fra ****** om ******",
            screening=Screening(
                "Offl. § 13 jf. fvl. § 13 første ledd nr. 1",
                ("Skjerming navn avsender", "Skjerming tittel registrering - utvalgte ord"),
                None,
                60,
                date(2086, 3, 2),
            ),
        ),
        record(
            4,
            INCOMING,
            "Innspill til § 3",
            (Party("Per Organisasjon", "Foreningen for åpenhet", SENDER),),
            documents=partly_docs,
        ),
    ]


def extraction_fixture(
    case: Case | None = None,
    records: Callable[[Case], list[Record]] | None = None,
    changes: tuple[Change, ...] | None = None,
) -> Extraction:
    """An Extraction of one closed consultation."""
    case = case or case_fixture()
    default_changes = (
        Change(
            uid("record-3"),
            "offentligTittel",
            T0 + timedelta(days=5),
            "arkivar",
            None,
            "Innspill fra ****** om ******",
        ),
        Change(case.system_id, "tittel", T0, "saksbehandler", "Høring\x0c om forskrift", "Høring"),
    )
    return Extraction(
        archive_system_id=uid("arkiv"),
        archive_title="Direktoratet for høringer – høringsarkiv",
        creator_id="974760673",
        creator_name="Direktoratet for høringer",
        series_system_id=uid("arkivdel"),
        series_title="Elektroniske høringer 2026",
        period_start=date(2026, 1, 1),
        period_end=date(2026, 12, 31),
        system_name="Høring",
        created_at=T0 - timedelta(days=60),
        created_by="arkivar",
        produced_at=T0 + timedelta(days=41),
        produced_by="arkivar",
        cases=lambda: [case],
        records=records or (lambda _case: records_fixture()),
        changes=lambda: changes if changes is not None else default_changes,
    )


@pytest.fixture
def written(tmp_path: Path) -> Path:
    """The fixture extraction written to a .tar."""
    return write_extraction(extraction_fixture(), tmp_path / "uttrekk-2026-1234.tar", workers=1)


@pytest.fixture
def unpacked(written: Path, tmp_path: Path) -> Path:
    """The written .tar unpacked; returns its top folder."""
    import tarfile

    target = tmp_path / "unpacked"
    with tarfile.open(written) as tar:
        tar.extractall(target, filter="data")
    return target / "uttrekk-2026-1234"


def many_records(count: int) -> Callable[[Case], Iterator[Record]]:
    """A generator callable yielding `count` simple incoming records."""

    def records(_case: Case) -> Iterator[Record]:
        for n in range(1, count + 1):
            yield Record(
                system_id=str(uuid.UUID(int=n)),
                journal_year=2026,
                journal_seq=n,
                record_number=n,
                registration_id=f"2026/1234-{n}",
                journal_post_type=INCOMING,
                title=f"Innspill {n}",
                public_title=None,
                journal_date=date(2026, 3, 2) + timedelta(days=n // 100),
                document_date=None,
                created_at=T0,
                created_by="hoering",
                archived_at=T0,
                archived_by="hoering",
                parties=(Party(f"Person {n}", None, SENDER),),
                avskrivninger=(Avskrivning(date(2026, 6, 1), "saksbehandler", CLOSING),),
                documents=(
                    Document(
                        str(uuid.UUID(int=10**9 + n)),
                        f"Innspill {n}",
                        "Høringsuttalelse",
                        (DocumentFile(str(uuid.UUID(int=2 * 10**9 + n)), cheap(f"innspill {n}")),),
                    ),
                ),
            )

    return records
