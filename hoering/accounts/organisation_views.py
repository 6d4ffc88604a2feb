"""Speak for an organisation: ask by its number, see the answer; decide others' requests."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from hoering.accounts import organisations, registry
from hoering.accounts.forms import DecisionForm, RepresentationRequestForm
from hoering.accounts.models import RepresentationRequest
from hoering.errors import DomainError, ForbiddenError
from hoering.extensions import db

bp = Blueprint("organisations", __name__, url_prefix="/organisasjoner")


def _mine_page(form: RepresentationRequestForm, status: int = 200):
    requests = db.session.scalars(
        db.select(RepresentationRequest)
        .where(RepresentationRequest.user_id == current_user.id)
        .order_by(RepresentationRequest.created_at.desc())
    ).all()
    return render_template(
        "organisations/mine.html",
        form=form,
        requests=requests,
        to_decide=len(organisations.requests_to_decide(current_user)),
    ), status


@bp.route("/", methods=["GET", "POST"])
@login_required
def mine():
    """The organisations I speak for, my requests, and a form to ask for another."""
    form = RepresentationRequestForm()
    if form.validate_on_submit():
        try:
            request = organisations.request_representation(
                current_user, form.org_number.data, form.note.data or ""
            )
        except DomainError as error:
            db.session.rollback()
            field = getattr(form, error.field or "org_number", form.org_number)
            field.errors = [*field.errors, str(error.message)]
            return _mine_page(form, error.status)
        db.session.commit()
        flash(
            _(
                "Forespørselen om %(name)s er sendt. Du får svar på e-post.",
                name=request.organisation.name,
            ),
            "success",
        )
        return redirect(url_for("organisations.mine"))
    return _mine_page(form, 400 if form.errors else 200)


def _requests_page(forms: dict | None = None, status: int = 200):
    pending = organisations.requests_to_decide(current_user)
    forms = forms or {}
    return render_template(
        "organisations/requests.html",
        pending=[
            (
                request,
                registry.lookup(request.organisation.org_number or ""),
                forms.get(request.id) or DecisionForm(prefix=f"r{request.id}"),
            )
            for request in pending
        ],
    ), status


@bp.route("/foresporsler")
@login_required
def requests():
    """Requests to speak for an organisation I represent (or, as an admin, one with nobody)."""
    return _requests_page()


@bp.route("/foresporsler/<int:request_id>", methods=["POST"])
@login_required
def decide(request_id: int):
    request = organisations.get_request(request_id)
    if not organisations.may_decide(current_user, request):
        raise ForbiddenError()
    form = DecisionForm(prefix=f"r{request.id}")
    if form.validate_on_submit():
        try:
            organisations.decide(
                request,
                approve=form.decision.data == "approve",
                reason=form.reason.data or "",
                by=current_user,
            )
        except DomainError as error:
            db.session.rollback()
            if error.status != 400:
                raise
            field = getattr(form, error.field or "reason", form.reason)
            field.errors = [*field.errors, str(error.message)]
        else:
            db.session.commit()
            flash(_("Avgjørelsen er lagret, og personen får beskjed på e-post."), "success")
            return redirect(url_for("organisations.requests"))
    return _requests_page({request.id: form}, 400)
