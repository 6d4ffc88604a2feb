"""The case officer's outcome pages (/admin/hoeringer/<slug>/utfall): dispositions per theme,
campaign and innspill."""

from __future__ import annotations

from flask import Blueprint, Response, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from hoering import prepared
from hoering.analysis import campaigns
from hoering.analysis import services as analysis
from hoering.analysis.models import ThemeTag
from hoering.analysis.views import officer_only
from hoering.consultations.models import STATUS_ARCHIVED, STATUS_CLOSED, Consultation
from hoering.consultations.services import get_consultation
from hoering.db import utcnow
from hoering.errors import BadInputError, DomainError, NotFoundError
from hoering.extensions import db
from hoering.outcome import documents, downloads, lineage, services, summary
from hoering.outcome.models import PreparedSummary
from hoering.outcome.services import TARGET_SUBMISSION, TARGETS
from hoering.paging import whole_number

bp = Blueprint("outcome", __name__)


def _int(value: str | None, message: str) -> int:
    try:
        return whole_number(value or "")
    except ValueError:
        raise BadInputError(message) from None


def _typed() -> dict:
    return {
        "decision": request.form.get("decision", ""),
        "assessment": request.form.get("assessment", ""),
        "paragraphs": request.form.getlist("avsnitt"),
    }


def _render_page(consultation: Consultation, *, status=200, error=None, failed=None):
    themes = analysis.themes(consultation)
    tagged = dict(
        db.session.execute(
            select(ThemeTag.theme_id, func.count(func.distinct(ThemeTag.submission_id)))
            .where(ThemeTag.theme_id.in_([t.id for t in themes]))
            .group_by(ThemeTag.theme_id)
        ).all()
    )
    current = {}
    for disposition in services.dispositions(consultation):
        if disposition.theme_id is not None:
            current[("tema", disposition.theme_id)] = disposition
        elif disposition.campaign_id is not None:
            current[("kampanje", disposition.campaign_id)] = disposition
    return render_template(
        "outcome/manage.html",
        consultation=consultation,
        themes=themes,
        tagged=tagged,
        campaigns=campaigns.listing(consultation),
        current=current,
        paragraphs=services.changeable_paragraphs(consultation),
        frozen=services.is_frozen(consultation),
        error=error,
        failed=failed,
        typed=_typed() if failed else None,
    ), status


@bp.route("/admin/hoeringer/<slug>/utfall")
@officer_only
def manage(consultation: Consultation):
    return _render_page(consultation)


def _render_item(consultation: Consultation, submission, *, status=200, error=None):
    own = services.disposition_for(consultation, TARGET_SUBMISSION, submission.id)
    return render_template(
        "outcome/item.html",
        consultation=consultation,
        submission=submission,
        own=own,
        applies=services.effective(consultation, [submission.id]).get(submission.id),
        paragraphs=services.changeable_paragraphs(consultation),
        frozen=services.is_frozen(consultation),
        error=error,
        typed=_typed() if error else None,
    ), status


@bp.route("/admin/hoeringer/<slug>/utfall/innspill/<int:submission_id>")
@officer_only
def item(consultation: Consultation, submission_id: int):
    submission = services.check_target(consultation, TARGET_SUBMISSION, submission_id)
    return _render_item(consultation, submission)


@bp.route("/admin/hoeringer/<slug>/utfall", methods=["POST"])
@officer_only
def change(consultation: Consultation):
    """Record or clear the disposition of one theme, campaign or innspill."""
    kind = request.form.get("mal", "")
    if kind not in TARGETS:
        raise BadInputError(_("Ukjent mål for vurderingen."))
    target_id = _int(request.form.get("id"), _("Ugyldig valg."))
    target = services.check_target(consultation, kind, target_id)
    paragraph_ids = [
        _int(value, _("Ugyldig valg av avsnitt.")) for value in request.form.getlist("avsnitt")
    ]
    try:
        if request.form.get("action") == "clear":
            services.clear_disposition(consultation, kind, target_id)
            message = _("Vurderingen er fjernet.")
        else:
            services.record_disposition(
                consultation,
                kind,
                target_id,
                decision=request.form.get("decision", ""),
                assessment=request.form.get("assessment", ""),
                paragraph_ids=paragraph_ids,
                by=current_user,
            )
            message = _("Vurderingen er lagret.")
    except DomainError as error:
        db.session.rollback()
        if kind == TARGET_SUBMISSION:
            return _render_item(consultation, target, status=error.status, error=error)
        return _render_page(
            consultation, status=error.status, error=error, failed=(kind, target_id)
        )
    db.session.commit()
    flash(message, "success")
    if kind == TARGET_SUBMISSION:
        return redirect(url_for("outcome.item", slug=consultation.slug, submission_id=target_id))
    return redirect(url_for("outcome.manage", slug=consultation.slug) + f"#{kind}-{target_id}")


# The høringsoppsummering: the case officer's page, and the public outcome ---------------------


def _render_summary(consultation: Consultation, *, status=200, error=None):
    summary_row = summary.get_summary(consultation)
    docs = downloads.latest(consultation, str(get_locale()))
    return render_template(
        "outcome/manage_summary.html",
        docs=docs,
        formats=downloads.FORMATS,
        underway=any(row.status in prepared.UNDERWAY for row in docs.values()),
        consultation=consultation,
        row=summary_row,
        content=summary.build(consultation),
        error=error,
        typed=request.form.get("introduction") if error else None,
        closed=consultation.phase(utcnow()) in (STATUS_CLOSED, STATUS_ARCHIVED),
    ), status


@bp.route("/admin/hoeringer/<slug>/oppsummering")
@officer_only
def manage_summary(consultation: Consultation):
    response = _render_summary(consultation)
    db.session.commit()  # the summary row, made on first visit
    return response


@bp.route("/admin/hoeringer/<slug>/oppsummering", methods=["POST"])
@officer_only
def change_summary(consultation: Consultation):
    action = request.form.get("action")
    try:
        if action == "introduction":
            summary.save_introduction(
                consultation, request.form.get("introduction", ""), by=current_user
            )
            message = _("Innledningen er lagret.")
        elif action == "publish":
            summary.publish_summary(consultation, by=current_user)
            message = _("Høringsoppsummeringen er publisert og journalført.")
        else:
            raise BadInputError(_("Ukjent handling."))
    except DomainError as error:
        db.session.rollback()
        return _render_summary(consultation, status=error.status, error=error)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("outcome.manage_summary", slug=consultation.slug))


@bp.route("/hoeringer/<slug>/resultat")
def public_page(slug: str):
    """Resultat av høringen: the published summary, the dispositions and what changed."""
    consultation = get_consultation(slug, viewer=current_user)
    summary.published_summary(consultation)
    return render_template(
        "outcome/public.html",
        consultation=consultation,
        content=summary.build(consultation),
        changes=lineage.changed_paragraphs(consultation),
    )


@bp.route("/hoeringer/<slug>/endringer")
def public_changes(slug: str):
    """The public draft's changes against the previous version, as an accessible redline."""
    consultation = get_consultation(slug, viewer=current_user)
    if consultation.current_version is None or consultation.current_version.number < 2:
        raise NotFoundError()
    return render_template(
        "outcome/changes.html",
        consultation=consultation,
        changes=lineage.changed_paragraphs(consultation),
    )


@bp.route("/hoeringer/<slug>/resultat/innspill/<int:submission_id>")
def handled(slug: str, submission_id: int):
    """How one public innspill was handled, once the summary is published."""
    consultation = get_consultation(slug, viewer=current_user)
    summary.published_summary(consultation)
    submission = services.public_submission(consultation, submission_id)
    return render_template(
        "outcome/handled.html",
        consultation=consultation,
        submission=submission,
        applies=services.effective(consultation, [submission.id]).get(submission.id),
        paragraph=lineage.paragraph_change(submission),
    )


@bp.app_template_global()
def outcome_published(consultation: Consultation) -> bool:
    """Whether the consultation's outcome page is public (for links on other pages)."""
    return summary.is_published(consultation)


@bp.app_template_global()
def outcome_of(consultation: Consultation) -> dict[int, services.Effective]:
    """What was done with each of the consultation's innspill, for showing it inline on the
    public lists: empty before the summary is published. Worked out once per request for the
    whole consultation (a fixed number of queries, however many innspill a page lists)."""
    known = g.setdefault("outcome_of", {})
    if consultation.id not in known:
        published = summary.is_published(consultation)
        known[consultation.id] = services.effective(consultation) if published else {}
    return known[consultation.id]


@bp.app_template_filter("applies_to")
def applies_to(applied: summary.AppliedDisposition) -> str:
    """What a disposition in a part of the draft is on (the same words as in the documents)."""
    return documents.applies_to(applied)


def _send(row: PreparedSummary, *, private: bool) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{row.file_name}"'}
    if private:  # the summary before publication is the agency's working document
        headers["Cache-Control"] = "private, no-store"
    return Response(
        downloads.document_data(row), mimetype=downloads.FORMATS[row.format], headers=headers
    )


@bp.route("/admin/hoeringer/<slug>/oppsummering/dokumenter", methods=["POST"])
@officer_only
def request_document(consultation: Consultation):
    """Ask the task queue for the summary as it stands, as DOCX, ODT or PDF/A."""
    ext = request.form.get("format", "")
    if ext not in downloads.FORMATS:
        raise BadInputError(_("Ukjent dokumentformat."))
    downloads.request_document(consultation, ext, str(get_locale()), by=current_user)
    db.session.commit()
    return redirect(
        url_for("outcome.manage_summary", slug=consultation.slug) + "#dokumenter", code=303
    )


@bp.route("/admin/hoeringer/<slug>/hoeringsoppsummering.<ext>")
@officer_only
def download(consultation: Consultation, ext: str):
    """The newest finished document in this format and language; while there is none, the
    summary page, which shows how far it has come."""
    row = downloads.latest(consultation, str(get_locale()), done=True).get(
        downloads.check_format(ext)
    )
    if row is None:
        return redirect(
            url_for("outcome.manage_summary", slug=consultation.slug) + "#dokumenter", code=303
        )
    return _send(row, private=True)


@bp.route("/hoeringer/<slug>/resultat/hoeringsoppsummering.<ext>")
def public_download(slug: str, ext: str):
    """The published summary's document; while it is being made, a page that checks again."""
    consultation = get_consultation(slug, viewer=current_user)
    row = downloads.public_document(consultation, ext, str(get_locale()))
    row_id = row.id
    db.session.commit()  # a new request is queued (and, run in-process, made) on commit
    row = db.session.get(PreparedSummary, row_id)
    if row.status == prepared.DONE:
        return _send(row, private=False)
    return render_template("outcome/document_status.html", consultation=consultation, row=row), (
        503 if row.status == prepared.FAILED else 202
    )


def _render_versions(consultation: Consultation, *, status=200, error=None):
    changes = lineage.changes(consultation)
    return render_template(
        "outcome/versions.html",
        consultation=consultation,
        changes=changes,
        corrected=lineage.corrections([c.paragraph for c in changes]),
        previous=lineage.previous_paragraphs(consultation),
        frozen=services.is_frozen(consultation),
        error=error,
    ), status


@bp.route("/admin/hoeringer/<slug>/utfall/versjoner")
@officer_only
def versions(consultation: Consultation):
    """Each paragraph of the current version and where it came from, correctable."""
    return _render_versions(consultation)


@bp.route("/admin/hoeringer/<slug>/utfall/versjoner", methods=["POST"])
@officer_only
def change_versions(consultation: Consultation):
    paragraph_id = _int(request.form.get("avsnitt"), _("Ugyldig valg av avsnitt."))
    try:
        services.set_origin(
            consultation, paragraph_id, request.form.get("origin", ""), by=current_user
        )
    except DomainError as error:
        db.session.rollback()
        return _render_versions(consultation, status=error.status, error=error)
    db.session.commit()
    flash(_("Koblingen er lagret."), "success")
    return redirect(url_for("outcome.versions", slug=consultation.slug))
