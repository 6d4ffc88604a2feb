"""User text is rendered by one sanitizer: nothing executable survives, text stays readable."""

import time

import pytest
from bs4 import BeautifulSoup

from hoering.text import MAX_MARKDOWN_LENGTH, MAX_NESTING, render_markdown


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[klikk](javascript:alert(1))",
        "<svg><script>alert(1)</script></svg>",
        "<math><mtext><style><img src=x onerror=alert(1)></style></mtext></math>",
        '<a href="javascript:alert(1)">x</a>',
        "<iframe src=//evil.example></iframe>",
        '<p style="background:url(javascript:alert(1))">x</p>',
        "<!--<img src=x onerror=alert(1)>-->",
    ],
)
def test_hostile_markup_is_inert(source):
    soup = BeautifulSoup(str(render_markdown(source)), "html.parser")
    assert not soup.find_all(["script", "iframe", "svg", "math", "style", "img", "noscript"])
    for element in soup.find_all(True):
        for name, value in element.attrs.items():
            assert not name.startswith("on")
            assert name != "style"
            if name == "href":
                assert value.startswith(("http://", "https://", "mailto:"))


def test_raw_html_is_shown_as_text_not_dropped():
    html = str(render_markdown("Bruk <b>fet</b> og <script>x</script> her"))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "&lt;b&gt;fet&lt;/b&gt;" in html


def test_markdown_renders_and_links_are_marked_user_generated():
    html = str(render_markdown("**Viktig**: se [forslaget](https://example.no/forslag)"))
    assert "<strong>Viktig</strong>" in html
    assert 'href="https://example.no/forslag"' in html
    assert 'rel="nofollow ugc noopener noreferrer"' in html


def test_unicode_edge_cases_survive():
    source = "Emoji 👍🏽, RTL مرحبا, zero\u200bwidth, " + "x" * 300
    html = str(render_markdown(source))
    assert "👍🏽" in html and "مرحبا" in html and "x" * 300 in html


def test_bidi_overrides_and_controls_are_removed_from_display():
    html = str(render_markdown("a\u202eb\x07c"))
    assert "\u202e" not in html and "\x07" not in html


PATHOLOGICAL = {
    "brackets": "[" * 10_000,
    "parentheses": "(" * 10_000,
    "unclosed links": "[a](" * 2_500,
    "unclosed images": "![" * 5_000,
    "angle brackets": "<" * 10_000,
    "asterisks": "*" * 10_000,
    "underscores": "_" * 10_000,
    "backticks": "`" * 10_000,
    "bracket lines": "[\n" * 5_000,
    "nested brackets": "[[" * 2_500 + "]]" * 2_500,
    "alternating emphasis": "*_" * 5_000,
    "code spans": "`x" * 5_000,
    "nested lists": "- " * 5_000 + "x",
    "indented lists": "\n".join("  " * (n % 10) + "- x" for n in range(10_000))[:10_000],
    "deeply indented lists": "\n".join("  " * n + "- x" for n in range(95)),
    "nested quotes": ">" * 10_000 + " x",
    "quoted lists": "> - " * 2_500 + "x",
}


@pytest.mark.parametrize("source", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_rendering_cost_is_bounded_whatever_the_text(source):
    # CPU time of this process only, so other work on the machine does not count against it.
    started = time.process_time()
    html = str(render_markdown.__wrapped__(source))
    assert time.process_time() - started < 2.0
    assert "<script" not in html and html.strip()


def test_deep_nesting_is_capped_and_the_text_kept():
    html = str(render_markdown(">" * 1_000 + " innerst"))
    assert html.count("<blockquote>") <= MAX_NESTING
    assert "innerst" in html


def test_text_beyond_the_parsing_limit_is_shown_as_escaped_text():
    source = "**ikke fet** <b>x</b>\n\n" + "a" * MAX_MARKDOWN_LENGTH
    html = str(render_markdown(source))
    assert "<strong>" not in html and "<b>" not in html
    assert "**ikke fet** &lt;b&gt;x&lt;/b&gt;" in html and html.count("<p>") == 2


def test_links_in_parentheses_are_still_found():
    html = str(render_markdown("((se www.regjeringen.no)) og (https://example.no/a)"))
    assert 'href="http://www.regjeringen.no"' in html
    assert 'href="https://example.no/a"' in html
