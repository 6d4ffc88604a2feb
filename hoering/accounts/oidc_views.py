"""Sign in with ID-porten: leave for the provider, come back, finish a first-time sign-up.

Shown only when HOERING_OIDC_* names a provider. A failure at any step leaves no sign-in and
shows why, in the person's language, with the request id.
"""

from __future__ import annotations

import logging
import time

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from hoering.accounts import oidc, services
from hoering.accounts.forms import IdportenSignUpForm
from hoering.accounts.views import safe_next, sign_in
from hoering.errors import DomainError
from hoering.extensions import db

bp = Blueprint("idporten", __name__, url_prefix="/logg-inn/idporten")
log = logging.getLogger(__name__)

PENDING_KEY = "idporten_pending"
SIGN_UP_KEY = "idporten_sign_up"
SIGN_UP_SECONDS = 15 * 60


@bp.before_request
def only_when_configured():
    if not oidc.is_configured():
        abort(404)


def _callback_url() -> str:
    return url_for("idporten.callback", _external=True)


@bp.route("")
def start():
    next_url = safe_next(request.args.get("next"), url_for("consultations.index"))
    url, pending = oidc.begin(_callback_url(), next_url)
    session[PENDING_KEY] = pending.to_dict()
    return redirect(url)


def _failed(error: oidc.SignInError):
    return render_template(
        "idporten/failed.html", message=str(error.message), status=error.status
    ), error.status


@bp.route("/svar")
def callback():
    pending = oidc.Pending.from_dict(session.pop(PENDING_KEY, None))
    args = {key: request.args.get(key, "") for key in ("state", "code", "error", "iss")}
    args = {key: value for key, value in args.items() if key in request.args}
    try:
        identity = oidc.finish(pending, args, _callback_url())
    except oidc.SignInError as error:
        return _failed(error)
    next_url = pending.next
    user = oidc.find_user(identity)
    if user is None and current_user.is_authenticated and current_user.pid_hash is None:
        # A person signed in with a password links ID-porten to their account.
        user = current_user._get_current_object()
        user.pid_hash = identity.pid_hash
        db.session.flush()
        log.info("user %s linked ID-porten", user.id)
    if user is None:
        session[SIGN_UP_KEY] = {
            "pid_hash": identity.pid_hash,
            "acr": identity.acr,
            # Sealed: the cookie session can be read by its holder, and the token carries `pid`.
            "id_token": identity.sealed_id_token,
            "at": int(time.time()),
            "next": next_url,
        }
        return redirect(url_for("idporten.sign_up"))
    if not user.is_enabled:
        return _failed(oidc.SignInError())
    sign_in(
        user,
        second_factor=identity.counts_as_two_factors,
        sealed_id_token=identity.sealed_id_token,
    )
    log.info("user %s signed in with ID-porten", user.id)
    return redirect(next_url)


@bp.route("/ny-bruker", methods=["GET", "POST"])
def sign_up():
    """The first time: a name to show with innspill and an e-mail for receipts and notices."""
    pending = session.get(SIGN_UP_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > SIGN_UP_SECONDS:
        session.pop(SIGN_UP_KEY, None)
        return _failed(oidc.StateError())
    form = IdportenSignUpForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                form.email.data,
                form.name.data,
                None,
                locale=session.get("locale"),
                pid_hash=pending["pid_hash"],
            )
        except DomainError as error:
            field = getattr(form, error.field or "email", form.email)
            field.errors = [*field.errors, str(error.message)]
        else:
            session.pop(SIGN_UP_KEY, None)
            acr_two_factor = pending.get("acr") in oidc.TWO_FACTOR_LEVELS
            sign_in(user, second_factor=acr_two_factor, sealed_id_token=pending.get("id_token"))
            flash(_("Velkommen! Du er registrert og logget inn med ID-porten."), "success")
            return redirect(pending.get("next") or url_for("consultations.index"))
    status = 400 if form.errors else 200
    return render_template("idporten/sign_up.html", form=form), status
