"""Accounts: registration, passwords, server-side sign-in sessions and roles."""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import joinedload
from zxcvbn import zxcvbn
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from hoering import tasks, text
from hoering.accounts.models import (
    AGENCY_ROLES,
    ORG_KINDS,
    ROLE_ADMIN,
    ROLES,
    Agency,
    LoginSession,
    Organisation,
    Representation,
    User,
    UserRole,
)
from hoering.db import begin_reading, utcnow, write_unless_busy
from hoering.errors import BadInputError, ConflictError, NotFoundError
from hoering.extensions import db
from hoering.identifiers import is_valid_organisation_number, normalize_organisation_number

log = logging.getLogger(__name__)


@functools.cache
def _hasher_for(time_cost: int, memory_cost: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)


def _hasher() -> PasswordHasher:
    """Argon2id with the configured cost (argon2-cffi's RFC 9106 defaults unless told)."""
    config = current_app.config
    return _hasher_for(config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_COST"])


@functools.cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """Checked when the email is unknown, so timing does not reveal which accounts exist."""
    return hasher.hash("not-a-real-password-0000")


PASSWORD_MIN = 12
PASSWORD_MAX = 128


class PasswordRuleError(BadInputError):
    pass


class EmailTakenError(ConflictError):
    message = _l("Det finnes allerede en konto med denne e-postadressen.")


def normalize_email(email: str) -> str:
    return email.strip().lower()


PASSWORD_MIN_SCORE = 3

# Why zxcvbn found a password easy to guess: the first of these kinds of pattern it found.
PATTERN_HINTS = {
    "spatial": _l("Mønstre på tastaturet, som «qwerty», er lette å gjette."),
    "date": _l("Datoer og årstall er lette å gjette."),
    "repeat": _l("Gjentakelser som «abcabc» eller «1111» er lette å gjette."),
    "sequence": _l("Rekkefølger som «abcd» eller «1234» er lette å gjette."),
    "dictionary": _l(
        "Vanlige ord, navn og passord er lette å gjette, også med tall eller tegn lagt til."
    ),
}


@functools.cache
def _common_passwords() -> frozenset[str]:
    """The 30,000 most used passwords from leaked lists, as zxcvbn ships them."""
    return frozenset(FREQUENCY_LISTS["passwords"])


def check_password_rules(password: str, *, personal: tuple[str, ...] = ()) -> None:
    """ASVS 2.1.1-2.1.4, 2.1.7, 2.1.9: 12 to 128 characters of any kind, not a common password
    and hard to guess (zxcvbn score 3 or more, knowing the person's name and e-mail); no
    composition rules."""
    if len(password) < PASSWORD_MIN:
        raise PasswordRuleError(
            _l("Passordet må ha minst %(n)s tegn.", n=PASSWORD_MIN), field="password"
        )
    if len(password) > PASSWORD_MAX:
        raise PasswordRuleError(
            _l("Passordet kan ha høyst %(n)s tegn.", n=PASSWORD_MAX), field="password"
        )
    if password.lower() in _common_passwords():
        raise PasswordRuleError(
            _l("Dette er et av de mest brukte passordene, og det gjettes først. Velg et annet."),
            field="password",
        )
    inputs = [part for value in personal for part in re.split(r"[\s@.]+", value.lower()) if part]
    result = zxcvbn(password, user_inputs=inputs)
    if result["score"] < PASSWORD_MIN_SCORE:
        patterns = [match["pattern"] for match in result["sequence"]]
        hint = next((PATTERN_HINTS[p] for p in PATTERN_HINTS if p in patterns), None)
        if any(match.get("matched_word") in inputs for match in result["sequence"]):
            hint = _l("Navnet ditt og e-postadressen din er lette å gjette.")
        advice = _l("Sett gjerne sammen flere ord som ikke hører sammen.")
        parts = [_l("Passordet er for lett å gjette."), hint, advice]
        raise PasswordRuleError(" ".join(str(p) for p in parts if p), field="password")


# Marks an account without a local password (signed up through ID-porten); argon2 never
# verifies it, so the password sign-in fails for it like for a wrong password.
NO_PASSWORD = "!"  # noqa: S105 - a marker, not a password


def create_user(
    email: str,
    name: str,
    password: str | None,
    *,
    locale: str | None = None,
    pid_hash: str | None = None,
) -> User:
    """Register a person; the email is the sign-in and must be unused. Without a password only
    for a person who signed in with ID-porten (then `pid_hash` recognises them next time)."""
    if password is None and pid_hash is None:
        raise PasswordRuleError(_l("Velg et passord."), field="password")
    if password is not None:
        check_password_rules(password, personal=(email, name))
    email = normalize_email(email)
    if db.session.scalar(select(User.id).where(User.email == email)) is not None:
        raise EmailTakenError(field="email")
    user = User(
        email=email,
        name=text.clean_name(name),
        password_hash=_hasher().hash(password) if password is not None else NO_PASSWORD,
        locale=locale,
        pid_hash=pid_hash,
    )
    db.session.add(user)
    db.session.flush()
    log.info("user %s registered", user.id)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user whose password this is, or None; same cost whether or not the email exists.

    The hash is checked in a transaction that only reads, ended before returning: on SQLite no
    write lock is held while argon2 works, so a rush of sign-ins never makes writers queue. The
    caller writes the sign-in (and a rehash) afterwards, in a transaction of its own.
    """
    begin_reading()
    user = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    hasher = _hasher()
    try:
        hasher.verify(user.password_hash if user else _dummy_hash(hasher), password)
    except (VerificationError, InvalidHashError):
        log.info("failed sign-in for %s", f"user {user.id}" if user else "unknown email")
        db.session.commit()
        return None
    if user is None or not user.is_enabled:
        db.session.commit()
        return None
    checked = user.password_hash
    rehashed = hasher.hash(password) if hasher.check_needs_rehash(checked) else None
    db.session.commit()
    # Read again, now in the writing transaction: a password changed or an account blocked
    # while the hash was being checked wins.
    if user.password_hash != checked or not user.is_enabled:
        return None
    if rehashed is not None:
        user.password_hash = rehashed
    return user


def change_password(user: User, current: str, new: str, *, keep_session: LoginSession | None):
    """ASVS 2.1.6 and 3.3.3: needs the current password; ends every other sign-in."""
    try:
        _hasher().verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise BadInputError(_l("Nåværende passord er feil."), field="current_password") from None
    check_password_rules(new, personal=(user.email, user.name))
    user.password_hash = _hasher().hash(new)
    user.password_changed_at = utcnow()
    end_sessions(user, except_session=keep_session)
    log.info("user %s changed password", user.id)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User) -> tuple[str, LoginSession]:
    """A new sign-in with a fresh random token (ASVS 3.2.1, 3.2.2); only its hash is stored."""
    token = secrets.token_urlsafe(32)
    login_session = LoginSession(token_hash=_token_hash(token), user=user)
    db.session.add(login_session)
    db.session.flush()
    return token, login_session


def end_session(token: str) -> None:
    db.session.execute(
        update(LoginSession)
        .where(LoginSession.token_hash == _token_hash(token), LoginSession.ended_at.is_(None))
        .values(ended_at=utcnow(), id_token_sealed=None)
    )


def end_sessions(user: User, *, except_session: LoginSession | None = None) -> None:
    query = update(LoginSession).where(
        LoginSession.user_id == user.id, LoginSession.ended_at.is_(None)
    )
    if except_session is not None:
        query = query.where(LoginSession.id != except_session.id)
    db.session.execute(query.values(ended_at=utcnow(), id_token_sealed=None))


@tasks.periodic(60)
def forget_expired_id_tokens() -> None:
    """A sign-in that idled out or grew too old ends without a sign-out: its sealed ID token
    (kept only for the sign-out at ID-porten) is emptied within the hour."""
    now = utcnow()
    idle = now - timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    oldest = now - timedelta(hours=current_app.config["SESSION_MAX_HOURS"])
    db.session.execute(
        update(LoginSession)
        .where(
            LoginSession.id_token_sealed.is_not(None),
            or_(LoginSession.last_seen_at < idle, LoginSession.created_at < oldest),
        )
        .values(id_token_sealed=None)
    )
    db.session.commit()


# One query for the sign-in, its person, their roles and organisations; built once, as every
# signed-in request runs it (only the token's hash changes).
_LIVE_SESSION = (
    select(LoginSession)
    .where(LoginSession.token_hash == bindparam("token_hash"))
    .options(
        joinedload(LoginSession.user).joinedload(User.roles),
        joinedload(LoginSession.user).joinedload(User.representations),
    )
)


def find_live_session(token: str) -> LoginSession | None:
    """The sign-in behind a token, if it has not ended, idled out or grown too old."""
    login_session = db.session.scalar(_LIVE_SESSION, {"token_hash": _token_hash(token)})
    if login_session is None or login_session.ended_at is not None:
        return None
    now = utcnow()
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    absolute = timedelta(hours=current_app.config["SESSION_MAX_HOURS"])
    if now - login_session.last_seen_at > idle or now - login_session.created_at > absolute:
        return None
    return login_session


def load_session_user(token: str) -> User | None:
    """flask-login's loader: the id it keeps in the cookie is our session token."""
    login_session = find_live_session(token)
    if login_session is None:
        return None
    user = login_session.user
    if not user.is_enabled:
        return None
    now = utcnow()
    # Refresh the idle clock at most once a minute, and only when the database is free: a skipped
    # refresh is made on a later request, long before the idle limit.
    if now - login_session.last_seen_at > timedelta(minutes=1):
        write_unless_busy(
            update(LoginSession).where(LoginSession.id == login_session.id).values(last_seen_at=now)
        )
    user.session_token = token
    user.login_session = login_session
    return user


def remember_locale(user: User, locale: str) -> bool:
    """Keep a person's language choice on their account, unless the database is busy."""
    return write_unless_busy(update(User).where(User.id == user.id).values(locale=locale))


def grant_role(user: User, role: str, agency: Agency | None = None) -> UserRole:
    if role not in ROLES:
        raise BadInputError(_l("Ukjent rolle."))
    if role in AGENCY_ROLES and agency is None:
        raise BadInputError(_l("Rollen gjelder en bestemt virksomhet."))
    if role == ROLE_ADMIN:
        agency = None
    for grant in user.roles:
        if grant.role == role and grant.agency_id == (agency.id if agency else None):
            return grant
    grant = UserRole(user=user, role=role, agency=agency)
    db.session.add(grant)
    db.session.flush()
    log.info("role %s granted to user %s", role, user.id)
    return grant


def revoke_role(user: User, grant_id: int, *, by: User) -> None:
    """Take a role back; an admin cannot take away their own admin role (no lock-out)."""
    grant = next((g for g in user.roles if g.id == grant_id), None)
    if grant is None:
        raise NotFoundError()
    if grant.role == ROLE_ADMIN and user.id == by.id:
        raise ConflictError(_l("Du kan ikke fjerne din egen administratorrolle."))
    db.session.delete(grant)
    db.session.flush()
    log.info("role %s revoked from user %s", grant.role, user.id)


def add_representative(user: User, organisation: Organisation) -> Representation:
    for rep in user.representations:
        if rep.organisation_id == organisation.id:
            return rep
    rep = Representation(user=user, organisation=organisation)
    db.session.add(rep)
    db.session.flush()
    return rep


def get_user_by_email(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None:
        raise NotFoundError(_l("Fant ingen bruker med denne e-postadressen."))
    return user


def get_agency(slug: str) -> Agency:
    agency = db.session.scalar(select(Agency).where(Agency.slug == slug))
    if agency is None:
        raise NotFoundError(_l("Fant ingen virksomhet med dette kortnavnet."))
    return agency


def valid_org_number(value: str) -> str:
    """The 9 digits of a Norwegian organisation number, or a 400 naming the field."""
    number = normalize_organisation_number(value)
    if number is None or not is_valid_organisation_number(number):
        raise BadInputError(
            _l("Organisasjonsnummeret er ikke gyldig (9 siffer med riktig kontrollsiffer)."),
            field="org_number",
        )
    return number


def create_agency(slug: str, name: str, org_number: str) -> Agency:
    """A new agency; its short name is part of public addresses and must be unique."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,79}", slug):
        raise BadInputError(_l("Kortnavnet kan bare ha små bokstaver a-z, tall og bindestrek."))
    if db.session.scalar(select(Agency.id).where(Agency.slug == slug)) is not None:
        raise ConflictError(_l("Det finnes allerede en virksomhet med dette kortnavnet."))
    name = text.clean_name(name)
    agency = Agency(slug=slug, name=name, org_number=valid_org_number(org_number))
    db.session.add(agency)
    db.session.flush()
    return agency


def get_or_create_organisation(org_number: str, name: str | None, kind: str) -> Organisation:
    number = valid_org_number(org_number)
    organisation = db.session.scalar(select(Organisation).where(Organisation.org_number == number))
    if organisation is not None:
        return organisation
    if not name:
        raise BadInputError(_l("Oppgi navnet på organisasjonen første gang den registreres."))
    if kind not in ORG_KINDS:
        raise BadInputError(_l("Ukjent type organisasjon."))
    organisation = Organisation(name=text.clean_name(name), org_number=number, kind=kind)
    db.session.add(organisation)
    db.session.flush()
    return organisation


RESET_SALT = "password-reset"


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _password_stamp(user: User) -> str:
    """Changes whenever the password does, so a reset link works only once (ASVS 2.5.6)."""
    return hashlib.sha256(f"{user.id}:{user.password_hash}".encode()).hexdigest()[:16]


def request_password_reset(email: str) -> None:
    """E-mail a one-time link to choose a new password; silent about whether the account exists."""
    from hoering.notices.services import absolute_url, notify_password_reset

    user = db.session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None or not user.is_enabled:
        log.info("password reset asked for an unknown or disabled account")
        return
    token = _reset_serializer().dumps({"u": user.id, "s": _password_stamp(user)})
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    link = absolute_url("accounts.reset_password", token=token)
    # The outbox ref names this one link (its hash, cut to fit the column), never the link itself.
    notify_password_reset(user, link, f"reset:{_token_hash(token)[:40]}", minutes)
    log.info("password reset link queued for user %s", user.id)


class ResetLinkError(BadInputError):
    message = _l(
        "Lenken for å velge nytt passord er ugyldig, utløpt eller allerede brukt. Be om en ny."
    )


def user_for_reset(token: str) -> User:
    """The person a reset link was made for, while it is unused and fresh."""
    max_age = current_app.config["PASSWORD_RESET_MINUTES"] * 60
    try:
        data = _reset_serializer().loads(token, max_age=max_age)
    except BadData:
        raise ResetLinkError() from None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or not user.is_enabled or data.get("s") != _password_stamp(user):
        raise ResetLinkError()
    return user


def reset_password(token: str, new: str) -> User:
    """Set a new password from a reset link; every sign-in of the person ends (ASVS 3.3.3)."""
    user = user_for_reset(token)
    check_password_rules(new, personal=(user.email, user.name))
    user.password_hash = _hasher().hash(new)
    user.password_changed_at = utcnow()
    end_sessions(user)
    log.info("user %s chose a new password from a reset link", user.id)
    return user
