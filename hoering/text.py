"""User text to safe HTML: Markdown rendered, then sanitized by bleach, in this one place."""

from __future__ import annotations

import functools
import re
import unicodedata

import bleach
import markdown
from bleach.linkifier import DEFAULT_CALLBACKS
from markupsafe import Markup

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


def _ugc_rel(attrs, new=False):
    attrs[(None, "rel")] = "nofollow ugc noopener"
    return attrs


# The output depends on the source text alone, so a memo per process is exact without any
# invalidation: an edited text (a redaction) is a new key. Sized for a draft of a few hundred
# paragraphs and the innspill people are reading now; bleach costs milliseconds per text.
@functools.lru_cache(maxsize=20_000)
def render_markdown(source: str) -> Markup:
    """Markdown -> sanitized HTML; raw HTML is escaped, links get rel="nofollow ugc noopener"."""
    source = _UNSAFE_CONTROLS.sub("", source)
    md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    # Raw HTML in the source is shown as text, never passed through.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    html = md.convert(source)
    cleaned = bleach.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        protocols=ALLOWED_PROTOCOLS,
        strip=True,
        strip_comments=True,
    )
    linked = bleach.linkify(cleaned, callbacks=[*DEFAULT_CALLBACKS, _ugc_rel], parse_email=False)
    return Markup(linked)  # noqa: S704 - bleach output, allow-listed above


def count_links(source: str) -> int:
    return len(_LINK_RE.findall(source))


def has_nul(value: str) -> bool:
    return "\x00" in value


def normalize_line_endings(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n")


def plain_length(value: str) -> int:
    """Length as a person counts it: grapheme-ish, so composed and decomposed text agree."""
    return len(unicodedata.normalize("NFC", value))
