"""The agency's archive settings, decided by its records manager: the skjermingshjemmel for a
name a citizen chose to hide, bevaring og kassasjon, and the arkivnøkkel its consultations are
filed under. Every export and the public journal read them from the agency."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from hoering.accounts.models import Agency, User
from hoering.agencies.services import can_edit_appearance
from hoering.consultations.models import STATUS_ARCHIVED, Consultation
from hoering.errors import BadInputError, ConflictError
from hoering.extensions import db
from hoering.journal.services import SCREENING_BASIS

log = logging.getLogger(__name__)

DISPOSAL_DECISIONS = ("Bevares", "Kasseres", "Vurderes senere")  # M450


@dataclass(frozen=True)
class ArchiveSettings:
    name_screening_basis: str
    disposal_decision: str
    disposal_authority: str
    retention_years: int
    classification_title: str
    class_id: str
    class_title: str


def can_edit(user: User, agency: Agency) -> bool:
    """The agency's case officers, and admins (the same people as for its other settings)."""
    return can_edit_appearance(user, agency)


def name_screening_basis(agency: Agency) -> str:
    """The skjermingshjemmel used when a citizen hides their name: the agency's, or Høring's."""
    return agency.name_screening_basis or SCREENING_BASIS


def update(agency: Agency, settings: ArchiveSettings, *, by: User) -> None:
    basis = settings.name_screening_basis.strip()
    agency.name_screening_basis = None if basis in ("", SCREENING_BASIS) else basis
    agency.disposal_decision = settings.disposal_decision
    agency.disposal_authority = settings.disposal_authority.strip() or None
    agency.retention_years = settings.retention_years
    agency.classification_title = settings.classification_title.strip()
    agency.class_id = settings.class_id.strip()
    agency.class_title = settings.class_title.strip()
    db.session.flush()
    log.info("archive settings of agency %s changed by user %s", agency.id, by.id)


# A klasseID of an arkivnøkkel: letters, digits and the separators arkivnøkler use (033,
# 614/K1, 2.1.3, HØRING), starting with a letter or digit.
CLASS_ID_RE = re.compile(r"^[\w][\w ./&-]*$")


def class_of(consultation: Consultation) -> tuple[str, str]:
    """The class (klasseID, tittel) the consultation's case is filed in: its own, or the agency's
    default class."""
    if consultation.class_id:
        return consultation.class_id, consultation.class_title or consultation.class_id
    return consultation.agency.class_id, consultation.agency.class_title


class ClassLockedError(ConflictError):
    message = _l(
        "Høringen er arkivert, og klassen saken er arkivert under, kan ikke endres lenger. "
        "Arkivuttrekkene og meldingene til arkivet har allerede denne klassen."
    )


def class_locked(consultation: Consultation) -> bool:
    """An archived case stays in the class it was archived under: its arkivuttrekk and the
    messages to the agency's archive file it there."""
    return consultation.status == STATUS_ARCHIVED


def set_class(consultation: Consultation, class_id: str, title: str, *, by: User) -> None:
    """File the case in a class of the agency's arkivnøkkel (its arkivkode). The agency's default
    class, or an empty klasseID, files it in the default class. A klasseID another case of the
    agency already uses keeps that class's tittel. Refused once the case is archived."""
    if class_locked(consultation):
        raise ClassLockedError()
    class_id, title = " ".join(class_id.split()), " ".join(title.split())
    agency = consultation.agency
    if not class_id or class_id == agency.class_id:
        consultation.class_id = consultation.class_title = None
    else:
        if not CLASS_ID_RE.match(class_id):
            raise BadInputError(
                _l("Klassen kan bare ha bokstaver, tall, mellomrom og tegnene . / & -."),
                field="class_id",
            )
        used = db.session.scalar(
            select(Consultation.class_title).where(
                Consultation.agency_id == agency.id,
                Consultation.class_id == class_id,
                Consultation.id != consultation.id,
            )
        )
        if used is not None and title and used != title:
            raise BadInputError(
                _(
                    "Klassen %(class_id)s heter «%(title)s» i en annen sak. Bruk samme tittel.",
                    class_id=class_id,
                    title=used,
                ),
                field="class_title",
            )
        title = title or used
        if not title:
            raise BadInputError(_l("Skriv tittelen på klassen."), field="class_title")
        consultation.class_id, consultation.class_title = class_id, title
    db.session.flush()
    log.info("class of consultation %s set by user %s", consultation.id, by.id)


def store_case_number(consultation: Consultation, case_number: str, *, by: User) -> None:
    """Store the saksnummer the agency's own archive gave the case (empty: not known)."""
    consultation.archive_case_number = case_number.strip() or None
    db.session.flush()
    log.info("archive case number of consultation %s stored by user %s", consultation.id, by.id)
