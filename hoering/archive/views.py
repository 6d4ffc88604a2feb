"""Downloads for the case officer: the Noark 5 arkivuttrekk (prepared by the task queue, with
its progress shown) and all innspill as CSV or JSON.

Only case officers of the consultation's agency (and admins) get these (403 for others): they
hold everything received, screened and hidden content included, so each asks for a recent
second factor too.
"""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    Response,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hoering import prepared
from hoering.accounts.guards import fresh_second_factor
from hoering.archive import delivery, preparation, settings, submission_export
from hoering.archive.forms import ArchiveSettingsForm, CaseNumberForm, ClassForm
from hoering.consultations.models import STATUS_ARCHIVED, STATUS_CLOSED, Consultation
from hoering.consultations.views import case_officer_required
from hoering.errors import BadInputError, ConflictError, ForbiddenError
from hoering.extensions import db
from hoering.privacy.services import get_agency
from hoering.tabular import csv_response, delimiter_param

bp = Blueprint("archive", __name__, url_prefix="/admin")
log = logging.getLogger(__name__)


def _file_stem(consultation: Consultation) -> str:
    return consultation.case_number.replace("/", "-")


@bp.route("/hoeringer/<slug>/arkivuttrekk")
@case_officer_required
def extraction(consultation: Consultation):
    return _extraction_page(consultation, CaseNumberForm(obj=consultation), 200)


def _class_form(consultation: Consultation) -> ClassForm:
    form = ClassForm()
    form.class_id.data, form.class_title.data = settings.class_of(consultation)
    return form


def _extraction_page(
    consultation: Consultation,
    case_form: CaseNumberForm,
    status: int,
    class_form: ClassForm | None = None,
):
    """The arkivuttrekk page: exports with their progress, deliveries, the archive's saksnummer."""
    exports = preparation.recent_exports(consultation)
    underway = any(e.status in prepared.UNDERWAY for e in exports)
    response = make_response(
        render_template(
            "archive/extraction.html",
            consultation=consultation,
            exports=exports,
            percent={e.id: preparation.percent_done(e) for e in exports},
            underway=underway,
            exportable=consultation.status in (STATUS_CLOSED, STATUS_ARCHIVED),
            basis=settings.name_screening_basis(consultation.agency),
            deliveries=delivery.summary(consultation),
            case_form=case_form,
            class_form=class_form or _class_form(consultation),
            filed_in=settings.class_of(consultation),
            class_locked=settings.class_locked(consultation),
        )
    )
    response.headers["Cache-Control"] = "private, no-store"
    response.status_code = status
    return response


@bp.route("/hoeringer/<slug>/arkivsaksnummer", methods=["POST"])
@case_officer_required
def store_case_number(consultation: Consultation):
    form = CaseNumberForm()
    if not form.validate_on_submit():
        return _extraction_page(consultation, form, 400)
    settings.store_case_number(consultation, form.archive_case_number.data or "", by=current_user)
    db.session.commit()
    flash(_("Saksnummeret er lagret."), "success")
    return redirect(url_for("archive.extraction", slug=consultation.slug), code=303)


@bp.route("/hoeringer/<slug>/arkivkode", methods=["POST"])
@case_officer_required
def store_class(consultation: Consultation):
    form = ClassForm()
    if form.validate_on_submit():
        try:
            settings.set_class(
                consultation,
                form.class_id.data or "",
                form.class_title.data or "",
                by=current_user,
            )
        except BadInputError as error:
            getattr(form, error.field).errors.append(str(error.message))
        except ConflictError as error:
            db.session.rollback()
            flash(str(error.message), "error")
            return _extraction_page(consultation, CaseNumberForm(obj=consultation), error.status)
        else:
            db.session.commit()
            flash(_("Arkivkoden er lagret."), "success")
            return redirect(url_for("archive.extraction", slug=consultation.slug), code=303)
    db.session.rollback()
    return _extraction_page(consultation, CaseNumberForm(obj=consultation), 400, form)


@bp.route("/hoeringer/<slug>/arkivuttrekk", methods=["POST"])
@case_officer_required
@fresh_second_factor
def request_extraction(consultation: Consultation):
    export_id = preparation.request_export(consultation, by=current_user).id
    user_id = current_user.id
    db.session.commit()
    log.info("arkivuttrekk %s requested by user %s", export_id, user_id)
    return redirect(url_for("archive.extraction", slug=consultation.slug), code=303)


@bp.route("/hoeringer/<slug>/arkivuttrekk/<int:export_id>.tar")
@case_officer_required
@fresh_second_factor
def download_extraction(consultation: Consultation, export_id: int):
    export = preparation.get_export(consultation, export_id)
    path = preparation.export_file(export)
    log.info(
        "arkivuttrekk %s of consultation %s downloaded by user %s",
        export.id,
        consultation.id,
        current_user.id,
    )
    response = send_file(
        path,
        mimetype="application/x-tar",
        as_attachment=True,
        download_name=f"arkivuttrekk-{_file_stem(consultation)}.tar",
    )
    # It holds screened content: never kept by a shared cache (send_file sets no-cache).
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/virksomheter/<agency_slug>/arkiv", methods=["GET", "POST"])
@login_required
def archive_settings(agency_slug: str):
    agency = get_agency(agency_slug)
    if not settings.can_edit(current_user, agency):
        raise ForbiddenError()
    form = ArchiveSettingsForm(obj=None if request.method == "POST" else agency)
    if request.method == "GET":
        form.name_screening_basis.data = settings.name_screening_basis(agency)
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        settings.update(
            agency,
            settings.ArchiveSettings(
                name_screening_basis=form.name_screening_basis.data or "",
                disposal_decision=form.disposal_decision.data,
                disposal_authority=form.disposal_authority.data or "",
                retention_years=form.retention_years.data,
                classification_title=form.classification_title.data,
                class_id=form.class_id.data,
                class_title=form.class_title.data,
            ),
            by=current_user,
        )
        db.session.commit()
        flash(_("Arkivinnstillingene er lagret."), "success")
        return redirect(url_for("archive.archive_settings", agency_slug=agency.slug))
    return render_template(
        "archive/settings.html",
        agency=agency,
        form=form,
        basis=settings.name_screening_basis(agency),
    ), status


@bp.route("/hoeringer/<slug>/innspill.csv")
@case_officer_required
@fresh_second_factor
def submissions_csv(consultation: Consultation):
    delimiter = delimiter_param(request.args)
    log.info(
        "innspill of consultation %s exported (CSV) by user %s", consultation.id, current_user.id
    )
    return csv_response(
        f"innspill-{_file_stem(consultation)}.csv",
        submission_export.csv_header(),
        submission_export.csv_rows(consultation),
        delimiter,
    )


@bp.route("/hoeringer/<slug>/innspill.json")
@case_officer_required
@fresh_second_factor
def submissions_json(consultation: Consultation):
    name = f"innspill-{_file_stem(consultation)}.json"
    log.info(
        "innspill of consultation %s exported (JSON) by user %s", consultation.id, current_user.id
    )
    return Response(
        stream_with_context(submission_export.json_chunks(consultation)),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
