"""Find personal data in free text so that it can be held for moderation or masked in public.

Findings are hints for a moderator, not verdicts. Numbers are checked with the rules in
`hoering.identifiers`; special categories (GDPR art. 9 and 10) are found by word lists in bokmål and
nynorsk. Every regex here runs in linear time: each has a bounded length or is anchored so that a
failed attempt cannot restart inside the same run of characters.
"""

import bisect
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from hoering.identifiers import (
    ACCOUNT_NUMBER_PATTERN,
    ACCOUNT_NUMBER_WEIGHTS,
    NATIONAL_ID_PATTERN,
    SPACE,
    classify_national_id,
    mod11_remainder,
)

# Finding kinds, in order of precedence when two findings overlap.
KINDS = ("national_id", "bank_account", "email", "phone", "special_category")
_PRECEDENCE = {kind: rank for rank, kind in enumerate(KINDS)}

NATIONAL_ID_CONFIDENCE = 0.95
EMAIL_CONFIDENCE = 0.95
ACCOUNT_GROUPED_CONFIDENCE = 0.8
ACCOUNT_PLAIN_CONFIDENCE = 0.5
ACCOUNT_CONTEXT_BONUS = 0.1
PHONE_CONTEXT_CONFIDENCE = 0.9
PHONE_GROUPED_CONFIDENCE = 0.6
PHONE_PLAIN_CONFIDENCE = 0.5
SPECIAL_CATEGORY_CONFIDENCE = 0.5

# How far before a number to look for words that say what it is.
_CONTEXT_WINDOW = 40

# A number token must not continue a word or a longer number ("1.130972 48022", "x13097248022").
_NUMBER_START = r"(?<!\w)(?<![0-9][.,])"
_NUMBER_END = r"(?!\w)(?![.,][0-9])"

_NATIONAL_ID_RE = re.compile(_NUMBER_START + NATIONAL_ID_PATTERN + _NUMBER_END)
_ACCOUNT_RE = re.compile(_NUMBER_START + ACCOUNT_NUMBER_PATTERN + _NUMBER_END)
_NON_DIGITS_RE = re.compile(r"[^0-9]")
_ACCOUNT_CONTEXT_RE = re.compile(r"\b(?:konto\w*|bankkonto\w*)\W*$", re.IGNORECASE)

# Norwegian phone numbers: 8 digits, first digit 2-7 or 9. Numbers starting with 8 are service
# numbers (800, 815, 820 …) of businesses, not of persons. Accepted groupings are 8 digits, 3-2-3
# and 2-2-2-2; other groupings (2-3-3, 4-4) are what amounts and year ranges look like.
_PHONE_RE = re.compile(
    rf"(?<![\w+/§])(?<![0-9][.,/])(?<![0-9]{SPACE})"
    rf"(?P<prefix>\(?(?:\+|00)47\)?{SPACE}?)?"
    r"(?P<number>"
    r"[2-79][0-9]{7}"
    rf"|[2-79][0-9]{{2}}{SPACE}[0-9]{{2}}{SPACE}[0-9]{{3}}"
    rf"|[2-79][0-9]{SPACE}[0-9]{{2}}{SPACE}[0-9]{{2}}{SPACE}[0-9]{{2}}"
    r")"
    rf"(?!\w)(?![.,/]?[0-9])(?!{SPACE}[0-9])"
)
_PHONE_CONTEXT_RE = re.compile(
    r"\b(?:tlf|tel|telefon\w*|mob|mobil\w*|ring|ringe|ringer|ringte|sms|"
    r"treffes|nås|kontakt\w*)\b[^0-9]*$",
    re.IGNORECASE,
)
# Words right before a number that make it an amount, a case or a reference, not a phone number.
_NOT_PHONE_BEFORE_RE = re.compile(
    r"(?:§|\b(?:kr|nok|kroner|sak\w*|ordre\w*|ref\w*|faktura\w*|org\w*|nr|konto\w*|postboks))"
    r"\W{0,3}$",
    re.IGNORECASE,
)
_NOT_PHONE_AFTER_RE = re.compile(r"\s?(?:kr\b|kroner|nok\b|,-|%|euro|mill)", re.IGNORECASE)

# Linear email pattern: the local part may only start where no local-part character precedes it,
# so a long run without "@" is scanned once, not once per starting position.
_EMAIL_RE = re.compile(r"(?<![\w.%+-])[\w.%+-]+@[^\W_][\w-]*(?:\.[^\W_][\w-]*)*\.[^\W\d_]{2,}")

# Special categories of personal data (GDPR art. 9) and criminal convictions (art. 10). Each entry
# is a regex fragment matched as a whole word, case-insensitively; \w* admits inflections. Bokmål
# and nynorsk forms are both listed. Words with a common everyday meaning are left out or spelled
# out in full ("tro" would match "tror" and "trolig", "same" is nynorsk for "samme", "sone" means
# zone, "anmeldt" also means reviewed).
HEALTH_TERMS = (
    r"diagnos\w*",  # diagnose, diagnosen, diagnostisert
    r"kreft\w*",
    r"depresjon\w*",
    r"deprimert\w*",
    r"(?:syk|sjuk)dom\w*",
    r"(?:syke|sjuke)hus\w*",
    r"(?:syk|sjuk)e?meld\w*",  # sykmeldt, sykemelding, sjukemeld
    r"syk|syke|sjuk|sjuke",
    r"psykisk\w*",
    r"psykiatri\w*",
    r"psykolog\w*",
    r"medisin\w*",
    r"innlag[td]\w*",  # innlagt (bokmål), innlagd (nynorsk)
    r"ufør\w*",  # ufør, uføretrygd, uføretrygda
    r"angst\w*",
    r"demen[st]\w*",
    r"diabet\w*",
    r"autis\w*",
    r"adhd",
    r"schizofren\w*",
    r"bipolar\w*",
    r"epilep\w*",
    r"rusavhengig\w*",
    r"rusmisbruk\w*",
    r"funksjons(?:hemm|nedsett)\w*",
    r"pasient\w*",
    r"gravid\w*",
    r"hiv",
)
RELIGION_TERMS = (
    r"religi\w*",  # religion, religiøs, religionen
    r"muslim\w*",
    r"islam\w*",
    r"kristen|kristne|kristendom\w*",
    r"jød\w*",  # jøde, jødar, jødisk, jødedom
    r"katol\w*",
    r"hindu\w*",
    r"buddhis\w*",
    r"ateist\w*",
    r"livssyn\w*",
    r"mosk[eé]\w*",
    r"synagog\w*",
    r"(?:tros|trus)samfunn\w*",
    r"troende|truande|gudstro",
)
ETHNICITY_TERMS = (
    r"etnisk\w*",
    r"etnisitet\w*",
    r"samisk\w*",
    r"samer|samene|samane",
    r"kvensk\w*",
    r"romani\w*",
    r"urfolk\w*",
    r"innvandr\w*",  # innvandrer, innvandrar, innvandrerbakgrunn
    r"hudfarg\w*",
    r"landbakgrunn\w*",
    r"nasjonale?\s+minoritet\w*",
)
SEXUAL_ORIENTATION_TERMS = (
    r"homofil\w*",
    r"homo",
    r"heterofil\w*",
    r"lesb\w*",
    r"bifil\w*",
    r"panfil\w*",
    r"skeiv\w*",
    r"queer",
    r"legning\w*",
    r"seksuell\w*\s+orientering\w*",
)
_PARTIES = (
    r"(?:\w*parti(?:et)?|høyre|venstre|rødt|raudt|ap|frp|sp|sv|krf|mdg|inp|"
    r"miljøpartiet\s+(?:de\s+grønne|dei\s+grøne))"
)
_MEMBER_OF = r"(?:medlem|medlemmer|medlemar)\s+(?:av|i)\s+"
POLITICAL_TERMS = (
    r"partimedlem\w*",
    _MEMBER_OF + _PARTIES,
    r"(?:stemte|stemmer|stemme|røysta|røystar|røyste)\s+(?:på|for)\s+" + _PARTIES,
    r"politisk\w*\s+(?:oppfatning|overbevisning|ståsted|ståstad|syn)\w*",
)
_UNIONS = (
    r"(?:lo|ys|unio|akademikerne|fagforbundet|fellesforbundet|utdanningsforbundet|"
    r"sykepleierforbundet|legeforeningen|parat|delta|nito|tekna)"
)
UNION_TERMS = (
    r"fagforen\w*",  # fagforening (bokmål), fagforeining (nynorsk) is listed below
    r"fagforein\w*",
    r"fagorganis\w*",
    r"lo-medlem\w*",
    r"fagforeningsmedlem\w*",
    r"tillitsvalg\w*",
    _MEMBER_OF + _UNIONS,
)
CRIMINAL_TERMS = (
    r"(?:straffe|volds|narkotika)?døm[td]\w*",  # dømt, dømd, straffedømt, voldsdømte
    r"domfel\w*",
    r"fengsel\w*",
    r"fengsl\w*",
    r"varetekt\w*",
    r"soning\w*|sonet",
    r"sikt(?:et|a)",
    r"siktelse\w*|siktinga",
    r"tiltal\w*",
    r"straffesak\w*",
    r"politianmeld\w*",
    r"(?:an)?meldt\s+til\s+politiet",
)
SPECIAL_CATEGORY_TERMS = {
    "health": HEALTH_TERMS,
    "religion": RELIGION_TERMS,
    "ethnicity": ETHNICITY_TERMS,
    "sexual_orientation": SEXUAL_ORIENTATION_TERMS,
    "political": POLITICAL_TERMS,
    "union": UNION_TERMS,
    "criminal": CRIMINAL_TERMS,
}
_SPECIAL_CATEGORY_RE = re.compile(
    r"(?<!\w)(?:"
    + "|".join(
        f"(?P<{category}>{'|'.join(terms)})" for category, terms in SPECIAL_CATEGORY_TERMS.items()
    )
    + r")(?!\w)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Finding:
    """A span of personal data in a text; it holds offsets, never the data itself."""

    kind: str
    start: int
    end: int
    confidence: float
    category: str | None = None

    def text(self, source: str) -> str:
        """Return the matched text from the source the finding was made in."""
        return source[self.start : self.end]


def _prepare(text: str) -> tuple[str, list[int] | None]:
    """Drop format characters and fold non-ASCII digits to ASCII, keeping a map to the original.

    Zero-width spaces, soft hyphens and direction marks would otherwise hide a number from the
    detector ("1309\u200b7248022"), and so would Arabic-Indic or fullwidth digits.
    """
    if text.isascii():
        return text, None
    chars: list[str] = []
    positions: list[int] = []
    for position, char in enumerate(text):
        category = unicodedata.category(char)
        if category == "Cf":
            continue
        chars.append(str(unicodedata.decimal(char)) if category == "Nd" else char)
        positions.append(position)
    return "".join(chars), positions


def _before(text: str, start: int) -> str:
    """Return the context window that ends where a match starts."""
    return text[max(0, start - _CONTEXT_WINDOW) : start]


def _find_national_ids(text: str) -> Iterator[Finding]:
    """Whole 11-digit tokens that pass both check digits and the date rule."""
    for match in _NATIONAL_ID_RE.finditer(text):
        category = classify_national_id(match.group())
        if category is not None:
            yield Finding(
                "national_id", match.start(), match.end(), NATIONAL_ID_CONFIDENCE, category
            )


def _find_account_numbers(text: str) -> Iterator[Finding]:
    """11 digits, plain or grouped 4.2.5, passing mod 11; plain ones must not be a national id."""
    for match in _ACCOUNT_RE.finditer(text):
        digits = _NON_DIGITS_RE.sub("", match.group())
        if mod11_remainder(digits, ACCOUNT_NUMBER_WEIGHTS) != 0:
            continue
        grouped = match.group("sep") is not None
        if not grouped and classify_national_id(digits) is not None:
            continue
        confidence = ACCOUNT_GROUPED_CONFIDENCE if grouped else ACCOUNT_PLAIN_CONFIDENCE
        if _ACCOUNT_CONTEXT_RE.search(_before(text, match.start())):
            confidence += ACCOUNT_CONTEXT_BONUS
        yield Finding("bank_account", match.start(), match.end(), round(confidence, 2))


def _looks_like_date(digits: str) -> bool:
    """8 digits that read as DDMMYYYY or YYYYMMDD with a year from 1900 to 2099."""
    for day, month, year in (
        (digits[:2], digits[2:4], digits[4:]),
        (digits[6:], digits[4:6], digits[:4]),
    ):
        if 1900 <= int(year) <= 2099 and 1 <= int(month) <= 12 and 1 <= int(day) <= 31:
            return True
    return False


def _find_phone_numbers(text: str) -> Iterator[Finding]:
    """Norwegian 8-digit numbers; +47 or a word like "tlf" before one raises confidence."""
    for match in _PHONE_RE.finditer(text):
        start, end = match.span()
        before = _before(text, start)
        if match.group("prefix") or _PHONE_CONTEXT_RE.search(before):
            confidence = PHONE_CONTEXT_CONFIDENCE
        elif _NOT_PHONE_BEFORE_RE.search(before) or _NOT_PHONE_AFTER_RE.match(text, end):
            continue
        elif match.group("number").isdigit():
            if _looks_like_date(match.group("number")):
                continue
            confidence = PHONE_PLAIN_CONFIDENCE
        else:
            confidence = PHONE_GROUPED_CONFIDENCE
        yield Finding("phone", start, end, confidence)


def _find_emails(text: str) -> Iterator[Finding]:
    """Email addresses."""
    for match in _EMAIL_RE.finditer(text):
        yield Finding("email", match.start(), match.end(), EMAIL_CONFIDENCE)


def _find_special_categories(text: str) -> Iterator[Finding]:
    """Words hinting at a special category: health, religion, politics, crime and so on."""
    for match in _SPECIAL_CATEGORY_RE.finditer(text):
        yield Finding(
            "special_category",
            match.start(),
            match.end(),
            SPECIAL_CATEGORY_CONFIDENCE,
            match.lastgroup,
        )


def _without_overlaps(candidates: Iterable[Finding]) -> list[Finding]:
    """Keep findings by precedence of kind, then position; drop any that overlap a kept one."""
    kept: list[Finding] = []
    starts: list[int] = []
    for finding in sorted(candidates, key=lambda f: (_PRECEDENCE[f.kind], f.start, -f.end)):
        index = bisect.bisect_left(starts, finding.start)
        if index > 0 and kept[index - 1].end > finding.start:
            continue
        if index < len(kept) and kept[index].start < finding.end:
            continue
        kept.insert(index, finding)
        starts.insert(index, finding.start)
    return kept


def find_personal_data(text: str) -> list[Finding]:
    """Return non-overlapping findings sorted by start; national id beats account beats phone."""
    prepared, positions = _prepare(text)
    candidates = [
        *_find_national_ids(prepared),
        *_find_account_numbers(prepared),
        *_find_emails(prepared),
        *_find_phone_numbers(prepared),
        *_find_special_categories(prepared),
    ]
    findings = _without_overlaps(candidates)
    if positions is None:
        return findings
    return [
        Finding(f.kind, positions[f.start], positions[f.end - 1] + 1, f.confidence, f.category)
        for f in findings
    ]


def mask(text: str, findings: Iterable[Finding], placeholder: str = "[skjult]") -> str:
    """Replace each finding's span with the placeholder; overlapping spans are masked once."""
    parts: list[str] = []
    position = 0
    for finding in sorted(findings, key=lambda f: f.start):
        if finding.end <= position:
            continue
        start = max(finding.start, position)
        parts.append(text[position:start])
        if start == finding.start:
            parts.append(placeholder)
        position = finding.end
    parts.append(text[position:])
    return "".join(parts)
