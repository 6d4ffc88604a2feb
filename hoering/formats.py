"""How moments are written for people, in the reader's language: one rule for pages, feeds and
e-mails."""

from datetime import datetime

from flask_babel import format_date, format_time


def format_moment(value: datetime) -> str:
    """A date and a time to the minute ("22. des. 2026, 12:00"): seconds mean nothing here."""
    return f"{format_date(value, 'medium')}, {format_time(value, 'short')}"
