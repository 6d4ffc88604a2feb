"""Every user-facing string is in the catalogs, and the catalogs are current and complete."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from hoering.cli import CATALOG_TEMPLATE, TRANSLATIONS, extract_messages
from hoering.config import PROJECT_ROOT

TEMPLATES = sorted((PROJECT_ROOT / "templates").rglob("*.html"))
# Jinja comments, statements and expressions: what is left is literal template text.
JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)
LETTER = re.compile(r"[^\W\d_]")
TEXT_ATTRIBUTES = {"aria-label", "aria-description", "title", "placeholder", "alt"}
BUTTON_TYPES = {"submit", "button", "reset"}
# Each language's own name, shown in that language in the language selector.
ALLOWED = {"Norsk bokmål", "Norsk nynorsk", "English"}
TRANSLATED_LANGUAGES = ("en", "nn")


class _LiteralText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def _check(self, value: str | None) -> None:
        value = (value or "").strip()
        if value and LETTER.search(value) and value not in ALLOWED:
            self.found.append(value)

    def handle_data(self, data):
        self._check(data)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name in TEXT_ATTRIBUTES:
                self._check(value)
        if tag == "input" and attributes.get("type") in BUTTON_TYPES:
            self._check(attributes.get("value"))


def literal_text(source: str) -> list[str]:
    parser = _LiteralText()
    parser.feed(JINJA.sub(" ", source))
    parser.close()
    return parser.found


def test_the_scanner_finds_text_outside_gettext():
    source = (
        '<p>{{ _("Hei") }}</p><p>Hei på deg</p><a title="Lenke" href="{{ url }}">1 ·</a>'
        '<img alt="{{ _(\'Logo\') }}"><input placeholder="Søk">{# Kommentar #}'
        '<input type="hidden" name="action" value="withdraw"><input type="submit" value="Send">'
    )
    assert literal_text(source) == ["Hei på deg", "Lenke", "Søk", "Send"]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_template_has_no_text_outside_gettext(path: Path):
    assert literal_text(path.read_text(encoding="utf-8")) == []


def _msgids(path: Path) -> set:
    with path.open("rb") as handle:
        return {message.id for message in read_po(handle) if message.id}


def test_catalog_template_is_current(tmp_path):
    fresh = tmp_path / "messages.pot"
    extract_messages(fresh)
    missing = _msgids(fresh) - _msgids(CATALOG_TEMPLATE)
    stale = _msgids(CATALOG_TEMPLATE) - _msgids(fresh)
    assert not missing, f"run `flask --app hoering translate update`: new strings {missing}"
    assert not stale, f"run `flask --app hoering translate update`: removed strings {stale}"


@pytest.mark.parametrize("language", ["nb", *TRANSLATED_LANGUAGES])
def test_every_language_has_every_string(language):
    assert _msgids(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po") == _msgids(
        CATALOG_TEMPLATE
    )


@pytest.mark.parametrize("language", list(TRANSLATED_LANGUAGES))
def test_translation_is_complete_and_not_fuzzy(language):
    with (TRANSLATIONS / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [
        m.id
        for m in catalog
        if m.id and not all(m.string if isinstance(m.string, tuple) else [m.string])
    ]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    placeholder_errors = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check()]
    assert untranslated == []
    assert fuzzy == []
    assert placeholder_errors == []
