"""Read side for the public pages: a constant number of queries whatever the size.

Counts come from the rows; innspill come in keyset pages of PAGE_SIZE; replies for a whole page
come in one windowed query, at most REPLIES_SHOWN per thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, func, literal, select, union_all
from sqlalchemy.orm import aliased

from hoering.consultations.models import Consultation, DraftVersion, Paragraph, Section
from hoering.extensions import db
from hoering.submissions.models import (
    KIND_GENERAL,
    KIND_PARAGRAPH,
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
    paragraph_ids: list[int], *, after: int | None, size: int, viewer, fold=None
) -> Page:
    """Innspill on the paragraphs with one anchor in every version (see anchor_paragraphs).

    The ids are given as values, not a subquery, so SQLite walks the paragraph's own index
    (paragraph, parent, id) instead of scanning every top-level innspill in id order."""
    query = select(Submission).where(
        Submission.paragraph_id.in_(paragraph_ids),
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


@dataclass
class AnchorParagraphs:
    """One paragraph anchor over every version of the draft: innspill follow their text."""

    paragraphs: list[Paragraph]
    versions: dict[int, int]  # version id -> version number

    def in_version(self, version_id: int | None) -> Paragraph | None:
        return next((p for p in self.paragraphs if p.version_id == version_id), None)

    @property
    def ids(self) -> list[int]:
        return [p.id for p in self.paragraphs]

    @property
    def total(self) -> int:
        """Public innspill on this anchor over every version (the counts on the rows)."""
        return sum(p.submission_count for p in self.paragraphs)


def anchor_paragraphs(consultation: Consultation, anchor: str) -> AnchorParagraphs:
    """Every version's paragraph with this anchor, with its section and version number."""
    rows = db.session.execute(
        select(Paragraph, DraftVersion.number)
        .join(DraftVersion, DraftVersion.id == Paragraph.version_id)
        .where(Paragraph.consultation_id == consultation.id, Paragraph.anchor == anchor)
        .order_by(DraftVersion.number)
    ).all()
    return AnchorParagraphs(
        paragraphs=[paragraph for paragraph, _number in rows],
        versions={paragraph.version_id: number for paragraph, number in rows},
    )


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


def _removed(consultation: Consultation):
    """Paragraph innspill that were public and are now hidden or withdrawn (tombstones)."""
    return (
        select(Paragraph.anchor, func.count(Submission.id).label("removed"))
        .join(Paragraph, Paragraph.id == Submission.paragraph_id)
        .where(
            # Tombstones are few, so the status index should lead. Without statistics SQLite
            # would walk every innspill of the consultation by its index instead; "+ 0" keeps
            # it from using that one (PostgreSQL's planner finds the status index by itself).
            Submission.consultation_id + 0 == consultation.id,
            Submission.kind == KIND_PARAGRAPH,
            Submission.status.in_((STATUS_HIDDEN, STATUS_WITHDRAWN)),
            Submission.published_at.is_not(None),
        )
        .group_by(Paragraph.anchor)
    )


def anchor_counts(consultation: Consultation) -> dict[str, int]:
    """Public innspill per paragraph anchor, summed over every version of the draft."""
    return anchor_tallies(consultation)[0]


def anchor_tallies(consultation: Consultation) -> tuple[dict[str, int], dict[str, int]]:
    """Per paragraph anchor over every version: public innspill, and removed ones (tombstones).

    One round trip: the two tallies come back as one UNION ALL."""
    shown = (
        select(
            Paragraph.anchor,
            func.sum(Paragraph.submission_count).label("shown"),
            literal(0).label("removed"),
        )
        .where(Paragraph.consultation_id == consultation.id)
        .group_by(Paragraph.anchor)
    )
    removed = _removed(consultation).subquery()
    gone = select(removed.c.anchor, literal(0), removed.c.removed)
    counts: dict[str, int] = {}
    removals: dict[str, int] = {}
    for anchor, total, count in db.session.execute(union_all(shown, gone)):
        if count:
            removals[anchor] = int(count)
        else:
            counts[anchor] = int(total or 0)
    return counts, removals


def removed_count(paragraph_ids: list[int]) -> int:
    """Innspill on these paragraphs that were public and are now tombstones."""
    return db.session.scalar(
        select(func.count(Submission.id)).where(
            Submission.paragraph_id.in_(paragraph_ids),
            Submission.parent_id.is_(None),
            Submission.status.in_((STATUS_HIDDEN, STATUS_WITHDRAWN)),
            Submission.published_at.is_not(None),
        )
    )
