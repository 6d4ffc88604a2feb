"""The public journal (offentlig journal): every journalpost of an agency, as the public sees it.

What it shows (offentleglova § 10, arkivforskriften § 10, Noark 5 krav 5.2.5-5.2.10): journal
number, journal date, title, sender or recipient, case, document type, and for an incoming
document how and when it was avskrevet. What is screened is shown
as ****** with the legal basis beside it, never the value. Every entry is listed, whatever the
moderation status of the innspill: an innspill waiting for moderation, hidden or rejected was
still received and journaled, so its entry is listed with its title (titles are made by Høring
from the paragraph, never from the text). The text itself is not part of the journal; the public
reads it on the consultation's pages once it is published.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import aliased

from hoering.accounts.models import Agency
from hoering.consultations.models import STATUS_DRAFT, Consultation
from hoering.db import utcnow
from hoering.errors import BadInputError, NotFoundError
from hoering.extensions import db
from hoering.journal.models import DOC_INCOMING, SCREENED_TEXT, Avskrivning, JournalEntry
from hoering.journal.services import OSLO, screenings
from hoering.paging import date_param
from hoering.submissions.models import STATUS_PUBLISHED, AgencyReply, Submission

BATCH = 500


@dataclass(frozen=True)
class JournalFilter:
    """Which entries to list: journal dates from and to (inclusive), one consultation or all."""

    date_from: date | None = None
    date_to: date | None = None
    consultation: Consultation | None = None


@dataclass(frozen=True)
class PublicEntry:
    """One line of the public journal; correspondent is ****** when the name is screened."""

    id: int
    journal_number: str
    journal_date: date
    document_type: str
    title: str
    correspondent: str
    screened: bool
    legal_basis: str | None
    case_number: str
    consultation_title: str
    consultation_slug: str
    submission_id: int | None
    avskrivning_method: str | None = None
    avskrivning_date: date | None = None

    @property
    def is_incoming(self) -> bool:
        return self.document_type == DOC_INCOMING


@dataclass(frozen=True)
class DailyHead:
    """The last journalpost of one journal day; its hash is the head of the chain that day."""

    journal_date: date
    journal_number: str
    hash: str


# How many journal days of heads the public journal shows.
DAILY_HEADS = 14


def daily_heads(agency: Agency, *, today: date | None = None) -> list[DailyHead]:
    """The chain's head at the end of each of the last journal days, newest first.

    Published so that anyone can write one down: the journal can later be checked against it
    (`flask journal verify --expect-head`), which proves nothing journaled up to it was cut.
    """
    today = today or utcnow().astimezone(OSLO).date()
    since = today - timedelta(days=DAILY_HEADS)
    last_of_day = db.session.execute(
        select(JournalEntry.journal_date, func.max(JournalEntry.seq))
        .where(JournalEntry.agency_id == agency.id, JournalEntry.journal_date > since)
        .group_by(JournalEntry.journal_date)
    ).all()
    if not last_of_day:
        return []
    # The journal year is the year of the journal date (both are taken in Oslo time).
    rows = db.session.execute(
        select(JournalEntry.journal_date, JournalEntry.year, JournalEntry.seq, JournalEntry.hash)
        .where(
            JournalEntry.agency_id == agency.id,
            or_(
                *(
                    and_(JournalEntry.year == day.year, JournalEntry.seq == seq)
                    for day, seq in last_of_day
                )
            ),
        )
        .order_by(JournalEntry.journal_date.desc())
    )
    return [DailyHead(day, f"{year}/{seq:06d}", hash_) for day, year, seq, hash_ in rows]


def get_agency(slug: str) -> Agency:
    """An agency by its slug (404 when there is none)."""
    agency = db.session.scalar(select(Agency).where(Agency.slug == slug))
    if agency is None:
        raise NotFoundError()
    return agency


def journal_consultations(agency: Agency) -> list[Consultation]:
    """The agency's public consultations, newest first: the choices of the filter."""
    return list(
        db.session.scalars(
            select(Consultation)
            .where(Consultation.agency_id == agency.id, Consultation.status != STATUS_DRAFT)
            .order_by(Consultation.created_at.desc())
        )
    )


def parse_filter(agency: Agency, args: Mapping[str, str]) -> JournalFilter:
    """Read `fra`, `til` (åååå-mm-dd) and `hoering` (a consultation's slug); 400 if malformed."""
    date_from = date_param(args, "fra")
    date_to = date_param(args, "til")
    if date_from and date_to and date_from > date_to:
        raise BadInputError(_l("Fra-datoen må være før til-datoen."), field="til")
    consultation = None
    slug = (args.get("hoering") or "").strip()
    if slug:
        consultation = db.session.scalar(
            select(Consultation).where(
                Consultation.slug == slug,
                Consultation.agency_id == agency.id,
                Consultation.status != STATUS_DRAFT,
            )
        )
        if consultation is None:
            raise NotFoundError(_l("Fant ingen høring med denne adressen hos virksomheten."))
    return JournalFilter(date_from, date_to, consultation)


def _query(agency: Agency, flt: JournalFilter):
    answered = aliased(Submission)
    shown = func.coalesce(JournalEntry.submission_id, AgencyReply.submission_id)
    query = (
        select(
            JournalEntry,
            Consultation.title,
            Consultation.slug,
            answered.id,
            answered.status,
            Avskrivning.method,
            Avskrivning.avskrevet_on,
        )
        .join(Consultation, Consultation.id == JournalEntry.consultation_id)
        .outerjoin(AgencyReply, AgencyReply.id == JournalEntry.agency_reply_id)
        .outerjoin(answered, answered.id == shown)
        .outerjoin(Avskrivning, Avskrivning.entry_id == JournalEntry.id)
        .where(JournalEntry.agency_id == agency.id)
    )
    if flt.date_from:
        query = query.where(JournalEntry.journal_date >= flt.date_from)
    if flt.date_to:
        query = query.where(JournalEntry.journal_date <= flt.date_to)
    if flt.consultation:
        query = query.where(JournalEntry.consultation_id == flt.consultation.id)
    return query.order_by(JournalEntry.id.desc())


def _public(rows, agency: Agency) -> list[PublicEntry]:
    entries = [row[0] for row in rows]
    states = screenings(entries)
    result = []
    for entry, title, slug, submission_id, status, method, avskrevet_on in rows:
        state = states[entry.id]
        correspondent = entry.correspondent_organisation or entry.correspondent_name
        result.append(
            PublicEntry(
                id=entry.id,
                journal_number=entry.journal_number,
                journal_date=entry.journal_date,
                document_type=entry.document_type,
                title=state.title,
                correspondent=SCREENED_TEXT if state.name else correspondent,
                screened=state.screened,
                # What the entry was screened on, else the agency's basis for hidden names.
                legal_basis=state.basis or agency.name_screening_basis or state.legal_basis
                if state.screened
                else None,
                case_number=entry.case_number,
                consultation_title=title,
                consultation_slug=slug,
                submission_id=submission_id if status == STATUS_PUBLISHED else None,
                avskrivning_method=method,
                avskrivning_date=avskrevet_on,
            )
        )
    return result


def public_page(
    agency: Agency, flt: JournalFilter, *, after: int | None, size: int
) -> tuple[list[PublicEntry], int | None]:
    """One page, newest first; `after` is the id of the last entry of the previous page."""
    query = _query(agency, flt)
    if after is not None:
        query = query.where(JournalEntry.id < after)
    rows = db.session.execute(query.limit(size + 1)).all()
    page = _public(rows[:size], agency)
    return page, (page[-1].id if len(rows) > size and page else None)


def iter_public(agency: Agency, flt: JournalFilter) -> Iterator[PublicEntry]:
    """Every matching entry, newest first, read in batches so memory stays flat (for CSV)."""
    after = None
    while True:
        page, after = public_page(agency, flt, after=after, size=BATCH)
        yield from page
        if after is None:
            return
