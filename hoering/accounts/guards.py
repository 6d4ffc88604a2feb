"""Re-checking the second factor before exports, role changes and blocking (ASVS 3.7.1).

When the last code is older than SECOND_FACTOR_RECHECK_MINUTES, a GET goes to the code page and
comes back; a POST gets a page asking for the code that posts the same form again, everything
typed into it kept.
"""

from __future__ import annotations

import functools

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from limits import parse

from hoering.accounts import second_factor
from hoering.accounts.forms import RecheckForm
from hoering.errors import DomainError
from hoering.extensions import db, limiter


def count_code_attempt() -> None:
    """Six digits can be guessed: at most SECOND_FACTOR_LIMIT tries per person, whatever the
    sign-in or address (ASVS 2.2.1); then 429 until the window passes."""
    item = parse(current_app.config["SECOND_FACTOR_LIMIT"])
    if not limiter.limiter.hit(item, "second-factor", str(current_user.id)):
        abort(429)


def here() -> str:
    return request.full_path.rstrip("?")


def _recheck_page(form: RecheckForm, status: int):
    kept = [
        (name, value)
        for name, values in request.form.lists()
        if name not in ("csrf_token", "recheck_code")
        for value in values
    ]
    return render_template(
        "second_factor/recheck.html", form=form, kept=kept, action=here()
    ), status


def recheck_response():
    """None when the second factor is fresh (or proved by this very POST); else the page to ask.

    People without a role get None too: the view's own access check refuses them (403)."""
    if not current_user.is_authenticated or not second_factor.needs_second_factor(current_user):
        return None
    login_session = current_user.login_session
    if second_factor.is_fresh(login_session):
        return None
    if request.method != "POST":
        return redirect(url_for("second_factor.verify", next=here()))
    form = RecheckForm()
    if "recheck_code" not in request.form:
        return _recheck_page(form, 200)
    count_code_attempt()
    try:
        second_factor.verify(current_user, form.recheck_code.data or "", login_session)
    except DomainError as error:
        db.session.commit()  # keeps the used-code counter; nothing else changed
        form.recheck_code.errors = [str(error.message)]
        return _recheck_page(form, 400)
    db.session.commit()
    return None


def fresh_second_factor(view):
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        response = recheck_response()
        return response if response is not None else view(*args, **kwargs)

    return wrapper
