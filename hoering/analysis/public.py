"""What the public sees of campaigns: one representative innspill per campaign and place, with
"N like innspill" linking to the others. Nothing internal (themes, notes, statuses) is here."""

from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from hoering.analysis.models import CampaignMember
from hoering.consultations.models import Consultation, Consultee
from hoering.extensions import db
from hoering.submissions.models import KIND_REPLY, STATUS_PUBLISHED, Submission
from hoering.submissions.queries import Page, is_public, list_page


def hide_copies(consultation: Consultation):
    """A clause for public listings: no published innspill of a campaign but the first published
    one in its place (the same paragraph, or the whole). Taken-down ones stay as markers."""
    member, shown = aliased(CampaignMember), aliased(Submission)
    first = (
        select(func.min(shown.id))
        .join(member, member.submission_id == shown.id)
        .where(
            member.consultation_id == consultation.id,
            member.campaign_id.is_not(None),
            shown.status == STATUS_PUBLISHED,
        )
        .group_by(member.campaign_id, shown.paragraph_id)
    )
    copy, copied = aliased(CampaignMember), aliased(Submission)
    copies = (
        select(copy.submission_id)
        .join(copied, copied.id == copy.submission_id)
        .where(
            copy.consultation_id == consultation.id,
            copy.campaign_id.is_not(None),
            copied.status == STATUS_PUBLISHED,
            copy.submission_id.not_in(first),
        )
    )
    return Submission.id.not_in(copies)


def alike_columns():
    """Per listed innspill: its campaign, and how many published ones like it share its place."""
    member, other, twin = aliased(CampaignMember), aliased(CampaignMember), aliased(Submission)
    campaign = (
        select(member.campaign_id)
        .where(member.submission_id == Submission.id)
        .correlate(Submission)
        .scalar_subquery()
    )
    mine = aliased(CampaignMember)
    count = (
        select(func.count(other.submission_id))
        .select_from(mine)
        .join(other, other.campaign_id == mine.campaign_id)
        .join(twin, twin.id == other.submission_id)
        .where(
            mine.submission_id == Submission.id,
            twin.status == STATUS_PUBLISHED,
            twin.id != Submission.id,
            twin.paragraph_id.is_not_distinct_from(Submission.paragraph_id),
        )
        .correlate(Submission)
        .scalar_subquery()
    )
    return campaign, count


def folding(consultation: Consultation):
    """What the public listings take to fold campaigns: (clause, columns)."""
    return hide_copies(consultation), alike_columns()


def members_page(consultation: Consultation, campaign_id: int, *, after: int | None, size: int):
    """The published innspill of one campaign, a keyset page at a time: (innspill, next)."""
    query = (
        select(Submission)
        .join(CampaignMember, CampaignMember.submission_id == Submission.id)
        .where(
            CampaignMember.campaign_id == campaign_id,
            CampaignMember.consultation_id == consultation.id,
            Submission.status == STATUS_PUBLISHED,
        )
    )
    if after is not None:
        query = query.where(Submission.id > after)
    rows = list(db.session.scalars(query.order_by(Submission.id).limit(size + 1)))
    return rows[:size], (rows[size - 1].id if len(rows) > size else None)


ANSWER_GROUPS = ("invitert", "organisasjoner", "privat")


def answers_page(
    consultation: Consultation,
    group: str,
    *,
    respondent: str = "",
    after: int | None,
    size: int,
) -> Page:
    """Every public statement and innspill (no replies) of one group of respondents, as
    regjeringen.no lists høringssvar: invited høringsinstanser, other organisations, private
    persons; campaigns folded to one each."""
    invited = Submission.organisation_id.in_(
        select(Consultee.organisation_id).where(
            Consultee.consultation_id == consultation.id, Consultee.organisation_id.is_not(None)
        )
    )
    query = select(Submission).where(
        Submission.consultation_id == consultation.id,
        Submission.kind != KIND_REPLY,
        is_public(),
    )
    if group == "invitert":
        query = query.where(invited)
    elif group == "organisasjoner":
        query = query.where(
            Submission.respondent_type != "private",
            or_(Submission.organisation_id.is_(None), ~invited),
        )
    else:
        query = query.where(Submission.respondent_type == "private")
    if respondent:
        query = query.where(Submission.respondent_type == respondent)
    return list_page(query, after=after, size=size, viewer=None, fold=folding(consultation))
