"""Query-string parameters shared by the pages, the exports and the API: keyset pages, dates."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from flask_babel import lazy_gettext as _l

from hoering.errors import BadInputError

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# Row ids are 64-bit signed integers: a larger number names no row, and SQLite cannot even bind
# it (OverflowError). The "int" URL converter and every id read from a query or form stop here.
MAX_ID = 2**63 - 1


def whole_number(value: str) -> int:
    """A whole number from 0 to MAX_ID written in ASCII digits; ValueError otherwise.

    Fits `request.args.get(name, type=whole_number)`, which gives None for a bad value.
    """
    if not value.isascii() or not value.isdigit() or len(value) > 19 or int(value) > MAX_ID:
        raise ValueError(value)
    return int(value)


def after_param(args: Mapping[str, str], name: str = "etter") -> int | None:
    """The keyset cursor `?etter=<id>`: a whole number, or nothing (400 otherwise)."""
    value = args.get(name)
    if value is None or value == "":
        return None
    try:
        return whole_number(value)
    except ValueError:
        raise BadInputError(_l("Ugyldig sidevalg."), field=name) from None


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
