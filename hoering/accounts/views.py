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
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from hoering.accounts import oidc, second_factor, services
from hoering.accounts.forms import (
    AgencyForm,
    FindUserForm,
    ForgotPasswordForm,
    GrantRoleForm,
    LoginForm,
    PasswordForm,
    PreferencesForm,
    RegisterForm,
    RepresentativeForm,
    ResetPasswordForm,
)
from hoering.accounts.guards import recheck_response
from hoering.accounts.models import Agency, User
from hoering.db import utcnow
from hoering.errors import DomainError, ForbiddenError, NotFoundError
from hoering.extensions import db, limiter
from hoering.paging import whole_number

bp = Blueprint("accounts", __name__)


def safe_next(target: str | None, default: str) -> str:
    """Only local paths are followed after sign-in (ASVS 5.1.5)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def sign_in(user, *, second_factor: bool = False, sealed_id_token: str | None = None) -> None:
    """Start a sign-in; `second_factor` when it already proved two (ID-porten substantial/high),
    `sealed_id_token` when it came through ID-porten (kept for the sign-out there)."""
    # A fresh session at sign-in, so no token planted before it survives (ASVS 3.2.1).
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    if sealed_id_token:
        session["via_idporten"] = True
    token, login_session = services.start_session(user)
    login_session.id_token_sealed = sealed_id_token
    if second_factor:
        login_session.second_factor_at = utcnow()
    user.session_token = token
    db.session.commit()
    login_user(user)


def _login_key() -> str:
    return "login:" + services.normalize_email(request.form.get("email", ""))[:254]


def _registered(response) -> bool:
    return response.status_code == 302


@bp.route("/registrer", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["REGISTER_LIMIT"], methods=["POST"], deduct_when=_registered
)
@limiter.limit(lambda: current_app.config["REGISTER_ATTEMPT_LIMIT"], methods=["POST"])
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
            sign_in(user)
            flash(_("Velkommen! Du er registrert og logget inn."), "success")
            return redirect(safe_next(request.args.get("next"), url_for("consultations.index")))
    status = 400 if form.errors else 200
    return render_template(
        "accounts/register.html", form=form, idporten=oidc.is_configured()
    ), status


@bp.route("/logg-inn", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT"], key_func=_login_key, methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_ADDRESS_LIMIT"], methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            sign_in(user)
            return redirect(safe_next(request.args.get("next"), url_for("consultations.index")))
        form.password.errors.append(_("E-postadressen eller passordet er feil."))
    status = 400 if form.errors else 200
    return render_template("accounts/login.html", form=form, idporten=oidc.is_configured()), status


@bp.route("/logg-ut", methods=["POST"])
def logout():
    sealed_id_token = None
    if current_user.is_authenticated:
        sealed_id_token = current_user.login_session.id_token_sealed
        services.end_session(current_user.session_token)
        db.session.commit()
    logout_user()
    locale = session.get("locale")
    via_idporten = session.get("via_idporten")
    session.clear()
    if locale:
        session["locale"] = locale
    flash(_("Du er logget ut."), "success")
    if via_idporten and oidc.is_configured():
        # RP-initiated logout: end the single sign-on at ID-porten too, then come back here.
        try:
            target = oidc.logout_url(
                url_for("consultations.index", _external=True), oidc.unseal(sealed_id_token)
            )
        except oidc.SignInError:
            target = None
        if target:
            return redirect(target)
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
                field = getattr(password_form, error.field or "", password_form.new_password)
                field.errors.append(str(error.message))
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
    recovery_left = (
        second_factor.remaining_recovery_codes(current_user)
        if second_factor.is_enrolled(current_user)
        else None
    )
    return render_template(
        "accounts/account.html",
        password_form=password_form,
        preferences_form=preferences_form,
        recovery_left=recovery_left,
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
        if current_user.is_authenticated and current_user.locale != locale:
            # The session carries the choice; the account keeps it too unless the database is
            # busy, and then it is kept at the next change.
            services.remember_locale(current_user, locale)
    return redirect(safe_next(request.args.get("next"), url_for("consultations.index")))


# --- people, roles and agencies (/admin, administrators only) -------------------------------


def _require_admin() -> None:
    if not current_user.is_admin:
        raise ForbiddenError()


def _user_or_404(user_id: int):
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFoundError()
    return user


def _people_page(user=None, *, grant_form=None, rep_form=None, status=200):
    agencies = list(db.session.scalars(select(Agency).order_by(Agency.name)))
    grant_form = grant_form or GrantRoleForm(prefix="g")
    grant_form.agency_id.choices = [SelectChoice("", _("Ingen (for administrator)"))] + [
        SelectChoice(str(a.id), a.name) for a in agencies
    ]
    return render_template(
        "accounts/manage_people.html",
        has_second_factor=bool(user and second_factor.is_enrolled(user)),
        find_form=FindUserForm(request.args),
        person=user,
        grant_form=grant_form,
        rep_form=rep_form or RepresentativeForm(prefix="r"),
        searched=bool(request.args.get("e")),
    ), status


@bp.route("/admin/brukere")
@login_required
def manage_people():
    """Find a person by e-mail to see and change their roles and organisations."""
    _require_admin()
    email = request.args.get("e", "").strip()
    user = db.session.scalar(select(User).where(User.email == services.normalize_email(email)))
    return _people_page(user if email else None)


@bp.route("/admin/brukere/<int:user_id>/roller", methods=["POST"])
@login_required
def manage_grant_role(user_id: int):
    _require_admin()
    if (recheck := recheck_response()) is not None:
        return recheck
    user = _user_or_404(user_id)
    form = GrantRoleForm(prefix="g")
    agency_id = request.form.get("g-agency_id", type=whole_number)
    agency = db.session.get(Agency, agency_id) if agency_id else None
    try:
        services.grant_role(user, form.role.data or "", agency)
    except DomainError as error:
        form.role.errors = [str(error.message)]
        return _people_page(user, grant_form=form, status=error.status)
    db.session.commit()
    flash(_("Rollen er gitt."), "success")
    return redirect(url_for("accounts.manage_people", e=user.email))


@bp.route("/admin/brukere/<int:user_id>/roller/<int:grant_id>/fjern", methods=["POST"])
@login_required
def manage_revoke_role(user_id: int, grant_id: int):
    _require_admin()
    if (recheck := recheck_response()) is not None:
        return recheck
    user = _user_or_404(user_id)
    services.revoke_role(user, grant_id, by=current_user)
    db.session.commit()
    flash(_("Rollen er fjernet."), "success")
    return redirect(url_for("accounts.manage_people", e=user.email))


@bp.route("/admin/brukere/<int:user_id>/organisasjoner", methods=["POST"])
@login_required
def manage_add_representative(user_id: int):
    _require_admin()
    user = _user_or_404(user_id)
    form = RepresentativeForm(prefix="r")
    if form.validate_on_submit():
        try:
            organisation = services.get_or_create_organisation(
                form.org_number.data, form.org_name.data, form.kind.data
            )
            services.add_representative(user, organisation)
        except DomainError as error:
            field = getattr(form, error.field or "org_name", form.org_name)
            field.errors = [*field.errors, str(error.message)]
        else:
            db.session.commit()
            flash(
                _(
                    "%(name)s kan nå skrive på vegne av %(org)s.",
                    name=user.name,
                    org=organisation.name,
                ),
                "success",
            )
            return redirect(url_for("accounts.manage_people", e=user.email))
    return _people_page(user, rep_form=form, status=400)


@bp.route("/admin/virksomheter/ny", methods=["GET", "POST"])
@login_required
def manage_create_agency():
    """A new agency that can publish consultations."""
    _require_admin()
    form = AgencyForm()
    if form.validate_on_submit():
        try:
            agency = services.create_agency(form.slug.data, form.name.data, form.org_number.data)
        except DomainError as error:
            field = getattr(form, error.field or "slug", form.slug)
            field.errors = [*field.errors, str(error.message)]
        else:
            db.session.commit()
            flash(_("Virksomheten %(name)s er opprettet.", name=agency.name), "success")
            return redirect(url_for("manage.dashboard"))
    status = 400 if request.method == "POST" else 200
    return render_template("accounts/manage_agency.html", form=form), status
