"""Consultations: create, edit, invite consultees, import and publish drafts, open and close."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime

from blinker import Namespace
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from hoering import text
from hoering.accounts.models import ROLE_CASE_OFFICER, Agency, Organisation, User
from hoering.accounts.services import valid_org_number
from hoering.consultations.draft import ParsedDraft, parse_draft, slugify
from hoering.consultations.models import (
    MODERATION_MODES,
    STATUS_ARCHIVED,
    STATUS_CLOSED,
    STATUS_DRAFT,
    STATUS_OPEN,
    Consultation,
    Consultee,
    DraftVersion,
    Paragraph,
    Section,
)
from hoering.db import utcnow
from hoering.errors import BadInputError, ConflictError, NotFoundError
from hoering.extensions import db

log = logging.getLogger(__name__)

_signals = Namespace()
# Sent in the closing transaction, with by= (who closed it) and at= (when): the journal
# avskriver the case's open incoming entries (a lower layer must not call the journal itself).
consultation_closed = _signals.signal("consultation-closed")
# Sent in the opening transaction, with at= (when): the journal journals the høringsbrev, sent to
# the invited høringsinstanser with the agency's documents and the draft as published.
consultation_opened = _signals.signal("consultation-opened")
# Sent when a draft version is published after the consultation opened, with version= and at=:
# the journal journals the revised draft.
draft_revised = _signals.signal("draft-revised")
# Sent when a høringsinstans is invited to a consultation already open, with consultee= and at=:
# the journal journals the høringsbrev sent to it.
consultee_invited = _signals.signal("consultee-invited")

CASE_NUMBER_RE = re.compile(r"^(\d{4})/(\d{1,6})$")


def default_expectations() -> str:
    """What to expect, after the guideline: response time, answers, no case processing, privacy."""
    return _(
        "**Slik behandler vi innspillene.** Alle innspill er offentlige og blir journalført "
        "og arkivert. Vi leser alt som kommer inn før fristen, og svarer på spørsmål om "
        "høringen innen tre virkedager. Du får ikke svar på hvert enkelt innspill her, men "
        "innspillene blir omtalt i saken vi legger fram etter høringen.\n\n"
        "**Ingen saksbehandling her.** Vi behandler ikke enkeltsaker i kommentarfeltet. "
        "Gjelder det din egen sak, kontakt oss på vanlig måte.\n\n"
        "**Ikke del personopplysninger** om deg selv eller andre, som helse, "
        "fødselsnummer, familie, økonomi eller straffbare forhold.\n\n"
        "**Dette fjerner vi:** trakassering, trusler, spam, reklame og innhold som bryter "
        "loven. Det som fjernes, blir markert med begrunnelse, og originalen blir arkivert."
    )


class ConsultationClosedError(ConflictError):
    message = _l(
        "Høringen er ikke åpen for innspill. Fristen har gått ut eller høringen er lukket."
    )


class InvalidTransitionError(ConflictError):
    message = _l("Høringen kan ikke endre status på denne måten nå.")


@dataclass
class ConsultationData:
    title: str
    summary: str
    case_number: str
    opens_at: datetime
    deadline: datetime
    moderation_mode: str
    expectations: str


def _check(data: ConsultationData) -> None:
    if not CASE_NUMBER_RE.match(data.case_number.strip()):
        raise BadInputError(
            _l("Saksnummeret må ha formen åååå/løpenummer, for eksempel 2026/1234."),
            field="case_number",
        )
    if data.deadline <= data.opens_at:
        raise BadInputError(_l("Høringsfristen må være etter åpningsdatoen."), field="deadline")
    if data.moderation_mode not in MODERATION_MODES:
        raise BadInputError(_l("Ukjent modereringsform."), field="moderation_mode")


def _unique_slug(title: str) -> str:
    base = slugify(title, max_length=60)
    taken = set(
        db.session.scalars(select(Consultation.slug).where(Consultation.slug.like(f"{base}%")))
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_consultation(
    agency: Agency, data: ConsultationData, *, by: User, now: datetime | None = None
) -> Consultation:
    """A new consultation starts as a draft, visible only to its agency's staff."""
    _check(data)
    consultation = Consultation(
        agency=agency,
        slug=_unique_slug(data.title),
        title=data.title.strip(),
        summary=data.summary.strip(),
        case_number=data.case_number.strip(),
        opens_at=data.opens_at,
        deadline=data.deadline,
        moderation_mode=data.moderation_mode,
        expectations=data.expectations.strip() or default_expectations(),
        created_by=by,
        status=STATUS_DRAFT,
        created_at=now or utcnow(),
    )
    db.session.add(consultation)
    db.session.flush()
    log.info("consultation %s created by user %s", consultation.id, by.id)
    return consultation


def update_consultation(consultation: Consultation, data: ConsultationData) -> None:
    if consultation.status in (STATUS_CLOSED, STATUS_ARCHIVED):
        raise InvalidTransitionError(_l("En lukket høring kan ikke endres."))
    _check(data)
    consultation.title = data.title.strip()
    consultation.summary = data.summary.strip()
    consultation.case_number = data.case_number.strip()
    consultation.opens_at = data.opens_at
    consultation.deadline = data.deadline
    consultation.moderation_mode = data.moderation_mode
    consultation.expectations = data.expectations.strip() or default_expectations()
    db.session.flush()


def letter_goes_out(consultation: Consultation, now: datetime) -> bool:
    """Whether a høringsinstans invited now is sent the høringsbrev at once: the consultation is
    open and before its deadline. One invited before opening gets it with the others at opening;
    after the deadline nothing is added to the closed case."""
    return (
        consultation.status == STATUS_OPEN
        and (consultation.closed_at or consultation.deadline) > now
    )


def add_consultee(
    consultation: Consultation,
    name: str,
    org_number: str,
    contact: str | None = None,
    *,
    now: datetime | None = None,
) -> Consultee:
    """Invite a høringsinstans; the organisation number must pass its mod-11 check. Invited to
    an open consultation, it is sent the høringsbrev (journaled in this transaction)."""
    number = valid_org_number(org_number)
    existing = db.session.scalar(
        select(Consultee).where(
            Consultee.consultation_id == consultation.id, Consultee.org_number == number
        )
    )
    if existing is not None:
        raise ConflictError(_l("Denne høringsinstansen er allerede invitert."), field="org_number")
    organisation = db.session.scalar(select(Organisation).where(Organisation.org_number == number))
    consultee = Consultee(
        consultation=consultation,
        name=text.clean_name(name),
        org_number=number,
        contact=(contact or "").strip() or None,
        organisation=organisation,
    )
    db.session.add(consultee)
    db.session.flush()
    now = now or utcnow()
    if letter_goes_out(consultation, now):
        consultee_invited.send(consultation, consultee=consultee, at=now)
    return consultee


def invited(consultation: Consultation) -> list[Consultee]:
    """The consultation's invited høringsinstanser, by name."""
    return list(
        db.session.scalars(
            select(Consultee)
            .where(Consultee.consultation_id == consultation.id)
            .order_by(Consultee.name)
        )
    )


def preview_draft(source: str) -> ParsedDraft:
    if not source.strip():
        raise BadInputError(_l("Utkastet er tomt."), field="source")
    parsed = parse_draft(source)
    if parsed.paragraph_count == 0:
        raise BadInputError(
            _l("Fant ingen avsnitt å kommentere. Bruk overskrifter (#) og vanlige avsnitt."),
            field="source",
        )
    return parsed


def publish_draft_version(
    consultation: Consultation,
    source: str,
    *,
    by: User,
    note: str = "",
    now: datetime | None = None,
) -> DraftVersion:
    """Store a new version of the draft and make it the current one; old versions stay.

    A closed consultation takes a revised version (the draft as changed after the høring); an
    archived one is final."""
    if consultation.status == STATUS_ARCHIVED:
        raise InvalidTransitionError(_l("Utkastet til en arkivert høring kan ikke endres."))
    parsed = preview_draft(source)
    number = (
        db.session.scalar(
            select(func.max(DraftVersion.number)).where(
                DraftVersion.consultation_id == consultation.id
            )
        )
        or 0
    ) + 1
    now = now or utcnow()
    version = DraftVersion(
        consultation=consultation,
        number=number,
        source_markdown=source,
        note=note.strip(),
        created_by_id=by.id,
        created_at=now,
        published_at=now,
    )
    db.session.add(version)
    db.session.flush()
    position = 0
    for index, parsed_section in enumerate(parsed.sections):
        section = Section(
            version_id=version.id,
            key=parsed_section.key,
            level=parsed_section.level,
            number=parsed_section.number,
            title=parsed_section.title,
            position=index,
        )
        db.session.add(section)
        db.session.flush()
        for parsed_paragraph in parsed_section.paragraphs:
            db.session.add(
                Paragraph(
                    consultation_id=consultation.id,
                    version_id=version.id,
                    section_id=section.id,
                    anchor=parsed_paragraph.anchor,
                    ordinal=parsed_paragraph.ordinal,
                    position=position,
                    marker=parsed_paragraph.marker,
                    text=parsed_paragraph.text,
                )
            )
            position += 1
    consultation.current_version = version
    db.session.flush()
    if consultation.status != STATUS_DRAFT:
        draft_revised.send(consultation, version=version, at=now)
    log.info("consultation %s draft version %s published", consultation.id, number)
    return version


def publish_consultation(consultation: Consultation, *, now: datetime | None = None) -> None:
    """draft -> open: needs a published draft; it accepts innspill from its opening date."""
    if consultation.status != STATUS_DRAFT:
        raise InvalidTransitionError()
    if consultation.current_version_id is None:
        raise InvalidTransitionError(_l("Last opp og publiser et utkast før høringen åpnes."))
    now = now or utcnow()
    if consultation.deadline <= now:
        raise InvalidTransitionError(_l("Høringsfristen har allerede gått ut. Sett en ny frist."))
    consultation.status = STATUS_OPEN
    consultation.published_at = now
    db.session.flush()
    consultation_opened.send(consultation, at=now)


# Who closed a consultation whose deadline closed it.
CLOSED_BY_DEADLINE = "Høring (fristen gikk ut)"


def close_consultation(consultation: Consultation, *, by: User | None, now=None) -> None:
    """open -> closed, by hand before the deadline or by the scheduled task after it."""
    if consultation.status != STATUS_OPEN:
        raise InvalidTransitionError()
    consultation.status = STATUS_CLOSED
    consultation.closed_at = min(now or utcnow(), consultation.deadline)
    consultation.closed_by = by
    db.session.flush()
    consultation_closed.send(
        consultation, by=by.name if by else CLOSED_BY_DEADLINE, at=consultation.closed_at
    )


def archive_consultation(consultation: Consultation) -> None:
    if consultation.status != STATUS_CLOSED:
        raise InvalidTransitionError(_l("Bare en lukket høring kan arkiveres."))
    consultation.status = STATUS_ARCHIVED
    consultation.archived_at = utcnow()
    db.session.flush()


def close_expired(now: datetime | None = None) -> int:
    """Close every open consultation past its deadline; safe to run from any host, any time
    (each is closed by one conditional UPDATE, so only one host closes it)."""
    now = now or utcnow()
    expired = db.session.scalars(
        select(Consultation.id).where(
            Consultation.status == STATUS_OPEN, Consultation.deadline <= now
        )
    ).all()
    closed = 0
    for consultation_id in expired:
        result = db.session.execute(
            update(Consultation)
            .where(Consultation.id == consultation_id, Consultation.status == STATUS_OPEN)
            .values(status=STATUS_CLOSED, closed_at=Consultation.deadline)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount:
            consultation = db.session.get(Consultation, consultation_id)
            db.session.refresh(consultation)
            consultation_closed.send(consultation, by=CLOSED_BY_DEADLINE, at=consultation.closed_at)
            closed += 1
    return closed


def get_consultation(slug: str, *, viewer: User | None = None) -> Consultation:
    """A consultation by slug; drafts exist only for their agency's staff (404 for others)."""
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None:
        raise NotFoundError()
    if not consultation.is_public and not can_manage(viewer, consultation):
        raise NotFoundError()
    return consultation


def can_manage(user: User | None, consultation: Consultation) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.has_role(ROLE_CASE_OFFICER, consultation.agency_id)
    )
