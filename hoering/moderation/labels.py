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
    "withhold_file": _l("Vedlegg holdt tilbake"),
    "release_file": _l("Vedlegg vist offentlig igjen"),
    "redact_file": _l("Sladdet kopi av vedlegg publisert"),
}


STATUS_LABELS = {
    "pending": _l("venter på moderator"),
    "published": _l("publisert"),
    "rejected": _l("avvist"),
    "hidden": _l("skjult"),
    "withdrawn": _l("trukket tilbake"),
}


def reason_label(code: str | None) -> str:
    return str(REASON_LABELS.get(code or "", code or "–"))


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))


def status_label(code: str | None) -> str:
    """An innspill's state in words, for the moderation log and its CSV."""
    return str(STATUS_LABELS.get(code or "", code or "–"))


def file_state_label(state: dict) -> str:
    """A file's public state, for the moderation log: held back, a redacted copy, or shown."""
    if state.get("withheld"):
        return str(_l("holdt tilbake"))
    if state.get("redacted_sha256"):
        return str(_l("sladdet kopi vises"))
    return str(_l("vises offentlig"))


def change_label(before: dict | None, after: dict | None) -> str:
    """What a moderation step did to the state, in words: "publisert → skjult", or for a file
    "brev.pdf: vises offentlig → holdt tilbake"."""
    before, after = before or {}, after or {}
    if "file" in after:
        return f"{after['file']}: {file_state_label(before)} → {file_state_label(after)}"
    first, last = before.get("status"), after.get("status")
    return f"{status_label(first)} → {status_label(last)}"
