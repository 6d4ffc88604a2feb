"""Spam defences for public forms: a honeypot field and a minimum fill time.

The start time travels in the form as a value signed with the app's secret (itsdangerous), so it
cannot be forged or replayed from an older page to skip the wait. A refusal is a form error (400)
that keeps what the person typed, never a silent drop.
"""

from __future__ import annotations

import secrets

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeTimedSerializer
from wtforms import HiddenField, StringField

from hoering.db import utcnow

_SALT = "hoering.form-started"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def start_token() -> str:
    """A signed 'this form was shown now'."""
    return _serializer().dumps(secrets.token_hex(4))


def spam_problem(honeypot: str | None, started: str | None) -> str | None:
    """Why a form looks automated, or None: honeypot filled, or sent faster than a person can."""
    if honeypot:
        return str(
            _l(
                "Skjemaet ble avvist fordi et felt som skal stå tomt, var fylt ut. Tøm feltet "
                "«La dette feltet stå tomt» (det er skjult for de fleste) og send igjen."
            )
        )
    minimum = current_app.config["MIN_FORM_SECONDS"]
    if not minimum:
        return None
    try:
        _value, shown_at = _serializer().loads(started or "", return_timestamp=True)
    except BadSignature:
        return str(_l("Skjemaet var ugyldig. Last siden på nytt og send igjen."))
    if (utcnow() - shown_at).total_seconds() < minimum:
        return str(
            _l(
                "Skjemaet ble sendt for fort etter at siden ble åpnet. Vent noen sekunder og "
                "send igjen. Teksten din er tatt vare på."
            )
        )
    return None


class SpamGuardMixin:
    """Add to a FlaskForm: a honeypot and a signed start time, checked in validate().

    `guard_field` names the visible field that carries the error message.
    """

    guard_field = "body"
    website = StringField(_l("La dette feltet stå tomt"))
    started = HiddenField()

    def start_clock(self) -> None:
        if not self.started.data:
            self.started.data = start_token()

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        problem = spam_problem(self.website.data, self.started.data)
        if problem:
            target = getattr(self, self.guard_field)
            target.errors = [*target.errors, problem]
            return False
        return valid
