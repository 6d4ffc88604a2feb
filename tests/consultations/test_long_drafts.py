"""Long drafts: contents, a way past the draft, one tab stop per paragraph (issue 14, point 10)."""

from bs4 import BeautifulSoup

from hoering.extensions import db
from tests.factories import make_consultation

LONG_DRAFT = """# Kapittel 1 Innledning

## § 1 Formål

Loven skal sikre deltakelse.

Loven skal sikre god dokumentasjon.

# Kapittel 2 Gjennomføring

## § 2 Frister

Fristen er seks uker.

- første punkt
- andre punkt

# Kapittel 3 Sluttbestemmelser

## § 3 Ikrafttredelse

Loven gjelder fra den tid Kongen bestemmer.
"""

FOCUSABLE = "a[href], button, input, select, textarea, [tabindex]"


def _page(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _tab_stops(element):
    return [e for e in element.select(FOCUSABLE) if e.get("tabindex") != "-1"]


def test_contents_lists_every_chapter_with_a_working_link(client):
    consultation = make_consultation(draft=LONG_DRAFT)
    db.session.commit()
    page = _page(client.get(f"/hoeringer/{consultation.slug}/"))
    toc = page.select_one("nav.toc")
    assert toc.get("aria-labelledby") == "toc-heading"
    links = toc.select("a")
    assert [a.get_text(" ", strip=True) for a in links] == [
        "Kapittel 1 Innledning",
        "Kapittel 2 Gjennomføring",
        "Kapittel 3 Sluttbestemmelser",
    ]
    for link in links:
        assert page.find(id=link["href"][1:]).name.startswith("h"), link


def test_a_skip_link_near_the_top_leads_to_the_statement_on_the_whole_draft(client):
    consultation = make_consultation(draft=LONG_DRAFT)
    db.session.commit()
    page = _page(client.get(f"/hoeringer/{consultation.slug}/"))
    main = page.select_one("main")
    stops = _tab_stops(main)
    skip = next(a for a in stops if "uttalelsene til hele utkastet" in a.text)
    assert stops.index(skip) < 6
    assert page.find(id=skip["href"][1:]).name == "h2"
    # The statement on the whole is the main action, before the draft.
    primary = main.select('a[data-variant="primary"]')
    assert [a.get_text(strip=True) for a in primary] == ["Skriv en uttalelse til hele utkastet"]
    assert stops.index(primary[0]) < stops.index(main.select_one(".paragraph a.comment-count"))


def test_each_paragraph_is_one_tab_stop(client):
    consultation = make_consultation(draft=LONG_DRAFT)
    db.session.commit()
    page = _page(client.get(f"/hoeringer/{consultation.slug}/"))
    paragraphs = page.select("div.paragraph")
    assert len(paragraphs) == 6
    for paragraph in paragraphs:
        [stop] = _tab_stops(paragraph)
        assert stop["href"].endswith(f"/{paragraph['id']}")
        assert "Kommenter" in stop.text
        # The number stays a permalink for pointers.
        assert paragraph.select_one("a.paragraph-number")["href"] == f"#{paragraph['id']}"
