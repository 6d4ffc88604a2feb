"""The agency's appearance page for its case officers, and the stylesheet it produces."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hoering.agencies import services
from hoering.agencies.forms import AppearanceForm
from hoering.errors import DomainError, ForbiddenError, NotFoundError
from hoering.extensions import db
from hoering.privacy.services import get_agency

bp = Blueprint("agencies", __name__)

THEME_MAX_AGE = 24 * 3600  # the link carries the colour (?v=), so a change is a new address


@bp.route("/virksomheter/<slug>/tema.css")
def theme_css(slug: str):
    agency = get_agency(slug)
    if not agency.theme_color:
        raise NotFoundError()
    response = Response(services.theme_css(agency.theme_color), mimetype="text/css")
    response.cache_control.public = True
    response.cache_control.max_age = THEME_MAX_AGE
    return response


@bp.route("/admin/virksomheter/<slug>/utseende", methods=["GET", "POST"])
@login_required
def edit_appearance(slug: str):
    agency = get_agency(slug)
    if not services.can_edit_appearance(current_user, agency):
        raise ForbiddenError()
    form = AppearanceForm()
    if request.method == "GET":
        form.name.data = agency.name
        form.logo_url.data = agency.logo_url or ""
        form.theme_color.data = agency.theme_color or ""
    status = 400 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            services.update_appearance(
                agency,
                name=form.name.data or "",
                logo_url=form.logo_url.data or "",
                theme_color=form.theme_color.data or "",
                by=current_user,
            )
        except DomainError as error:
            db.session.rollback()
            field = getattr(form, error.field or "", form.name)
            field.errors = [*field.errors, str(error.message)]
            status = 422
        else:
            db.session.commit()
            flash(_("Utseendet er lagret."), "success")
            return redirect(url_for("agencies.edit_appearance", slug=agency.slug))
    return render_template("agencies/appearance.html", agency=agency, form=form), status
