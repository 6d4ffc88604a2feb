from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from hoering.moderation.labels import REASON_LABELS
from hoering.moderation.services import REPORT_TEXT_MAX
from hoering.moderation.spam import SpamGuardMixin

REASON_CHOICES = [SelectChoice(code, label) for code, label in REASON_LABELS.items()]


class ReportForm(SpamGuardMixin, FlaskForm):
    guard_field = "reason"
    reason = RadioField(
        _l("Hvorfor rapporterer du innspillet?"),
        choices=REASON_CHOICES,
        validators=[InputRequired(_l("Velg hvorfor du rapporterer innspillet."))],
    )
    text = TextAreaField(
        _l("Utdyp gjerne (valgfritt)"),
        validators=[Optional(), Length(max=REPORT_TEXT_MAX)],
        description=_l("Bare moderatorene ser dette. Ikke skriv personopplysninger her heller."),
    )


class ModerationForm(FlaskForm):
    """One decision on one innspill; the page shows one of these per action, each prefixed."""

    class Meta:
        # CSRFProtect checks the token on every POST app-wide. The page holds one prefixed form
        # per action, and a per-form token field would be named "<prefix>-csrf_token".
        csrf = False

    version = HiddenField()
    category = SelectField(
        _l("Grunn"),
        choices=[SelectChoice("", _l("Velg grunn")), *REASON_CHOICES],
        validate_choice=False,
    )
    reason = TextAreaField(
        _l("Begrunnelse"),
        validators=[Optional(), Length(max=2000)],
        description=_l(
            "Forfatteren ser begrunnelsen. Skjuler du innspillet, står den også offentlig der "
            "innspillet sto."
        ),
    )
    found = SelectMultipleField(_l("Funn som skal sladdes"), choices=[], validate_choice=False)
    spans = StringField(
        _l("Andre områder som skal sladdes"),
        description=_l(
            "Tegnposisjoner i originalteksten som start-slutt, for eksempel 12-23, 40-52. "
            "Der knappen «Sladd markert tekst» vises, kan du i stedet markere teksten og "
            "trykke på den."
        ),
    )
    days = IntegerField(_l("Antall dager"), validators=[Optional()], default=30)
