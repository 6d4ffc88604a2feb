"""Campaigns over the database: detection for a whole consultation, one innspill as it arrives,
and the case officer's split / move / join decisions, which detection keeps as they are."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, insert, select, update

from hoering import prepared, tasks
from hoering.accounts.models import User
from hoering.analysis import detect
from hoering.analysis.models import Campaign, CampaignDetection, CampaignMember
from hoering.consultations.models import Consultation
from hoering.db import utcnow
from hoering.errors import BadInputError
from hoering.extensions import db
from hoering.submissions.models import KIND_REPLY, Submission

log = logging.getLogger(__name__)

# How many of the latest innspill outside any campaign a new innspill is compared with, looked
# for among the last RECENT_WINDOW innspill received (all consultations), so the database walks
# a short stretch of the primary key instead of sorting the whole consultation.
RECENT_LOOSE = 200
RECENT_WINDOW = 5000


def _texts(query) -> dict[int, str]:
    return {row.id: detect.normalize(row.body) for row in db.session.execute(query)}


def _candidates(consultation_id: int):
    """Innspill that may belong to a campaign: statements and comments, not replies."""
    return select(Submission.id, Submission.body).where(
        Submission.consultation_id == consultation_id, Submission.kind != KIND_REPLY
    )


def detect_campaigns(consultation: Consultation) -> list[Campaign]:
    """Group the consultation's innspill anew, keeping every manual decision as it is.

    A group takes over the existing campaign most of its members were in, so campaign ids stay
    put from one run to the next.
    """
    members = db.session.scalars(
        select(CampaignMember).where(CampaignMember.consultation_id == consultation.id)
    ).all()
    pinned = {m.submission_id for m in members if m.manual}
    previous = {m.submission_id: m.campaign_id for m in members if not m.manual}
    texts = {
        key: text for key, text in _texts(_candidates(consultation.id)).items() if key not in pinned
    }
    groups = detect.group(texts)
    db.session.execute(
        delete(CampaignMember).where(
            CampaignMember.consultation_id == consultation.id, CampaignMember.manual.is_(False)
        )
    )
    taken: set[int] = set()
    now = utcnow()
    fresh: dict[int, detect.Group] = {}
    rows = []
    for found in sorted(groups, key=lambda g: -len(g.members)):
        votes = Counter(previous[k] for k in found.members if previous.get(k) is not None)
        campaign_id = next((c for c, _n in votes.most_common() if c not in taken), None)
        if campaign_id is None:
            campaign = Campaign(consultation_id=consultation.id, created_at=now)
            db.session.add(campaign)
            db.session.flush()
            campaign_id = campaign.id
        taken.add(campaign_id)
        fresh[campaign_id] = found
        rows += [
            {
                "submission_id": key,
                "consultation_id": consultation.id,
                "campaign_id": campaign_id,
                "similarity": found.similarity[key],
                "manual": False,
            }
            for key in found.members
        ]
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(CampaignMember), rows[start : start + 5000])
    # Groups made of detected members only are complete as found; the rest (with decisions in
    # them, or emptied) are measured again.
    with_decisions = set(
        db.session.scalars(
            select(CampaignMember.campaign_id).where(
                CampaignMember.consultation_id == consultation.id, CampaignMember.manual.is_(True)
            )
        )
    )
    others: set[int] = set()
    for campaign in db.session.scalars(
        select(Campaign).where(Campaign.consultation_id == consultation.id)
    ):
        found = fresh.get(campaign.id)
        if found is None or campaign.id in with_decisions:
            others.add(campaign.id)
            continue
        campaign.template_id = found.template
        campaign.size = len(found.members)
        campaign.updated_at = now
    if others:
        refresh(consultation, others)
    db.session.flush()
    return list(
        db.session.scalars(
            select(Campaign)
            .where(Campaign.consultation_id == consultation.id)
            .order_by(Campaign.size.desc(), Campaign.id)
        )
    )


def refresh(consultation: Consultation, campaign_ids: set[int] | None = None) -> None:
    """Recompute template, similarities and size; drop campaigns left with fewer than two."""
    query = select(Campaign).where(Campaign.consultation_id == consultation.id)
    if campaign_ids is not None:
        query = query.where(Campaign.id.in_(campaign_ids))
    campaigns = {c.id: c for c in db.session.scalars(query)}
    rows = db.session.execute(
        select(CampaignMember, Submission.body)
        .join(Submission, Submission.id == CampaignMember.submission_id)
        .where(CampaignMember.campaign_id.in_(campaigns))
    ).all()
    by_campaign: dict[int, list[tuple[CampaignMember, str]]] = {}
    for member, body in rows:
        by_campaign.setdefault(member.campaign_id, []).append((member, body))
    now = utcnow()
    for campaign_id, campaign in campaigns.items():
        entries = by_campaign.get(campaign_id, [])
        if len(entries) < 2:
            # A campaign of one is no campaign; its innspill stands alone (decision kept).
            db.session.execute(
                update(CampaignMember)
                .where(CampaignMember.campaign_id == campaign_id)
                .values(campaign_id=None)
            )
            db.session.delete(campaign)
            continue
        texts = {m.submission_id: detect.normalize(body) for m, body in entries}
        centred = detect.centre(list(texts), texts)
        for member, _body in entries:
            member.similarity = centred.similarity[member.submission_id]
        campaign.template_id = centred.template
        campaign.size = len(entries)
        campaign.updated_at = now
    db.session.flush()


def assign(submission: Submission) -> CampaignMember | None:
    """Place one new innspill: into the campaign whose template it matches, or into a new
    campaign with a recent innspill it matches; None when it stands alone."""
    if submission.kind == KIND_REPLY:
        return None
    text = detect.normalize(submission.body)
    if not detect.eligible(text):
        return None
    consultation_id = submission.consultation_id
    templates = _texts(
        select(Submission.id, Submission.body)
        .join(Campaign, Campaign.template_id == Submission.id)
        .where(Campaign.consultation_id == consultation_id)
    )
    match = detect.best_match(text, templates)
    if match is not None:
        template_id, similarity = match
        campaign = db.session.scalar(select(Campaign).where(Campaign.template_id == template_id))
        campaign.size += 1
        campaign.updated_at = utcnow()
        return _member(submission, campaign, similarity)
    loose = _texts(
        _candidates(consultation_id)
        .where(
            Submission.id < submission.id,
            Submission.id > submission.id - RECENT_WINDOW,
            ~exists().where(CampaignMember.submission_id == Submission.id),
        )
        .order_by(Submission.id.desc())
        .limit(RECENT_LOOSE)
    )
    match = detect.best_match(text, loose)
    if match is None:
        return None
    other_id, similarity = match
    campaign = Campaign(
        consultation_id=consultation_id, template_id=other_id, size=2, created_at=utcnow()
    )
    db.session.add(campaign)
    db.session.flush()
    db.session.add(
        CampaignMember(
            submission_id=other_id,
            consultation_id=consultation_id,
            campaign_id=campaign.id,
            similarity=1.0,
        )
    )
    return _member(submission, campaign, similarity)


def on_submission_accepted(submission: Submission) -> None:
    assign(submission)


def _member(submission: Submission, campaign: Campaign, similarity: float) -> CampaignMember:
    member = CampaignMember(
        submission_id=submission.id,
        consultation_id=submission.consultation_id,
        campaign_id=campaign.id,
        similarity=similarity,
    )
    db.session.add(member)
    db.session.flush()
    return member


# --- the case officer's decisions -----------------------------------------------------------


def _get(consultation: Consultation, campaign_id: int) -> Campaign:
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.consultation_id != consultation.id:
        raise BadInputError(_l("Ukjent kampanje."))
    return campaign


def _decide(consultation: Consultation, submission_ids, campaign_id: int | None, by: User):
    ids = set(submission_ids)
    known = set(
        db.session.scalars(
            select(Submission.id).where(
                Submission.id.in_(ids), Submission.consultation_id == consultation.id
            )
        )
    )
    if not ids or known != ids:
        raise BadInputError(_l("Innspillet hører ikke til denne høringen."))
    rows = {
        m.submission_id: m
        for m in db.session.scalars(
            select(CampaignMember).where(CampaignMember.submission_id.in_(ids))
        )
    }
    touched = {m.campaign_id for m in rows.values() if m.campaign_id is not None}
    now = utcnow()
    for submission_id in ids:
        member = rows.get(submission_id) or CampaignMember(
            submission_id=submission_id, consultation_id=consultation.id
        )
        member.campaign_id = campaign_id
        member.manual = True
        member.decided_by_id = by.id
        member.decided_at = now
        db.session.add(member)
    db.session.flush()
    if campaign_id is not None:
        touched.add(campaign_id)
    refresh(consultation, touched)


def move_out(consultation: Consultation, submission_ids, *, by: User) -> None:
    """These innspill stand alone from now on, whatever detection finds."""
    _decide(consultation, submission_ids, None, by)


def move_to(consultation: Consultation, submission_ids, campaign_id: int, *, by: User) -> None:
    _decide(consultation, submission_ids, _get(consultation, campaign_id).id, by)


def split(consultation: Consultation, campaign_id: int, submission_ids, *, by: User) -> Campaign:
    """Make the given members a campaign of their own."""
    source = _get(consultation, campaign_id)
    ids = set(submission_ids)
    inside = set(
        db.session.scalars(
            select(CampaignMember.submission_id).where(CampaignMember.campaign_id == source.id)
        )
    )
    if not ids or not ids <= inside or ids == inside:
        raise BadInputError(_l("Velg noen, men ikke alle, innspillene i kampanjen."))
    campaign = Campaign(consultation_id=consultation.id, created_at=utcnow())
    db.session.add(campaign)
    db.session.flush()
    # Both parts are decisions now: detection keeps them apart.
    _decide(consultation, inside - ids, source.id, by)
    _decide(consultation, ids, campaign.id, by)
    return campaign


def join(consultation: Consultation, campaign_id: int, other_id: int, *, by: User) -> Campaign:
    """Move every member of `other_id` into `campaign_id`."""
    target, other = _get(consultation, campaign_id), _get(consultation, other_id)
    if target.id == other.id:
        raise BadInputError(_l("Velg to ulike kampanjer."))
    ids = set(
        db.session.scalars(
            select(CampaignMember.submission_id).where(
                CampaignMember.campaign_id.in_((target.id, other.id))
            )
        )
    )
    _decide(consultation, ids, target.id, by)
    return target


@dataclass
class CampaignView:
    campaign: Campaign
    members: list[tuple[int, float]]

    def as_dict(self) -> dict:
        """The shape the CLI and the export share: id, size, template, members."""
        return {
            "id": self.campaign.id,
            "size": self.campaign.size,
            "template": self.campaign.template_id,
            "members": [{"id": i, "similarity": s} for i, s in self.members],
        }


def listing(consultation: Consultation) -> list[CampaignView]:
    """Every campaign with its members' ids and similarities, largest first (two queries)."""
    campaigns = list(
        db.session.scalars(
            select(Campaign)
            .where(Campaign.consultation_id == consultation.id)
            .order_by(Campaign.size.desc(), Campaign.id)
        )
    )
    members: dict[int, list[tuple[int, float]]] = {c.id: [] for c in campaigns}
    for submission_id, campaign_id, similarity in db.session.execute(
        select(CampaignMember.submission_id, CampaignMember.campaign_id, CampaignMember.similarity)
        .where(CampaignMember.consultation_id == consultation.id)
        .where(CampaignMember.campaign_id.is_not(None))
        .order_by(CampaignMember.similarity.desc(), CampaignMember.submission_id)
    ):
        members[campaign_id].append((submission_id, similarity))
    return [CampaignView(c, members[c.id]) for c in campaigns]


# Detection over 100,000 innspill takes about a minute; one running far longer lost its worker.
DETECTION_STALE_AFTER = timedelta(minutes=15)


def latest_detection(consultation: Consultation) -> CampaignDetection | None:
    return db.session.scalar(
        select(CampaignDetection)
        .where(CampaignDetection.consultation_id == consultation.id)
        .order_by(CampaignDetection.id.desc())
        .limit(1)
    )


def request_detection(consultation: Consultation, *, by: User) -> CampaignDetection:
    """Ask the task queue to find the campaigns again; one request underway at a time."""
    latest = latest_detection(consultation)
    if latest is not None and latest.status in prepared.UNDERWAY:
        return latest
    detection = CampaignDetection(consultation_id=consultation.id, requested_by_id=by.id)
    db.session.add(detection)
    db.session.flush()
    tasks.after_commit(detect_campaigns_task, detection.id)
    return detection


@tasks.task()
def detect_campaigns_task(detection_id: int) -> None:
    """Detection asked for by a case officer, in the background. Its state is on its row; the
    sweep re-queues a request whose queue message was lost, and innspill that arrive meanwhile
    are placed as they come."""
    if not prepared.claim(CampaignDetection, detection_id, stale_after=DETECTION_STALE_AFTER):
        return
    detection = db.session.get(CampaignDetection, detection_id)
    try:
        found = detect_campaigns(db.session.get(Consultation, detection.consultation_id))
    except Exception as error:
        log.exception("campaign detection %s failed", detection_id)
        prepared.fail(CampaignDetection, detection_id, str(error)[:2000])
        return
    prepared.complete(CampaignDetection, detection_id, campaigns_found=len(found))


@tasks.periodic(5)
def sweep_detections() -> None:
    for detection_id in prepared.unfinished(CampaignDetection, stale_after=DETECTION_STALE_AFTER):
        detect_campaigns_task(detection_id)
