"""Two-factor sign-in for staff: TOTP (RFC 6238) with recovery codes (ASVS 2.7, 2.8, 4.3.1).

Case officers, moderators and administrators must prove a second factor in every sign-in before
any page but this one opens, and again shortly before exporting, changing roles or blocking a
person. Nobody can turn it off; a lost phone is handled by a recovery code or an admin's reset.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import logging
import secrets
from datetime import timedelta

import pyotp
import segno
from flask import current_app
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import delete, select

from hoering.accounts.models import LoginSession, RecoveryCode, TotpCredential, User
from hoering.accounts.services import end_sessions
from hoering.db import utcnow
from hoering.errors import BadInputError
from hoering.extensions import db

log = logging.getLogger(__name__)

RECOVERY_CODE_COUNT = 10
# Lower-case letters and digits without i, l, o and 1 (look-alikes): 32 symbols, 5 bits each.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz234567890"
ISSUER = "Høring"


class WrongCodeError(BadInputError):
    message = _l("Koden er feil eller brukt før. Skriv den nyeste koden fra appen.")
    field = "code"


def needs_second_factor(user: User) -> bool:
    """Anyone holding a role (case officer, moderator, administrator)."""
    return user.is_staff


def credential_for(user: User) -> TotpCredential | None:
    return db.session.scalar(select(TotpCredential).where(TotpCredential.user_id == user.id))


def is_enrolled(user: User) -> bool:
    credential = credential_for(user)
    return credential is not None and credential.confirmed_at is not None


def start_enrolment(user: User) -> TotpCredential:
    """A new secret for the authenticator app, unconfirmed until a code from it is typed."""
    credential = credential_for(user)
    if credential is not None and credential.confirmed_at is not None:
        return credential
    if credential is None:
        credential = TotpCredential(user_id=user.id, secret=pyotp.random_base32())
        db.session.add(credential)
        db.session.flush()
    return credential


def enrol_with_secret(user: User, secret: str) -> TotpCredential:
    """A confirmed app with a given secret, for the demo's published staff sign-ins only."""
    credential = TotpCredential(user_id=user.id, secret=secret, confirmed_at=utcnow())
    db.session.add(credential)
    db.session.flush()
    return credential


def provisioning_uri(user: User, credential: TotpCredential) -> str:
    return pyotp.TOTP(credential.secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> Markup:
    """The otpauth URI as an inline SVG, drawn here: no request leaves the server."""
    out = io.BytesIO()
    segno.make(uri, error="m").save(
        out, kind="svg", scale=5, border=2, xmldecl=False, svgns=True, title=None, svgclass=None
    )
    return Markup(out.getvalue().decode())  # noqa: S704 - segno's own SVG, no user text in it


def _accept_totp(credential: TotpCredential, code: str) -> bool:
    """True for a current code (one step of clock drift either way) not used before."""
    code = "".join(code.split())
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return False
    totp = pyotp.TOTP(credential.secret)
    now = totp.timecode(utcnow())
    for counter in (now - 1, now, now + 1):
        if counter > credential.last_counter and hmac.compare_digest(
            totp.generate_otp(counter), code
        ):
            credential.last_counter = counter
            return True
    return False


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _normalize_recovery(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def new_recovery_codes(user: User) -> list[str]:
    """Ten fresh one-time codes (50 random bits each); the old ones stop working."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_code_hash(raw)))
    db.session.flush()
    log.info("user %s got new recovery codes", user.id)
    return codes


def _accept_recovery_code(user: User, code: str) -> bool:
    normalized = _normalize_recovery(code)
    if len(normalized) != 10:
        return False
    recovery = db.session.scalar(
        select(RecoveryCode).where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _code_hash(normalized),
            RecoveryCode.used_at.is_(None),
        )
    )
    if recovery is None:
        return False
    recovery.used_at = utcnow()
    log.warning("user %s signed in with a recovery code", user.id)
    return True


def remaining_recovery_codes(user: User) -> int:
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def confirm_enrolment(user: User, code: str, login_session: LoginSession) -> list[str]:
    """The first code from the app proves it is set up; returns the recovery codes to show once."""
    credential = credential_for(user)
    if credential is None or credential.confirmed_at is not None:
        raise WrongCodeError()
    if not _accept_totp(credential, code):
        log.info("user %s typed a wrong code while setting up two-factor", user.id)
        raise WrongCodeError()
    credential.confirmed_at = utcnow()
    login_session.second_factor_at = utcnow()
    log.info("user %s set up two-factor sign-in", user.id)
    return new_recovery_codes(user)


def verify(user: User, code: str, login_session: LoginSession) -> None:
    """A code from the app or an unused recovery code proves the second factor for this sign-in."""
    credential = credential_for(user)
    if credential is None or credential.confirmed_at is None:
        raise WrongCodeError()
    if not (_accept_totp(credential, code) or _accept_recovery_code(user, code)):
        log.info("user %s typed a wrong second-factor code", user.id)
        raise WrongCodeError()
    login_session.second_factor_at = utcnow()


def has_second_factor(login_session: LoginSession | None) -> bool:
    return login_session is not None and login_session.second_factor_at is not None


def is_fresh(login_session: LoginSession | None) -> bool:
    """Proved recently enough for a sensitive action (ASVS 3.7.1)."""
    if not has_second_factor(login_session):
        return False
    window = timedelta(minutes=current_app.config["SECOND_FACTOR_RECHECK_MINUTES"])
    return utcnow() - login_session.second_factor_at <= window


def reset(user: User, *, by: User | None) -> None:
    """An administrator's reset for a lost phone (or the CLI's, `by` None): the person sets up
    a new app at the next sign-in. Logged."""
    db.session.execute(delete(TotpCredential).where(TotpCredential.user_id == user.id))
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    end_sessions(user)
    db.session.flush()
    if by is None:
        log.warning("two-factor of user %s reset from the command line", user.id)
    else:
        log.warning("two-factor of user %s reset by administrator %s", user.id, by.id)
