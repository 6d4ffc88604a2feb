"""What each kind of finding is called on the page, in the reader's language."""

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "national_id": _l("ser ut som et fødselsnummer eller D-nummer"),
    "bank_account": _l("ser ut som et kontonummer"),
    "phone": _l("ser ut som et telefonnummer"),
    "email": _l("ser ut som en e-postadresse"),
}

CATEGORY_LABELS = {
    "health": _l("kan handle om helse"),
    "religion": _l("kan handle om religion"),
    "ethnicity": _l("kan handle om etnisk bakgrunn"),
    "sexual_orientation": _l("kan handle om seksuell orientering"),
    "political": _l("kan handle om politisk oppfatning"),
    "union": _l("kan handle om fagforeningsmedlemskap"),
    "criminal": _l("kan handle om straffbare forhold"),
}


def finding_label(finding) -> str:
    """A finding is a Finding or its dict form (as stored on the innspill)."""
    get = finding.get if isinstance(finding, dict) else lambda name: getattr(finding, name)
    if get("kind") == "special_category":
        return str(CATEGORY_LABELS.get(get("category"), _l("kan være en personopplysning")))
    return str(KIND_LABELS.get(get("kind"), _l("kan være en personopplysning")))
