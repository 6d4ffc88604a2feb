from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange

from hoering.archive.settings import DISPOSAL_DECISIONS


class ArchiveSettingsForm(FlaskForm):
    name_screening_basis = StringField(
        _l("Skjermingshjemmel for navn som innsenderen har valgt å skjule"),
        validators=[Length(max=200)],
        description=_l(
            "Brukes i journalen og arkivet når en privatperson velger å vises som "
            "«Privatperson». La feltet stå tomt for standarden."
        ),
    )
    disposal_decision = SelectField(
        _l("Kassasjonsvedtak"), choices=[SelectChoice(d, d) for d in DISPOSAL_DECISIONS]
    )
    disposal_authority = StringField(
        _l("Kassasjonshjemmel"),
        validators=[Length(max=200)],
        description=_l("For eksempel et bevarings- og kassasjonsvedtak fra Arkivverket."),
    )
    retention_years = IntegerField(
        _l("Bevaringstid i år"),
        validators=[
            InputRequired(_l("Skriv bevaringstiden i hele år.")),
            NumberRange(min=1, max=200, message=_l("Bevaringstiden må være mellom 1 og 200 år.")),
        ],
    )
    classification_title = StringField(
        _l("Klassifikasjonssystem (arkivnøkkel)"),
        validators=[InputRequired(_l("Skriv navnet på arkivnøkkelen.")), Length(max=200)],
    )
    class_id = StringField(
        _l("Klasse for høringene (klasseID)"),
        validators=[InputRequired(_l("Skriv klassen høringene arkiveres under.")), Length(max=40)],
    )
    class_title = StringField(
        _l("Tittel på klassen"),
        validators=[InputRequired(_l("Skriv tittelen på klassen.")), Length(max=200)],
    )


class CaseNumberForm(FlaskForm):
    archive_case_number = StringField(
        _l("Saksnummer i virksomhetens arkiv"),
        validators=[Length(max=40, message=_l("Saksnummeret kan være høyst 40 tegn."))],
        description=_l(
            "Det saksnummeret sak- og arkivsystemet ga saken. La feltet stå tomt om det ikke er "
            "kjent ennå."
        ),
    )


class ClassForm(FlaskForm):
    """The class of the agency's arkivnøkkel the case is filed in (its arkivkode)."""

    class_id = StringField(
        _l("Arkivkode (klasseID)"),
        validators=[Length(max=40, message=_l("Klassen kan være høyst 40 tegn."))],
        description=_l("La feltet stå tomt for virksomhetens standardklasse."),
    )
    class_title = StringField(
        _l("Tittel på klassen"),
        validators=[Length(max=200, message=_l("Tittelen kan være høyst 200 tegn."))],
    )
