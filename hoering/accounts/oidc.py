"""Sign-in with ID-porten (or any OpenID provider shaped like it): the rules of the code flow.

Authorization code flow with PKCE (S256), `state` and `nonce`; the provider's endpoints and keys
come from its discovery document. The ID token's signature, issuer, audience, expiry, nonce
and level of assurance (`acr`) are checked here. The person's national identity number (`pid`)
is personal data the service does not need (personopplysningsloven § 12): only a keyed hash of
it is kept, to recognise the person next time, and nothing of the ID token is logged. The ID
token itself is kept only encrypted (`seal`), for the sign-out's id_token_hint.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import logging
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7523 import PrivateKeyJWT
from cryptography.fernet import Fernet, InvalidToken
from flask import current_app
from flask_babel import lazy_gettext as _l
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import select

from hoering.accounts.models import User
from hoering.errors import DomainError
from hoering.extensions import db

log = logging.getLogger(__name__)

# ID-porten's levels of assurance, lowest first.
LEVELS = ("idporten-loa-low", "idporten-loa-substantial", "idporten-loa-high")
# Substantial and high mean a second factor (MinID with a code, BankID, Buypass, Commfides).
TWO_FACTOR_LEVELS = ("idporten-loa-substantial", "idporten-loa-high")
DISCOVERY_TTL = 3600
SIGNING_ALGORITHMS = ("RS256", "PS256", "ES256")


class SignInError(DomainError):
    """The sign-in with ID-porten failed; the person signs in again from the start."""

    status = 400
    message = _l("Innloggingen med ID-porten ble ikke fullført. Start innloggingen på nytt.")


class StateError(SignInError):
    message = _l(
        "Svaret fra ID-porten hørte ikke til en innlogging i denne nettleseren, eller den er "
        "allerede brukt. Start innloggingen på nytt."
    )


class TokenError(SignInError):
    message = _l("Svaret fra ID-porten kunne ikke godkjennes. Start innloggingen på nytt.")


class LevelError(SignInError):
    status = 403
    message = _l(
        "Høring krever innlogging på sikkerhetsnivå betydelig eller høyt. Logg inn med MinID, "
        "BankID, Buypass eller Commfides."
    )


class ProviderUnavailableError(SignInError):
    status = 503
    message = _l("ID-porten svarer ikke akkurat nå. Prøv igjen om litt.")


@dataclass(frozen=True)
class Pending:
    """What the browser's session keeps between leaving for ID-porten and coming back."""

    state: str
    nonce: str
    verifier: str
    next: str

    def to_dict(self) -> dict[str, str]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Any) -> Pending | None:
        if not isinstance(data, dict):
            return None
        try:
            return cls(data["state"], data["nonce"], data["verifier"], data["next"])
        except KeyError:
            return None


@dataclass(frozen=True)
class Identity:
    """Who signed in: the keyed hash of their `pid`, never the number, the level used, and the
    ID token sealed (`seal`) for the sign-out's id_token_hint."""

    pid_hash: str
    acr: str
    sealed_id_token: str

    @property
    def counts_as_two_factors(self) -> bool:
        return self.acr in TWO_FACTOR_LEVELS


def is_configured() -> bool:
    config = current_app.config
    return bool(
        config.get("OIDC_ISSUER")
        and config.get("OIDC_CLIENT_ID")
        and (config.get("OIDC_CLIENT_SECRET") or config.get("OIDC_PRIVATE_KEY"))
    )


_cache: dict[str, tuple[float, dict]] = {}


def _get_json(url: str) -> dict:
    try:
        response = requests.get(url, timeout=current_app.config["OIDC_TIMEOUT"])
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError):
        log.warning("OpenID provider did not answer at %s", url)
        raise ProviderUnavailableError() from None
    if not isinstance(data, dict):
        raise ProviderUnavailableError()
    return data


def _cached_json(url: str, *, refresh: bool = False) -> dict:
    cached = _cache.get(url)
    if refresh or cached is None or time.monotonic() - cached[0] > DISCOVERY_TTL:
        cached = (time.monotonic(), _get_json(url))
        _cache[url] = cached
    return cached[1]


def metadata() -> dict:
    """The provider's discovery document; it must name the configured issuer."""
    issuer = current_app.config["OIDC_ISSUER"]
    data = _cached_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
    if data.get("issuer") != issuer:
        log.warning("discovery document names another issuer")
        raise ProviderUnavailableError()
    return data


def _client(redirect_uri: str) -> OAuth2Session:
    config = current_app.config
    if config.get("OIDC_PRIVATE_KEY"):
        # ID-porten finds the registered key by the `kid` of the signed client assertion.
        headers = {"kid": config["OIDC_KEY_ID"]} if config.get("OIDC_KEY_ID") else None
        session = OAuth2Session(
            config["OIDC_CLIENT_ID"],
            config["OIDC_PRIVATE_KEY"],
            token_endpoint_auth_method=PrivateKeyJWT(metadata()["token_endpoint"], headers=headers),
        )
    else:
        session = OAuth2Session(
            config["OIDC_CLIENT_ID"],
            config["OIDC_CLIENT_SECRET"],
            token_endpoint_auth_method="client_secret_basic",  # noqa: S106 - a method name
        )
    session.redirect_uri = redirect_uri
    session.scope = config["OIDC_SCOPES"]
    session.code_challenge_method = "S256"
    return session


def begin(redirect_uri: str, next_url: str) -> tuple[str, Pending]:
    """The address at the provider to send the person to, and what to keep until they return."""
    pending = Pending(
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        verifier=secrets.token_urlsafe(64),
        next=next_url,
    )
    url, _state = _client(redirect_uri).create_authorization_url(
        metadata()["authorization_endpoint"],
        state=pending.state,
        nonce=pending.nonce,
        code_verifier=pending.verifier,
        acr_values=current_app.config["OIDC_ACR_VALUES"],
        ui_locales="nb nn en",
    )
    return url, pending


def finish(pending: Pending | None, args: dict[str, str], redirect_uri: str) -> Identity:
    """Check the answer, exchange the code and check the ID token; the person, or a refusal."""
    if pending is None or not hmac.compare_digest(args.get("state", ""), pending.state):
        raise StateError()
    if args.get("error"):
        log.info("ID-porten sign-in ended by the provider: %s", _loggable(args["error"]))
        raise SignInError()
    issuer = current_app.config["OIDC_ISSUER"]
    # RFC 9207: an answer naming another issuer is a mix-up attack.
    if "iss" in args and args["iss"] != issuer:
        raise TokenError()
    code = args.get("code", "")
    if not code:
        raise TokenError()
    try:
        token = _client(redirect_uri).fetch_token(
            metadata()["token_endpoint"],
            grant_type="authorization_code",
            code=code,
            code_verifier=pending.verifier,
            timeout=current_app.config["OIDC_TIMEOUT"],
        )
    except AuthlibBaseError as error:
        # A used, expired or stolen code: invalid_grant. Only the error code is logged.
        log.info("ID-porten code exchange refused: %s", _loggable(error.error))
        raise TokenError() from None
    except requests.RequestException:
        log.warning("ID-porten token endpoint did not answer")
        raise ProviderUnavailableError() from None
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise TokenError()
    claims = validate_id_token(id_token, nonce=pending.nonce)
    identity = Identity(
        pid_hash=pid_hash(claims["pid"]), acr=claims["acr"], sealed_id_token=seal(id_token)
    )
    required = LEVELS.index(current_app.config["OIDC_ACR_VALUES"].split()[0])
    if identity.acr not in LEVELS or LEVELS.index(identity.acr) < required:
        log.info("ID-porten sign-in refused: level %s is too low", identity.acr)
        raise LevelError()
    return identity


def _loggable(code: object) -> str:
    """An OAuth error code from outside, only if it looks like one (no log injection)."""
    text = str(code)
    return text if re.fullmatch(r"[a-z_]{1,40}", text) else "unrecognised"


def _keys(*, refresh: bool = False) -> KeySet:
    try:
        return KeySet.import_key_set(_cached_json(metadata()["jwks_uri"], refresh=refresh))
    except (JoseError, ValueError, TypeError):
        raise ProviderUnavailableError() from None


def validate_id_token(id_token: str, *, nonce: str, now: int | None = None) -> dict:
    """Signature, issuer, audience, expiry, nonce, and the claims we need (OIDC Core 3.1.3.7)."""
    config = current_app.config
    try:
        try:
            token = jwt.decode(id_token, _keys(), algorithms=SIGNING_ALGORITHMS)
        except JoseError:
            # Perhaps the provider rolled its keys: fetch them once more.
            token = jwt.decode(id_token, _keys(refresh=True), algorithms=SIGNING_ALGORITHMS)
        jwt.JWTClaimsRegistry(
            now=now,
            leeway=60,
            iss={"essential": True, "value": config["OIDC_ISSUER"]},
            aud={"essential": True, "value": config["OIDC_CLIENT_ID"]},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
            pid={"essential": True},
            acr={"essential": True},
        ).validate(token.claims)
    except (JoseError, ValueError) as error:
        # The kind of failure only: never the token or its claims (ASVS 7.1.1, 7.1.2).
        log.info("ID token refused: %s", type(error).__name__)
        raise TokenError() from None
    claims = token.claims
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != config["OIDC_CLIENT_ID"]:
        raise TokenError()
    if not isinstance(claims["pid"], str) or not isinstance(claims["acr"], str):
        raise TokenError()
    return claims


def pid_hash(pid: str) -> str:
    """A keyed hash (HMAC-SHA256) of the identity number: recognises, cannot be reversed."""
    config = current_app.config
    key = (
        config.get("OIDC_PID_KEY")
        or hmac.new(config["SECRET_KEY"].encode(), b"idporten-pid", hashlib.sha256).hexdigest()
    )
    return hmac.new(key.encode(), pid.encode(), hashlib.sha256).hexdigest()


def find_user(identity: Identity) -> User | None:
    return db.session.scalar(select(User).where(User.pid_hash == identity.pid_hash))


def _sealer() -> Fernet:
    key = hmac.new(
        current_app.config["SECRET_KEY"].encode(), b"idporten-id-token", hashlib.sha256
    ).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(id_token: str) -> str:
    """The ID token encrypted (Fernet, a key derived from the secret key): it carries `pid`, so
    the database (and a pending sign-up's cookie) holds it only in this form."""
    return _sealer().encrypt(id_token.encode()).decode()


def unseal(sealed: str | None) -> str | None:
    """The ID token back, or None (none kept, or sealed under another secret key)."""
    if not sealed:
        return None
    try:
        return _sealer().decrypt(sealed.encode()).decode()
    except InvalidToken:
        return None


def logout_url(post_logout_redirect_uri: str, id_token: str | None) -> str | None:
    """RP-initiated logout at the provider, if it offers it (OpenID Connect RP-Initiated Logout
    1.0): the ID token of the sign-in as `id_token_hint` tells the provider whose single sign-on
    to end, and lets it send the person back without asking."""
    endpoint = metadata().get("end_session_endpoint")
    if not endpoint:
        return None
    params = {
        "client_id": current_app.config["OIDC_CLIENT_ID"],
        "post_logout_redirect_uri": post_logout_redirect_uri,
        "state": secrets.token_urlsafe(16),
    }
    if id_token:
        params["id_token_hint"] = id_token
    return f"{endpoint}?{urlencode(params)}"
