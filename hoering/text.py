"""User text to safe HTML: Markdown rendered, then sanitized by bleach, in this one place.

The renderer is markdown-it (CommonMark): its parser runs in time linear in the length of the
text, whatever the text holds, where Python-Markdown took seconds, growing with the square of
the length, on a comment of nothing but brackets. Nesting is capped and so is the length it
parses, so no stored text can make a page slow to render.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import bleach
from bleach.linkifier import DEFAULT_CALLBACKS, URL_RE, Linker
from flask_babel import lazy_gettext as _l
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from hoering.errors import BadInputError

# Never svg, math, style or noscript: the known bleach mXSS advisories all go through them.
ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "em", "h1", "h2", "h3", "h4",
        "hr", "i", "li", "ol", "p", "pre", "strong", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": ["href", "title", "rel"], "abbr": ["title"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

_LINK_RE = re.compile(r"https?://|www\.|\]\(", re.IGNORECASE)
# C0/C1 controls other than tab and newline, and the bidi overrides that can disguise text.
_UNSAFE_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


# markdown-it drops what lies deeper than its nesting limit, so a text whose lists or quotes go
# deeper than MAX_NESTING is shown as plain text instead; the parser's own limit is the backstop.
MAX_NESTING = 10
# Longer texts (no innspill comes near: they stop at SUBMISSION_MAX_LENGTH) are shown as plain
# text rather than parsed, which bounds the cost of rendering any one text.
MAX_MARKDOWN_LENGTH = 50_000

# Raw HTML in the source is shown as text, never passed through.
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "maxNesting": 2 * MAX_NESTING + 2})
_LINE_PREFIX = re.compile(r"[ \t>*+\-.)\d]*")
_LIST_MARKER = re.compile(r"(?:^|[ \t>])(?:[-+*]|\d{1,9}[.)])(?=[ \t]|$)")


def _ugc_rel(attrs, new=False):
    attrs[(None, "rel")] = "nofollow ugc noopener noreferrer"
    return attrs


# bleach's pattern opens with "any number of (": tried at every "(" of a long run it rescans the
# rest of the run, quadratic in its length. Starting only where no "(" precedes keeps it linear.
_LINKER = Linker(
    url_re=re.compile(r"(?<!\()" + URL_RE.pattern, URL_RE.flags),
    callbacks=[*DEFAULT_CALLBACKS, _ugc_rel],
    parse_email=False,
)


def _nesting_depth(source: str) -> int:
    """How deep the deepest line's quotes and lists go, as CommonMark would nest them."""
    deepest = 0
    for line in source.split("\n"):
        prefix = _LINE_PREFIX.match(line).group()
        indent = len(prefix) - len(prefix.lstrip(" \t"))
        markers = len(_LIST_MARKER.findall(prefix))
        # Indentation nests only under a list item.
        depth = prefix.count(">") + markers + (indent // 2 if markers else 0)
        deepest = max(deepest, depth)
    return deepest


def _plain_paragraphs(source: str) -> str:
    return "".join(f"<p>{escape(part)}</p>" for part in source.split("\n\n") if part.strip())


# The output depends on the source text alone, so a memo per process is exact without any
# invalidation: an edited text (a redaction) is a new key. Sized for a draft of a few hundred
# paragraphs and the innspill people are reading now; bleach costs milliseconds per text.
@functools.lru_cache(maxsize=20_000)
def render_markdown(source: str) -> Markup:
    """Markdown -> sanitized HTML; raw HTML is escaped, links are marked user-generated.

    Links get rel="nofollow ugc noopener noreferrer": no ranking, no window handle, no Referer.
    """
    source = _UNSAFE_CONTROLS.sub("", source)
    if len(source) > MAX_MARKDOWN_LENGTH or _nesting_depth(source) > MAX_NESTING:
        html = _plain_paragraphs(source)
    else:
        html = _MARKDOWN.render(source)
    cleaned = bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
    linked = _LINKER.linkify(cleaned)
    return Markup(linked)  # noqa: S704 - bleach output, allow-listed above


def stored_html(html: str) -> Markup:
    """HTML that render_markdown() made when the text was stored, marked safe to show again."""
    return Markup(html)  # noqa: S704 - render_markdown() output, kept on the row


# In a name, nothing that is not printed: controls (CR, LF, tab …), line separators, bidi overrides.
_NAME_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def clean_name(value: str | None, *, field: str = "name") -> str:
    """A person's or an organisation's name on one line: trimmed; line breaks and other control
    characters refused (they would break e-mail headers, CSV rows, log lines and the archive)."""
    value = (value or "").strip()
    if _NAME_UNSAFE.search(value):
        raise BadInputError(
            _l("Navnet kan ikke inneholde linjeskift eller andre kontrolltegn."), field=field
        )
    return value


# Characters that print nothing: besides whitespace, the format characters (zero-width space and
# joiners, soft hyphen, word joiner, BOM, bidi marks) and the blank letters some scripts have.
_BLANK_LETTERS = frozenset("\u115f\u1160\u2800\u3164\uffa0")


def is_blank(value: str) -> bool:
    """True when the text would show nothing at all, such as a body of only zero-width spaces."""
    return all(
        char.isspace() or char in _BLANK_LETTERS or unicodedata.category(char) in ("Cf", "Cc")
        for char in value
    )


def count_links(source: str) -> int:
    return len(_LINK_RE.findall(source))


def has_nul(value: str) -> bool:
    return "\x00" in value


def normalize_line_endings(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n")


def plain_length(value: str) -> int:
    """Length as a person counts it: grapheme-ish, so composed and decomposed text agree."""
    return len(unicodedata.normalize("NFC", value))
