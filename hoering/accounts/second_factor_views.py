"""Two-factor pages: set up the authenticator app, type a code, recovery codes, an admin's reset.

`require_second_factor` runs before every request: a staff member signed in with a password
alone reaches nothing but these pages and sign-out.
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hoering.accounts import second_factor
from hoering.accounts.forms import CodeForm
from hoering.accounts.guards import (
    count_code_attempt,
    fresh_second_factor,
    here,
    recheck_response,
)
from hoering.accounts.models import User
from hoering.accounts.views import safe_next
from hoering.errors import DomainError, ForbiddenError, NotFoundError
from hoering.extensions import db

bp = Blueprint("second_factor", __name__)

# Reachable before the second factor: these pages, sign-out, language, health checks, assets.
OPEN_ENDPOINTS = {
    "second_factor.verify",
    "second_factor.setup",
    "accounts.logout",
    "accounts.set_language",
    "idporten.start",
    "idporten.callback",
    "ops.healthz",
    "ops.readyz",
    "static",
}


@bp.before_app_request
def require_second_factor():
    # Reading the cookie first spares anonymous requests (most of them) a database query.
    if not session.get("_user_id") or request.endpoint in OPEN_ENDPOINTS or not request.endpoint:
        return None
    if not current_user.is_authenticated or not second_factor.needs_second_factor(current_user):
        return None
    if second_factor.has_second_factor(current_user.login_session):
        return None
    target = here() if request.method == "GET" else None
    return redirect(url_for("second_factor.verify", next=target))


def _default_next() -> str:
    return url_for("consultations.index")


@bp.route("/to-trinn", methods=["GET", "POST"])
@login_required
def verify():
    """Type a code from the app (or a recovery code) to finish signing in, or to confirm again."""
    if not second_factor.needs_second_factor(current_user):
        return redirect(_default_next())
    if not second_factor.is_enrolled(current_user):
        return redirect(url_for("second_factor.setup", next=request.args.get("next")))
    form = CodeForm()
    if form.validate_on_submit():
        count_code_attempt()
        try:
            second_factor.verify(current_user, form.code.data, current_user.login_session)
        except DomainError as error:
            db.session.commit()  # the refusal is logged; nothing else changed
            form.code.errors = [*form.code.errors, str(error.message)]
        else:
            db.session.commit()
            return redirect(safe_next(request.args.get("next"), _default_next()))
    status = 400 if form.errors else 200
    recheck = second_factor.has_second_factor(current_user.login_session)
    return render_template("second_factor/verify.html", form=form, recheck=recheck), status


@bp.route("/to-trinn/oppsett", methods=["GET", "POST"])
@login_required
def setup():
    """Add the authenticator app: scan the QR code, type the first code, keep the recovery codes."""
    if not second_factor.needs_second_factor(current_user):
        return redirect(_default_next())
    if second_factor.is_enrolled(current_user):
        return redirect(url_for("second_factor.verify", next=request.args.get("next")))
    credential = second_factor.start_enrolment(current_user)
    form = CodeForm()
    if form.validate_on_submit():
        count_code_attempt()
        try:
            codes = second_factor.confirm_enrolment(
                current_user, form.code.data, current_user.login_session
            )
        except DomainError as error:
            form.code.errors = [*form.code.errors, str(error.message)]
        else:
            db.session.commit()
            return render_template(
                "second_factor/recovery_codes.html",
                codes=codes,
                next=safe_next(request.args.get("next"), _default_next()),
            )
    db.session.commit()
    uri = second_factor.provisioning_uri(current_user, credential)
    return render_template(
        "second_factor/setup.html",
        form=form,
        qr=second_factor.qr_svg(uri),
        secret=credential.secret,
    ), (400 if form.errors else 200)


@bp.route("/konto/reservekoder", methods=["POST"])
@login_required
@fresh_second_factor
def new_recovery_codes():
    """Ten new recovery codes; the old ones stop working."""
    if not second_factor.is_enrolled(current_user):
        raise NotFoundError()
    codes = second_factor.new_recovery_codes(current_user)
    db.session.commit()
    return render_template(
        "second_factor/recovery_codes.html", codes=codes, next=url_for("accounts.account")
    )


@bp.route("/admin/brukere/<int:user_id>/to-trinn/nullstill", methods=["POST"])
@login_required
def manage_reset(user_id: int):
    """For a lost phone: the person sets up a new app at their next sign-in. Logged."""
    if not current_user.is_admin:
        raise ForbiddenError()
    if (recheck := recheck_response()) is not None:
        return recheck
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFoundError()
    second_factor.reset(user, by=current_user)
    db.session.commit()
    flash(
        _(
            "To-trinns innlogging er nullstilt for %(name)s. Alle innlogginger er avsluttet.",
            name=user.name,
        ),
        "success",
    )
    return redirect(url_for("accounts.manage_people", e=user.email))
