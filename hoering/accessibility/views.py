"""The accessibility statement of the site and of each agency, and reporting a barrier."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required
from sqlalchemy import select

from hoering.accessibility import services
from hoering.accessibility.forms import BarrierReportForm, DeclarationForm
from hoering.accounts.models import Agency
from hoering.errors import DomainError, ForbiddenError
from hoering.extensions import db, limiter
from hoering.privacy.services import can_edit_privacy, get_agency

bp = Blueprint("accessibility", __name__)


def _report_limit() -> str:
    return current_app.config["REPORT_LIMIT"]


@bp.route("/tilgjengelighet")
def site_statement():
    agencies = db.session.scalars(select(Agency).order_by(Agency.name)).all()
    return render_template("accessibility/site.html", agencies=agencies)


@bp.route("/virksomheter/<slug>/tilgjengelighet", methods=["GET", "POST"])
@limiter.limit(_report_limit, key_func=get_remote_address, methods=["POST"])
def statement(slug: str):
    agency = get_agency(slug)
    form = BarrierReportForm()
    status = 200
    if form.validate_on_submit():
        try:
            services.report_barrier(
                agency,
                description=form.description.data,
                page=form.page.data or "",
                contact=form.contact.data or "",
                reporter=current_user if current_user.is_authenticated else None,
            )
        except DomainError as error:
            field = getattr(form, error.field or "", form.description)
            field.errors = [*field.errors, str(error.message)]
            status = error.status
        else:
            db.session.commit()
            flash(_("Takk. Meldingen er sendt til %(agency)s.", agency=agency.name), "success")
            return redirect(url_for("accessibility.statement", slug=agency.slug))
    elif request.method == "POST":
        status = 400
    return render_template(
        "accessibility/statement.html",
        agency=agency,
        form=form,
        can_edit=can_edit_privacy(current_user, agency),
    ), status


@bp.route("/admin/virksomheter/<slug>/tilgjengelighet", methods=["GET", "POST"])
@login_required
def edit_declaration(slug: str):
    agency = get_agency(slug)
    if not can_edit_privacy(current_user, agency):
        raise ForbiddenError()
    form = DeclarationForm()
    if request.method == "GET":
        form.declaration_url.data = agency.accessibility_url or ""
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            services.update_declaration_url(
                agency, form.declaration_url.data or "", by=current_user
            )
        except DomainError as error:
            form.declaration_url.errors = [*form.declaration_url.errors, str(error.message)]
            status = error.status
        else:
            db.session.commit()
            flash(_("Lenken til tilgjengelighetserklæringen er lagret."), "success")
            return redirect(url_for("accessibility.statement", slug=agency.slug))
    return render_template("accessibility/edit.html", agency=agency, form=form), status
