import secrets

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    MultipleFileField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional, ValidationError

from hoering.moderation.spam import SpamGuardMixin

POSITION_CHOICES = [
    SelectChoice("", _l("Ikke oppgitt")),
    SelectChoice("support", _l("Støtter")),
    SelectChoice("oppose", _l("Går imot")),
    SelectChoice("neutral", _l("Nøytral")),
]


class SubmissionForm(SpamGuardMixin, FlaskForm):
    # An innspill is stored once per form_token; the start token is tied to it.
    once_field = "form_token"
    # May be empty when files are attached: submit() decides (a refusal keeps the form).
    body = TextAreaField(
        _l("Ditt innspill"),
        description=_l("Du kan bruke Markdown: *kursiv*, **fet**, lister og lenker."),
    )
    files = MultipleFileField(_l("Vedlegg (valgfritt)"))
    speaker = SelectField(_l("Jeg skriver"), choices=[], validate_choice=False)
    position = RadioField(
        _l("Standpunkt"), choices=POSITION_CHOICES, default="", validators=[Optional()]
    )
    own_account = BooleanField(_l("Jeg skriver for egen regning, ikke på vegne av arbeidsgiveren"))
    hide_name = BooleanField(_l("Ikke vis navnet mitt offentlig (vises som «Privatperson»)"))
    confirm_personal_data = BooleanField(
        _l(
            "Send likevel. Jeg forstår at innspillet blir holdt tilbake til en moderator "
            "har sett på det."
        )
    )
    form_token = HiddenField()

    def prepare(self, user, *, allow_position: bool, file_rules: str = "") -> None:
        """Fill the per-person choices; a fresh one-time token and start time on first display."""
        self.files.description = file_rules
        self.speaker.choices = [SelectChoice("private", _("som privatperson"))] + [
            SelectChoice(str(org.id), _("på vegne av %(name)s", name=org.name))
            for org in user.organisations
        ]
        if not allow_position:
            # A reply is a short answer in a thread: no position, no files.
            del self.position
            del self.files
        if not self.form_token.data:
            self.form_token.data = secrets.token_urlsafe(24)
        self.start_clock()

    def validate_speaker(self, field) -> None:
        """Left out means "som privatperson"; anything else must be one of the choices shown."""
        if field.data and field.data not in {choice.value for choice in field.choices}:
            raise ValidationError(_("Velg hvem du skriver som fra listen."))

    def organisation_id(self) -> int | None:
        value = self.speaker.data or "private"
        return int(value) if value.isdigit() else None


class AgencyReplyForm(FlaskForm):
    body = TextAreaField(
        _l("Svar fra virksomheten"),
        validators=[InputRequired(_l("Skriv svaret før du sender."))],
        description=_l("Svaret blir offentlig og journalført som utgående dokument."),
    )


CHANNEL_CHOICES = [
    SelectChoice("email", _l("E-post")),
    SelectChoice("letter", _l("Brev")),
]


class RegisterForm(FlaskForm):
    """A case officer registers an innspill that came by e-mail or letter."""

    sender_name = StringField(
        _l("Avsenderens navn"), validators=[InputRequired(_l("Skriv navnet på avsenderen."))]
    )
    sender_organisation = StringField(
        _l("Organisasjon (valgfritt)"),
        description=_l("Fyll ut når innspillet kommer fra en organisasjon eller virksomhet."),
    )
    consultee = SelectField(
        _l("Invitert høringsinstans"),
        description=_l(
            "Velg høringsinstansen når innspillet er svaret fra en invitert høringsinstans. Da "
            "regnes den som å ha svart, som når den svarer her."
        ),
        choices=[],
        validate_choice=False,
    )
    channel = RadioField(_l("Kom inn som"), choices=CHANNEL_CHOICES, default="email")
    received_on = DateField(
        _l("Mottatt dato"), validators=[InputRequired(_l("Skriv datoen innspillet ble mottatt."))]
    )
    body = TextAreaField(
        _l("Teksten i innspillet"),
        description=_l("Kan stå tom når innspillet er et vedlagt brev."),
    )
    files = MultipleFileField(_l("Vedlegg (valgfritt)"))
    position = RadioField(
        _l("Standpunkt"), choices=POSITION_CHOICES, default="", validators=[Optional()]
    )
    confirm_personal_data = BooleanField(
        _l("Registrer likevel. Innspillet blir holdt tilbake til en moderator har sett på det.")
    )
    form_token = HiddenField()

    def prepare(self, file_rules: str, consultees=()) -> None:
        self.files.description = file_rules
        self.consultee.choices = [("", _l("Ingen (ikke en invitert høringsinstans)"))] + [
            (str(c.id), f"{c.name} ({c.org_number})") for c in consultees
        ]
        if not self.form_token.data:
            self.form_token.data = secrets.token_urlsafe(24)
