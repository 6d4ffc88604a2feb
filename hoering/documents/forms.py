from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FileField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional

KIND_CHOICES = [
    SelectChoice("horingsbrev", _l("Høringsbrev")),
    SelectChoice("horingsnotat", _l("Høringsnotat")),
    SelectChoice("annet", _l("Annet dokument")),
]


class AgencyDocumentForm(FlaskForm):
    kind = SelectField(_l("Dokumenttype"), choices=KIND_CHOICES, default="horingsbrev")
    title = StringField(
        _l("Tittel (valgfritt)"),
        validators=[Optional(), Length(max=300)],
        description=_l("Uten tittel heter dokumentet for eksempel «Høringsbrev: <høringen>»."),
    )
    files = FileField(_l("Fil"))
