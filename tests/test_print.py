"""The draft and a person's own innspill print cleanly (issue 14, point 13)."""

import re
from pathlib import Path

CSS = Path(__file__).resolve().parent.parent / "static" / "css" / "hoering.css"


def _print_rules() -> dict[str, str]:
    """selector -> declarations of every rule inside the @media print block."""
    css = re.sub(r"/\*.*?\*/", "", CSS.read_text(), flags=re.S)
    start = css.index("@media print {") + len("@media print {")
    depth, end = 1, start
    while depth:
        depth += {"{": 1, "}": -1}.get(css[end], 0)
        end += 1
    rules: dict[str, str] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css[start : end - 1]):
        for selector in selectors.split(","):
            key = " ".join(selector.split())
            rules[key] = rules.get(key, "") + body
    return rules


def test_print_hides_navigation_forms_and_buttons_but_keeps_paragraph_numbers():
    rules = _print_rules()
    for selector in (".site-header", ".site-footer", ".language-nav", "form", ".paragraph-actions"):
        assert re.search(r"display:\s*none", rules.get(selector, "")), selector
    hidden = {s for s, body in rules.items() if re.search(r"display:\s*none", body)}
    assert not {".paragraph-number", ".paragraph", ".submission", ".my-submission"} & hidden
    assert "color: #000" in rules[".paragraph-number"]


def test_print_writes_links_out_except_in_page_anchors():
    rules = _print_rules()
    written = [s for s, body in rules.items() if "attr(href)" in body]
    assert 'main a[href^="http"]::after' in written and 'main a[href^="/"]::after' in written
    assert "content: none" in rules['main a[href^="#"]::after']
