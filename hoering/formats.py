"""How moments are written for people, in the reader's language: one rule for pages, feeds and
e-mails."""

from datetime import UTC, datetime

from babel.dates import format_date, format_time
from flask_babel import get_locale, get_timezone


def format_moment(value: datetime) -> str:
    """A date and a time to the minute ("22. des. 2026, 12:00"): seconds mean nothing here.

    Babel directly, with the reader's locale and time zone looked up once: a page of innspill
    writes one moment per innspill, and Flask-Babel's wrappers cost more than the formatting."""
    locale = get_locale()
    local = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(get_timezone())
    day = format_date(local, "medium", locale=locale)
    return f"{day}, {format_time(local, 'short', locale=locale)}"
