"""Dispositions: what the agency did with an innspill, a campaign or a theme, and why.

Services flush; the view or command that calls them commits once.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from hoering.accounts.models import User
from hoering.analysis.models import Campaign, CampaignMember, Theme, ThemeTag
from hoering.consultations.models import Consultation, Paragraph
from hoering.db import utcnow
from hoering.errors import BadInputError, ConflictError, NotFoundError
from hoering.extensions import db
from hoering.outcome import lineage
from hoering.outcome.models import (
    ASSESSMENT_MAX,
    DECISIONS,
    NEEDS_REASON,
    Disposition,
    ParagraphOrigin,
    Summary,
)
from hoering.submissions.models import STATUS_PUBLISHED, Submission

TARGET_SUBMISSION = "innspill"
TARGET_CAMPAIGN = "kampanje"
TARGET_THEME = "tema"
TARGETS = {
    TARGET_SUBMISSION: (Submission, "submission_id"),
    TARGET_CAMPAIGN: (Campaign, "campaign_id"),
    TARGET_THEME: (Theme, "theme_id"),
}


class DispositionsFrozenError(ConflictError):
    message = _l(
        "Høringsoppsummeringen er publisert. Vurderingene og koblingene mellom versjonene står "
        "i den journalførte teksten og kan ikke endres lenger."
    )


SOURCE_OWN = "own"
SOURCE_CAMPAIGN = "campaign"
SOURCE_THEME = "theme"


def _target_column(kind: str):
    if kind not in TARGETS:
        raise BadInputError(_l("Ukjent mål for vurderingen."))
    model, column = TARGETS[kind]
    return model, column


def is_frozen(consultation: Consultation) -> bool:
    """Whether the høringsoppsummering is published: its journaled text holds the dispositions
    and the changed paragraphs, so they no longer change (arkivforskriften: a journaled
    document is not altered afterwards)."""
    summary = db.session.get(Summary, consultation.id)  # from the session when already loaded
    return summary is not None and summary.published_at is not None


def _check_not_frozen(consultation: Consultation) -> None:
    if is_frozen(consultation):
        raise DispositionsFrozenError()


def check_target(consultation: Consultation, kind: str, target_id: int):
    """The innspill, campaign or theme of this consultation; 404 for anything else."""
    model, _column = _target_column(kind)
    target = db.session.get(model, target_id)
    if target is None or target.consultation_id != consultation.id:
        raise NotFoundError()
    return target


def public_submission(consultation: Consultation, submission_id: int) -> Submission:
    """A published innspill of this consultation; 404 for anything else."""
    submission = db.session.get(Submission, submission_id)
    if (
        submission is None
        or submission.consultation_id != consultation.id
        or submission.status != STATUS_PUBLISHED
    ):
        raise NotFoundError()
    return submission


def disposition_for(consultation: Consultation, kind: str, target_id: int) -> Disposition | None:
    _model, column = _target_column(kind)
    return db.session.scalar(
        select(Disposition).where(
            Disposition.consultation_id == consultation.id,
            getattr(Disposition, column) == target_id,
        )
    )


def changeable_paragraphs(consultation: Consultation) -> list[Paragraph]:
    """The paragraphs a disposition may name: those of the current draft version."""
    if consultation.current_version_id is None:
        return []
    return list(
        db.session.scalars(
            select(Paragraph)
            .where(Paragraph.version_id == consultation.current_version_id)
            .order_by(Paragraph.position)
        )
    )


def _paragraphs(consultation: Consultation, paragraph_ids: Collection[int]) -> list[Paragraph]:
    if not paragraph_ids:
        return []
    found = list(
        db.session.scalars(
            select(Paragraph).where(
                Paragraph.id.in_(set(paragraph_ids)),
                Paragraph.consultation_id == consultation.id,
                Paragraph.version_id == consultation.current_version_id,
            )
        )
    )
    if len(found) != len(set(paragraph_ids)):
        raise BadInputError(
            _l("Et valgt avsnitt hører ikke til den gjeldende versjonen av dette utkastet."),
            field="paragraphs",
        )
    return found


def record_disposition(
    consultation: Consultation,
    kind: str,
    target_id: int,
    *,
    decision: str,
    assessment: str,
    paragraph_ids: Collection[int] = (),
    by: User,
) -> Disposition:
    """Record (or replace) what the agency did with one innspill, campaign or theme.

    "Delvis" and "ikke tatt til følge" need the agency's reasons; changed paragraphs must be of
    the current version of this consultation's draft. Refused once the summary is published."""
    check_target(consultation, kind, target_id)
    _check_not_frozen(consultation)
    if decision not in DECISIONS:
        raise BadInputError(_l("Velg hva som ble gjort med innspillet."), field="decision")
    assessment = (assessment or "").strip()
    if decision in NEEDS_REASON and not assessment:
        raise BadInputError(
            _l("Skriv direktoratets vurdering: den trengs når innspillet ikke tas helt til følge."),
            field="assessment",
        )
    if len(assessment) > ASSESSMENT_MAX:
        raise BadInputError(
            _l("Vurderingen kan ha høyst %(n)s tegn.", n=ASSESSMENT_MAX), field="assessment"
        )
    paragraphs = _paragraphs(consultation, paragraph_ids)
    disposition = disposition_for(consultation, kind, target_id)
    if disposition is None:
        _model, column = _target_column(kind)
        disposition = Disposition(consultation_id=consultation.id, **{column: target_id})
    disposition.decision = decision
    disposition.assessment = assessment
    disposition.decided_by_id = by.id
    disposition.decided_at = utcnow()
    disposition.paragraphs = paragraphs
    db.session.add(disposition)
    db.session.flush()
    return disposition


def clear_disposition(consultation: Consultation, kind: str, target_id: int) -> bool:
    """Remove a disposition, so the member inherits again from its campaign or themes (until
    the summary is published)."""
    check_target(consultation, kind, target_id)
    _check_not_frozen(consultation)
    disposition = disposition_for(consultation, kind, target_id)
    if disposition is None:
        return False
    disposition.paragraphs = []
    db.session.delete(disposition)
    db.session.flush()
    return True


def dispositions(consultation: Consultation) -> list[Disposition]:
    return list(
        db.session.scalars(
            select(Disposition)
            .where(Disposition.consultation_id == consultation.id)
            .options(selectinload(Disposition.paragraphs))
            .order_by(Disposition.id)
        )
    )


@dataclass
class Effective:
    """The dispositions that apply to one innspill and where they come from."""

    source: str
    dispositions: list[Disposition] = field(default_factory=list)

    @property
    def decision(self) -> str:
        return ",".join(d.decision for d in self.dispositions)

    @property
    def assessment(self) -> str:
        return "\n\n".join(d.assessment for d in self.dispositions if d.assessment)


def effective(
    consultation: Consultation,
    submission_ids: Collection[int] | None = None,
    *,
    every: list[Disposition] | None = None,
) -> dict[int, Effective]:
    """Per innspill (all of the consultation's when no ids are given): its own disposition,
    else its campaign's, else its themes' (by theme name). At most four queries (two fewer
    when the consultation's dispositions are passed in)."""
    if submission_ids is not None and not submission_ids:
        return {}
    wanted = set(submission_ids) if submission_ids is not None else None
    every = dispositions(consultation) if every is None else every
    by_campaign = {d.campaign_id: d for d in every if d.campaign_id is not None}
    by_theme = {d.theme_id: d for d in every if d.theme_id is not None}
    result: dict[int, Effective] = {
        d.submission_id: Effective(SOURCE_OWN, [d])
        for d in every
        if d.submission_id is not None and (wanted is None or d.submission_id in wanted)
    }
    if by_campaign:
        query = select(CampaignMember.submission_id, CampaignMember.campaign_id).where(
            CampaignMember.campaign_id.in_(list(by_campaign))
        )
        if wanted is not None:
            query = query.where(CampaignMember.submission_id.in_(list(wanted)))
        for submission_id, campaign_id in db.session.execute(query):
            if submission_id not in result:
                result[submission_id] = Effective(SOURCE_CAMPAIGN, [by_campaign[campaign_id]])
    if by_theme:
        query = (
            select(ThemeTag.submission_id, ThemeTag.theme_id)
            .join(Theme, Theme.id == ThemeTag.theme_id)
            .where(ThemeTag.theme_id.in_(list(by_theme)))
            .order_by(Theme.name, ThemeTag.id)
        )
        if wanted is not None:
            query = query.where(ThemeTag.submission_id.in_(list(wanted)))
        for submission_id, theme_id in db.session.execute(query):
            found = result.setdefault(submission_id, Effective(SOURCE_THEME))
            if found.source == SOURCE_THEME and by_theme[theme_id] not in found.dispositions:
                found.dispositions.append(by_theme[theme_id])
    return result


AUTOMATIC = "auto"
NEW_PARAGRAPH = "ny"


def set_origin(
    consultation: Consultation, paragraph_id: int, origin: str, *, by: User
) -> ParagraphOrigin | None:
    """Correct where a paragraph of the current version came from: a paragraph of the version
    before it, "ny" (it is new) or "auto" (back to the anchor and similarity match). Refused
    once the summary is published."""
    paragraph = db.session.get(Paragraph, paragraph_id)
    if paragraph is None or paragraph.version_id != consultation.current_version_id:
        raise NotFoundError()
    _check_not_frozen(consultation)
    correction = db.session.get(ParagraphOrigin, paragraph.id)
    if origin == AUTOMATIC:
        if correction is not None:
            db.session.delete(correction)
            db.session.flush()
        return None
    origin_id = None
    if origin != NEW_PARAGRAPH:
        allowed = {p.id for p in lineage.previous_paragraphs(consultation)}
        if not origin.isascii() or not origin.isdigit() or int(origin) not in allowed:
            raise BadInputError(
                _l("Velg et avsnitt fra den forrige versjonen av dette utkastet."), field="origin"
            )
        origin_id = int(origin)
    if correction is None:
        correction = ParagraphOrigin(paragraph_id=paragraph.id, decided_by_id=by.id)
    correction.origin_id = origin_id
    correction.decided_by_id = by.id
    correction.decided_at = utcnow()
    db.session.add(correction)
    db.session.flush()
    return correction
