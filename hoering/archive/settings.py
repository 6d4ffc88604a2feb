"""The agency's archive settings, decided by its records manager: the skjermingshjemmel for a
name a citizen chose to hide, bevaring og kassasjon, and the arkivnøkkel its consultations are
filed under. Every export and the public journal read them from the agency."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from hoering.accounts.models import Agency, User
from hoering.agencies.services import can_edit_appearance
from hoering.consultations.models import Consultation
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


def store_case_number(consultation: Consultation, case_number: str, *, by: User) -> None:
    """Store the saksnummer the agency's own archive gave the case (empty: not known)."""
    consultation.archive_case_number = case_number.strip() or None
    db.session.flush()
    log.info("archive case number of consultation %s stored by user %s", consultation.id, by.id)
