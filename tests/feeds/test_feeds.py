"""Atom feeds show only what is public, are valid Atom, and answer 304 when nothing changed."""

from __future__ import annotations

import re
from datetime import timedelta

from bs4 import BeautifulSoup
from lxml import etree

from hoering.consultations.models import MODE_PRE
from hoering.db import utcnow
from hoering.extensions import db
from hoering.submissions import services as submissions
from hoering.submissions.models import STATUS_HIDDEN, STATUS_WITHDRAWN
from tests.factories import make_agency, make_consultation, make_submission, make_user

NS = {"a": "http://www.w3.org/2005/Atom"}
RFC3339_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def parse_feed(response) -> etree._Element:
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    root = etree.fromstring(response.data)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    # RFC 4287 4.1.1: one id, title and updated; entries carry id, title, updated, author.
    for tag in ("id", "title", "updated"):
        assert len(root.findall(f"a:{tag}", NS)) == 1
    assert RFC3339_UTC.match(root.findtext("a:updated", namespaces=NS))
    for entry in root.findall("a:entry", NS):
        assert entry.findtext("a:id", namespaces=NS).startswith("urn:uuid:")
        assert RFC3339_UTC.match(entry.findtext("a:updated", namespaces=NS))
        assert entry.findtext("a:author/a:name", namespaces=NS)
    return root


def titles(root) -> list[str]:
    return [e.findtext("a:title", namespaces=NS) for e in root.findall("a:entry", NS)]


def contents(root) -> str:
    return " ".join(e.findtext("a:content", namespaces=NS) for e in root.findall("a:entry", NS))


def test_new_consultations_feed_lists_published_ones_newest_first(client):
    older = make_consultation(title="Eldre høring")
    newer = make_consultation(title="Nyere høring")
    newer.published_at = older.published_at + timedelta(minutes=5)
    make_consultation(title="Hemmelig utkast", publish=False)
    db.session.commit()

    root = parse_feed(client.get("/atom/hoeringer"))
    assert titles(root) == ["Nyere høring", "Eldre høring"]
    assert root.findtext("a:title", namespaces=NS) == "Nye høringer"
    link = root.find("a:entry/a:link[@rel='alternate']", NS).get("href")
    assert link == f"http://hoering.test/hoeringer/{newer.slug}/"
    assert root.find("a:entry/a:id", NS).text == f"urn:uuid:{newer.system_id}"
    assert root.find("a:link[@rel='self']", NS).get("href") == "http://hoering.test/atom/hoeringer"


def test_agency_feed_holds_only_that_agency(client):
    ours, theirs = make_agency(name="Vegvesenet"), make_agency()
    make_consultation(agency=ours, title="Om veier")
    make_consultation(agency=theirs, title="Om noe annet")
    db.session.commit()

    root = parse_feed(client.get(f"/atom/virksomheter/{ours.slug}"))
    assert titles(root) == ["Om veier"]
    assert root.findtext("a:title", namespaces=NS) == "Nye høringer fra Vegvesenet"
    assert client.get("/atom/virksomheter/finnes-ikke").status_code == 404


def test_innspill_feed_shows_only_published_and_the_redacted_text(client):
    consultation = make_consultation()
    shown = make_submission(consultation, body="Synlig innspill.")
    redacted = make_submission(consultation, body="Spør naboen Ola Hemmelig.", anchor="p-1-2")
    redacted.public_body = "Spør naboen [fjernet]."
    hidden = make_submission(consultation, body="Skjult innspill.", general=True)
    submissions.set_status(hidden, STATUS_HIDDEN, reason="spam")
    withdrawn = make_submission(consultation, body="Trukket innspill.", general=True)
    submissions.set_status(withdrawn, STATUS_WITHDRAWN)
    make_submission(consultation, parent=shown, body="Et svar.")
    db.session.commit()

    root = parse_feed(client.get(f"/atom/hoeringer/{consultation.slug}/innspill"))
    text = contents(root)
    assert "Synlig innspill." in text
    assert "Et svar." in text
    assert "[fjernet]" in text
    assert "Hemmelig" not in text
    assert "Skjult" not in text
    assert "Trukket" not in text
    assert len(titles(root)) == 3
    assert any(t.startswith("Svar fra ") for t in titles(root))
    assert any(", avsnitt 1" in t for t in titles(root))


def test_innspill_waiting_for_a_moderator_are_not_in_the_feed(client):
    consultation = make_consultation(moderation_mode=MODE_PRE)
    make_submission(consultation, body="Venter på godkjenning.")
    db.session.commit()
    root = parse_feed(client.get(f"/atom/hoeringer/{consultation.slug}/innspill"))
    assert titles(root) == []


def test_a_draft_consultation_has_no_feed(client):
    consultation = make_consultation(publish=False)
    db.session.commit()
    assert client.get(f"/atom/hoeringer/{consultation.slug}/innspill").status_code == 404


def test_markup_and_control_characters_are_escaped(client):
    consultation = make_consultation(title='Lov om <b>"&" og</b> \x01kontroll')
    author = make_user(name="Eve <script>alert(1)</script>")
    make_submission(consultation, author=author, body="<script>alert(1)</script> & mer")
    db.session.commit()

    root = parse_feed(client.get(f"/atom/hoeringer/{consultation.slug}/innspill"))
    assert root.findtext("a:title", namespaces=NS) == 'Innspill til Lov om <b>"&" og</b> kontroll'
    [entry] = root.findall("a:entry", NS)
    assert entry.findtext("a:author/a:name", namespaces=NS) == "Eve <script>alert(1)</script>"
    content = entry.find("a:content", NS)
    assert content.get("type") == "html"
    # The HTML inside is the sanitized Markdown rendering: the script tag is escaped text.
    assert "<script>" not in content.text
    assert "&lt;script&gt;" in content.text


def test_conditional_get_answers_304_until_something_changes(client):
    consultation = make_consultation()
    make_submission(consultation)
    db.session.commit()
    url = f"/atom/hoeringer/{consultation.slug}/innspill"

    first = client.get(url)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.headers["Cache-Control"].startswith("public")
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304

    later = make_submission(consultation, anchor="p-1-2")
    later.published_at = utcnow() + timedelta(seconds=2)
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag


def test_hiding_an_innspill_changes_the_feed_validators(client):
    consultation = make_consultation()
    submission = make_submission(consultation)
    db.session.commit()
    url = f"/atom/hoeringer/{consultation.slug}/innspill"
    etag = client.get(url).headers["ETag"]

    submissions.set_status(submission, STATUS_HIDDEN, reason="spam")
    submission.moderated_at = utcnow() + timedelta(seconds=2)
    db.session.commit()
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert titles(parse_feed(response)) == []


def test_pages_link_their_feeds_and_preview_well(client):
    consultation = make_consultation(title="Høring om friluftsliv", summary="Vi vil ha *turstier*.")
    db.session.commit()

    soup = BeautifulSoup(client.get(f"/hoeringer/{consultation.slug}/").data, "html.parser")
    feeds = {
        link["href"]
        for link in soup.head.find_all("link", rel="alternate", type="application/atom+xml")
    }
    assert feeds == {
        "/atom/hoeringer",
        f"/atom/hoeringer/{consultation.slug}/innspill",
        f"/atom/virksomheter/{consultation.agency.slug}",
    }
    meta = {
        tag.get("property") or tag.get("name"): tag["content"]
        for tag in soup.head.find_all("meta", content=True)
    }
    assert meta["og:title"] == "Høring om friluftsliv"
    assert meta["og:description"] == "Vi vil ha turstier."
    assert meta["og:url"] == f"http://hoering.test/hoeringer/{consultation.slug}/"
    assert meta["og:type"] == "website"
    assert meta["twitter:card"] == "summary"
    assert soup.find("a", href=f"/atom/hoeringer/{consultation.slug}/innspill")

    soup = BeautifulSoup(client.get(f"/hoeringer/{consultation.slug}/p-1-1").data, "html.parser")
    meta = {
        tag.get("property") or tag.get("name"): tag["content"]
        for tag in soup.head.find_all("meta", content=True)
    }
    assert meta["og:title"] == "§ 1, avsnitt 1 – Høring om friluftsliv"
    assert meta["og:description"] == "Loven skal sikre deltakelse."
    assert meta["og:url"] == f"http://hoering.test/hoeringer/{consultation.slug}/p-1-1"
    assert meta["twitter:card"] == "summary"
