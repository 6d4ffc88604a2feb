from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from hoering.accessibility.services import CONTACT_MAX, DESCRIPTION_MAX, PAGE_MAX, URL_MAX


class BarrierReportForm(FlaskForm):
    description = TextAreaField(
        _l("Hva virket ikke?"),
        validators=[InputRequired(_l("Beskriv hva som ikke virket.")), Length(max=DESCRIPTION_MAX)],
        description=_l(
            "Fortell hva du prøvde å gjøre, og hva som hindret deg. Nevn gjerne hjelpemiddel, "
            "nettleser eller enhet."
        ),
    )
    page = StringField(
        _l("Hvilken side gjelder det? (valgfritt)"),
        validators=[Optional(), Length(max=PAGE_MAX)],
        description=_l("Adressen eller navnet på siden."),
    )
    contact = StringField(
        _l("Hvordan kan vi svare deg? (valgfritt)"),
        validators=[Optional(), Length(max=CONTACT_MAX)],
        description=_l(
            "E-postadresse eller telefonnummer. Er du logget inn, svarer vi til e-postadressen "
            "på kontoen din hvis du lar feltet stå tomt."
        ),
    )


class DeclarationForm(FlaskForm):
    declaration_url = StringField(
        _l("Lenke til tilgjengelighetserklæringen i uustatus"),
        validators=[Optional(), Length(max=URL_MAX)],
        description=_l(
            "Erklæringen lages og publiseres i uustatus.no. Lim inn adressen til den publiserte "
            "erklæringen, for eksempel https://uustatus.no/nb/erklaringer/publisert/…"
        ),
    )
