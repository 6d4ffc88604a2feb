"""Read side for the public pages: a constant number of queries whatever the size.

Counts come from the rows; innspill come in keyset pages of PAGE_SIZE; replies for a whole page
come in one windowed query, at most REPLIES_SHOWN per thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from hoering.consultations.models import Consultation, DraftVersion, Paragraph, Section
from hoering.extensions import db
from hoering.submissions.models import (
    KIND_GENERAL,
    STATUS_HIDDEN,
    STATUS_PUBLISHED,
    STATUS_WITHDRAWN,
    AgencyReply,
    Endorsement,
    Submission,
)

REPLIES_SHOWN = 5
PUBLIC_STATUSES = (STATUS_PUBLISHED, STATUS_HIDDEN, STATUS_WITHDRAWN)


def is_public():
    """Shown in public listings: published, or a tombstone of something that once was."""
    return and_(Submission.status.in_(PUBLIC_STATUSES), Submission.published_at.is_not(None))


@dataclass
class Thread:
    submission: Submission
    replies: list[Submission] = field(default_factory=list)
    agency_replies: list[AgencyReply] = field(default_factory=list)


@dataclass
class Page:
    threads: list[Thread]
    next_after: int | None
    endorsed_ids: set[int]
    # Shown innspill id -> (group id, how many like it are folded under it), when folded.
    alike: dict[int, tuple[int, int]] = field(default_factory=dict)


def anchor_paragraph_ids(paragraph: Paragraph):
    """Paragraphs with the same anchor in every version: innspill follow the text they were on."""
    return select(Paragraph.id).where(
        Paragraph.consultation_id == paragraph.consultation_id,
        Paragraph.anchor == paragraph.anchor,
    )


def list_page(query, *, after: int | None, size: int, viewer, fold=None) -> Page:
    """`fold`, if given, is (clause, columns) from the caller: a clause the listed innspill must
    also meet (copies folded away) and, per innspill, (group id, how many alike) columns."""
    if after is not None:
        query = query.where(Submission.id > after)
    if fold is not None:
        query = query.where(fold[0]).add_columns(*fold[1])
    found = db.session.execute(query.order_by(Submission.id).limit(size + 1)).all()
    has_more = len(found) > size
    found = found[:size]
    rows = [row[0] for row in found]
    threads = [Thread(row) for row in rows]
    _attach_replies(threads)
    return Page(
        threads=threads,
        next_after=rows[-1].id if has_more else None,
        endorsed_ids=endorsed_ids(
            viewer, [s.id for t in threads for s in [t.submission, *t.replies]]
        ),
        alike={row[0].id: (row[1], row[2]) for row in found if fold and row[1] is not None},
    )


def paragraph_page(
    paragraph: Paragraph, *, after: int | None, size: int, viewer, fold=None
) -> Page:
    query = select(Submission).where(
        Submission.paragraph_id.in_(anchor_paragraph_ids(paragraph)),
        Submission.parent_id.is_(None),
        is_public(),
    )
    return list_page(query, after=after, size=size, viewer=viewer, fold=fold)


def general_page(
    consultation: Consultation, *, after: int | None, size: int, viewer, fold=None
) -> Page:
    query = select(Submission).where(
        Submission.consultation_id == consultation.id,
        Submission.kind == KIND_GENERAL,
        is_public(),
    )
    return list_page(query, after=after, size=size, viewer=viewer, fold=fold)


def replies_page(parent: Submission, *, after: int | None, size: int, viewer) -> Page:
    query = select(Submission).where(Submission.parent_id == parent.id, is_public())
    if after is not None:
        query = query.where(Submission.id > after)
    rows = list(db.session.scalars(query.order_by(Submission.id).limit(size + 1)))
    has_more = len(rows) > size
    rows = rows[:size]
    return Page(
        threads=[Thread(row) for row in rows],
        next_after=rows[-1].id if has_more else None,
        endorsed_ids=endorsed_ids(viewer, [row.id for row in rows]),
    )


def _attach_replies(threads: list[Thread]) -> None:
    """The first REPLIES_SHOWN public replies of every thread on the page, in one query."""
    parent_ids = [t.submission.id for t in threads if t.submission.reply_count]
    by_id = {t.submission.id: t for t in threads}
    if parent_ids:
        ranked = (
            select(
                Submission.id,
                func.row_number()
                .over(partition_by=Submission.parent_id, order_by=Submission.id)
                .label("rank"),
            )
            .where(Submission.parent_id.in_(parent_ids), is_public())
            .subquery()
        )
        reply = aliased(Submission)
        rows = db.session.scalars(
            select(reply)
            .join(ranked, ranked.c.id == reply.id)
            .where(ranked.c.rank <= REPLIES_SHOWN)
            .order_by(reply.id)
        )
        for row in rows:
            by_id[row.parent_id].replies.append(row)
    if threads:
        answers = db.session.scalars(
            select(AgencyReply).where(AgencyReply.submission_id.in_(by_id)).order_by(AgencyReply.id)
        )
        for answer in answers:
            by_id[answer.submission_id].agency_replies.append(answer)


def agency_replies(submission: Submission) -> list[AgencyReply]:
    return list(
        db.session.scalars(
            select(AgencyReply)
            .where(AgencyReply.submission_id == submission.id)
            .order_by(AgencyReply.id)
        )
    )


def endorsed_ids(viewer, submission_ids: list[int]) -> set[int]:
    if viewer is None or not viewer.is_authenticated or not submission_ids:
        return set()
    return set(
        db.session.scalars(
            select(Endorsement.submission_id).where(
                Endorsement.user_id == viewer.id, Endorsement.submission_id.in_(submission_ids)
            )
        )
    )


def anchor_versions(consultation: Consultation, anchor: str) -> tuple[int, dict[int, int]]:
    """For one paragraph anchor: public innspill over every version, and version id -> number."""
    rows = db.session.execute(
        select(Paragraph.version_id, DraftVersion.number, Paragraph.submission_count)
        .join(DraftVersion, DraftVersion.id == Paragraph.version_id)
        .where(Paragraph.consultation_id == consultation.id, Paragraph.anchor == anchor)
    ).all()
    return sum(row.submission_count for row in rows), {row.version_id: row.number for row in rows}


def current_draft(consultation: Consultation):
    """Sections of the current version and their paragraphs, in one query whatever the size."""
    if consultation.current_version_id is None:
        return [], {}
    rows = db.session.execute(
        select(Section, Paragraph)
        .outerjoin(Paragraph, Paragraph.section_id == Section.id)
        .where(Section.version_id == consultation.current_version_id)
        .order_by(Section.position, Paragraph.position)
    )
    sections: list[Section] = []
    paragraphs: dict[int, list[Paragraph]] = {}
    for section, paragraph in rows:
        if section.id not in paragraphs:
            sections.append(section)
            paragraphs[section.id] = []
        if paragraph is not None:
            paragraphs[section.id].append(paragraph)
    return sections, paragraphs


def anchor_counts(consultation: Consultation) -> dict[str, int]:
    """Public innspill per paragraph anchor, summed over every version of the draft."""
    rows = db.session.execute(
        select(Paragraph.anchor, func.sum(Paragraph.submission_count))
        .where(Paragraph.consultation_id == consultation.id)
        .group_by(Paragraph.anchor)
    )
    return {anchor: int(total or 0) for anchor, total in rows}
