"""The importer turns Markdown into sections and paragraphs, dropping nothing silently."""

from hoering.consultations.draft import parse_draft

SOURCE = """Innledende tekst før første overskrift.

# Kapittel 1 Alminnelige bestemmelser

## § 1 Formål

Første ledd
over to linjer.

Andre ledd.

## § 3 a Virkeområde

- første punkt
- andre punkt
  med fortsettelse
1. nummerert punkt

## 2.1 Bakgrunn

Tekst.

## Merknader

| tabell | her |
|---|---|

```
kode
```

<div>html</div>

![bilde](x.png)

## § 4 Tom paragraf
"""


def _parsed():
    return parse_draft(SOURCE)


def test_headings_become_sections_with_legal_numbers_kept():
    sections = _parsed().sections
    assert [(s.key, s.number, s.title) for s in sections] == [
        ("innledning", None, ""),
        ("kap1", "Kapittel 1", "Alminnelige bestemmelser"),
        ("1", "§ 1", "Formål"),
        ("3a", "§ 3 a", "Virkeområde"),
        ("2-1", "2.1", "Bakgrunn"),
        ("merknader", None, "Merknader"),
        ("4", "§ 4", "Tom paragraf"),
    ]


def test_paragraphs_and_list_items_get_stable_human_readable_anchors():
    by_key = {s.key: s for s in _parsed().sections}
    assert [(p.anchor, p.text) for p in by_key["1"].paragraphs] == [
        ("p-1-1", "Første ledd\nover to linjer."),
        ("p-1-2", "Andre ledd."),
    ]
    items = by_key["3a"].paragraphs
    assert [(p.anchor, p.marker, p.text) for p in items] == [
        ("p-3a-1", "•", "første punkt"),
        ("p-3a-2", "•", "andre punkt\nmed fortsettelse"),
        ("p-3a-3", "1.", "nummerert punkt"),
    ]
    assert by_key["innledning"].paragraphs[0].anchor == "p-innledning-1"


def test_markdown_that_cannot_be_placed_is_reported_by_line():
    problems = [(p.line, p.kind) for p in _parsed().problems]
    assert problems == [
        (25, "table"),
        (26, "table"),
        (28, "code"),
        (32, "html"),
        (34, "image"),
        (36, "empty_section"),
    ]
    # The code block's contents are not reported twice or turned into paragraphs.
    texts = [p.text for s in _parsed().sections for p in s.paragraphs]
    assert "kode" not in texts


def test_same_draft_gives_same_anchors_every_time():
    first = [p.anchor for s in parse_draft(SOURCE).sections for p in s.paragraphs]
    second = [p.anchor for s in parse_draft(SOURCE).sections for p in s.paragraphs]
    assert first == second
    assert len(set(first)) == len(first)


def test_duplicate_headings_get_distinct_keys():
    parsed = parse_draft("## § 1 Første\n\nx\n\n## § 1 Andre\n\ny\n")
    assert [s.key for s in parsed.sections] == ["1", "1-2"]
    assert [p.anchor for s in parsed.sections for p in s.paragraphs] == ["p-1-1", "p-1-2-1"]
