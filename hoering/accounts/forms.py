from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Email, EqualTo, InputRequired, Length

from hoering.accounts.services import PASSWORD_MAX, PASSWORD_MIN

PASSWORD_LENGTH = Length(
    min=PASSWORD_MIN,
    max=PASSWORD_MAX,
    message=_l(
        "Passordet må ha mellom %(min)s og %(max)s tegn.", min=PASSWORD_MIN, max=PASSWORD_MAX
    ),
)


class RegisterForm(FlaskForm):
    name = StringField(
        _l("Fullt navn"),
        validators=[InputRequired(_l("Skriv navnet ditt.")), Length(max=200)],
        description=_l("Navnet vises sammen med innspillene dine."),
    )
    email = EmailField(
        _l("E-postadresse"),
        validators=[
            InputRequired(_l("Skriv e-postadressen din.")),
            Email(_l("Skriv en gyldig e-postadresse, for eksempel navn@eksempel.no.")),
            Length(max=254),
        ],
    )
    password = PasswordField(
        _l("Passord"),
        validators=[
            InputRequired(_l("Velg et passord.")),
            PASSWORD_LENGTH,
        ],
        description=_l("Minst 12 tegn. Gjerne en setning du husker."),
    )
    confirm = PasswordField(
        _l("Gjenta passordet"),
        validators=[EqualTo("password", _l("Passordene er ikke like."))],
    )


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-postadresse"), validators=[InputRequired(_l("Skriv e-postadressen din."))]
    )
    password = PasswordField(_l("Passord"), validators=[InputRequired(_l("Skriv passordet."))])


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("E-postadresse"),
        validators=[
            InputRequired(_l("Skriv e-postadressen din.")),
            Email(_l("Skriv en gyldig e-postadresse, for eksempel navn@eksempel.no.")),
            Length(max=254),
        ],
        description=_l("Adressen du registrerte deg med."),
    )


class ResetPasswordForm(FlaskForm):
    new_password = PasswordField(
        _l("Nytt passord"),
        validators=[InputRequired(_l("Velg et nytt passord.")), PASSWORD_LENGTH],
        description=_l("Minst 12 tegn. Gjerne en setning du husker."),
    )


class PasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Nåværende passord"), validators=[InputRequired(_l("Skriv nåværende passord."))]
    )
    new_password = PasswordField(
        _l("Nytt passord"),
        validators=[
            InputRequired(_l("Velg et nytt passord.")),
            PASSWORD_LENGTH,
        ],
    )


class PreferencesForm(FlaskForm):
    locale = SelectField(
        _l("Språk"),
        # Each language named in itself, and marked as such for screen readers.
        choices=[
            SelectChoice(code, name, render_kw={"lang": code})
            for code, name in (("nb", "Norsk bokmål"), ("nn", "Norsk nynorsk"), ("en", "English"))
        ],
    )
    wants_email = BooleanField(_l("Send meg e-post om svar og frister"))


ROLE_CHOICES = [
    SelectChoice("case_officer", _l("Saksbehandler")),
    SelectChoice("moderator", _l("Moderator")),
    SelectChoice("admin", _l("Administrator")),
]
KIND_CHOICES = [
    SelectChoice("organisation", _l("Organisasjon")),
    SelectChoice("public_agency", _l("Offentlig virksomhet")),
    SelectChoice("business", _l("Næringsliv")),
]


class FindUserForm(FlaskForm):
    class Meta:
        csrf = False  # a search (GET) changes nothing

    e = EmailField(_l("E-postadresse"), validators=[InputRequired(_l("Skriv e-postadressen din."))])


class GrantRoleForm(FlaskForm):
    role = SelectField(_l("Rolle"), choices=ROLE_CHOICES)
    agency_id = SelectField(_l("Virksomhet"), choices=[], validate_choice=False)


class RepresentativeForm(FlaskForm):
    org_number = StringField(
        _l("Organisasjonsnummer"),
        validators=[InputRequired(_l("Skriv organisasjonsnummeret.")), Length(max=20)],
    )
    org_name = StringField(
        _l("Navn på organisasjonen"),
        validators=[Length(max=200)],
        description=_l("Trengs bare første gang organisasjonen blir registrert."),
    )
    kind = SelectField(_l("Type"), choices=KIND_CHOICES)


class AgencyForm(FlaskForm):
    slug = StringField(
        _l("Kortnavn"),
        validators=[InputRequired(_l("Skriv et kortnavn.")), Length(max=80)],
        description=_l("Brukes i adresser, for eksempel «ddd». Små bokstaver, tall og bindestrek."),
    )
    name = StringField(_l("Navn"), validators=[InputRequired(_l("Skriv navnet.")), Length(max=200)])
    org_number = StringField(
        _l("Organisasjonsnummer"),
        validators=[InputRequired(_l("Skriv organisasjonsnummeret.")), Length(max=20)],
    )


class CodeForm(FlaskForm):
    code = StringField(
        _l("Engangskode"),
        validators=[InputRequired(_l("Skriv koden fra appen.")), Length(max=20)],
        description=_l("Seks siffer fra autentiseringsappen, eller en av reservekodene dine."),
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"},
    )


class RecheckForm(FlaskForm):
    """The code asked for again before a sensitive action; the action's own form carries CSRF."""

    class Meta:
        csrf = False

    recheck_code = StringField(
        _l("Engangskode"),
        description=_l("Seks siffer fra autentiseringsappen, eller en av reservekodene dine."),
        render_kw={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"},
    )


class IdportenSignUpForm(FlaskForm):
    name = RegisterForm.name
    email = RegisterForm.email


class RepresentationRequestForm(FlaskForm):
    org_number = StringField(
        _l("Organisasjonsnummer"),
        validators=[InputRequired(_l("Skriv organisasjonsnummeret.")), Length(max=20)],
        description=_l("Ni siffer, slik det står i Enhetsregisteret."),
    )
    note = TextAreaField(
        _l("Hvilken rolle har du i organisasjonen? (valgfritt)"),
        validators=[Length(max=1000)],
        description=_l("Hjelper dem som skal godkjenne forespørselen."),
    )


class DecisionForm(FlaskForm):
    decision = RadioField(
        _l("Avgjørelse"),
        choices=[SelectChoice("approve", _l("Godkjenn")), SelectChoice("refuse", _l("Avslå"))],
        validators=[InputRequired(_l("Velg godkjenn eller avslå."))],
    )
    reason = TextAreaField(
        _l("Begrunnelse"),
        validators=[Length(max=1000)],
        description=_l("Sendes til personen på e-post. Må fylles ut ved avslag."),
    )
