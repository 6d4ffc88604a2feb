from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField
from wtforms import DateField, SelectField, StringField, TextAreaField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from hoering.consultations.models import MODE_POST, MODE_PRE, MODE_REACTIVE

MODE_CHOICES = [
    SelectChoice(
        MODE_PRE, _l("Forhåndsgodkjenning: ingenting blir offentlig før en moderator har godkjent")
    ),
    SelectChoice(
        MODE_POST, _l("Etterhåndsmoderering: publiseres straks, alt leses av en moderator")
    ),
    SelectChoice(
        MODE_REACTIVE, _l("Reaktiv: publiseres straks, moderator ser det som blir rapportert")
    ),
]


class ConsultationForm(FlaskForm):
    title = StringField(
        _l("Tittel"), validators=[InputRequired(_l("Skriv en tittel.")), Length(max=300)]
    )
    summary = TextAreaField(
        _l("Sammendrag"),
        validators=[Length(max=5000)],
        description=_l("Kort om hva høringen gjelder. Markdown er tillatt."),
    )
    case_number = StringField(
        _l("Saksnummer"),
        validators=[InputRequired(_l("Skriv saksnummeret.")), Length(max=20)],
        description=_l("For eksempel 2026/1234."),
    )
    opens_on = DateField(
        _l("Åpner"), validators=[InputRequired(_l("Velg en gyldig dato (åååå-mm-dd)."))]
    )
    deadline_on = DateField(
        _l("Høringsfrist"), validators=[InputRequired(_l("Velg en gyldig dato (åååå-mm-dd)."))]
    )
    deadline_time = TimeField(
        _l("Klokkeslett for fristen"),
        validators=[Optional()],
        description=_l("Norsk tid. Står feltet tomt, gjelder fristen til kl. 23.59."),
    )
    moderation_mode = SelectField(_l("Moderering"), choices=MODE_CHOICES, default=MODE_POST)
    expectations = TextAreaField(
        _l("Hva deltakerne kan forvente"),
        validators=[Length(max=5000)],
        description=_l(
            "Svartid, hva slags svar de får, at det ikke skjer saksbehandling her, og hva som "
            "blir fjernet. Står feltet tomt, brukes en standardtekst."
        ),
    )


class ConsulteeForm(FlaskForm):
    name = StringField(
        _l("Navn på høringsinstansen"),
        validators=[InputRequired(_l("Skriv navnet.")), Length(max=200)],
    )
    org_number = StringField(
        _l("Organisasjonsnummer"),
        validators=[InputRequired(_l("Skriv organisasjonsnummeret.")), Length(max=20)],
        description=_l("9 siffer."),
    )
    contact = StringField(_l("Kontakt (e-post)"), validators=[Optional(), Length(max=300)])


class DraftForm(FlaskForm):
    source = TextAreaField(
        _l("Utkastet i Markdown"),
        validators=[Optional(), Length(max=1_000_000)],
        description=_l(
            "Overskrifter (#, ##) blir kapitler og paragrafer, for eksempel «## § 3 Formål». "
            "Hvert avsnitt og hvert listepunkt kan kommenteres."
        ),
    )
    upload = FileField(
        _l("…eller last opp en fil (Markdown, tekst, DOCX eller ODT)"),
        description=_l(
            "I Word og LibreOffice blir overskriftsstiler til kapitler og paragrafer med "
            "nummeret sitt, og lister til punkter som kan kommenteres."
        ),
        validators=[
            FileAllowed(
                ["md", "markdown", "txt", "docx", "odt"],
                _l("Last opp en .md-, .txt-, .docx- eller .odt-fil."),
            )
        ],
    )
    note = StringField(_l("Merknad til versjonen"), validators=[Optional(), Length(max=500)])


PROBLEM_LABELS = {
    "code": _l("kodeblokker støttes ikke"),
    "table": _l("tabeller støttes ikke"),
    "html": _l("HTML støttes ikke"),
    "image": _l("bilder støttes ikke"),
    "quote": _l("sitatblokker støttes ikke"),
    "rule": _l("skillelinjer støttes ikke"),
    "setext": _l("understrekede overskrifter støttes ikke; bruk #"),
    "empty_section": _l("paragrafen har ingen tekst som kan kommenteres"),
}


def problem_label(kind: str) -> str:
    return str(PROBLEM_LABELS.get(kind, kind))
