"""Settings from HOERING_* environment variables, with defaults that run anywhere."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from hoering import ratelimit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("HOERING_INSTANCE_DIR", PROJECT_ROOT / "instance"))


class ConfigError(RuntimeError):
    """The settings cannot run the app safely."""


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _development_secret() -> str:
    """A per-installation secret kept in the instance folder, for development only."""
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _oidc_settings() -> dict:
    """Sign-in with ID-porten: on only when the issuer, client id and a secret or key are set."""
    key_file = os.environ.get("HOERING_OIDC_PRIVATE_KEY_FILE")
    return {
        "OIDC_ISSUER": os.environ.get("HOERING_OIDC_ISSUER") or None,
        "OIDC_CLIENT_ID": os.environ.get("HOERING_OIDC_CLIENT_ID") or None,
        "OIDC_CLIENT_SECRET": os.environ.get("HOERING_OIDC_CLIENT_SECRET") or None,
        "OIDC_PRIVATE_KEY": Path(key_file).read_text() if key_file else None,
        "OIDC_KEY_ID": os.environ.get("HOERING_OIDC_KEY_ID") or None,
        "OIDC_SCOPES": os.environ.get("HOERING_OIDC_SCOPES", "openid profile"),
        "OIDC_ACR_VALUES": os.environ.get("HOERING_OIDC_ACR_VALUES", "idporten-loa-substantial"),
        "OIDC_PID_KEY": os.environ.get("HOERING_OIDC_PID_KEY") or None,
    }


def load_config() -> dict:
    """Read the environment; refuse to start in production without a secret key."""
    env = os.environ.get("HOERING_ENV", "development")
    production = env == "production"
    secret = os.environ.get("HOERING_SECRET_KEY")
    if not secret:
        if production:
            raise ConfigError("HOERING_SECRET_KEY must be set when HOERING_ENV=production")
        secret = _development_secret()
    database_url = os.environ.get(
        "HOERING_DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'hoering.db'}"
    )
    redis_url = os.environ.get("HOERING_REDIS_URL") or None
    return {
        "ENV_NAME": env,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": redis_url,
        "RATELIMIT_STORAGE_URI": redis_url or ratelimit.STORAGE_URI,
        "PROXY_HOPS": int(os.environ.get("HOERING_PROXY_HOPS", "0")),
        "SESSION_COOKIE_SECURE": _env_bool("HOERING_SECURE_COOKIES", production),
        "REMEMBER_COOKIE_SECURE": _env_bool("HOERING_SECURE_COOKIES", production),
        "MAIL_SMTP_HOST": os.environ.get("HOERING_SMTP_HOST") or None,
        "MAIL_SMTP_PORT": int(os.environ.get("HOERING_SMTP_PORT", "25")),
        "MAIL_FROM": os.environ.get("HOERING_MAIL_FROM", "ikke-svar@hoering.invalid"),
        "BASE_URL": os.environ.get("HOERING_BASE_URL", "http://127.0.0.1:5000"),
        "REPORT_HIDE_THRESHOLD": int(os.environ.get("HOERING_REPORT_HIDE_THRESHOLD", "3")),
        # Attachments on innspill: the accepted types (by content) and the limits per file.
        "ATTACHMENT_TYPES": tuple(
            name.strip().lower()
            for name in os.environ.get("HOERING_ATTACHMENT_TYPES", "pdf,docx,odt").split(",")
            if name.strip()
        ),
        "ATTACHMENT_MAX_BYTES": int(os.environ.get("HOERING_ATTACHMENT_MAX_MB", "20")) * 1024**2,
        "ATTACHMENT_MAX_COUNT": int(os.environ.get("HOERING_ATTACHMENT_MAX_COUNT", "5")),
        **_oidc_settings(),
        # Where the task queue writes the arkivuttrekk case officers download; with several
        # hosts, a folder they all mount (the worker writes it, any web host serves it).
        "ARCHIVE_EXPORT_DIR": os.environ.get("HOERING_ARCHIVE_EXPORT_DIR")
        or str(INSTANCE_DIR / "arkivuttrekk"),
        # Where each journal entry is delivered as an arkivmelding (file:///… or https://…,
        # {agency} becomes the agency's slug); unset, nothing is queued for delivery.
        "ARCHIVE_DELIVERY_URL": os.environ.get("HOERING_ARCHIVE_DELIVERY_URL") or None,
        "DEBUG": False,
        "TESTING": False,
    }


# Defaults every configuration starts from; load_config() and test dicts override them.
DEFAULTS: dict = {
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    # A form left open over lunch must still post; the error page explains an expired token.
    "WTF_CSRF_TIME_LIMIT": 12 * 3600,
    # Draft uploads are the largest bodies we accept.
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    # hide_parameters: SQL errors and logs never carry what people typed (ASVS 7.1.2).
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
    "BABEL_DEFAULT_LOCALE": "nb",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Oslo",
    "LANGUAGES": ("nb", "nn", "en"),
    "SUBMISSION_MAX_LENGTH": 10_000,
    "SUBMISSION_MAX_LINKS": 5,
    "PAGE_SIZE": 20,
    "API_PAGE_SIZE": 100,
    # Idle and absolute lifetime of a sign-in (ASVS 3.3.2).
    "SESSION_IDLE_MINUTES": 60,
    "PASSWORD_RESET_MINUTES": 60,
    "RESET_LIMIT": "5 per hour",
    "SESSION_MAX_HOURS": 12,
    # Exporting, changing roles and blocking ask for the second factor again after this long.
    "SECOND_FACTOR_RECHECK_MINUTES": 15,
    # Tries at a second-factor code per person: enough for typos, far too few to guess.
    "SECOND_FACTOR_LIMIT": "10 per 15 minutes",
    # ID-porten (OpenID Connect): off until HOERING_OIDC_* names a provider (see load_config).
    "OIDC_ISSUER": None,
    "OIDC_CLIENT_ID": None,
    "OIDC_CLIENT_SECRET": None,
    "OIDC_PRIVATE_KEY": None,
    "OIDC_KEY_ID": None,
    "OIDC_SCOPES": "openid profile",
    "OIDC_ACR_VALUES": "idporten-loa-substantial",
    "OIDC_PID_KEY": None,
    # Seconds to wait for the provider; a slow provider gets a clear page, not a hung request.
    "OIDC_TIMEOUT": 5,
    # Per account, so a guessed password cannot lock anyone else out; and per address.
    "LOGIN_LIMIT": "10 per 15 minutes",
    # argon2id cost: argon2-cffi's RFC 9106 low-memory profile.
    "ARGON2_TIME_COST": 3,
    "ARGON2_MEMORY_COST": 65536,
    "LOGIN_ADDRESS_LIMIT": "50 per 15 minutes",
    # Accepted innspill per account, across every route that takes one (ASVS 11.1.3)...
    "SUBMIT_LIMIT": "20 per hour",
    # ...and posts per account, accepted or refused, so refusals cannot be used to probe freely.
    "SUBMIT_ATTEMPT_LIMIT": "60 per hour",
    # Several people may share an address (an office, a school): well above one person's limit.
    "SUBMIT_ADDRESS_LIMIT": "300 per hour",
    # New accounts per address, and registration posts per address (each costs an argon2 hash).
    "REGISTER_LIMIT": "10 per hour",
    "REGISTER_ATTEMPT_LIMIT": "30 per hour",
    # The live personal-data hint asks at most every ~second while someone types.
    "PRIVACY_CHECK_LIMIT": "60 per minute",
    "REPORT_LIMIT": "10 per hour",
    "MIN_FORM_SECONDS": 3,
    # Worker processes rendering PDF/A for an arkivuttrekk prepared by the task queue. One keeps
    # a task worker from forking; the CLI (`flask archive export --workers`) uses two by default.
    "ARCHIVE_WEB_WORKERS": 1,
    # True runs each background task in-process as its transaction commits (tests, one-off
    # scripts); the app itself queues them for `flask --app hoering tasks worker`.
    "TASKS_IMMEDIATE": False,
    # A DOCX or ODT is a ZIP: refuse one that unpacks past this size or this ratio (a bomb).
    "ATTACHMENT_MAX_UNPACKED": 100 * 1024 * 1024,
    "ATTACHMENT_MAX_RATIO": 100,
    # Seconds one PDF/A conversion may take, and how many tries before it is flagged.
    "CONVERSION_TIMEOUT": 120,
    "CONVERSION_MAX_ATTEMPTS": 3,
    "RATELIMIT_HEADERS_ENABLED": True,
    "RATELIMIT_STRATEGY": "moving-window",
    "RATELIMIT_STORAGE_URI": ratelimit.STORAGE_URI,
}
