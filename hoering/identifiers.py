"""Norwegian identifier check-digit rules: organisation, bank account and national identity numbers.

This is the only implementation of these rules in Høring. Form validation and the personal-data
detector (`hoering.privacy.detect`) both use it. The rules for national identity numbers follow
`shared/SECURITY.md` §2, including the 2032 rule for the first check digit.
"""

import calendar
import re
from collections.abc import Sequence

ORGANISATION_NUMBER_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)
ACCOUNT_NUMBER_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
NATIONAL_ID_K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
NATIONAL_ID_K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)

# Remainders of (S1 + k1) mod 11 that are accepted for the first check digit. The classic rule
# allows only 0; numbers issued from 2032 may also use 1, 2 or 3.
NATIONAL_ID_K1_REMAINDERS = frozenset({0, 1, 2, 3})

# Ordinary space, no-break space and narrow no-break space: all three turn up when people paste
# numbers from word processors and web pages.
SPACE = "[ \u00a0\u202f]"

# Regex sources shared with the detector so that a form and the detector agree on what a number
# looks like. Digits are spelled [0-9] because \d also matches non-ASCII digits. The detector reads
# the "sep" group to tell a grouped account number from a plain one.
ORGANISATION_NUMBER_PATTERN = rf"[0-9]{{3}}{SPACE}?[0-9]{{3}}{SPACE}?[0-9]{{3}}"
ACCOUNT_NUMBER_PATTERN = (
    rf"[0-9]{{4}}(?:(?P<sep>{SPACE}|\.)[0-9]{{2}}(?P=sep)|[0-9]{{2}})[0-9]{{5}}"
)
# DDMMYY then five digits. People write the date with dots (13.09.72) and put a space, a dot or a
# hyphen before the last five (130972 48022, 130972-48022): the digits decide, not the separators.
_DASH = "[-\u2010\u2011\u2013]"
NATIONAL_ID_PATTERN = (
    r"[0-9]{2}(?P<date_sep>\.?)[0-9]{2}(?P=date_sep)[0-9]{2}"
    rf"(?:{SPACE}|\.|{_DASH})?[0-9]{{5}}"
)

_ORGANISATION_NUMBER_RE = re.compile(ORGANISATION_NUMBER_PATTERN)
_ACCOUNT_NUMBER_RE = re.compile(ACCOUNT_NUMBER_PATTERN)
_NATIONAL_ID_RE = re.compile(NATIONAL_ID_PATTERN)
_NON_DIGITS_RE = re.compile(r"[^0-9]")

# Offsets added to the day (D-number) or the month (H-number, Tenor/Test-Norge synthetic number).
D_NUMBER_DAY_OFFSET = 40
H_NUMBER_MONTH_OFFSET = 40
SYNTHETIC_MONTH_OFFSET = 80


def mod11_remainder(digits: str, weights: Sequence[int]) -> int:
    """Return (Σ weight × digit + check digit) mod 11; the check digit follows the weighted digits.

    A remainder of 0 means the check digit is right under the classic rule. A computed check digit
    of 10 ("never issued") needs no special case: no single digit can bring the sum to 0 then.
    """
    if len(digits) != len(weights) + 1 or not (digits.isascii() and digits.isdigit()):
        raise ValueError("expected ASCII digits: one per weight plus the check digit")
    weighted = sum(weight * int(digit) for weight, digit in zip(weights, digits, strict=False))
    return (weighted + int(digits[-1])) % 11


def _digits_if_matches(value: object, pattern: re.Pattern[str]) -> str | None:
    """Return the ASCII digits of value if the whole stripped value matches pattern, else None."""
    if not isinstance(value, str):
        return None
    match = pattern.fullmatch(value.strip())
    return _NON_DIGITS_RE.sub("", match.group()) if match else None


def normalize_organisation_number(value: str) -> str | None:
    """Return the 9 digits of an organisation number written as 9 digits or 3-3-3 with spaces."""
    return _digits_if_matches(value, _ORGANISATION_NUMBER_RE)


def is_valid_organisation_number(value: str) -> bool:
    """Organisation number: 9 digits, weights 3 2 7 6 5 4 3 2, mod 11; check digit 10 is invalid."""
    digits = normalize_organisation_number(value)
    return digits is not None and mod11_remainder(digits, ORGANISATION_NUMBER_WEIGHTS) == 0


def normalize_account_number(value: str) -> str | None:
    """Return the 11 digits of a bank account written plain or grouped 4.2.5 with spaces or dots."""
    return _digits_if_matches(value, _ACCOUNT_NUMBER_RE)


def is_valid_account_number(value: str) -> bool:
    """Bank account: 11 digits, weights 5 4 3 2 7 6 5 4 3 2, mod 11; check digit 10 is invalid."""
    digits = normalize_account_number(value)
    return digits is not None and mod11_remainder(digits, ACCOUNT_NUMBER_WEIGHTS) == 0


def normalize_national_id(value: str) -> str | None:
    """Return the 11 digits of a national identity number, however its parts are separated."""
    return _digits_if_matches(value, _NATIONAL_ID_RE)


def national_id_checksums_ok(digits: str) -> bool:
    """Check digits: (S1 + k1) mod 11 in {0, 1, 2, 3} (2032 rule) and (S2 + k2) mod 11 == 0."""
    return (
        mod11_remainder(digits[:10], NATIONAL_ID_K1_WEIGHTS) in NATIONAL_ID_K1_REMAINDERS
        and mod11_remainder(digits, NATIONAL_ID_K2_WEIGHTS) == 0
    )


def _date_exists(day: int, month: int, two_digit_year: int) -> bool:
    """A DDMMYY date is real if it exists in 19YY or 20YY, since the century is not known."""
    if not 1 <= month <= 12 or day < 1:
        return False
    return any(
        day <= calendar.monthrange(century + two_digit_year, month)[1] for century in (1900, 2000)
    )


def classify_national_id(value: str) -> str | None:
    """Return "fodselsnummer", "d_number", "h_number" or "synthetic" for a valid number, else None.

    The date must be real after removing the offsets: +40 on the day (D), +40 on the month (H) or
    +80 on the month (Tenor/Test-Norge synthetic). Combinations are named by precedence:
    synthetic over D over H. A synthetic number never belongs to a real person, which is the fact
    callers most need (for example to refuse test numbers in production), and an H-number is an
    auxiliary number, so a D+H number is named after its D-number part.
    """
    digits = normalize_national_id(value)
    if digits is None or not national_id_checksums_ok(digits):
        return None
    day, month, year = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    is_d_number = day > D_NUMBER_DAY_OFFSET
    if is_d_number:
        day -= D_NUMBER_DAY_OFFSET
    is_synthetic = month > SYNTHETIC_MONTH_OFFSET
    is_h_number = not is_synthetic and month > H_NUMBER_MONTH_OFFSET
    if is_synthetic:
        month -= SYNTHETIC_MONTH_OFFSET
    elif is_h_number:
        month -= H_NUMBER_MONTH_OFFSET
    if not _date_exists(day, month, year):
        return None
    if is_synthetic:
        return "synthetic"
    if is_d_number:
        return "d_number"
    if is_h_number:
        return "h_number"
    return "fodselsnummer"


def is_valid_national_id(value: str) -> bool:
    """A national identity number is valid if both check digits and the (offset) date are valid."""
    return classify_national_id(value) is not None
