"""Atom 1.0 (RFC 4287) documents, written with lxml so every value is escaped correctly."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from lxml import etree

from hoering.archive.xmlutil import sanitize_xml_text

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MEDIA_TYPE = "application/atom+xml"


@dataclass(frozen=True)
class Enclosure:
    """A file that goes with an entry (a link with rel="enclosure")."""

    href: str
    media_type: str
    length: int
    title: str


@dataclass
class Entry:
    id: str
    title: str
    link: str
    published: datetime
    updated: datetime
    author: str
    content_html: str
    enclosures: list[Enclosure] = field(default_factory=list)


@dataclass
class Feed:
    id: str
    title: str
    self_url: str
    page_url: str
    author: str
    updated: datetime
    language: str
    subtitle: str = ""
    entries: list[Entry] = field(default_factory=list)


def timestamp(value: datetime) -> str:
    """An RFC 3339 date-time in UTC, as Atom's date constructs require."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(parent: etree._Element, name: str, value: str, **attrib: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ATOM}}}{name}", attrib)
    # User text may hold characters XML 1.0 cannot carry; they are dropped, never an error.
    element.text = sanitize_xml_text(value)[0]
    return element


def _link(parent: etree._Element, href: str, rel: str, media_type: str = "text/html") -> None:
    etree.SubElement(parent, f"{{{ATOM}}}link", {"rel": rel, "type": media_type, "href": href})


def _author(parent: etree._Element, name: str) -> None:
    author = etree.SubElement(parent, f"{{{ATOM}}}author")
    _text(author, "name", name)


def render_feed(feed: Feed) -> bytes:
    """The feed as a UTF-8 Atom document."""
    root = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM})
    root.set(XML_LANG, feed.language)
    _text(root, "id", feed.id)
    _text(root, "title", feed.title)
    if feed.subtitle:
        _text(root, "subtitle", feed.subtitle)
    _text(root, "updated", timestamp(feed.updated))
    _link(root, feed.self_url, "self", MEDIA_TYPE)
    _link(root, feed.page_url, "alternate")
    _author(root, feed.author)
    for item in feed.entries:
        entry = etree.SubElement(root, f"{{{ATOM}}}entry")
        _text(entry, "id", item.id)
        _text(entry, "title", item.title)
        _link(entry, item.link, "alternate")
        for enclosure in item.enclosures:
            etree.SubElement(
                entry,
                f"{{{ATOM}}}link",
                {
                    "rel": "enclosure",
                    "type": enclosure.media_type,
                    "href": enclosure.href,
                    "length": str(enclosure.length),
                    "title": sanitize_xml_text(enclosure.title)[0],
                },
            )
        _text(entry, "published", timestamp(item.published))
        _text(entry, "updated", timestamp(item.updated))
        _author(entry, item.author)
        _text(entry, "content", item.content_html, type="html")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
