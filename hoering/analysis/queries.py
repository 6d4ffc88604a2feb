"""The behandling page's read side: one filter, turned into SQL once, used for the page, the
count and the bulk actions, in a constant number of queries whatever the size."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, case, column, exists, false, func, or_, select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import aliased

from hoering.analysis.models import (
    PROCESSING_DONE,
    PROCESSING_NEW,
    PROCESSING_STATUSES,
    CampaignMember,
    Processing,
    Theme,
    ThemeTag,
)
from hoering.consultations.models import Consultation, Consultee, Paragraph, Section
from hoering.db import escape_like
from hoering.errors import BadInputError
from hoering.extensions import db
from hoering.paging import after_param
from hoering.submissions.models import KINDS, POSITIONS, RESPONDENT_TYPES, Submission

QUERY_MAX = 200
YES_NO = ("ja", "nei")


@dataclass
class Filter:
    """What the case officer asked for, checked: every value known or a 400."""

    section: str = ""
    anchor: str = ""
    kind: str = ""
    respondent: str = ""
    organisation: str = ""
    invited: str = ""
    position: str = ""
    theme: int | None = None
    status: str = ""
    campaign: str = ""
    officer: str = ""
    text: str = ""
    after: int | None = None

    def args(self) -> dict[str, str]:
        """The filter as query-string parameters (for links and hidden fields)."""
        values = {
            "del": self.section,
            "avsnitt": self.anchor,
            "type": self.kind,
            "respondent": self.respondent,
            "organisasjon": self.organisation,
            "invitert": self.invited,
            "standpunkt": self.position,
            "tema": str(self.theme or ""),
            "status": self.status,
            "kampanje": self.campaign,
            "saksbehandler": self.officer,
            "q": self.text,
        }
        return {k: v for k, v in values.items() if v}


def _choice(args: Mapping[str, str], name: str, allowed) -> str:
    value = (args.get(name) or "").strip()
    if value and value not in allowed:
        raise BadInputError(_("Ukjent verdi i filteret «%(name)s».", name=name), field=name)
    return value


def _number_or(args: Mapping[str, str], name: str, words=()) -> str:
    value = (args.get(name) or "").strip()
    if value and value not in words and not (value.isascii() and value.isdigit()):
        raise BadInputError(_("Ukjent verdi i filteret «%(name)s».", name=name), field=name)
    return value[:12]


def parse_filter(args: Mapping[str, str], theme_ids: set[int]) -> Filter:
    theme = _number_or(args, "tema")
    if theme and int(theme) not in theme_ids:
        raise BadInputError(_l("Ukjent tema."), field="tema")
    return Filter(
        section=(args.get("del") or "").strip()[:40],
        anchor=(args.get("avsnitt") or "").strip()[:60],
        kind=_choice(args, "type", KINDS),
        respondent=_choice(args, "respondent", RESPONDENT_TYPES),
        organisation=(args.get("organisasjon") or "").strip()[:200],
        invited=_choice(args, "invitert", YES_NO),
        position=_choice(args, "standpunkt", (*POSITIONS, "ingen")),
        theme=int(theme) if theme else None,
        status=_choice(args, "status", PROCESSING_STATUSES),
        campaign=_number_or(args, "kampanje", YES_NO),
        officer=_number_or(args, "saksbehandler", ("ingen",)),
        text=" ".join((args.get("q") or "").split())[:QUERY_MAX],
        after=after_param(args),
    )


def text_match(text: str):
    """Full-text search: PostgreSQL with its Norwegian configuration (stems, stop words); SQLite
    with its FTS5 index, every word matched as the start of a word."""
    if db.engine.dialect.name == "postgresql":
        return func.to_tsvector("norwegian", Submission.body).op("@@")(
            func.websearch_to_tsquery("norwegian", text)
        )
    words = re.findall(r"\w+", text)[:20]
    if not words:
        return false()
    # Each word quoted, so nothing the person types is read as FTS5 query syntax.
    fts_query = " ".join(f'"{word}"*' for word in words)
    matching = sql_text(
        "SELECT rowid FROM submissions_fts WHERE submissions_fts MATCH :fts_query"
    ).bindparams(fts_query=fts_query)
    return Submission.id.in_(matching.columns(column("rowid")))


def conditions(consultation: Consultation, wanted: Filter) -> list:
    """The WHERE clauses of a filter (the processing and campaign tables are outer-joined)."""
    where = [Submission.consultation_id == consultation.id]
    if wanted.anchor:
        where.append(
            Submission.paragraph_id.in_(
                select(Paragraph.id)
                .where(
                    Paragraph.consultation_id == consultation.id, Paragraph.anchor == wanted.anchor
                )
                .correlate(None)
            )
        )
    if wanted.section:
        where.append(Submission.paragraph_id.in_(section_paragraphs(consultation, wanted.section)))
    if wanted.kind:
        where.append(Submission.kind == wanted.kind)
    if wanted.respondent:
        where.append(Submission.respondent_type == wanted.respondent)
    if wanted.organisation:
        where.append(
            Submission.organisation_name.ilike(f"%{escape_like(wanted.organisation)}%", escape="\\")
        )
    if wanted.invited:
        invited = Submission.organisation_id.in_(
            select(Consultee.organisation_id).where(
                Consultee.consultation_id == consultation.id,
                Consultee.organisation_id.is_not(None),
            )
        )
        where.append(
            invited
            if wanted.invited == "ja"
            else or_(~invited, Submission.organisation_id.is_(None))
        )
    if wanted.position:
        where.append(
            Submission.position.is_(None)
            if wanted.position == "ingen"
            else Submission.position == wanted.position
        )
    if wanted.theme:
        where.append(
            exists().where(
                ThemeTag.submission_id == Submission.id, ThemeTag.theme_id == wanted.theme
            )
        )
    if wanted.status:
        status = func.coalesce(Processing.status, PROCESSING_NEW)
        where.append(status == wanted.status)
    if wanted.campaign == "ja":
        where.append(CampaignMember.campaign_id.is_not(None))
    elif wanted.campaign == "nei":
        where.append(CampaignMember.campaign_id.is_(None))
    elif wanted.campaign:
        where.append(CampaignMember.campaign_id == int(wanted.campaign))
    if wanted.officer == "ingen":
        where.append(Processing.assigned_to_id.is_(None))
    elif wanted.officer:
        where.append(Processing.assigned_to_id == int(wanted.officer))
    if wanted.text:
        where.append(text_match(wanted.text))
    return where


def sections(consultation: Consultation) -> list[Section]:
    """The headings of the current draft, for the filter."""
    return list(
        db.session.scalars(
            select(Section)
            .where(Section.version_id == consultation.current_version_id)
            .order_by(Section.position)
        )
    )


def section_paragraphs(consultation: Consultation, key: str):
    """Paragraph ids under a heading of the current draft: a chapter takes in its sections."""
    heading = aliased(Section)
    following = (
        select(func.min(Section.position))
        .where(
            Section.version_id == heading.version_id,
            Section.position > heading.position,
            Section.level <= heading.level,
        )
        .correlate(heading)
        .scalar_subquery()
    )
    return (
        select(Paragraph.id)
        .join(Section, Section.id == Paragraph.section_id)
        .join(
            heading,
            and_(heading.version_id == Section.version_id, heading.key == key),
        )
        .where(
            Paragraph.version_id == consultation.current_version_id,
            Section.position >= heading.position,
            or_(following.is_(None), Section.position < following),
        )
        .correlate(None)
    )


def _joined(query):
    return query.outerjoin(Processing, Processing.submission_id == Submission.id).outerjoin(
        CampaignMember, CampaignMember.submission_id == Submission.id
    )


def matching_ids(consultation: Consultation, wanted: Filter) -> list[int]:
    """Every innspill the filter matches (for a bulk action), in one query."""
    return list(
        db.session.scalars(_joined(select(Submission.id)).where(*conditions(consultation, wanted)))
    )


@dataclass
class Row:
    submission: Submission
    status: str
    assigned_to_id: int | None
    campaign_id: int | None
    similarity: float | None
    anchor: str | None
    themes: list[str] = field(default_factory=list)


@dataclass
class Listing:
    rows: list[Row]
    next_after: int | None
    matched: int
    total: int
    done: int


def listing(consultation: Consultation, wanted: Filter, *, size: int) -> Listing:
    """A keyset page of what the filter matches, with the counts: three queries."""
    where = conditions(consultation, wanted)
    counts = db.session.execute(
        _joined(
            select(
                func.count(Submission.id),
                func.count(case((Processing.status == PROCESSING_DONE, 1))),
                func.count(case((and_(*where[1:]), 1))) if len(where) > 1 else func.count(),
            )
        ).where(where[0])
    ).one()
    query = (
        _joined(
            select(
                Submission,
                Processing.status,
                Processing.assigned_to_id,
                CampaignMember.campaign_id,
                CampaignMember.similarity,
                Paragraph.anchor,
            )
        )
        .outerjoin(Paragraph, Paragraph.id == Submission.paragraph_id)
        .where(*where)
    )
    if wanted.after is not None:
        query = query.where(Submission.id > wanted.after)
    found = db.session.execute(query.order_by(Submission.id).limit(size + 1)).all()
    has_more = len(found) > size
    rows = [
        Row(s, status or PROCESSING_NEW, assigned, campaign, similarity, anchor)
        for s, status, assigned, campaign, similarity, anchor in found[:size]
    ]
    by_id = {row.submission.id: row for row in rows}
    if by_id:
        for submission_id, name in db.session.execute(
            select(ThemeTag.submission_id, Theme.name)
            .join(Theme, Theme.id == ThemeTag.theme_id)
            .where(ThemeTag.submission_id.in_(by_id))
            .order_by(Theme.name)
            .distinct()
        ):
            by_id[submission_id].themes.append(name)
    return Listing(
        rows=rows,
        next_after=rows[-1].submission.id if has_more else None,
        total=counts[0],
        done=counts[1],
        matched=counts[2],
    )
