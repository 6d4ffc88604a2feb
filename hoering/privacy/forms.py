from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, Optional

from hoering.privacy.services import CONTACT_MAX, STATEMENT_MAX


class PrivacyStatementForm(FlaskForm):
    statement = TextAreaField(
        _l("Personvernerklæring"),
        validators=[Optional(), Length(max=STATEMENT_MAX)],
        description=_l(
            "Markdown. Hva dere lagrer, rettslig grunnlag, hvor lenge, hvordan man ber om innsyn, "
            "retting eller fjerning fra offentlig visning, og hvem som er personvernombud. "
            "Tøm feltet for å gå tilbake til standardteksten."
        ),
    )
    contact = StringField(
        _l("Kontakt til personvernombudet"),
        validators=[Optional(), Length(max=CONTACT_MAX)],
        description=_l("E-postadresse eller annen kontaktinformasjon."),
    )
