import dataclasses
import itertools
import random
import time

import pytest

from hoering.privacy.detect import KINDS, Finding, find_personal_data, mask

SECURITY_VALID_NATIONAL_IDS = [
    ("13097248022", "fodselsnummer"),
    ("29029648784", "fodselsnummer"),
    ("29020075838", "fodselsnummer"),
    ("15021951940", "fodselsnummer"),
    ("31129956715", "fodselsnummer"),
    ("53097248016", "d_number"),
    ("13527248013", "h_number"),
    ("10915596784", "synthetic"),
    ("68467038838", "d_number"),
    ("50846202355", "synthetic"),
    ("02013299997", "fodselsnummer"),
    ("30108299920", "fodselsnummer"),
    ("30108299939", "fodselsnummer"),
    ("70108299914", "d_number"),
]
SECURITY_INVALID_NATIONAL_IDS = [
    "13097248032",
    "13097248023",
    "02013299987",
    "02013299996",
    "29020112345",
]


def kinds(text: str) -> list[tuple[str, str]]:
    return [(f.kind, f.text(text)) for f in find_personal_data(text)]


def only(text: str) -> Finding:
    findings = find_personal_data(text)
    assert len(findings) == 1, findings
    return findings[0]


def test_finding_is_frozen_and_holds_offsets_only():
    text = "fnr 13097248022"
    finding = only(text)
    assert finding == Finding("national_id", 4, 15, 0.95, "fodselsnummer")
    assert finding.text(text) == "13097248022"
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.start = 0  # type: ignore[misc]


# National identity numbers


@pytest.mark.parametrize(("value", "category"), SECURITY_VALID_NATIONAL_IDS)
def test_valid_national_ids_are_found(value, category):
    text = f"Fødselsnummeret mitt er {value}, ikke del det."
    finding = only(text)
    assert (finding.kind, finding.category) == ("national_id", category)
    assert finding.text(text) == value
    assert finding.confidence >= 0.9


@pytest.mark.parametrize("value", SECURITY_INVALID_NATIONAL_IDS)
def test_invalid_national_ids_are_not_national_id_findings(value):
    assert all(f.kind != "national_id" for f in find_personal_data(f"Nummer {value} her"))


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ("130972 48022", "130972 48022"),
        ("130972.48022", "130972.48022"),
        ("130972\u00a048022", "130972\u00a048022"),
        ("(13097248022)", "13097248022"),
        ("Slutt: 13097248022.", "13097248022"),
        ("-13097248022-", "13097248022"),
        ("Fnr 130972-48022.", "130972-48022"),
        ("født 13.09.72 48022", "13.09.72 48022"),
        ("13.09.72.48022", "13.09.72.48022"),
        ("130972–48022", "130972–48022"),
    ],
)
def test_national_id_formats(text, matched):
    assert kinds(text) == [("national_id", matched)]


@pytest.mark.parametrize(
    "text",
    [
        "x13097248022",
        "13097248022x",
        "113097248022",
        "130972480221",
        "1.13097248022",
        "13097248022,5",
        "130972  48022",
        "1309 7248022",
        "ref_13097248022",
        "13097248022ø",
    ],
)
def test_national_id_inside_a_longer_token_is_not_found(text):
    assert all(f.kind != "national_id" for f in find_personal_data(text))


def test_national_id_hidden_by_zero_width_and_soft_hyphen_is_found():
    text = "fnr: 1309\u200b72480\u00ad22 takk"
    finding = only(text)
    assert finding.kind == "national_id"
    assert finding.text(text) == "1309\u200b72480\u00ad22"
    assert mask(text, [finding]) == "fnr: [skjult] takk"


def test_national_id_in_non_ascii_digits_is_found():
    text = "رقم ١٣٠٩٧٢٤٨٠٢٢ هنا"
    finding = only(text)
    assert finding.kind == "national_id"
    assert finding.text(text) == "١٣٠٩٧٢٤٨٠٢٢"


@pytest.mark.parametrize(
    "text",
    [
        "Ordrenummer 12345678901 er sendt",
        "Sak 20260012345 gjelder",
        "Referanse 98765432109",
        "Lager 11111111111 og 22222222222",
        "Faktura 24681357902",
    ],
)
def test_ordinary_11_digit_numbers_that_fail_the_checks_are_not_findings(text):
    assert find_personal_data(text) == []


def test_national_id_false_positive_rate_on_random_digits_is_bounded():
    rng = random.Random(1234)
    values = [f"{rng.randrange(10**11):011d}" for _ in range(100_000)]
    findings = find_personal_data("\n".join(values))
    national_ids = [f for f in findings if f.kind == "national_id"]
    assert len(national_ids) / len(values) < 0.015


# Bank account numbers


@pytest.mark.parametrize(
    ("text", "matched", "confidence"),
    [
        ("Betal til 1234 56 78903 i dag", "1234 56 78903", 0.8),
        ("Betal til 1234.56.78903 i dag", "1234.56.78903", 0.8),
        ("Kontonummer: 1234.56.78903", "1234.56.78903", 0.9),
        ("Betal til 12345678903 i dag", "12345678903", 0.5),
        ("kontonr. 12345678903", "12345678903", 0.6),
    ],
)
def test_bank_accounts(text, matched, confidence):
    finding = only(text)
    assert (finding.kind, finding.text(text), finding.confidence) == (
        "bank_account",
        matched,
        confidence,
    )


@pytest.mark.parametrize(
    "text", ["1234 56 78902", "1234.56 78903", "1234 5678903", "12345678902", "x1234.56.78903"]
)
def test_account_lookalikes_are_not_findings(text):
    assert find_personal_data(text) == []


def test_grouped_national_id_digits_are_an_account_number():
    text = "1309 72 48022"
    assert kinds(text) == [("bank_account", text)]


# Phone numbers


@pytest.mark.parametrize(
    ("text", "matched", "confidence"),
    [
        ("Nå meg på +47 912 34 567.", "+47 912 34 567", 0.9),
        ("Nå meg på +4791234567.", "+4791234567", 0.9),
        ("Nå meg på 0047 22 33 44 55.", "0047 22 33 44 55", 0.9),
        ("Nå meg på (+47) 91234567.", "(+47) 91234567", 0.9),
        ("tlf. 22334455", "22334455", 0.9),
        ("Telefon: 91 23 45 67", "91 23 45 67", 0.9),
        ("mobil 48123456", "48123456", 0.9),
        ("Ring meg på 912 34 567 etter kl. 16", "912 34 567", 0.9),
        ("sms til 41234567", "41234567", 0.9),
        ("Skriv til 912 34 567 om saken", "912 34 567", 0.6),
        ("Skriv til 22 33 44 55 om saken", "22 33 44 55", 0.6),
        ("Skriv til 91234567 om saken", "91234567", 0.5),
        ("Skriv til 32123456 om saken", "32123456", 0.5),
        ("Skriv til 51234567 om saken", "51234567", 0.5),
        ("Skriv til 62123456 om saken", "62123456", 0.5),
        ("Skriv til 71234567 om saken", "71234567", 0.5),
    ],
)
def test_phone_numbers(text, matched, confidence):
    finding = only(text)
    assert (finding.kind, finding.text(text), finding.confidence) == ("phone", matched, confidence)


@pytest.mark.parametrize(
    "text",
    [
        "Loven trer i kraft i 2026 og gjelder til 2030.",
        "Budsjettet er 12 000 000 kroner.",
        "Budsjettet er 22 000 000 kroner.",
        "Det koster 91234567 kr.",
        "Det koster kr 22 33 44 55.",
        "NOK 91234567",
        "Se § 12 første ledd.",
        "Se § 22334455.",
        "Møtet er 12.03.2026 kl. 10.",
        "Frist 25122026",
        "Dato 20260312",
        "Send til Postboks 8131 Dep, 0150 Oslo.",
        "Organisasjonsnummer 974 760 673",
        "Saksnummer 24681357",
        "Tallene 22 33 44 55 66 77",
        "Kode 1 91234567",
        "912345678",
        "9123456",
        "12345678",
        "01234567",
        "81234567",
        "2,5 millioner og 3,75 prosent",
        "Vedtatt 2024/12345",
        "91234567%",
    ],
)
def test_phone_false_positives(text):
    assert [f for f in find_personal_data(text) if f.kind == "phone"] == []


# Email addresses


@pytest.mark.parametrize(
    ("text", "matched"),
    [
        ("Skriv til ola.nordmann@example.no.", "ola.nordmann@example.no"),
        ("post+høring@kommune.no", "post+høring@kommune.no"),
        ("kari@bø.kommune.no svarte", "kari@bø.kommune.no"),
        ("<Kari.Nordmann@Example.COM>", "Kari.Nordmann@Example.COM"),
    ],
)
def test_emails(text, matched):
    finding = only(text)
    assert (finding.kind, finding.text(text), finding.confidence) == ("email", matched, 0.95)


@pytest.mark.parametrize("text", ["ola@localhost", "@example.no", "ola@", "ola @ example.no"])
def test_email_lookalikes_are_not_findings(text):
    assert find_personal_data(text) == []


# Special categories


@pytest.mark.parametrize(
    ("text", "matched", "category"),
    [
        ("Jeg fikk en diagnose i fjor", "diagnose", "health"),
        ("Han har kreft", "kreft", "health"),
        ("Depresjonen gjorde meg syk", "Depresjonen", "health"),
        ("Eg har hatt ein lang sjukdom", "sjukdom", "health"),
        ("Hun var innlagt på sykehuset", "innlagt", "health"),
        ("Eg var innlagd på sjukehuset", "innlagd", "health"),
        ("Min psykiske helse", "psykiske", "health"),
        ("Jeg tar medisiner hver dag", "medisiner", "health"),
        ("Eg er på uføretrygda", "uføretrygda", "health"),
        ("Jeg er muslim", "muslim", "religion"),
        ("Vi er en kristen familie", "kristen", "religion"),
        ("Min jødiske bakgrunn", "jødiske", "religion"),
        ("Religionen min er viktig", "Religionen", "religion"),
        ("Eg er truande", "truande", "religion"),
        ("Jeg er samisk", "samisk", "ethnicity"),
        ("Min etnisitet", "etnisitet", "ethnicity"),
        ("Som innvandrer opplever jeg", "innvandrer", "ethnicity"),
        ("Eg er innvandrar", "innvandrar", "ethnicity"),
        ("Jeg er homofil", "homofil", "sexual_orientation"),
        ("Hun er lesbisk", "lesbisk", "sexual_orientation"),
        ("Han er bifil", "bifil", "sexual_orientation"),
        ("Min legning", "legning", "sexual_orientation"),
        ("Eg er skeiv", "skeiv", "sexual_orientation"),
        ("Jeg er partimedlem", "partimedlem", "political"),
        ("Jeg er medlem av Høyre", "medlem av Høyre", "political"),
        ("Eg er medlem i Arbeidarpartiet", "medlem i Arbeidarpartiet", "political"),
        ("Jeg er medlem av Arbeiderpartiet", "medlem av Arbeiderpartiet", "political"),
        ("Jeg stemte på Frp", "stemte på Frp", "political"),
        ("Min politiske oppfatning", "politiske oppfatning", "political"),
        ("Jeg er med i en fagforening", "fagforening", "union"),
        ("Eg er med i ei fagforeining", "fagforeining", "union"),
        ("Som LO-medlem mener jeg", "LO-medlem", "union"),
        ("Jeg er fagforeningsmedlem", "fagforeningsmedlem", "union"),
        ("Jeg er tillitsvalgt", "tillitsvalgt", "union"),
        ("Jeg er medlem av Fagforbundet", "medlem av Fagforbundet", "union"),
        ("Naboen er straffedømt", "straffedømt", "criminal"),
        ("Han ble dømt i fjor", "dømt", "criminal"),
        ("Ho vart dømd", "dømd", "criminal"),
        ("Han satt i fengsel", "fengsel", "criminal"),
        ("Han er siktet for tyveri", "siktet", "criminal"),
        ("Ho er tiltalt", "tiltalt", "criminal"),
        ("En straffesak mot meg", "straffesak", "criminal"),
        ("Han ble politianmeldt", "politianmeldt", "criminal"),
        ("Jeg ble meldt til politiet", "meldt til politiet", "criminal"),
    ],
)
def test_special_categories_in_bokmal_and_nynorsk(text, matched, category):
    findings = [f for f in find_personal_data(text) if f.kind == "special_category"]
    assert [(f.text(text), f.category) for f in findings][:1] == [(matched, category)]
    assert all(0.4 <= f.confidence <= 0.6 for f in findings)


@pytest.mark.parametrize(
    "text",
    [
        "Jeg tror dette er trolig riktig.",
        "Det er det same for meg.",
        "Saksbehandlingen tar tid.",
        "Sving til høyre ved krysset.",
        "Hun er medlem av styret.",
        "Vi må konvertere filene til PDF.",
        "Boka ble godt anmeldt.",
        "Sonen rundt skolen.",
        "Kristiansand kommune og Kristiansund kommune.",
        "Samarbeidet med kommunene.",
        "Tromsø og Sykkylven.",
        "Vi stemmer for forslaget.",
    ],
)
def test_special_category_false_positives(text):
    assert find_personal_data(text) == []


def test_special_category_lists_cover_every_category():
    text = (
        "kreft, muslim, samisk, homofil, partimedlem, fagforening, straffedømt, "
        "sykdom, sjukdom, religion, etnisitet, legning, tillitsvalgt, fengsel"
    )
    categories = {f.category for f in find_personal_data(text)}
    assert categories == {
        "health",
        "religion",
        "ethnicity",
        "sexual_orientation",
        "political",
        "union",
        "criminal",
    }


# Precedence, order and masking


def test_national_id_beats_account_and_phone():
    text = "tlf 13097248022 kontonummer 13097248022"
    assert [f.kind for f in find_personal_data(text)] == ["national_id", "national_id"]


def test_email_beats_phone_inside_it():
    text = "91234567@sms.example.no"
    assert kinds(text) == [("email", text)]


def test_findings_are_sorted_and_do_not_overlap():
    text = (
        "Hei, jeg heter Kari (kari@example.no, tlf 912 34 567). Fnr 130972 48022, "
        "konto 1234.56.78903. Jeg har kreft og er medlem av Høyre. " * 20
    )
    findings = find_personal_data(text)
    assert len(findings) == 20 * 6
    assert all(a.end <= b.start for a, b in itertools.pairwise(findings))
    assert {f.kind for f in findings} == set(KINDS)


def test_mask_replaces_every_finding():
    text = "Fnr 13097248022, e-post kari@example.no, tlf 912 34 567."
    assert mask(text, find_personal_data(text)) == "Fnr [skjult], e-post [skjult], tlf [skjult]."


def test_mask_with_custom_placeholder_and_no_findings():
    assert mask("fnr 13097248022", find_personal_data("fnr 13097248022"), "***") == "fnr ***"
    assert mask("ingenting her", []) == "ingenting her"
    assert mask("", []) == ""


def test_mask_merges_overlapping_and_unsorted_findings():
    text = "abcdefghij"
    findings = [
        Finding("phone", 6, 8, 0.5),
        Finding("email", 1, 4, 0.9),
        Finding("email", 2, 5, 0.9),
        Finding("email", 2, 3, 0.9),
    ]
    assert mask(text, findings, "#") == "a#f#ij"


# Unicode and input size


@pytest.mark.parametrize(
    "text",
    [
        "",
        "🙂" * 1000,
        "\u202eטקסט בעברית 13097248022\u202c",
        "e\u0301\u0301\u0301 kreft\u200d",
        "\ud800 broken surrogate 91234567",
        "\x00\x01\x02 fnr 13097248022 \x7f",
        "Ｋｒｅｆｔ ９１２３４５６７",
        "\u200b" * 5000,
    ],
)
def test_any_unicode_is_handled(text):
    findings = find_personal_data(text)
    masked = mask(text, findings)
    assert all(0 <= f.start < f.end <= len(text) for f in findings)
    assert "13097248022" not in masked


@pytest.mark.parametrize(
    "text",
    [
        "".join(random.Random(7).choice("0123456789 ") for _ in range(20_000)),
        "1" * 20_000,
        "12 " * 6_667,
        "1." * 10_000,
        "a" * 20_000,
        "a." * 10_000 + "@",
        "x@" + "a." * 9_999 + "1",
        "a@" * 10_000,
        "medlem av " * 2_000,
        "medlem av " + "a" * 19_990,
        "+47 " * 5_000,
        "tlf " * 5_000,
        "🙂\u200b٣" * 6_667,
    ],
    ids=lambda text: repr(text[:12]),
)
def test_long_inputs_are_fast(text):
    started = time.perf_counter()
    find_personal_data(text)
    assert time.perf_counter() - started < 0.5
