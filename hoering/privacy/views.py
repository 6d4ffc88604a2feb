"""The agency's privacy statement page and its editor, and the live personal-data hint API."""

from __future__ import annotations

from dataclasses import asdict

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from hoering.errors import BadInputError, DomainError, ForbiddenError
from hoering.extensions import db, limiter
from hoering.privacy import services
from hoering.privacy.forms import PrivacyStatementForm
from hoering.privacy.labels import finding_label

bp = Blueprint("privacy", __name__)


def _check_limit() -> str:
    return current_app.config["PRIVACY_CHECK_LIMIT"]


@bp.route("/virksomheter/<slug>/personvern")
def statement(slug: str):
    agency = services.get_agency(slug)
    return render_template(
        "privacy/statement.html",
        agency=agency,
        statement=services.privacy_statement(agency),
        can_edit=services.can_edit_privacy(current_user, agency),
    )


@bp.route("/admin/virksomheter/<slug>/personvern", methods=["GET", "POST"])
@login_required
def edit_statement(slug: str):
    agency = services.get_agency(slug)
    if not services.can_edit_privacy(current_user, agency):
        raise ForbiddenError()
    form = PrivacyStatementForm()
    if request.method == "GET":
        form.statement.data = services.privacy_statement(agency)
        form.contact.data = agency.privacy_contact or ""
    if form.validate_on_submit():
        try:
            services.update_privacy_statement(
                agency,
                statement=form.statement.data or "",
                contact=form.contact.data or "",
                by=current_user,
            )
        except DomainError as error:
            db.session.rollback()
            form.statement.errors = [*form.statement.errors, str(error.message)]
        else:
            db.session.commit()
            flash(_("Personvernerklæringen er lagret."), "success")
            return redirect(url_for("privacy.statement", slug=agency.slug))
    status = 400 if request.method == "POST" else 200
    return render_template("privacy/edit.html", agency=agency, form=form), status


@bp.route("/api/v1/personvern/sjekk", methods=["POST"])
@limiter.limit(_check_limit, key_func=get_remote_address)
def check():
    """{"text": "..."} -> {"findings": [...]}: CSRF-protected (X-CSRFToken), rate-limited."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise BadInputError(_("Send et JSON-objekt med feltet «text»."))
    value = payload.get("text")
    findings = services.check_text(value)
    return jsonify(
        findings=[
            {
                **asdict(finding),
                "text": value[finding.start : finding.end],
                "label": finding_label(finding),
            }
            for finding in findings
        ]
    )
