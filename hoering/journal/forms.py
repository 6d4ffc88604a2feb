"""The public journal's filter form."""

from flask_babel import lazy_gettext as _l
from wtforms import Form, SelectField, StringField


class JournalFilterForm(Form):
    """A GET filter that changes nothing, so it carries no CSRF token; parse_filter() checks it."""

    fra = StringField(_l("Fra journaldato"), description=_l("åååå-mm-dd"))
    til = StringField(_l("Til journaldato"), description=_l("åååå-mm-dd"))
    hoering = SelectField(_l("Høring"), validate_choice=False)
