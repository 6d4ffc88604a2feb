"""Downloads for the case officer: the Noark 5 arkivuttrekk and all innspill as CSV or JSON.

Only case officers of the consultation's agency (and admins) get these (403 for others): they
hold everything received, screened and hidden content included, so each asks for a recent
second factor too.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from pathlib import Path

from flask import Blueprint, Response, current_app, request, send_file, stream_with_context
from flask_login import current_user

from hoering.accounts.guards import fresh_second_factor
from hoering.archive import submission_export
from hoering.archive.export import check_exportable, export_consultation
from hoering.consultations.models import Consultation
from hoering.consultations.views import case_officer_required
from hoering.tabular import csv_response, delimiter_param

bp = Blueprint("archive", __name__, url_prefix="/admin")
log = logging.getLogger(__name__)


def _file_stem(consultation: Consultation) -> str:
    return consultation.case_number.replace("/", "-")


@bp.route("/hoeringer/<slug>/arkivuttrekk")
@case_officer_required
@fresh_second_factor
def download_extraction(consultation: Consultation):
    check_exportable(consultation)
    work_dir = Path(tempfile.mkdtemp(prefix="hoering-arkivuttrekk-"))
    name = f"arkivuttrekk-{_file_stem(consultation)}.tar"
    try:
        path = export_consultation(
            consultation,
            work_dir / name,
            produced_by=current_user.name,
            workers=current_app.config["ARCHIVE_WEB_WORKERS"],
        )
        # The open handle keeps the file readable after its folder is removed (POSIX).
        handle = path.open("rb")
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    log.info(
        "arkivuttrekk of consultation %s downloaded by user %s", consultation.id, current_user.id
    )
    response = send_file(
        handle, mimetype="application/x-tar", as_attachment=True, download_name=name
    )
    # It holds screened content: never kept by a shared cache (send_file sets no-cache).
    response.headers["Cache-Control"] = "private, no-store"
    return response


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
