"""The public "Rapporter" form, and the moderators' queue, decisions and log (/admin/moderering)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import SelectChoice

from hoering.accounts.guards import fresh_second_factor, recheck_response
from hoering.consultations import services as consultations
from hoering.consultations.models import Consultation
from hoering.db import utcnow
from hoering.documents.services import attachments_of
from hoering.errors import BadInputError, DomainError, ForbiddenError, NotFoundError
from hoering.extensions import db, limiter
from hoering.moderation import queries, services
from hoering.moderation.forms import ModerationForm, ReportForm
from hoering.moderation.labels import action_label, change_label, reason_label
from hoering.moderation.models import (
    ACTION_APPROVE,
    ACTION_BLOCK,
    ACTION_HIDE,
    ACTION_OFF_TOPIC,
    ACTION_REDACT,
    ACTION_REJECT,
    REASONS,
)
from hoering.paging import whole_number
from hoering.submissions.models import Submission
from hoering.tabular import csv_response, delimiter_param

bp = Blueprint("moderation", __name__, url_prefix="/admin/moderering")
public_bp = Blueprint("reports", __name__)

# URL word -> decision; the page has one form per decision, prefixed with its word.
ACTION_SLUGS = {
    "godkjenn": ACTION_APPROVE,
    "avvis": ACTION_REJECT,
    "skjul": ACTION_HIDE,
    "sladd": ACTION_REDACT,
    "utenfor-tema": ACTION_OFF_TOPIC,
    "blokker": ACTION_BLOCK,
}


def _report_limit() -> str:
    return current_app.config["REPORT_LIMIT"]


# --- public: report an innspill ----------------------------------------------------------------


@public_bp.route(
    "/hoeringer/<slug>/innspill/<int:submission_id>/rapporter", methods=["GET", "POST"]
)
@limiter.limit(_report_limit, key_func=get_remote_address, methods=["POST"])
def report(slug: str, submission_id: int):
    consultation = consultations.get_consultation(slug, viewer=current_user)
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.consultation_id != consultation.id:
        raise NotFoundError()
    if not submission.is_visible and not submission.is_tombstone:
        raise NotFoundError()
    form = ReportForm()
    form.start_clock()
    status = 200
    if submission.is_tombstone:
        status = 409
    elif form.validate_on_submit():
        try:
            services.report(
                submission,
                reason=form.reason.data,
                note=form.text.data or "",
                user=current_user if current_user.is_authenticated else None,
                address=get_remote_address(),
            )
        except DomainError as error:
            db.session.rollback()
            field = getattr(form, error.field or "", form.reason)
            field.errors = [*field.errors, str(error.message)]
            status = error.status
        else:
            db.session.commit()
            flash(_("Takk. Rapporten er sendt til moderatorene."), "success")
            return redirect(
                url_for("submissions.show", slug=slug, submission_id=submission_id)
                + f"#innspill-{submission_id}"
            )
    elif request.method == "POST":
        status = 400
    return render_template(
        "moderation/report.html", consultation=consultation, submission=submission, form=form
    ), status


# --- moderators --------------------------------------------------------------------------------


def _require_moderator() -> None:
    if queries.moderated_agency_ids(current_user) == set():
        raise ForbiddenError()


def _moderated_submission(submission_id: int) -> Submission:
    """An innspill this person moderates; a guessed id of another agency's is a 403."""
    _require_moderator()
    submission = db.session.get(Submission, submission_id)
    if submission is None:
        if current_user.is_admin:
            raise NotFoundError()
        raise ForbiddenError()
    if not services.can_moderate(current_user, submission.consultation):
        raise ForbiddenError()
    return submission


def _consultation_filter() -> Consultation | None:
    slug = request.args.get("hoering", "")
    if not slug:
        return None
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None:
        raise BadInputError(_("Ukjent høring i filteret."))
    if not services.can_moderate(current_user, consultation):
        raise ForbiddenError()
    return consultation


@bp.route("/")
@login_required
def queue():
    _require_moderator()
    consultation = _consultation_filter()
    reason = request.args.get("grunn", "")
    age = request.args.get("alder", "")
    if reason and reason not in (*REASONS, queries.FINDINGS_FILTER):
        raise BadInputError(_("Ukjent grunn i filteret."))
    if age and age not in queries.AGES:
        raise BadInputError(_("Ukjent alder i filteret."))
    items = queries.queue(
        current_user,
        consultation_id=consultation.id if consultation else None,
        reason=reason or None,
        age=age or None,
        now=utcnow(),
    )
    return render_template(
        "moderation/queue.html",
        items=items,
        consultations=queries.moderated_consultations(current_user),
        selected=consultation,
        reason=reason,
        age=age,
        reasons=REASONS,
    )


def _action_forms(submission: Submission, formdata=None, posted: str | None = None):
    forms = {}
    for slug in ACTION_SLUGS:
        form = ModerationForm(prefix=slug, formdata=formdata if slug == posted else None)
        form.version.data = str(submission.moderation_version)
        form.found.choices = [
            SelectChoice(f"{f['start']}-{f['end']}", submission.body[f["start"] : f["end"]])
            for f in submission.findings or ()
        ]
        forms[slug] = form
    return forms


def _segments(body: str, findings: Iterable[dict]) -> list[tuple[str, bool]]:
    """The original text cut into (text, is_finding) pieces, for highlighting without |safe."""
    pieces, position = [], 0
    for finding in sorted(findings, key=lambda f: f["start"]):
        start, end = max(finding["start"], position), finding["end"]
        if start >= end:
            continue
        pieces += [(body[position:start], False), (body[start:end], True)]
        position = end
    pieces.append((body[position:], False))
    return [piece for piece in pieces if piece[0]]


def _render_item(submission: Submission, forms, *, problem: str | None = None, status: int = 200):
    attachments = attachments_of([submission.id]).get(submission.id, [])
    return render_template(
        "moderation/item.html",
        s=submission,
        consultation=submission.consultation,
        segments=_segments(submission.body, submission.findings or ()),
        attachments=[(a, _segments(a.text or "", a.findings or ())) for a in attachments],
        reports=queries.reports_for(submission),
        actions=queries.actions_for(submission),
        forms=forms,
        problem=problem,
        now=utcnow(),
    ), status


@bp.route("/innspill/<int:submission_id>")
@login_required
def item(submission_id: int):
    submission = _moderated_submission(submission_id)
    return _render_item(submission, _action_forms(submission))


@bp.route("/innspill/<int:submission_id>/<handling>", methods=["POST"])
@login_required
def act(submission_id: int, handling: str):
    submission = _moderated_submission(submission_id)
    if handling not in ACTION_SLUGS:
        abort(404)
    if ACTION_SLUGS[handling] == ACTION_BLOCK and (recheck := recheck_response()) is not None:
        return recheck
    form = ModerationForm(prefix=handling)
    try:
        try:
            version = whole_number(form.version.data or "")
        except ValueError:
            raise BadInputError(
                _("Skjemaet mangler versjonen av innspillet. Last siden på nytt.")
            ) from None
        spans = []
        if ACTION_SLUGS[handling] == ACTION_REDACT:
            spans = services.parse_spans(",".join([*form.found.data, form.spans.data or ""]))
        decision = services.Decision(
            action=ACTION_SLUGS[handling],
            version=version,
            category=form.category.data or None,
            reason=form.reason.data or "",
            spans=spans,
            days=form.days.data,
        )
        services.moderate(submission, decision, by=current_user)
    except DomainError as error:
        db.session.rollback()
        forms = _action_forms(submission, request.form, handling)
        target = getattr(forms[handling], error.field or "", None)
        if target is not None:
            target.errors = [*target.errors, str(error.message)]
        return _render_item(submission, forms, problem=str(error.message), status=error.status)
    db.session.commit()
    flash(_("Lagret: %(action)s.", action=action_label(ACTION_SLUGS[handling])), "success")
    return redirect(url_for("moderation.item", submission_id=submission.id))


@bp.route("/logg")
@login_required
def log():
    _require_moderator()
    consultation = _consultation_filter()
    entries = queries.log_entries(
        current_user, consultation_id=consultation.id if consultation else None
    )
    return render_template(
        "moderation/log.html",
        entries=list(entries),
        consultations=queries.moderated_consultations(current_user),
        selected=consultation,
    )


# Words first (in the reader's language), then the recorded states as data for the record.
_CSV_COLUMNS = (
    "id", "tidspunkt", "hoering", "innspill", "handling", "grunn", "begrunnelse", "utfort_av",
    "endring", "for", "etter",
)  # fmt: skip


@bp.route("/logg/eksport")
@login_required
@fresh_second_factor
def export_log():
    """The moderation log as CSV (UTF-8 with BOM; ?skilletegn=komma for commas), streamed."""
    _require_moderator()
    consultation = _consultation_filter()
    delimiter = delimiter_param(request.args)

    def rows():
        entries = queries.log_entries(
            current_user, consultation_id=consultation.id if consultation else None, limit=None
        )
        try:
            for entry in entries:
                yield (
                    entry.id,
                    entry.created_at.isoformat(),
                    entry.consultation.slug,
                    entry.submission_id,
                    action_label(entry.action),
                    reason_label(entry.category) if entry.category else "",
                    entry.reason,
                    entry.actor.name if entry.actor else _("systemet"),
                    change_label(entry.before, entry.after),
                    _json(entry.before),
                    _json(entry.after),
                )
        finally:
            # Also when the download is cut short: PostgreSQL's server-side cursor is closed.
            entries.close()

    return csv_response("moderasjonslogg.csv", _CSV_COLUMNS, rows(), delimiter)


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
