"""Domain errors and the app's error pages (HTML or JSON), one handler per kind."""

from __future__ import annotations

import logging

from flask import Flask, g, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from hoering.db import discard_transaction, end_session
from hoering.extensions import login_manager

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the domain refused an action; the message is shown to the user."""

    status = 400
    message = _l("Forespørselen kunne ikke behandles.")

    def __init__(self, message=None, *, field: str | None = None):
        super().__init__(str(message or self.message))
        if message is not None:
            self.message = message
        self.field = field


class NotFoundError(DomainError):
    status = 404
    message = _l("Siden finnes ikke.")


class ForbiddenError(DomainError):
    status = 403
    message = _l("Du har ikke tilgang til dette.")


class ConflictError(DomainError):
    status = 409


class BadInputError(DomainError):
    status = 400


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


# Free-text fields whose content a refused page shows back, so nothing typed is lost.
KEPT_FIELDS = ("body", "text", "statement", "summary", "expectations", "source", "reason")


def error_response(status: int, message: str, *, title: str | None = None, headers=None, kept=None):
    if wants_json():
        response = jsonify(error=message, status=status, request_id=g.get("request_id"))
    else:
        response = render_template(
            "errors/error.html",
            status=status,
            title=title or message,
            message=message,
            kept=kept or [],
        )
    return response, status, headers or {}


def _typed_text() -> list[str]:
    """What the person wrote in the refused form's free-text fields."""
    return [
        value
        for name in KEPT_FIELDS
        if (value := request.form.get(name, "")).strip() and "\x00" not in value
    ]


_TITLES = {
    400: _l("Ugyldig forespørsel"),
    403: _l("Ingen tilgang"),
    404: _l("Siden finnes ikke"),
    405: _l("Metoden er ikke tillatt"),
    409: _l("Ikke mulig nå"),
    413: _l("For stor forespørsel"),
    429: _l("For mange forespørsler"),
    500: _l("Noe gikk galt"),
    503: _l("Tjenesten er midlertidig utilgjengelig"),
}

_MESSAGES = {
    400: _l("Forespørselen var ugyldig."),
    403: _l("Du har ikke tilgang til denne siden."),
    404: _l("Vi fant ikke siden du lette etter. Sjekk adressen, eller gå til forsiden."),
    405: _l("Denne adressen tar ikke imot slike forespørsler."),
    413: _l("Det du sendte er for stort. Korte ned teksten eller filen og prøv igjen."),
    429: _l("Du har gjort for mange forsøk på kort tid. Vent litt og prøv igjen."),
    500: _l("En feil hos oss hindret siden i å vises. Feilen er logget."),
    503: _l("Tjenesten er travel akkurat nå. Ingenting ble lagret. Prøv igjen om litt."),
}


def register_error_handlers(app: Flask) -> None:
    # Registered after Flask-SQLAlchemy's own clean-up, so it runs first (teardowns run in
    # reverse): what the request left open is ended here, a dead connection dropped.
    @app.teardown_appcontext
    def end_transaction(error: BaseException | None) -> None:
        end_session()

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        discard_transaction()
        return error_response(error.status, str(error.message), title=_TITLES.get(error.status))

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        log.warning("CSRF check failed on %s", request.path)
        message = _(
            "Skjemaet var utløpt eller ugyldig. Gå tilbake, last siden på nytt og send igjen."
        )
        return error_response(
            400, message, title=_("Skjemaet må sendes på nytt"), kept=_typed_text()
        )

    @app.errorhandler(OperationalError)
    def database_busy(error: OperationalError):
        discard_transaction()
        log.warning("database unavailable: %s", type(error.orig).__name__)
        # The page must render without the database: the layout sees a signed-out visitor, as
        # loading the person (again) would wait on the same lock or the same dead connection.
        g._login_user = login_manager.anonymous_user()
        return error_response(
            503,
            str(_MESSAGES[503]),
            title=str(_TITLES[503]),
            headers={"Retry-After": "5", "Cache-Control": "no-store"},
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        status = error.code or 500
        message = _MESSAGES.get(status) or error.description
        headers = {}
        if status == 405 and error.valid_methods:
            headers["Allow"] = ", ".join(error.valid_methods)
        if status == 429:
            headers["Retry-After"] = "60"
        return error_response(
            status, str(message), title=str(_TITLES.get(status, error.name)), headers=headers
        )

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        discard_transaction()
        log.exception("unhandled error")
        return error_response(500, str(_MESSAGES[500]), title=str(_TITLES[500]))
