import pytest

from hoering.identifiers import (
    ACCOUNT_NUMBER_WEIGHTS,
    NATIONAL_ID_K1_WEIGHTS,
    NATIONAL_ID_K2_WEIGHTS,
    ORGANISATION_NUMBER_WEIGHTS,
    classify_national_id,
    is_valid_account_number,
    is_valid_national_id,
    is_valid_organisation_number,
    mod11_remainder,
    national_id_checksums_ok,
    normalize_account_number,
    normalize_national_id,
    normalize_organisation_number,
)

# Test vectors from shared/SECURITY.md §2.
VALID_NATIONAL_IDS = [
    ("13097248022", "fodselsnummer"),
    ("29029648784", "fodselsnummer"),
    ("29020075838", "fodselsnummer"),  # 29.02.00: a leap day in 2000
    ("15021951940", "fodselsnummer"),  # computed k1 of 11 becomes 0
    ("31129956715", "fodselsnummer"),
    ("53097248016", "d_number"),
    ("13527248013", "h_number"),
    ("10915596784", "synthetic"),
    ("68467038838", "d_number"),  # D+H: D wins over H
    ("50846202355", "synthetic"),  # D+T: synthetic wins over D
    ("02013299997", "fodselsnummer"),  # 2032 rule
    ("30108299920", "fodselsnummer"),  # 2032 series, remainder 0
    ("30108299939", "fodselsnummer"),  # remainder 1: valid only under the 2032 rule
    ("70108299914", "d_number"),  # D-number under the 2032 rule
]
INVALID_NATIONAL_IDS = [
    "13097248032",  # k1
    "13097248023",  # k2
    "02013299987",
    "02013299996",
    "29020112345",  # bad date and bad checksum
]


def complete_national_id(first_six: str) -> str:
    """Return first_six plus an individnummer and classic check digits that pass both checks."""
    for individual in range(1000):
        stem = f"{first_six}{individual:03d}"
        k1 = (-sum(w * int(d) for w, d in zip(NATIONAL_ID_K1_WEIGHTS, stem, strict=True))) % 11
        if k1 == 10:
            continue
        k2 = -sum(w * int(d) for w, d in zip(NATIONAL_ID_K2_WEIGHTS, stem + str(k1), strict=True))
        k2 %= 11
        if k2 != 10:
            return f"{stem}{k1}{k2}"
    raise AssertionError("no individnummer gives valid check digits")


@pytest.mark.parametrize(("value", "kind"), VALID_NATIONAL_IDS)
def test_security_vectors_are_valid_and_classified(value, kind):
    assert classify_national_id(value) == kind
    assert is_valid_national_id(value)


@pytest.mark.parametrize("value", INVALID_NATIONAL_IDS)
def test_security_vectors_are_invalid(value):
    assert classify_national_id(value) is None
    assert not is_valid_national_id(value)


def test_30108299939_needs_the_2032_rule():
    assert mod11_remainder("3010829993", NATIONAL_ID_K1_WEIGHTS) == 1
    assert national_id_checksums_ok("30108299939")


def test_first_check_digit_remainder_4_is_rejected():
    stem = "130972480"
    accepted = [
        k1
        for k1 in range(10)
        if mod11_remainder(f"{stem}{k1}", NATIONAL_ID_K1_WEIGHTS) in {0, 1, 2, 3}
    ]
    rejected = sorted(set(range(10)) - set(accepted))
    assert len(accepted) == 4
    for k1 in rejected:
        assert mod11_remainder(f"{stem}{k1}", NATIONAL_ID_K1_WEIGHTS) >= 4
        k2 = next(
            (
                d
                for d in range(10)
                if mod11_remainder(f"{stem}{k1}{d}", NATIONAL_ID_K2_WEIGHTS) == 0
            ),
            None,
        )
        if k2 is not None:
            assert not is_valid_national_id(f"{stem}{k1}{k2}")


@pytest.mark.parametrize(
    ("first_six", "kind"),
    [
        ("290200", "fodselsnummer"),  # 2000 was a leap year
        ("290296", "fodselsnummer"),
        ("311299", "fodselsnummer"),
        ("010100", "fodselsnummer"),
        ("690296", "d_number"),  # D: 29.02.96
        ("714199", "d_number"),  # D+H: 31.01.99
        ("295296", "h_number"),  # H: 29.12.96
        ("018150", "synthetic"),  # T: 01.01.50
        ("419250", "synthetic"),  # D+T: 01.12.50
    ],
)
def test_offset_dates_are_accepted(first_six, kind):
    assert classify_national_id(complete_national_id(first_six)) == kind


@pytest.mark.parametrize(
    "first_six",
    [
        "290201",  # no 29 February in 1901 or 2001
        "290299",
        "310496",  # 31 April
        "300296",
        "000196",  # day 0
        "320196",  # day 32
        "400196",  # day 40 (neither a date nor a D-number)
        "720196",  # D-number day 32
        "011396",  # month 13
        "010096",  # month 0
        "012196",  # month 21: no offset defines it
        "015396",  # H month 13
        "019396",  # synthetic month 13
        "013296",
        "016196",
        "850196",  # FH-numbers are not supported
    ],
)
def test_impossible_dates_are_rejected(first_six):
    value = complete_national_id(first_six)
    assert national_id_checksums_ok(value)
    assert classify_national_id(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13097248022", "13097248022"),
        ("130972 48022", "13097248022"),
        ("130972.48022", "13097248022"),
        ("130972\u00a048022", "13097248022"),
        ("  13097248022\n", "13097248022"),
        ("130972  48022", None),
        ("1309 7248022", None),
        ("130972-48022", "13097248022"),
        ("13.09.72 48022", "13097248022"),
        ("13.09.72-48022", "13097248022"),
        ("13.0972 48022", None),
        ("130972--48022", None),
        ("1309724802", None),
        ("130972480222", None),
        ("13O97248022", None),
        ("١٣٠٩٧٢٤٨٠٢٢", None),  # Arabic-Indic digits are not accepted in forms
        ("", None),
    ],
)
def test_normalize_national_id(value, expected):
    assert normalize_national_id(value) == expected


@pytest.mark.parametrize("value", ["130972 48022", "130972.48022"])
def test_national_id_with_separator_is_valid(value):
    assert classify_national_id(value) == "fodselsnummer"


def test_non_string_input_is_invalid():
    assert normalize_national_id(None) is None
    assert not is_valid_national_id(13097248022)
    assert not is_valid_organisation_number(None)
    assert not is_valid_account_number(None)


@pytest.mark.parametrize(
    "value", ["974760673", "991825827", "974 760 673", " 991 825 827 ", "974\u00a0760\u00a0673"]
)
def test_valid_organisation_numbers(value):
    assert is_valid_organisation_number(value)


@pytest.mark.parametrize(
    "value",
    [
        "974760674",  # wrong check digit
        "974760670",
        "991825828",
        "97476067",
        "9747606730",
        "974-760-673",
        "974.760.673",
        "97 4760 673",
        "NO 974 760 673 MVA",
        "",
        "abcdefghi",
        "９７４７６０６７３",  # fullwidth digits
    ],
)
def test_invalid_organisation_numbers(value):
    assert not is_valid_organisation_number(value)


def test_organisation_number_whose_check_digit_would_be_10_is_invalid():
    stem = next(
        f"{n:08d}"
        for n in range(10_000_000, 99_999_999)
        if sum(w * int(d) for w, d in zip(ORGANISATION_NUMBER_WEIGHTS, f"{n:08d}", strict=True))
        % 11
        == 1
    )
    assert not any(is_valid_organisation_number(f"{stem}{k}") for k in range(10))


def test_normalize_organisation_number():
    assert normalize_organisation_number("974 760 673") == "974760673"
    assert normalize_organisation_number("974 760 674") == "974760674"  # format only
    assert normalize_organisation_number("97476067") is None


@pytest.mark.parametrize(
    "value", ["12345678903", "1234.56.78903", "1234 56 78903", " 1234 56 78903"]
)
def test_valid_account_numbers(value):
    assert is_valid_account_number(value)


@pytest.mark.parametrize(
    "value",
    [
        "12345678902",
        "1234.56.78902",
        "1234 56.78903",  # mixed separators
        "1234 5678903",
        "123.456.78903",
        "1234-56-78903",
        "1234567890",
        "123456789031",
        "",
    ],
)
def test_invalid_account_numbers(value):
    assert not is_valid_account_number(value)


def test_account_number_whose_check_digit_would_be_10_is_invalid():
    stem = next(
        f"{n:010d}"
        for n in range(1_234_567_890, 9_999_999_999)
        if sum(w * int(d) for w, d in zip(ACCOUNT_NUMBER_WEIGHTS, f"{n:010d}", strict=True)) % 11
        == 1
    )
    assert not any(is_valid_account_number(f"{stem}{k}") for k in range(10))


def test_normalize_account_number():
    assert normalize_account_number("1234.56.78903") == "12345678903"
    assert normalize_account_number("1234 56 78903") == "12345678903"
    assert normalize_account_number("1234/56/78903") is None


def test_every_valid_national_id_also_passes_the_account_checksum():
    # k2 uses the account weights, which is why the detector gives national ids precedence.
    assert ACCOUNT_NUMBER_WEIGHTS == NATIONAL_ID_K2_WEIGHTS
    for value, _kind in VALID_NATIONAL_IDS:
        assert is_valid_account_number(value)


@pytest.mark.parametrize(
    ("digits", "weights"),
    [("1234", (1, 2, 3, 4)), ("12", (1, 2, 3, 4)), ("12a", (1, 2)), ("١٢٣", (1, 2))],
)
def test_mod11_remainder_rejects_malformed_digits(digits, weights):
    with pytest.raises(ValueError, match="ASCII digits"):
        mod11_remainder(digits, weights)
