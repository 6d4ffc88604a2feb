"""Writing innspill, replies and endorsements; receipts; the author's own list."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from hoering.consultations import services as consultations
from hoering.consultations.models import Consultation, Paragraph
from hoering.db import utcnow
from hoering.errors import DomainError, ForbiddenError, NotFoundError
from hoering.extensions import db, limiter
from hoering.journal.services import entries_for_submissions, entry_for_submission
from hoering.submissions import queries, services
from hoering.submissions.forms import SubmissionForm
from hoering.submissions.models import Submission

bp = Blueprint("submissions", __name__)


def _submit_limit() -> str:
    return current_app.config["SUBMIT_LIMIT"]


def _user_key() -> str:
    return f"user:{current_user.get_id()}" if current_user.is_authenticated else "anon"


def _get_submission(consultation: Consultation, submission_id: int) -> Submission:
    """An innspill of this consultation that the viewer may see (its author always can)."""
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.consultation_id != consultation.id:
        raise NotFoundError()
    if submission.is_visible or submission.is_tombstone:
        return submission
    if current_user.is_authenticated and (
        submission.author_id == current_user.id
        or current_user.has_role("moderator", consultation.agency_id)
    ):
        return submission
    raise NotFoundError()


def _write(consultation: Consultation, *, paragraph=None, parent=None):
    """Show the form, or take it through submit(); a refused form keeps what was typed."""
    form = SubmissionForm()
    form.prepare(current_user, allow_position=parent is None)
    findings = None
    status = 200
    now = utcnow()
    if not consultation.accepts_submissions(now):
        status = 409
    elif form.validate_on_submit():
        data = services.SubmissionData(
            body=form.body.data,
            organisation_id=form.organisation_id(),
            position=form.position.data if parent is None else None,
            own_account=form.own_account.data,
            hide_name=form.hide_name.data,
            confirm_personal_data=form.confirm_personal_data.data,
            form_token=form.form_token.data or None,
        )
        try:
            submission = services.submit(
                consultation, data, author=current_user, paragraph=paragraph, parent=parent
            )
        except services.PersonalDataFoundError as error:
            findings = error.findings
            status = error.status
        except DomainError as error:
            field = getattr(form, error.field or "", None)
            if field is None:
                raise
            field.errors = [*field.errors, str(error.message)]
            status = error.status
        else:
            # The address first: after the commit every loaded row would be read again.
            receipt = url_for(
                "submissions.receipt", slug=consultation.slug, submission_id=submission.id
            )
            db.session.commit()
            return redirect(receipt)
    elif request.method == "POST":
        status = 400
    return render_template(
        "submissions/write.html",
        consultation=consultation,
        paragraph=paragraph,
        parent=parent,
        form=form,
        findings=findings,
        works_for_agency=current_user.works_for(consultation.agency_id),
        now=now,
    ), status


@bp.route("/hoeringer/<slug>/<anchor>/skriv", methods=["GET", "POST"])
@login_required
@limiter.limit(_submit_limit, key_func=_user_key, methods=["POST"])
def write_paragraph(slug: str, anchor: str):
    consultation = consultations.get_consultation(slug, viewer=current_user)
    paragraph = db.session.scalar(
        select(Paragraph).where(
            Paragraph.version_id == consultation.current_version_id, Paragraph.anchor == anchor
        )
    )
    if paragraph is None:
        raise NotFoundError()
    return _write(consultation, paragraph=paragraph)


@bp.route("/hoeringer/<slug>/skriv", methods=["GET", "POST"])
@login_required
@limiter.limit(_submit_limit, key_func=_user_key, methods=["POST"])
def write_general(slug: str):
    consultation = consultations.get_consultation(slug, viewer=current_user)
    return _write(consultation)


@bp.route("/hoeringer/<slug>/innspill/<int:submission_id>/svar", methods=["GET", "POST"])
@login_required
@limiter.limit(_submit_limit, key_func=_user_key, methods=["POST"])
def write_reply(slug: str, submission_id: int):
    consultation = consultations.get_consultation(slug, viewer=current_user)
    parent = _get_submission(consultation, submission_id)
    return _write(consultation, parent=parent)


@bp.route("/hoeringer/<slug>/innspill/<int:submission_id>")
def show(slug: str, submission_id: int):
    consultation = consultations.get_consultation(slug, viewer=current_user)
    submission = _get_submission(consultation, submission_id)
    thread_root = submission.parent or submission
    replies = queries.replies_page(
        thread_root,
        after=request.args.get("etter", type=int),
        size=current_app.config["PAGE_SIZE"],
        viewer=current_user,
    )
    return render_template(
        "submissions/show.html",
        consultation=consultation,
        submission=submission,
        root=thread_root,
        replies=replies,
        agency_replies=queries.agency_replies(thread_root),
        endorsed=queries.endorsed_ids(current_user, [thread_root.id]),
        now=utcnow(),
    )


@bp.route("/hoeringer/<slug>/innspill/<int:submission_id>/kvittering")
@login_required
def receipt(slug: str, submission_id: int):
    consultation = consultations.get_consultation(slug, viewer=current_user)
    submission = _get_submission(consultation, submission_id)
    if submission.author_id != current_user.id:
        raise ForbiddenError()
    return render_template(
        "submissions/receipt.html",
        consultation=consultation,
        submission=submission,
        entry=entry_for_submission(submission.id),
    )


@bp.route("/hoeringer/<slug>/innspill/<int:submission_id>/enig", methods=["POST"])
@login_required
def endorse(slug: str, submission_id: int):
    consultation = consultations.get_consultation(slug, viewer=current_user)
    submission = _get_submission(consultation, submission_id)
    if request.form.get("action") == "withdraw":
        services.withdraw_endorsement(submission, current_user)
        message = _("Du er ikke lenger enig i innspillet.")
    else:
        services.endorse(submission, current_user)
        message = _("Du har sagt deg enig i innspillet.")
    db.session.commit()
    flash(message, "success")
    back = request.form.get("next", "")
    from hoering.accounts.views import safe_next

    default = url_for("submissions.show", slug=slug, submission_id=submission.id)
    return redirect(safe_next(back, default))


@bp.route("/hoeringer/<slug>/ingen-merknader", methods=["POST"])
@login_required
def no_comments(slug: str):
    consultation = consultations.get_consultation(slug, viewer=current_user)
    organisation_id = request.form.get("organisation_id", type=int)
    if organisation_id is None:
        raise NotFoundError()
    submission = services.answer_no_comments(consultation, organisation_id, author=current_user)
    db.session.commit()
    return redirect(
        url_for("submissions.receipt", slug=consultation.slug, submission_id=submission.id)
    )


@bp.route("/mine-innspill")
@login_required
def mine():
    rows = db.session.execute(
        select(Submission, Consultation)
        .join(Consultation, Consultation.id == Submission.consultation_id)
        .where(Submission.author_id == current_user.id)
        .order_by(Submission.id.desc())
        .limit(200)
    ).all()
    entries = entries_for_submissions([s.id for s, _c in rows])
    return render_template("submissions/mine.html", rows=rows, entries=entries)
