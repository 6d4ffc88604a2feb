"""An agency's own look on its consultation pages: its name, its logo and its accent colour.

The colour reaches the page only through a generated stylesheet (the CSP forbids inline style),
and only as a validated #rrggbb that keeps text readable on white (WCAG 2.1 AA, 1.4.3).
"""

from __future__ import annotations

import re

from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hoering import text
from hoering.accounts.models import Agency, User
from hoering.errors import BadInputError, ForbiddenError
from hoering.privacy.services import can_edit_privacy

NAME_MAX = 200
LOGO_URL_MAX = 500
MIN_CONTRAST = 4.5  # WCAG 2.1 AA for normal text
WHITE = "#ffffff"
BLACK = "#000000"

COLOR_RE = re.compile(r"#[0-9a-f]{6}")
# A path under /static: plain segments only (no "..", no "//", no query, no backslash).
STATIC_PATH_RE = re.compile(
    r"/static/(?:[A-Za-z0-9_-][A-Za-z0-9._-]*/)*[A-Za-z0-9_-][A-Za-z0-9._-]*"
)


def can_edit_appearance(user, agency: Agency) -> bool:
    """The same people who edit the agency's privacy statement: its case officers, and admins."""
    return can_edit_privacy(user, agency)


def relative_luminance(color: str) -> float:
    """WCAG 2.1 relative luminance of a #rrggbb colour (0 for black, 1 for white)."""
    channels = []
    for i in (1, 3, 5):
        c = int(color[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2.1 contrast ratio of two #rrggbb colours, from 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def mix(color: str, other: str, weight: float) -> str:
    """`color` moved `weight` of the way towards `other` (both #rrggbb)."""
    parts = [
        round(int(color[i : i + 2], 16) * (1 - weight) + int(other[i : i + 2], 16) * weight)
        for i in (1, 3, 5)
    ]
    return "#" + "".join(f"{part:02x}" for part in parts)


def clean_theme_color(value: str) -> str | None:
    """A #rrggbb colour with at least 4.5:1 contrast against white, lower-cased; empty is none."""
    value = (value or "").strip().lower()
    if not value:
        return None
    if not COLOR_RE.fullmatch(value):
        raise BadInputError(
            _l("Skriv fargen som # og seks heksadesimale sifre, for eksempel #0062ba."),
            field="theme_color",
        )
    ratio = contrast_ratio(value, WHITE)
    if ratio < MIN_CONTRAST:
        raise BadInputError(
            _(
                "Fargen %(color)s har for lav kontrast mot hvit (%(ratio)s:1). Tekst og knapper "
                "må ha minst 4,5:1 (WCAG 2.1 AA). Velg en mørkere farge.",
                color=value,
                ratio=format_decimal(ratio, format="0.00"),
            ),
            field="theme_color",
        )
    return value


def clean_logo_url(value: str) -> str | None:
    """A path under /static/ only: a visitor's browser never fetches from a third party's site
    (which would tell it who reads what), and nothing else (javascript:, data:) can slip in."""
    value = (value or "").strip()
    if not value:
        return None
    if len(value) > LOGO_URL_MAX or text.has_nul(value) or any(c.isspace() for c in value):
        raise BadInputError(_l("Logoadressen er ikke gyldig."), field="logo_url")
    if STATIC_PATH_RE.fullmatch(value):
        return value
    raise BadInputError(
        _l("Logoen må ligge på denne tjenesten, med en adresse som begynner med /static/."),
        field="logo_url",
    )


def update_appearance(
    agency: Agency, *, name: str, logo_url: str, theme_color: str, by: User
) -> None:
    """The agency's case officers (and admins) set its name, logo and a readable accent colour."""
    if not can_edit_appearance(by, agency):
        raise ForbiddenError()
    name = text.clean_name(name)
    if not name:
        raise BadInputError(_l("Skriv navnet på virksomheten."), field="name")
    if len(name) > NAME_MAX:
        raise BadInputError(_l("Navnet kan ha høyst %(n)s tegn.", n=NAME_MAX), field="name")
    agency.logo_url = clean_logo_url(logo_url)
    agency.theme_color = clean_theme_color(theme_color)
    agency.name = name


def theme_css(color: str) -> str:
    """The stylesheet that gives Designsystemet's accent the agency's colour (already validated)."""
    if not COLOR_RE.fullmatch(color):
        raise ValueError(color)
    properties = {
        "--ds-color-accent-base-default": color,
        "--ds-color-accent-base-hover": mix(color, BLACK, 0.15),
        "--ds-color-accent-base-active": mix(color, BLACK, 0.3),
        "--ds-color-accent-base-contrast-default": WHITE,
        "--ds-color-accent-text-subtle": color,
        "--ds-color-accent-text-default": mix(color, BLACK, 0.45),
        "--ds-color-accent-border-default": color,
        "--ds-color-accent-border-strong": mix(color, BLACK, 0.15),
        "--ds-color-accent-surface-tinted": mix(color, WHITE, 0.88),
        "--ds-color-accent-background-tinted": mix(color, WHITE, 0.94),
    }
    body = "".join(f"  {name}: {value};\n" for name, value in properties.items())
    return f":root, [data-color-scheme] {{\n{body}}}\n"
