"""Writing innspill, replies and endorsements; receipts; the author's own list."""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from hoering.accounts.views import safe_next
from hoering.consultations import services as consultations
from hoering.consultations.models import Consultation, Paragraph
from hoering.db import utcnow
from hoering.documents.services import Upload, attachments_of, can_see_original, file_rules
from hoering.documents.uploads import accepts_files
from hoering.errors import DomainError, ForbiddenError, NotFoundError
from hoering.extensions import db, limiter
from hoering.journal.services import entries_for_submissions, entry_for_submission
from hoering.moderation import services as moderation
from hoering.moderation.services import can_moderate
from hoering.paging import after_param, whole_number
from hoering.submissions import queries, services
from hoering.submissions.forms import AgencyReplyForm, RegisterForm, SubmissionForm
from hoering.submissions.models import Submission

bp = Blueprint("submissions", __name__)
OSLO = ZoneInfo("Europe/Oslo")


def _user_key() -> str:
    # Per account, not per sign-in: get_id() is the session token, which a new sign-in renews.
    # Signed out, the write pages only answer "closed" or "sign in": count per address, so
    # strangers never share one bucket.
    if not current_user.is_authenticated:
        return f"anon:{get_remote_address()}"
    return f"user:{current_user.id}"


def _accepted(response) -> bool:
    """The post was taken: every route that creates an innspill then redirects to its receipt."""
    return response.status_code == 302


# Shared limits (one count per scope, whichever route is used): accepted innspill per account,
# every post per account, every post per address.
_accepted_limit = limiter.shared_limit(
    lambda: current_app.config["SUBMIT_LIMIT"],
    scope="innspill",
    key_func=_user_key,
    methods=["POST"],
    deduct_when=_accepted,
)
_attempt_limit = limiter.shared_limit(
    lambda: current_app.config["SUBMIT_ATTEMPT_LIMIT"],
    scope="innspill-attempts",
    key_func=_user_key,
    methods=["POST"],
)
_address_limit = limiter.shared_limit(
    lambda: current_app.config["SUBMIT_ADDRESS_LIMIT"],
    scope="innspill-address",
    key_func=get_remote_address,
    methods=["POST"],
)


def write_limits(view):
    """The limits of every route that creates an innspill."""
    return _accepted_limit(_attempt_limit(_address_limit(view)))


def _get_submission(consultation: Consultation, submission_id: int) -> Submission:
    """An innspill of this consultation that the viewer may see (its author always can)."""
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.consultation_id != consultation.id:
        raise NotFoundError()
    if submission.is_visible or submission.is_tombstone:
        return submission
    if current_user.is_authenticated and submission.author_id == current_user.id:
        return submission
    if can_moderate(current_user, consultation):
        return submission
    raise NotFoundError()


def _uploads() -> list[Upload]:
    """The files sent with the form; each read to one byte past the per-file limit at most."""
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    return [
        Upload(name=upload.filename, data=upload.stream.read(limit + 1))
        for upload in request.files.getlist("files")
        if upload.filename
    ]


def _submit_form(form, consultation: Consultation, data, **where):
    """submit() for a form: (the innspill, None), or (None, (findings, file findings, status))
    with a refusal's message put on the field it is about; one about no field is raised on."""
    try:
        return services.submit(consultation, data, author=current_user, **where), None
    except services.PersonalDataFoundError as error:
        return None, (error.findings, error.file_findings, error.status)
    except DomainError as error:
        field = getattr(form, error.field or "", None)
        if field is None:
            raise
        field.errors = [*field.errors, str(error.message)]
        return None, (None, None, error.status)


def _write(consultation: Consultation, *, paragraph=None, parent=None):
    """Show the form, or take it through submit(); a refused form keeps what was typed.

    A closed consultation says so before anyone is asked to sign in (old links live on)."""
    now = utcnow()
    if not consultation.accepts_submissions(now):
        return render_template(
            "submissions/write.html",
            consultation=consultation,
            paragraph=paragraph,
            parent=parent,
            now=now,
        ), 409
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    form = SubmissionForm()
    form.prepare(current_user, allow_position=parent is None, file_rules=file_rules())
    findings = None
    file_findings = None
    status = 200
    if form.validate_on_submit():
        data = services.SubmissionData(
            body=form.body.data,
            files=_uploads(),
            organisation_id=form.organisation_id(),
            position=form.position.data if parent is None else None,
            own_account=form.own_account.data,
            hide_name=form.hide_name.data,
            confirm_personal_data=form.confirm_personal_data.data,
            form_token=form.form_token.data or None,
        )
        submission, refusal = _submit_form(
            form, consultation, data, paragraph=paragraph, parent=parent
        )
        if refusal:
            findings, file_findings, status = refusal
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
        file_findings=file_findings,
        works_for_agency=current_user.works_for(consultation.agency_id),
        first_time=db.session.scalar(
            select(Submission.id).where(Submission.author_id == current_user.id).limit(1)
        )
        is None,
        now=now,
    ), status


@bp.route("/hoeringer/<slug>/<anchor>/skriv", methods=["GET", "POST"])
@accepts_files
@write_limits
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
@accepts_files
@write_limits
def write_general(slug: str):
    consultation = consultations.get_consultation(slug, viewer=current_user)
    return _write(consultation)


@bp.route("/hoeringer/<slug>/innspill/<int:submission_id>/svar", methods=["GET", "POST"])
@write_limits
def write_reply(slug: str, submission_id: int):
    consultation = consultations.get_consultation(slug, viewer=current_user)
    parent = _get_submission(consultation, submission_id)
    return _write(consultation, parent=parent)


@bp.route("/admin/hoeringer/<slug>/registrer-innspill", methods=["GET", "POST"])
@accepts_files
@login_required
def register(slug: str):
    """A case officer registers an innspill received by e-mail or letter, through submit()."""
    consultation = consultations.get_consultation(slug, viewer=current_user)
    if not consultations.can_manage(current_user, consultation):
        raise ForbiddenError()
    form = RegisterForm()
    form.prepare(file_rules(), consultations.invited(consultation))
    findings = file_findings = None
    status = 200
    if form.validate_on_submit():
        received = datetime.combine(form.received_on.data, time(12, 0), OSLO)
        data = services.SubmissionData(
            body=form.body.data or "",
            files=_uploads(),
            position=form.position.data or None,
            confirm_personal_data=form.confirm_personal_data.data,
            form_token=form.form_token.data or None,
            channel=form.channel.data,
            received_at=received,
            sender_name=form.sender_name.data,
            sender_organisation=form.sender_organisation.data or "",
            consultee_id=_consultee_id(form.consultee.data),
        )
        submission, refusal = _submit_form(form, consultation, data)
        if refusal:
            findings, file_findings, status = refusal
        else:
            target = url_for(
                "submissions.show", slug=consultation.slug, submission_id=submission.id
            )
            db.session.commit()
            flash(_("Innspillet er registrert og journalført som inngående dokument."), "success")
            return redirect(target)
    elif request.method == "POST":
        status = 400
    return render_template(
        "submissions/register.html",
        consultation=consultation,
        form=form,
        findings=findings,
        file_findings=file_findings,
    ), status


def _consultee_id(value: str | None) -> int | None:
    """The chosen høringsinstans; anything but a plausible id is 0, which none has (refused)."""
    if not value:
        return None
    return int(value) if value.isdigit() and len(value) <= 9 else 0


@bp.route("/hoeringer/<slug>/innspill/<int:submission_id>", methods=["GET", "POST"])
def show(slug: str, submission_id: int):
    """The innspill's permalink page; case officers answer it here for the agency."""
    consultation = consultations.get_consultation(slug, viewer=current_user)
    submission = _get_submission(consultation, submission_id)
    reply_form = None
    status = 200
    if consultations.can_manage(current_user, consultation):
        reply_form = AgencyReplyForm()
        if reply_form.validate_on_submit():
            try:
                services.reply_as_agency(submission, reply_form.body.data, by=current_user)
            except DomainError as error:
                reply_form.body.errors = [*reply_form.body.errors, str(error.message)]
            else:
                db.session.commit()
                flash(_("Svaret er publisert og journalført."), "success")
                return redirect(request.path)
    if request.method == "POST":
        if reply_form is None:
            raise ForbiddenError()
        status = 400
    thread_root = submission.parent or submission
    replies = queries.replies_page(
        thread_root,
        after=after_param(request.args),
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
        reply_form=reply_form,
        attachments=attachments_of([thread_root.id]),
        can_see_original=lambda s: can_see_original(current_user, s),
        now=utcnow(),
    ), status


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
        attachments=attachments_of([submission.id]).get(submission.id, []),
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
    default = url_for("submissions.show", slug=slug, submission_id=submission.id)
    return redirect(safe_next(back, default))


@bp.route("/hoeringer/<slug>/ingen-merknader", methods=["GET", "POST"])
@login_required
@write_limits
def no_comments(slug: str):
    """An invited consultee's "Ingen merknader": asked first, then journaled like any innspill."""
    consultation = consultations.get_consultation(slug, viewer=current_user)
    source = request.form if request.method == "POST" else request.args
    organisation_id = source.get("organisasjon", type=whole_number)
    organisation = next((o for o in current_user.organisations if o.id == organisation_id), None)
    if organisation is None:
        raise NotFoundError()
    if request.method == "POST" and request.form.get("confirm") == "ja":
        submission = services.answer_no_comments(consultation, organisation.id, author=current_user)
        db.session.commit()
        return redirect(
            url_for("submissions.receipt", slug=consultation.slug, submission_id=submission.id)
        )
    accepting = consultation.accepts_submissions(utcnow())
    return render_template(
        "submissions/no_comments.html",
        consultation=consultation,
        organisation=organisation,
        accepting=accepting,
        now=utcnow(),
    ), 200 if accepting else 409


@bp.route("/mine-innspill")
@login_required
def mine():
    rows = db.session.execute(
        select(Submission, Consultation)
        .join(Consultation, Consultation.id == Submission.consultation_id)
        .options(joinedload(Submission.paragraph))
        .where(Submission.author_id == current_user.id)
        .order_by(Submission.id.desc())
        .limit(200)
    ).all()
    entries = entries_for_submissions([s.id for s, _c in rows])
    return render_template("submissions/mine.html", rows=rows, entries=entries)


def _own_submission(submission_id: int) -> Submission:
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.author_id != current_user.id:
        raise NotFoundError()
    return submission


@bp.route("/mine-innspill/<int:submission_id>/trekk-tilbake", methods=["GET", "POST"])
@login_required
def withdraw(submission_id: int):
    """Asked first (the page), then done (the form on it posts with confirm=ja)."""
    submission = _own_submission(submission_id)
    if request.method == "POST" and request.form.get("confirm") == "ja":
        moderation.withdraw(submission, by=current_user)
        db.session.commit()
        message = _(
            "Innspillet er trukket tilbake fra den offentlige siden. Det er fortsatt journalført."
        )
        flash(message, "success")
        return redirect(url_for("submissions.mine"))
    if request.method == "POST":
        return redirect(url_for("submissions.withdraw", submission_id=submission.id), 303)
    return render_template(
        "submissions/withdraw.html",
        s=submission,
        consultation=submission.consultation,
        entry=entry_for_submission(submission.id),
    )
