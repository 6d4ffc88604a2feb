"""The named steps create_app() runs: extensions, blueprints, per-request hooks, templates."""

from __future__ import annotations

import functools
import logging
import re
import secrets
import time
from urllib.parse import parse_qsl, urlsplit

from babel import support
from flask import Flask, abort, current_app, g, has_request_context, request, session
from flask_babel import format_date, format_decimal, format_timedelta, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, ValidationError
from wtforms.i18n import messages_path

from hoering import tasks
from hoering.db import is_modelled
from hoering.documents.uploads import body_limit
from hoering.errors import BadInputError
from hoering.extensions import babel, csrf, db, limiter, login_manager, migrate
from hoering.formats import format_moment
from hoering.paging import MAX_ID

request_log = logging.getLogger("hoering.requests")

# A request id from the proxy is kept only if it is a plain token (no log injection, ASVS 7.3.1).
REQUEST_ID_RE = re.compile(r"[A-Za-z0-9._-]{1,64}")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; object-src 'none'"
)


# Characters that could end a log line early or disguise it: C0/C1 controls (CR, LF, ESC …),
# the Unicode line and paragraph separators, and the bidi overrides.
_LOG_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape_log_character(match: re.Match) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


class EscapedLogRecord(logging.LogRecord):
    """One record, one line: control characters in any logged value are escaped (ASVS 7.3.1),
    so a request path with CR/LF in it cannot forge a log line. Tracebacks are not the message
    and keep their lines."""

    def getMessage(self) -> str:  # noqa: N802 - the logging module's name
        message = super().getMessage()
        if self.name == "werkzeug":
            # The development server colours its own lines; it never runs in production.
            return message
        return _LOG_UNSAFE.sub(_escape_log_character, message)


def escape_log_records() -> None:
    """Every logger in the process (ours, gunicorn's, the libraries') makes escaped records."""
    logging.setLogRecordFactory(EscapedLogRecord)


def _csp(app: Flask) -> str:
    """The policy; with ID-porten on, sign-out may send the browser on to its logout page."""
    issuer = app.config.get("OIDC_ISSUER")
    if not issuer:
        return CSP
    parts = urlsplit(issuer)
    return CSP.replace("form-action 'self'", f"form-action 'self' {parts.scheme}://{parts.netloc}")


def configure_proxy(app: Flask) -> None:
    """Trust X-Forwarded-* only from the configured number of proxies in front of us."""
    hops = app.config["PROXY_HOPS"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def select_locale() -> str:
    """The visitor's choice, else the signed-in person's, else bokmål."""
    if not has_request_context():
        return "nb"
    languages = current_app.config["LANGUAGES"]
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return "nb"


@functools.lru_cache(maxsize=8)
def _wtforms_catalog(locale: str) -> support.NullTranslations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _WTFormsTranslations:
    """WTForms' own messages in the request's language, each catalog read once per process.

    Flask-WTF reads the catalog from disk in every request that builds a form (about a
    millisecond of each post); it takes this object instead when the request already has one.
    """

    def ugettext(self, string: str) -> str:
        return _wtforms_catalog(str(get_locale())).ugettext(string)

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return _wtforms_catalog(str(get_locale())).ungettext(singular, plural, n)


WTFORMS_TRANSLATIONS = _WTFormsTranslations()


def configure_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(
        app,
        db,
        directory=str(app.root_path + "/../migrations"),
        render_as_batch=True,
        include_name=is_modelled,
    )
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    tasks.init_app(app)

    from hoering.accounts.services import load_session_user

    login_manager.init_app(app)
    login_manager.session_protection = None  # the server-side LoginSession does this job
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    login_manager.user_loader(load_session_user)


def register_blueprints(app: Flask) -> None:
    from hoering.accessibility.views import bp as accessibility_bp
    from hoering.accounts.oidc_views import bp as idporten_bp
    from hoering.accounts.organisation_views import bp as organisations_bp
    from hoering.accounts.second_factor_views import bp as second_factor_bp
    from hoering.accounts.views import bp as accounts_bp
    from hoering.agencies.views import bp as agencies_bp
    from hoering.analysis.views import bp as analysis_bp
    from hoering.api.views import bp as api_bp
    from hoering.archive.views import bp as archive_bp
    from hoering.consultations.views import bp as consultations_bp
    from hoering.consultations.views import manage_bp as consultations_manage_bp
    from hoering.documents.views import bp as documents_bp
    from hoering.feeds.views import bp as feeds_bp
    from hoering.journal.views import bp as journal_bp
    from hoering.moderation.views import bp as moderation_bp
    from hoering.moderation.views import public_bp as reports_bp
    from hoering.ops.views import bp as ops_bp
    from hoering.outcome.views import bp as outcome_bp
    from hoering.privacy.views import bp as privacy_bp
    from hoering.submissions.views import bp as submissions_bp

    for blueprint in (
        accounts_bp,
        second_factor_bp,
        idporten_bp,
        organisations_bp,
        consultations_bp,
        consultations_manage_bp,
        submissions_bp,
        documents_bp,
        feeds_bp,
        reports_bp,
        moderation_bp,
        privacy_bp,
        agencies_bp,
        journal_bp,
        archive_bp,
        api_bp,
        ops_bp,
        analysis_bp,
        accessibility_bp,
        outcome_bp,
    ):
        app.register_blueprint(blueprint)


def connect_domains(app: Flask) -> None:
    """Domains that act when a lower one reports an event (they listen; it never calls up)."""
    from hoering.analysis.campaigns import on_submission_accepted
    from hoering.submissions.services import accepted

    accepted.connect(on_submission_accepted)


def _revalidatable(response) -> bool:
    """A public page (HTML, JSON, Atom) whose body is the same for every anonymous visitor."""
    return (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not response.is_streamed
        and response.mimetype in ("text/html", "application/json", "application/atom+xml")
        and "ETag" not in response.headers
        and not session.modified
    )


def _is_utf8_query(raw: bytes) -> bool:
    try:
        # Raw UTF-8 bytes are as good as percent-escaped ones; either must decode strictly.
        parse_qsl(raw.decode("utf-8"), keep_blank_values=True, encoding="utf-8", errors="strict")
    except (UnicodeDecodeError, ValueError):
        return False
    return True


def _refuse_unreadable() -> None:
    """Parameters and form fields that are not valid UTF-8, or hold a NUL byte, are a 400 with a
    message. Werkzeug would keep undecodable "%FF" as those three characters, or drop the field;
    PostgreSQL cannot store NUL, and no person types one. (Innspill text gets the NUL refusal
    in its own form, which keeps the text.)"""
    form_post = request.method == "POST" and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    )
    readable = _is_utf8_query(request.query_string)
    if form_post and request.mimetype == "application/x-www-form-urlencoded":
        # Read (and kept for the form parser) before Werkzeug decodes it leniently.
        readable = readable and _is_utf8_query(request.get_data(cache=True))
    elif form_post:
        # Werkzeug decodes multipart fields with "replace": a bad byte arrives as U+FFFD.
        readable = readable and not any("\ufffd" in v for v in request.form.values())
    values = list(request.args.values())
    if form_post:
        values += [v for k, v in request.form.items() if k != "body"]
    if not readable:
        raise BadInputError(
            _l("Forespørselen inneholder tegn som ikke er gyldig UTF-8. Send skjemaet på nytt.")
        )
    if any("\x00" in value for value in values):
        raise BadInputError(
            _l("Forespørselen inneholder et ugyldig tegn (NUL). Fjern det og prøv igjen.")
        )


class IdConverter(IntegerConverter):
    """`<int:…>` in a route: a number past MAX_ID matches no route (404), as it names no row."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)

    def to_python(self, value: str) -> int:
        # Checked before int(): Python refuses to convert more than 4,300 digits (ValueError).
        if len(value) > len(str(MAX_ID)):
            raise ValidationError()
        return super().to_python(value)


def configure_requests(app: Flask) -> None:
    escape_log_records()
    if app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_NAME"] == "session":
        # Over HTTPS the __Host- prefix makes browsers refuse the cookie unless it is Secure,
        # for this host only and for every path: no subdomain can set or shadow it (ASVS 3.4.4).
        app.config["SESSION_COOKIE_NAME"] = "__Host-session"
        app.config["SESSION_COOKIE_DOMAIN"] = None
        app.config["SESSION_COOKIE_PATH"] = "/"
    # Before any blueprint adds its rules, so every <int:…> in a route is range-checked.
    app.url_map.converters["int"] = IdConverter

    @app.before_request
    def start_request():
        given = request.headers.get("X-Request-Id", "")
        g.request_id = given if REQUEST_ID_RE.fullmatch(given) else secrets.token_hex(8)
        g.started = time.perf_counter()
        request.wtforms_translations = WTFORMS_TRANSLATIONS  # Flask-WTF's per-request slot
        # Refuse an oversized body from its Content-Length alone, before a byte of it is read;
        # a body sent without one is cut off at the same limit while it is read.
        view = app.view_functions.get(request.endpoint)
        limit = body_limit(view, app.config, request.mimetype)
        request.max_content_length = limit
        if (request.content_length or 0) > limit:
            abort(413)
        _refuse_unreadable()

    @app.after_request
    def finish_request(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", _csp(app))
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        # Nothing of our addresses (which name consultations and innspill) goes to other sites.
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers["X-Request-Id"] = g.get("request_id", "")
        if app.config["SESSION_COOKIE_SECURE"]:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        # Flask-Login keeps the sign-in under "_user_id"; reading the session, not the person,
        # spares a query after the view has committed.
        if session.get("_user_id"):
            # Pages for a signed-in person never go into a shared cache.
            headers.setdefault("Cache-Control", "private, no-store")
        elif _revalidatable(response):
            # Public pages as anyone sees them: a browser or proxy asks again each time and gets
            # 304 Not Modified while the page is unchanged.
            response.add_etag()
            headers.setdefault("Cache-Control", "no-cache")
            response.make_conditional(request)
        elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
        # One line per request; the path only (no query string, which may carry search text).
        request_log.info(
            "%s %s %s %.1fms id=%s",
            request.method,
            request.path,
            response.status_code,
            elapsed,
            g.get("request_id", "-"),
        )
        return response


def configure_templates(app: Flask) -> None:
    from hoering import text
    from hoering.consultations.forms import problem_label
    from hoering.moderation.labels import action_label, change_label, reason_label
    from hoering.privacy.labels import finding_label
    from hoering.submissions.display import list_context

    app.jinja_env.filters["markdown"] = text.render_markdown
    app.jinja_env.filters["date"] = lambda value: format_date(value, "long")
    app.jinja_env.filters["datetime"] = format_moment
    app.jinja_env.filters["number"] = format_decimal
    # "in 3 days" / "om 3 døgn": the time left until a moment, in the reader's language.
    app.jinja_env.filters["time_until"] = lambda value, now: format_timedelta(
        value - now, add_direction=True
    )
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["list_context"] = list_context
    app.jinja_env.globals["finding_label"] = finding_label
    app.jinja_env.globals["problem_label"] = problem_label
    app.jinja_env.globals["reason_label"] = reason_label
    app.jinja_env.globals["action_label"] = action_label
    app.jinja_env.globals["change_label"] = change_label
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
