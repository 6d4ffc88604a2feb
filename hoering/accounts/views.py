"""Register, sign in and out, account settings, language choice."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from hoering.accounts import services
from hoering.accounts.forms import (
    ForgotPasswordForm,
    LoginForm,
    PasswordForm,
    PreferencesForm,
    RegisterForm,
    ResetPasswordForm,
)
from hoering.errors import DomainError
from hoering.extensions import db, limiter

bp = Blueprint("accounts", __name__)


def safe_next(target: str | None, default: str) -> str:
    """Only local paths are followed after sign-in (ASVS 5.1.5)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def _sign_in(user) -> None:
    # A fresh session at sign-in, so no token planted before it survives (ASVS 3.2.1).
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    token, _login_session = services.start_session(user)
    user.session_token = token
    db.session.commit()
    login_user(user)


def _login_key() -> str:
    return "login:" + services.normalize_email(request.form.get("email", ""))[:254]


@bp.route("/registrer", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.create_user(
                form.email.data, form.name.data, form.password.data, locale=session.get("locale")
            )
        except DomainError as error:
            getattr(form, error.field or "email").errors.append(str(error.message))
        else:
            _sign_in(user)
            flash(_("Velkommen! Du er registrert og logget inn."), "success")
            return redirect(safe_next(request.args.get("next"), url_for("consultations.index")))
    status = 400 if form.errors else 200
    return render_template("accounts/register.html", form=form), status


@bp.route("/logg-inn", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT"], key_func=_login_key, methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_ADDRESS_LIMIT"], methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            _sign_in(user)
            return redirect(safe_next(request.args.get("next"), url_for("consultations.index")))
        form.password.errors.append(_("E-postadressen eller passordet er feil."))
    status = 400 if form.errors else 200
    return render_template("accounts/login.html", form=form), status


@bp.route("/logg-ut", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        services.end_session(current_user.session_token)
        db.session.commit()
    logout_user()
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    flash(_("Du er logget ut."), "success")
    return redirect(url_for("consultations.index"))


@bp.route("/konto", methods=["GET", "POST"])
@login_required
def account():
    password_form = PasswordForm(prefix="pw")
    preferences_form = PreferencesForm(
        prefix="pref",
        data={"locale": current_user.locale or "nb", "wants_email": current_user.wants_email},
    )
    status = 200
    if request.method == "POST" and "pw-new_password" in request.form:
        if password_form.validate_on_submit():
            try:
                services.change_password(
                    current_user,
                    password_form.current_password.data,
                    password_form.new_password.data,
                    keep_session=current_user.login_session,
                )
            except DomainError as error:
                getattr(password_form, error.field or "new_password").errors.append(
                    str(error.message)
                )
            else:
                db.session.commit()
                flash(_("Passordet er endret. Andre innlogginger er avsluttet."), "success")
                return redirect(url_for("accounts.account"))
        status = 400
    elif request.method == "POST":
        if preferences_form.validate_on_submit():
            current_user.locale = preferences_form.locale.data
            current_user.wants_email = preferences_form.wants_email.data
            session["locale"] = preferences_form.locale.data
            db.session.commit()
            flash(_("Innstillingene er lagret."), "success")
            return redirect(url_for("accounts.account"))
        status = 400
    return render_template(
        "accounts/account.html", password_form=password_form, preferences_form=preferences_form
    ), status


@bp.route("/glemt-passord", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESET_LIMIT"], methods=["POST"])
def forgot_password():
    """Ask for a link to choose a new password; the answer never says whether the account exists."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        flash(
            _(
                "Hvis det finnes en konto med denne adressen, har vi sendt en lenke for å velge "
                "nytt passord. Lenken virker i %(minutes)s minutter.",
                minutes=current_app.config["PASSWORD_RESET_MINUTES"],
            ),
            "success",
        )
        return redirect(url_for("accounts.login"))
    status = 400 if form.errors else 200
    return render_template("accounts/forgot.html", form=form), status


@bp.route("/nytt-passord/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    """Choose a new password from the link in the e-mail; it works once, for a limited time."""
    services.user_for_reset(token)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.new_password.data)
        except DomainError as error:
            if isinstance(error, services.ResetLinkError):
                raise
            form.new_password.errors = [*form.new_password.errors, str(error.message)]
        else:
            db.session.commit()
            flash(_("Passordet er endret. Logg inn med det nye passordet."), "success")
            return redirect(url_for("accounts.login"))
    status = 400 if form.errors else 200
    return render_template("accounts/reset.html", form=form), status


@bp.route("/sprak/<locale>")
def set_language(locale: str):
    """A plain link, so public pages carry no per-visitor form token and can be cached.

    Changing someone's display language is harmless, so it needs no CSRF protection.
    """
    if locale in current_app.config["LANGUAGES"]:
        session["locale"] = locale
        if current_user.is_authenticated:
            current_user.locale = locale
            db.session.commit()
    return redirect(safe_next(request.args.get("next"), url_for("consultations.index")))
