"""User text is rendered by one sanitizer: nothing executable survives, text stays readable."""

import pytest
from bs4 import BeautifulSoup

from hoering.text import render_markdown


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
    assert 'rel="nofollow ugc noopener"' in html


def test_unicode_edge_cases_survive():
    source = "Emoji 👍🏽, RTL مرحبا, zero\u200bwidth, " + "x" * 300
    html = str(render_markdown(source))
    assert "👍🏽" in html and "مرحبا" in html and "x" * 300 in html


def test_bidi_overrides_and_controls_are_removed_from_display():
    html = str(render_markdown("a\u202eb\x07c"))
    assert "\u202e" not in html and "\x07" not in html
