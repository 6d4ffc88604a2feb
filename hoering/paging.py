"""Query-string parameters shared by the pages, the exports and the API: keyset pages, dates."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from flask_babel import lazy_gettext as _l

from hoering.errors import BadInputError

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def after_param(args: Mapping[str, str], name: str = "etter") -> int | None:
    """The keyset cursor `?etter=<id>`: a positive whole number, or nothing (400 otherwise)."""
    value = args.get(name)
    if value is None or value == "":
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 12:
        raise BadInputError(_l("Ugyldig sidevalg."), field=name)
    return int(value)


def date_param(args: Mapping[str, str], name: str) -> date | None:
    """A date written åååå-mm-dd, or nothing (400 with a message otherwise)."""
    value = (args.get(name) or "").strip()
    if not value:
        return None
    try:
        if not _ISO_DATE.match(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise BadInputError(
            _l("Skriv datoen som åååå-mm-dd, for eksempel 2026-03-01."), field=name
        ) from None
