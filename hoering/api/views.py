"""GET-only JSON for consultations, their draft, their public innspill and the public journal.

Only what the public pages show, whoever asks: the session is never consulted, so a signed-in
case officer sees no more here than anyone else. A consultation that is not public is a 404, the
same as one that does not exist. Innspill that were hidden or withdrawn are listed as tombstones
(id, kind, status, the moderator's public reason), as on the public page; innspill waiting for
moderation and rejected ones are left out. A published innspill lists its files as the public gets
them (the PDF/A rendition or a moderator's redacted copy, never a withheld file). Lists are
keyset-paginated: `next` is the URL of the following page, or null. Errors are JSON:
{"error": ..., "status": ..., "request_id": ...}.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from hoering.consultations import services as consultations
from hoering.consultations.models import STATUS_DRAFT, Consultation, DraftVersion
from hoering.documents.services import PublicFile, public_files
from hoering.extensions import db
from hoering.journal import public
from hoering.journal.services import entries_for_submissions
from hoering.outcome import summary as outcome_summary
from hoering.paging import after_param
from hoering.submissions.models import AgencyReply, Submission
from hoering.submissions.queries import PUBLIC_STATUSES, anchor_counts, current_draft

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.after_request
def open_to_every_origin(response):
    """Public data, never personalised: any web page may read it (no credentials are sent)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


def _page_size() -> int:
    return current_app.config["API_PAGE_SIZE"]


def _next(endpoint: str, after: int | None, **values) -> str | None:
    if after is None:
        return None
    return url_for(endpoint, etter=after, _external=True, **values)


def _consultation(slug: str) -> Consultation:
    """A public consultation by slug; 404 otherwise, whoever is signed in."""
    return consultations.get_consultation(slug, viewer=None)


def _summary(c: Consultation) -> dict:
    return {
        "slug": c.slug,
        "title": c.title,
        "agency": {"slug": c.agency.slug, "name": c.agency.name},
        "case_number": c.case_number,
        "status": c.status,
        "opens_at": c.opens_at.isoformat(),
        "deadline": c.deadline.isoformat(),
        "closed_at": c.closed_at.isoformat() if c.closed_at else None,
        "submission_count": c.submission_count,
        "url": url_for("consultations.show", slug=c.slug, _external=True),
        "api_url": url_for("api.consultation", slug=c.slug, _external=True),
    }


@bp.route("/hoeringer")
def consultation_list():
    after = after_param(request.args)
    query = select(Consultation).where(Consultation.status != STATUS_DRAFT)
    agency_slug = request.args.get("virksomhet")
    if agency_slug:
        query = query.where(Consultation.agency_id == public.get_agency(agency_slug).id)
    if after is not None:
        query = query.where(Consultation.id > after)
    size = _page_size()
    rows = list(db.session.scalars(query.order_by(Consultation.id).limit(size + 1)))
    more = len(rows) > size
    rows = rows[:size]
    filters = {"virksomhet": agency_slug} if agency_slug else {}
    return jsonify(
        data=[_summary(c) for c in rows],
        next=_next("api.consultation_list", rows[-1].id if more else None, **filters),
    )


@bp.route("/hoeringer/<slug>")
def consultation(slug: str):
    c = _consultation(slug)
    detail = _summary(c)
    detail.update(
        summary=c.summary,
        expectations=c.expectations,
        moderation_mode=c.moderation_mode,
        current_version=c.current_version.number if c.current_version else None,
        draft_url=url_for("api.draft", slug=c.slug, _external=True),
        innspill_url=url_for("api.submission_list", slug=c.slug, _external=True),
        journal_url=url_for(
            "api.journal", agency_slug=c.agency.slug, hoering=c.slug, _external=True
        ),
    )
    return jsonify(detail)


@bp.route("/hoeringer/<slug>/utkast")
def draft(slug: str):
    c = _consultation(slug)
    sections, paragraphs = current_draft(c)
    counts = anchor_counts(c)
    return jsonify(
        consultation=c.slug,
        version=c.current_version.number if c.current_version else None,
        published_at=c.current_version.published_at.isoformat()
        if c.current_version and c.current_version.published_at
        else None,
        sections=[
            {
                "key": s.key,
                "level": s.level,
                "number": s.number,
                "title": s.title,
                "paragraphs": [
                    {
                        "anchor": p.anchor,
                        "marker": p.marker or f"({p.ordinal})",
                        "text": p.text,
                        "submission_count": counts.get(p.anchor, 0),
                        "url": url_for(
                            "consultations.paragraph", slug=c.slug, anchor=p.anchor, _external=True
                        ),
                    }
                    for p in paragraphs[s.id]
                ],
            }
            for s in sections
        ],
    )


def _submission(
    s: Submission,
    slug: str,
    versions: dict[int, int],
    journal_number: str | None,
    answers: list[AgencyReply],
    files: list[PublicFile],
) -> dict:
    if s.is_tombstone:
        return {
            "id": s.id,
            "kind": s.kind,
            "status": s.status,
            "reason": s.status_reason if s.status == "hidden" else None,
            "parent_id": s.parent_id,
        }
    return {
        "id": s.id,
        "kind": s.kind,
        "status": s.status,
        "paragraph": s.paragraph.anchor if s.paragraph else None,
        "version": versions.get(s.version_id),
        "parent_id": s.parent_id,
        "author": s.public_name,
        "organisation": s.organisation_name,
        "respondent_type": s.respondent_type,
        "own_account": s.own_account,
        "position": s.position,
        "text": s.shown_body,
        # The same sanitized HTML the pages show, made when the text was stored.
        "html": str(s.shown_html),
        "redacted": s.is_redacted,
        "off_topic": s.is_off_topic,
        "created_at": s.created_at.isoformat(),
        "endorsements": s.endorsement_count,
        "replies": s.reply_count,
        "journal_number": journal_number,
        "agency_replies": [
            {"text": a.body, "html": str(a.html), "created_at": a.created_at.isoformat()}
            for a in answers
        ],
        # The public rendition of each file (PDF/A, or a moderator's redacted copy); withheld
        # files and those not converted yet are left out.
        "files": [f.as_dict(slug) for f in files],
        "url": url_for("submissions.show", slug=slug, submission_id=s.id, _external=True),
    }


@bp.route("/hoeringer/<slug>/innspill")
def submission_list(slug: str):
    c = _consultation(slug)
    after = after_param(request.args)
    query = (
        select(Submission)
        .where(Submission.consultation_id == c.id, Submission.status.in_(PUBLIC_STATUSES))
        .options(selectinload(Submission.paragraph))
    )
    if after is not None:
        query = query.where(Submission.id > after)
    size = _page_size()
    rows = list(db.session.scalars(query.order_by(Submission.id).limit(size + 1)))
    more = len(rows) > size
    rows = rows[:size]
    visible = [s.id for s in rows if s.is_visible]
    versions = dict(
        db.session.execute(
            select(DraftVersion.id, DraftVersion.number).where(DraftVersion.consultation_id == c.id)
        ).all()
    )
    entries = entries_for_submissions(visible)
    files = public_files(visible)
    answers: dict[int, list[AgencyReply]] = {}
    if visible:
        for answer in db.session.scalars(
            select(AgencyReply)
            .where(AgencyReply.submission_id.in_(visible))
            .order_by(AgencyReply.id)
        ):
            answers.setdefault(answer.submission_id, []).append(answer)
    return jsonify(
        consultation=c.slug,
        data=[
            _submission(
                s,
                c.slug,
                versions,
                entries[s.id].journal_number if s.id in entries else None,
                answers.get(s.id, []),
                files.get(s.id, []),
            )
            for s in rows
        ],
        next=_next("api.submission_list", rows[-1].id if more else None, slug=c.slug),
    )


@bp.route("/virksomheter/<agency_slug>/offentlig-journal")
def journal(agency_slug: str):
    agency = public.get_agency(agency_slug)
    flt = public.parse_filter(agency, request.args)
    entries, after = public.public_page(
        agency, flt, after=after_param(request.args), size=_page_size()
    )
    filters = {k: v for k, v in request.args.items() if k in ("fra", "til", "hoering") and v}
    return jsonify(
        agency={"slug": agency.slug, "name": agency.name},
        data=[
            {
                "journal_number": e.journal_number,
                "journal_date": e.journal_date.isoformat(),
                "document_type": e.document_type,
                "title": e.title,
                "correspondent": e.correspondent,
                "screened": e.screened,
                "legal_basis": e.legal_basis,
                "case_number": e.case_number,
                "consultation": e.consultation_slug,
                "submission_url": url_for(
                    "submissions.show",
                    slug=e.consultation_slug,
                    submission_id=e.submission_id,
                    _external=True,
                )
                if e.submission_id
                else None,
            }
            for e in entries
        ],
        next=_next("api.journal", after, agency_slug=agency.slug, **filters),
    )


@bp.route("/hoeringer/<slug>/resultat")
def outcome(slug: str):
    """The published outcome (høringsoppsummering); 404 until it is published."""
    return jsonify(outcome_summary.as_dict(_consultation(slug)))
