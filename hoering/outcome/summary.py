"""The høringsoppsummering: built from the themes, the dispositions and the counts of the
published innspill, with the introduction the case officer writes. Internal notes never enter
it, and a quoted passage is only kept where the public text of the innspill still holds it."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from hoering import tasks
from hoering.accounts.models import User
from hoering.analysis.models import Campaign, CampaignMember, Theme, ThemeTag
from hoering.consultations.models import (
    STATUS_ARCHIVED,
    STATUS_CLOSED,
    Consultation,
    Consultee,
    Paragraph,
    Section,
)
from hoering.db import utcnow
from hoering.errors import BadInputError, ConflictError, NotFoundError
from hoering.extensions import db
from hoering.journal.services import record_own_document
from hoering.outcome import documents
from hoering.outcome.lineage import changed_paragraphs
from hoering.outcome.models import INTRODUCTION_MAX, Disposition, Summary
from hoering.outcome.notify import send_outcome_notices
from hoering.submissions.models import KIND_REPLY, RESPONDENT_TYPES, STATUS_PUBLISHED, Submission


class NotClosedError(ConflictError):
    message = _l("Høringsoppsummeringen kan først publiseres når høringen er lukket.")


class AlreadyPublishedError(ConflictError):
    message = _l("Høringsoppsummeringen er allerede publisert.")


@dataclass
class ChangedParagraph:
    id: int
    anchor: str
    label: str
    text: str


@dataclass
class DispositionView:
    decision: str
    assessment: str
    paragraphs: list[ChangedParagraph]


@dataclass
class ThemePart:
    id: int
    name: str
    description: str
    total: int = 0
    by_type: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RESPONDENT_TYPES, 0))
    organisations: list[str] = field(default_factory=list)
    consultees: list[str] = field(default_factory=list)
    campaigns: list[int] = field(default_factory=list)  # sizes
    quotes: list[tuple[str, str]] = field(default_factory=list)  # (who, passage)
    disposition: DispositionView | None = None


@dataclass
class SectionPart:
    title: str
    total: int


@dataclass
class SummaryContent:
    title: str
    case_number: str
    agency: str
    introduction: str
    total: int
    by_type: dict[str, int]
    sections: list[SectionPart]
    general: int
    themes: list[ThemePart]
    consultees: list[tuple[str, str]]  # (name, answered / no_comments / none)
    respondents: list[str]
    published_at: datetime | None


def get_summary(consultation: Consultation) -> Summary:
    """The consultation's summary row, made on first use."""
    summary = db.session.get(Summary, consultation.id)
    if summary is None:
        summary = Summary(consultation_id=consultation.id, introduction="")
        db.session.add(summary)
        db.session.flush()
    return summary


def published_summary(consultation: Consultation) -> Summary:
    """The summary once published; 404 before, for everyone outside the agency's pages."""
    summary = db.session.get(Summary, consultation.id)
    if summary is None or summary.published_at is None:
        raise NotFoundError()
    return summary


def is_published(consultation: Consultation) -> bool:
    """Whether the outcome is public; no query while the consultation is still open."""
    if consultation.phase(utcnow()) not in (STATUS_CLOSED, STATUS_ARCHIVED):
        return False
    return (
        db.session.scalar(
            select(Summary.published_at).where(Summary.consultation_id == consultation.id)
        )
        is not None
    )


def _label(paragraph: Paragraph) -> str:
    section = paragraph.section
    return f"{section.number or section.title}, {paragraph.anchor}"


def disposition_view(disposition: Disposition) -> DispositionView:
    return DispositionView(
        disposition.decision,
        disposition.assessment,
        [ChangedParagraph(p.id, p.anchor, _label(p), p.text) for p in disposition.paragraphs],
    )


def public_name(row) -> str:
    if row.hide_name and row.respondent_type == "private":
        return str(_l("Privatperson"))
    return row.author_name


def build(consultation: Consultation) -> SummaryContent:
    """Everything the document and the outcome page show, from the published innspill."""
    summary = db.session.get(Summary, consultation.id)
    rows = db.session.execute(
        select(
            Submission.id,
            Submission.author_name,
            Submission.hide_name,
            Submission.respondent_type,
            Submission.organisation_name,
            Submission.body,
            Submission.public_body,
            Section.title.label("section_title"),
            Section.position.label("section_position"),
        )
        .outerjoin(Paragraph, Paragraph.id == Submission.paragraph_id)
        .outerjoin(Section, Section.id == Paragraph.section_id)
        .where(
            Submission.consultation_id == consultation.id,
            Submission.kind != KIND_REPLY,
            Submission.status == STATUS_PUBLISHED,
        )
        .order_by(Submission.id)
    ).all()
    by_id = {row.id: row for row in rows}
    by_type = Counter(row.respondent_type for row in rows)
    sections: dict[tuple[int, str], int] = Counter(
        (row.section_position, row.section_title) for row in rows if row.section_title
    )
    consultee_rows = db.session.execute(
        select(Consultee.name, Consultee.response, Consultee.org_number)
        .where(Consultee.consultation_id == consultation.id)
        .order_by(Consultee.name)
    ).all()
    invited = {name for name, _response, _org in consultee_rows}
    dispositions = db.session.scalars(
        select(Disposition).where(
            Disposition.consultation_id == consultation.id, Disposition.theme_id.is_not(None)
        )
    ).all()
    by_theme = {d.theme_id: d for d in dispositions}
    members: dict[int, int] = dict(
        db.session.execute(
            select(CampaignMember.submission_id, Campaign.size)
            .join(Campaign, Campaign.id == CampaignMember.campaign_id)
            .where(CampaignMember.consultation_id == consultation.id)
        ).all()
    )
    campaign_of: dict[int, int] = dict(
        db.session.execute(
            select(CampaignMember.submission_id, CampaignMember.campaign_id).where(
                CampaignMember.consultation_id == consultation.id,
                CampaignMember.campaign_id.is_not(None),
            )
        ).all()
    )
    parts = []
    tags = defaultdict(list)
    for theme_id, submission_id, quote in db.session.execute(
        select(ThemeTag.theme_id, ThemeTag.submission_id, ThemeTag.quote)
        .join(Theme, Theme.id == ThemeTag.theme_id)
        .where(Theme.consultation_id == consultation.id)
        .order_by(ThemeTag.id)
    ):
        tags[theme_id].append((submission_id, quote))
    for theme in db.session.scalars(
        select(Theme).where(Theme.consultation_id == consultation.id).order_by(Theme.name)
    ):
        part = ThemePart(theme.id, theme.name, theme.description or "")
        seen, campaigns = set(), {}
        for submission_id, quote in tags[theme.id]:
            row = by_id.get(submission_id)
            if row is None:
                continue
            if submission_id not in seen:
                seen.add(submission_id)
                part.total += 1
                part.by_type[row.respondent_type] = part.by_type.get(row.respondent_type, 0) + 1
                organisation = row.organisation_name
                if organisation and organisation in invited:
                    part.consultees.append(organisation)
                elif organisation:
                    part.organisations.append(organisation)
                if submission_id in campaign_of:
                    campaigns[campaign_of[submission_id]] = members[submission_id]
            shown = row.public_body if row.public_body is not None else row.body
            if quote and quote in shown:
                part.quotes.append((row.organisation_name or public_name(row), quote))
        part.organisations = sorted(set(part.organisations))
        part.consultees = sorted(set(part.consultees))
        part.campaigns = sorted(campaigns.values(), reverse=True)
        if theme.id in by_theme:
            part.disposition = disposition_view(by_theme[theme.id])
        parts.append(part)
    respondents = sorted(
        {row.organisation_name or public_name(row) for row in rows}, key=str.casefold
    )
    return SummaryContent(
        title=consultation.title,
        case_number=consultation.case_number,
        agency=consultation.agency.name,
        introduction=summary.introduction if summary else "",
        total=len(rows),
        by_type={t: by_type.get(t, 0) for t in RESPONDENT_TYPES},
        sections=[SectionPart(title, n) for (_pos, title), n in sorted(sections.items())],
        general=sum(1 for row in rows if row.section_title is None),
        themes=parts,
        consultees=[(name, response or "none") for name, response, _org in consultee_rows],
        respondents=respondents,
        published_at=summary.published_at if summary else None,
    )


def save_introduction(consultation: Consultation, text: str, *, by: User) -> Summary:
    """The case officer's introduction; it can change until the summary is published."""
    summary = get_summary(consultation)
    if summary.published_at is not None:
        raise AlreadyPublishedError()
    text = (text or "").strip()
    if len(text) > INTRODUCTION_MAX:
        raise BadInputError(
            _l("Innledningen kan ha høyst %(n)s tegn.", n=INTRODUCTION_MAX), field="introduction"
        )
    summary.introduction = text
    summary.updated_at = utcnow()
    summary.updated_by_id = by.id
    db.session.flush()
    return summary


def publish_summary(consultation: Consultation, *, by: User, now: datetime | None = None):
    """Publish the summary once the consultation is closed, and journal it as the agency's own
    document in the same transaction (arkivforskriften: the case's documents are journaled)."""
    now = now or utcnow()
    if consultation.phase(now) not in (STATUS_CLOSED, STATUS_ARCHIVED):
        raise NotClosedError()
    summary = get_summary(consultation)
    if summary.published_at is not None:
        raise AlreadyPublishedError()
    summary.published_at = now
    summary.published_by_id = by.id
    # The journal and the archive are kept in Norwegian (bokmål), whoever publishes.
    with force_locale("nb"):
        text = documents.plain_text(documents.blocks(build(consultation)))
    entry = record_own_document(
        consultation,
        title=f"Høringsoppsummering – {consultation.title}"[:500],
        text=text,
        registered_at=now,
    )
    summary.journal_entry_id = entry.id
    db.session.flush()
    tasks.after_commit(send_outcome_notices, consultation.id)
    return summary


def as_dict(consultation: Consultation) -> dict:
    """The published outcome as open data: the summary's sections, the dispositions per theme,
    the changed paragraphs with their redline. 404 until published."""
    row = published_summary(consultation)
    content = build(consultation)
    return {
        "consultation": consultation.slug,
        "published_at": row.published_at.isoformat(),
        "introduction": content.introduction,
        "counts": {"total": content.total, "respondent_types": content.by_type},
        "sections": [{"title": s.title, "submissions": s.total} for s in content.sections],
        "general": content.general,
        "themes": [
            {
                "name": part.name,
                "description": part.description,
                "submissions": part.total,
                "respondent_types": part.by_type,
                "organisations": part.organisations,
                "consultees": part.consultees,
                "campaigns": part.campaigns,
                "quotes": [{"by": who, "text": text} for who, text in part.quotes],
                "disposition": (
                    {
                        "decision": part.disposition.decision,
                        "assessment": part.disposition.assessment,
                        "changed_paragraphs": [p.anchor for p in part.disposition.paragraphs],
                    }
                    if part.disposition
                    else None
                ),
            }
            for part in content.themes
        ],
        "consultees": [{"name": name, "response": r} for name, r in content.consultees],
        "respondents": content.respondents,
        "changed_paragraphs": [
            {
                "anchor": change.paragraph.anchor,
                "previous_anchor": change.previous.anchor if change.previous else None,
                "text": change.paragraph.text,
                "redline": [{"op": op, "text": text} for op, text in change.redline],
            }
            for change in changed_paragraphs(consultation)
        ],
    }
