"""Downloads of attachments: always as a download (never shown inline), with the type we
detected, nosniff and a sandbox policy; the name in the header is the sender's, quoted."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hoering.consultations import services as consultations
from hoering.documents import services
from hoering.documents.blobs import blob_data
from hoering.documents.detect import EXTENSIONS, PDF
from hoering.documents.forms import AgencyDocumentForm
from hoering.documents.models import Attachment
from hoering.documents.services import can_see_original
from hoering.documents.uploads import accepts_files
from hoering.errors import DomainError, ForbiddenError, NotFoundError
from hoering.extensions import db
from hoering.moderation import services as moderation

bp = Blueprint("documents", __name__)


def _attachment(slug: str, submission_id: int, attachment_id: int) -> Attachment:
    consultation = consultations.get_consultation(slug, viewer=current_user)
    attachment = db.session.get(Attachment, attachment_id)
    if (
        attachment is None
        or attachment.submission_id != submission_id
        or attachment.consultation_id != consultation.id
    ):
        raise NotFoundError()
    return attachment


def _download(sha256: str, media_type: str, name: str):
    response = send_file(
        io.BytesIO(blob_data(sha256)),
        mimetype=media_type,
        as_attachment=True,
        download_name=name,
        etag=sha256,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _stem(name: str) -> str:
    return name.rsplit(".", 1)[0] if "." in name else name


@bp.route("/hoeringer/<slug>/innspill/<int:submission_id>/vedlegg/<int:attachment_id>")
def public_copy(slug: str, submission_id: int, attachment_id: int):
    """What the public gets: the PDF/A rendition, or the moderator's redacted copy."""
    attachment = _attachment(slug, submission_id, attachment_id)
    submission = attachment.submission
    visible = submission.is_visible or can_see_original(current_user, submission)
    if not visible or attachment.public_sha256 is None:
        raise NotFoundError()
    return _download(attachment.public_sha256, PDF, f"{_stem(attachment.original_name)}.pdf")


@bp.route("/hoeringer/<slug>/innspill/<int:submission_id>/vedlegg/<int:attachment_id>/original")
def original(slug: str, submission_id: int, attachment_id: int):
    """The file as received (produksjonsformat), for its sender and the agency's staff."""
    attachment = _attachment(slug, submission_id, attachment_id)
    if not can_see_original(current_user, attachment.submission):
        raise NotFoundError()
    name = attachment.original_name
    extension = EXTENSIONS[attachment.media_type]
    if not name.lower().endswith(f".{extension}"):
        name = f"{name}.{extension}"
    return _download(attachment.sha256, attachment.media_type, name)


def _moderated(submission_id: int, attachment_id: int) -> Attachment:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.submission_id != submission_id:
        raise NotFoundError()
    return attachment


def _back(attachment: Attachment):
    return redirect(url_for("moderation.item", submission_id=attachment.submission_id))


@bp.route(
    "/admin/moderering/innspill/<int:submission_id>/vedlegg/<int:attachment_id>/hold-tilbake",
    methods=["POST"],
)
@login_required
def withhold(submission_id: int, attachment_id: int):
    attachment = _moderated(submission_id, attachment_id)
    withheld = request.form.get("action") != "release"
    moderation.withhold_file(
        attachment, withheld, reason=request.form.get("reason", ""), by=current_user
    )
    db.session.commit()
    flash(
        _("Vedlegget er holdt tilbake fra offentligheten.")
        if withheld
        else _("Vedlegget vises offentlig igjen."),
        "success",
    )
    return _back(attachment)


@bp.route(
    "/admin/moderering/innspill/<int:submission_id>/vedlegg/<int:attachment_id>/sladdet-kopi",
    methods=["POST"],
)
@accepts_files
@login_required
def redacted_copy(submission_id: int, attachment_id: int):
    attachment = _moderated(submission_id, attachment_id)
    upload = request.files.get("redacted")
    data = upload.stream.read(current_app.config["ATTACHMENT_MAX_BYTES"] + 1) if upload else b""
    name = upload.filename if upload else ""
    moderation.redact_file(
        attachment,
        lambda: services.redacted_copy(attachment, services.Upload(name, data)),
        reason=request.form.get("reason", ""),
        by=current_user,
    )
    db.session.commit()
    flash(_("Den sladdede kopien er publisert i stedet for vedlegget."), "success")
    return _back(attachment)


@bp.route("/hoeringer/<slug>/dokumenter/<int:document_id>")
def agency_document(slug: str, document_id: int):
    """One of the agency's own documents: its PDF/A rendition, or the file until that exists."""
    consultation = consultations.get_consultation(slug, viewer=current_user)
    document = db.session.get(Attachment, document_id)
    if document is None or document.kind is None or document.consultation_id != consultation.id:
        raise NotFoundError()
    if document.rendition_sha256:
        return _download(document.rendition_sha256, PDF, f"{_stem(document.original_name)}.pdf")
    return _download(document.sha256, document.media_type, document.original_name)


@bp.route("/admin/hoeringer/<slug>/dokumenter", methods=["GET", "POST"])
@accepts_files
@login_required
def manage(slug: str):
    """The case officer's page for the consultation's files: the agency's own documents, files
    that could not be converted, and a search in the text of every file."""
    consultation = consultations.get_consultation(slug, viewer=current_user)
    if not consultations.can_manage(current_user, consultation):
        raise ForbiddenError()
    form = AgencyDocumentForm()
    form.files.description = _(
        "%(types)s, høyst %(mb)s MB.",
        types=services.accepted_text(),
        mb=current_app.config["ATTACHMENT_MAX_BYTES"] // (1024 * 1024),
    )
    status = 200
    if form.validate_on_submit():
        upload = request.files.get("files")
        data = upload.stream.read(current_app.config["ATTACHMENT_MAX_BYTES"] + 1) if upload else b""
        try:
            services.add_agency_document(
                consultation,
                services.Upload(upload.filename if upload else "", data),
                kind=form.kind.data,
                title=form.title.data or "",
                by=current_user,
            )
        except DomainError as error:
            field = getattr(form, error.field or "", None) or form.files
            field.errors = [*field.errors, str(error.message)]
            status = error.status
        else:
            db.session.commit()
            flash(_("Dokumentet er lagt ut og journalført som utgående."), "success")
            return redirect(url_for("documents.manage", slug=slug))
    elif request.method == "POST":
        status = 400
    query = request.args.get("q", "")
    return render_template(
        "documents/manage.html",
        consultation=consultation,
        form=form,
        documents=services.agency_documents(consultation.id),
        kinds=services.KIND_LABELS,
        workspace=services.workspace(consultation.id, query),
        query=query,
    ), status


@bp.route(
    "/admin/moderering/innspill/<int:submission_id>/vedlegg/<int:attachment_id>/sladd-funn",
    methods=["POST"],
)
@login_required
def redact_findings(submission_id: int, attachment_id: int):
    attachment = _moderated(submission_id, attachment_id)
    moderation.redact_file(
        attachment,
        lambda: services.findings_redacted(attachment),
        reason=request.form.get("reason", ""),
        by=current_user,
    )
    db.session.commit()
    flash(_("Teksten med funnene sladdet er publisert i stedet for vedlegget."), "success")
    return _back(attachment)
