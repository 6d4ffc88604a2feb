from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length

from hoering.agencies.services import LOGO_URL_MAX, NAME_MAX


class AppearanceForm(FlaskForm):
    name = StringField(
        _l("Navn på virksomheten"),
        validators=[InputRequired(_l("Skriv navnet på virksomheten.")), Length(max=NAME_MAX)],
        description=_l("Vises på høringene, i journalen og i personvernerklæringen."),
    )
    logo_url = StringField(
        _l("Adresse til logoen"),
        validators=[Length(max=LOGO_URL_MAX)],
        description=_l(
            "En sti under /static/, der driftsmiljøet har lagt logoen. Den vises øverst på "
            "høringene, med navnet på virksomheten som alternativ tekst. La feltet stå tomt for "
            "å vise navnet i stedet."
        ),
    )
    theme_color = StringField(
        _l("Profilfarge"),
        validators=[Length(max=7)],
        description=_l(
            "Som # og seks heksadesimale sifre, for eksempel #0062ba. Brukes på knapper, lenker "
            "og fristbanneret, og må ha minst 4,5:1 kontrast mot hvit. La feltet stå tomt for "
            "standardfargen."
        ),
    )
