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
from hoering.outcome import documents, services
from hoering.outcome.lineage import changed_paragraphs
from hoering.outcome.models import INTRODUCTION_MAX, Disposition, Summary
from hoering.outcome.notify import send_outcome_notices
from hoering.submissions.models import KIND_REPLY, RESPONDENT_TYPES, STATUS_PUBLISHED, Submission

# A quoted passage longer than this is cut at a word in the summary.
QUOTE_SHORT = 300


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


@dataclass(kw_only=True)
class Voices:
    """Who said what in one part of the summary: counts by respondent type, the named
    organisations and invited høringsinstanser, campaign sizes and quoted passages."""

    total: int = 0
    by_type: dict[str, int] = field(default_factory=lambda: dict.fromkeys(RESPONDENT_TYPES, 0))
    organisations: list[str] = field(default_factory=list)
    consultees: list[str] = field(default_factory=list)
    campaigns: list[int] = field(default_factory=list)  # sizes
    quotes: list[tuple[str, str]] = field(default_factory=list)  # (who, passage)


@dataclass(kw_only=True)
class ThemePart(Voices):
    id: int
    name: str
    description: str
    disposition: DispositionView | None = None


@dataclass
class AppliedDisposition:
    """A disposition that applies to innspill of one part of the draft: on a theme (name is the
    theme's), a campaign (name is empty, size its size) or one innspill (name is who wrote it)."""

    source: str
    name: str
    size: int
    count: int  # the innspill of this part it applies to
    disposition: DispositionView


@dataclass(kw_only=True)
class SectionPart(Voices):
    title: str
    dispositions: list[AppliedDisposition] = field(default_factory=list)


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
    return services.is_frozen(consultation)


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


def _short(passage: str) -> str:
    """A quoted passage as the summary shows it: at most QUOTE_SHORT characters, cut at a word."""
    if len(passage) <= QUOTE_SHORT:
        return passage
    return passage[:QUOTE_SHORT].rsplit(" ", 1)[0] + " …"


class _Tally:
    """Adds innspill to a part's Voices, each innspill counted once."""

    def __init__(self, part: Voices, invited: set[str], campaign_of: dict[int, tuple[int, int]]):
        self.part, self.invited, self.campaign_of = part, invited, campaign_of
        self.seen: set[int] = set()
        self.campaigns: dict[int, int] = {}
        self.quoted: set[str] = set()

    def add(self, row, quote: str | None = None) -> None:
        part = self.part
        if row.id not in self.seen:
            self.seen.add(row.id)
            part.total += 1
            part.by_type[row.respondent_type] = part.by_type.get(row.respondent_type, 0) + 1
            organisation = row.organisation_name
            if organisation and organisation in self.invited:
                part.consultees.append(organisation)
            elif organisation:
                part.organisations.append(organisation)
            if row.id in self.campaign_of:
                campaign_id, size = self.campaign_of[row.id]
                self.campaigns[campaign_id] = size
        # Only what the public text still holds is quoted: never a redacted passage, and the
        # query holds published innspill only (never hidden, held or withdrawn ones).
        shown = row.public_body if row.public_body is not None else row.body
        if quote and quote in shown and quote not in self.quoted:
            self.quoted.add(quote)
            part.quotes.append((row.organisation_name or public_name(row), _short(quote)))

    def done(self) -> None:
        self.part.organisations = sorted(set(self.part.organisations))
        self.part.consultees = sorted(set(self.part.consultees))
        self.part.campaigns = sorted(self.campaigns.values(), reverse=True)


def build(consultation: Consultation) -> SummaryContent:
    """Everything the document and the outcome page show, from the published innspill: per part
    of the draft and per theme, who said what and the agency's assessment. A fixed number of
    queries, however many innspill, parts and themes."""
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
            Section.number.label("section_number"),
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
    consultee_rows = db.session.execute(
        select(Consultee.name, Consultee.response, Consultee.org_number)
        .where(Consultee.consultation_id == consultation.id)
        .order_by(Consultee.name)
    ).all()
    invited = {name for name, _response, _org in consultee_rows}
    every = services.dispositions(consultation)
    by_theme = {d.theme_id: d for d in every if d.theme_id is not None}
    campaign_of: dict[int, tuple[int, int]] = {
        submission_id: (campaign_id, size)
        for submission_id, campaign_id, size in db.session.execute(
            select(CampaignMember.submission_id, Campaign.id, Campaign.size)
            .join(Campaign, Campaign.id == CampaignMember.campaign_id)
            .where(CampaignMember.consultation_id == consultation.id)
        )
    }
    tags = defaultdict(list)
    quotes_of = defaultdict(list)
    for theme_id, submission_id, quote in db.session.execute(
        select(ThemeTag.theme_id, ThemeTag.submission_id, ThemeTag.quote)
        .join(Theme, Theme.id == ThemeTag.theme_id)
        .where(Theme.consultation_id == consultation.id)
        .order_by(ThemeTag.id)
    ):
        tags[theme_id].append((submission_id, quote))
        if quote:
            quotes_of[submission_id].append(quote)
    themes = list(
        db.session.scalars(
            select(Theme).where(Theme.consultation_id == consultation.id).order_by(Theme.name)
        )
    )
    parts = []
    for theme in themes:
        part = ThemePart(id=theme.id, name=theme.name, description=theme.description or "")
        tally = _Tally(part, invited, campaign_of)
        for submission_id, quote in tags[theme.id]:
            if submission_id in by_id:
                tally.add(by_id[submission_id], quote)
        tally.done()
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
        sections=_sections(
            consultation, rows, every, invited, campaign_of, quotes_of, {t.id: t for t in themes}
        ),
        general=sum(1 for row in rows if row.section_title is None),
        themes=parts,
        consultees=[(name, response or "none") for name, response, _org in consultee_rows],
        respondents=respondents,
        published_at=summary.published_at if summary else None,
    )


# How a part's dispositions are listed: those on themes, then on campaigns, then on one innspill.
_SOURCE_ORDER = {services.SOURCE_THEME: 0, services.SOURCE_CAMPAIGN: 1, services.SOURCE_OWN: 2}


def _sections(consultation, rows, every, invited, campaign_of, quotes_of, themes):
    """Per part of the draft (a heading; the same heading in two versions is one part), who
    commented there and the dispositions that apply to those innspill."""
    grouped: dict[str, list] = defaultdict(list)
    first_position: dict[str, int] = {}
    for row in rows:
        if row.section_title:
            heading = f"{row.section_number} {row.section_title}".strip()
            grouped[heading].append(row)
            position = first_position.get(heading, row.section_position)
            first_position[heading] = min(position, row.section_position)
    applies = services.effective(consultation, [row.id for row in rows], every=every)
    sizes = {campaign_id: size for campaign_id, size in campaign_of.values()}
    out = []
    for title in sorted(grouped, key=lambda t: (first_position[t], t)):
        part = SectionPart(title=title)
        tally = _Tally(part, invited, campaign_of)
        counts: Counter[int] = Counter()
        found: dict[int, AppliedDisposition] = {}
        for row in grouped[title]:
            tally.add(row)
            for quote in quotes_of.get(row.id, ()):
                tally.add(row, quote)
            effect = applies.get(row.id)
            for disposition in effect.dispositions if effect else ():
                counts[disposition.id] += 1
                if disposition.id not in found:
                    found[disposition.id] = _applied(disposition, themes, sizes, row)
        tally.done()
        for disposition_id, applied in found.items():
            applied.count = counts[disposition_id]
        part.dispositions = sorted(found.values(), key=lambda a: (_SOURCE_ORDER[a.source], a.name))
        out.append(part)
    return out


def _applied(disposition: Disposition, themes: dict, sizes: dict, row) -> AppliedDisposition:
    if disposition.theme_id is not None:
        source, name, size = services.SOURCE_THEME, themes[disposition.theme_id].name, 0
    elif disposition.campaign_id is not None:
        source, name, size = services.SOURCE_CAMPAIGN, "", sizes.get(disposition.campaign_id, 0)
    else:
        source, name, size = services.SOURCE_OWN, row.organisation_name or public_name(row), 0
    return AppliedDisposition(source, name, size, 0, disposition_view(disposition))


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


def _voices(part: Voices) -> dict:
    return {
        "respondent_types": part.by_type,
        "organisations": part.organisations,
        "consultees": part.consultees,
        "campaigns": part.campaigns,
        "quotes": [{"by": who, "text": text} for who, text in part.quotes],
    }


def _disposition_dict(view: DispositionView) -> dict:
    return {
        "decision": view.decision,
        "assessment": view.assessment,
        "changed_paragraphs": [p.anchor for p in view.paragraphs],
    }


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
        "sections": [
            {
                "title": s.title,
                "submissions": s.total,
                **_voices(s),
                "dispositions": [
                    {
                        "applies_to": a.source,
                        "name": a.name,
                        "submissions": a.count,
                        **_disposition_dict(a.disposition),
                    }
                    for a in s.dispositions
                ],
            }
            for s in content.sections
        ],
        "general": content.general,
        "themes": [
            {
                "name": part.name,
                "description": part.description,
                "submissions": part.total,
                **_voices(part),
                "disposition": (_disposition_dict(part.disposition) if part.disposition else None),
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
