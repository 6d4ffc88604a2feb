"""Spam defences for public forms: a honeypot field and a minimum fill time.

The start time travels in the form as a value signed with the app's secret (itsdangerous). It is
bound to the page it was shown on and the account it was shown to, and it is good for one post:
it cannot be forged, moved to another form or account, or replayed to skip the wait. A refusal
is a form error (400) that keeps what the person typed, never a silent drop; the page shown
again carries a fresh token with the same start time.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from flask import current_app, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from wtforms import HiddenField, StringField

from hoering.db import utcnow
from hoering.extensions import limiter

_SALT = "hoering.form-started"
# A person may leave a form open for a working day; older tokens are refused (with a fresh one).
START_TOKEN_MAX_AGE = 24 * 3600


def form_binding(path: str, user_id: int | None) -> str:
    """What a start token belongs to: the form's page and the account it was shown to."""
    return f"{path}|{user_id if user_id is not None else '-'}"


def _current_binding() -> str:
    return form_binding(request.path, current_user.id if current_user.is_authenticated else None)


def _serializer(binding: str) -> URLSafeTimedSerializer:
    # The binding is part of the salt: a token verifies only for the form it was made for.
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"{_SALT}|{binding}")


def start_token(
    *, binding: str | None = None, nonce: str | None = None, shown_at: int | None = None
) -> str:
    """A signed 'this form was shown at `shown_at`' (now by default), for one post."""
    payload = {
        "n": nonce or secrets.token_hex(8),
        "t": shown_at if shown_at is not None else int(utcnow().timestamp()),
    }
    return _serializer(binding or _current_binding()).dumps(payload)


def _first_use(nonce: str) -> bool:
    """True the first time a nonce is seen, in the rate limiter's store (shared with Redis)."""
    return limiter.storage.incr(f"hoering:form-start:{nonce}", START_TOKEN_MAX_AGE) == 1


class SpamGuardMixin:
    """Add to a FlaskForm: a honeypot and a signed start time, checked in validate().

    `guard_field` names the visible field that carries the error message. `once_field`, if set,
    names a field whose value the service accepts only once (a form's idempotency token): the
    start token is tied to that value and replays come back as the one accepted post. Without
    it, the token's own nonce is recorded as used.
    """

    guard_field = "body"
    once_field: str | None = None
    website = StringField(_l("La dette feltet stå tomt"))
    started = HiddenField()

    def _nonce(self) -> str | None:
        return getattr(self, self.once_field).data if self.once_field else None

    def start_clock(self) -> None:
        if not self.started.data:
            self.started.data = start_token(nonce=self._nonce())

    def spam_problem(self) -> str | None:
        """Why the post looks automated, or None: honeypot filled, token forged, reused, or
        sent faster than a person can fill in the form."""
        if self.website.data:
            return str(
                _l(
                    "Skjemaet ble avvist fordi et felt som skal stå tomt, var fylt ut. Tøm feltet "
                    "«La dette feltet stå tomt» (det er skjult for de fleste) og send igjen."
                )
            )
        minimum = current_app.config["MIN_FORM_SECONDS"]
        if not minimum:
            return None
        invalid = str(_l("Skjemaet var ugyldig. Last siden på nytt og send igjen."))
        try:
            payload = _serializer(_current_binding()).loads(
                self.started.data or "", max_age=START_TOKEN_MAX_AGE
            )
            nonce, shown_at = str(payload["n"]), int(payload["t"])
        except (BadSignature, KeyError, TypeError, ValueError):
            self.started.data = start_token(nonce=self._nonce())
            return invalid
        expected = self._nonce()
        if expected is not None and nonce != expected:
            self.started.data = start_token(nonce=expected)
            return invalid
        # Whatever follows, the page shown again carries a fresh token from the same start.
        self.started.data = start_token(nonce=expected, shown_at=shown_at)
        if expected is None and not _first_use(nonce):
            return invalid
        elapsed = utcnow() - datetime.fromtimestamp(shown_at, UTC)
        if elapsed.total_seconds() < minimum:
            return str(
                _l(
                    "Skjemaet ble sendt for fort etter at siden ble åpnet. Vent noen sekunder og "
                    "send igjen. Teksten din er tatt vare på."
                )
            )
        return None

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        problem = self.spam_problem()
        if problem:
            target = getattr(self, self.guard_field)
            target.errors = [*target.errors, problem]
            return False
        return valid
