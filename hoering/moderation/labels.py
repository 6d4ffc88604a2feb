"""What reasons and moderation actions are called on the page, in the reader's language."""

from flask_babel import lazy_gettext as _l

REASON_LABELS = {
    "personal_data": _l("Personopplysninger"),
    "harassment": _l("Trakassering eller trusler"),
    "spam": _l("Spam eller reklame"),
    "off_topic": _l("Utenfor tema"),
    "other": _l("Annet"),
}

ACTION_LABELS = {
    "approve": _l("Godkjent"),
    "reject": _l("Avvist"),
    "hide": _l("Skjult"),
    "redact": _l("Sladdet"),
    "off_topic": _l("Markert som utenfor tema"),
    "block": _l("Forfatter blokkert"),
    "withdraw": _l("Trukket tilbake av forfatteren"),
    "auto_hide": _l("Skjult i påvente av vurdering (mange rapporter)"),
}


def reason_label(code: str | None) -> str:
    return str(REASON_LABELS.get(code or "", code or "–"))


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))
