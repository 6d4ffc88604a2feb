"""Markdown draft -> sections and commentable paragraphs, with stable human-readable anchors.

Pure functions: the import preview and the import itself use the same parse.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^\s{0,3}([-*+]|\d{1,3}[.)]|[a-zæøå][.)])\s+(.*)$")
_LEGAL_NUMBER = re.compile(r"^§\s*(\d+)\s*([a-zæøå])?\b\.?\s*(.*)$")
_CHAPTER_NUMBER = re.compile(
    r"^(?:kapittel|kap\.)\s+(\d+)\b\.?\s*(.*)$|^(\d+(?:\.\d+)*)\.?\s+(.*)$", re.IGNORECASE
)
_UNSUPPORTED = (
    (re.compile(r"^\s{0,3}(```|~~~)"), "code"),
    (re.compile(r"^\s{0,3}\|"), "table"),
    (re.compile(r"^\s{0,3}<[a-zA-Z!/]"), "html"),
    (re.compile(r"^\s{0,3}!\["), "image"),
    (re.compile(r"^\s{0,3}>"), "quote"),
    (re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$"), "rule"),
    (re.compile(r"^[=-]{3,}\s*$"), "setext"),
)


@dataclass
class ParsedParagraph:
    anchor: str
    ordinal: int
    text: str
    marker: str | None
    line: int


@dataclass
class ParsedSection:
    key: str
    level: int
    number: str | None
    title: str
    line: int
    paragraphs: list[ParsedParagraph] = field(default_factory=list)


@dataclass
class Problem:
    """Markdown the importer could not place, by line, so nothing is dropped silently."""

    line: int
    kind: str
    excerpt: str


@dataclass
class ParsedDraft:
    sections: list[ParsedSection]
    problems: list[Problem]

    @property
    def paragraph_count(self) -> int:
        return sum(len(section.paragraphs) for section in self.sections)


def slugify(value: str, max_length: int = 30) -> str:
    value = value.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", value).strip("-")[:max_length].strip("-") or "del"


def _section_from_heading(level: int, heading: str) -> tuple[str, str | None, str]:
    """(key, number, title): '§ 3 a Formål' -> ('3a', '§ 3 a', 'Formål')."""
    legal = _LEGAL_NUMBER.match(heading)
    if legal:
        digits, letter, rest = legal.group(1), legal.group(2) or "", legal.group(3)
        number = f"§ {digits}" + (f" {letter}" if letter else "")
        return f"{digits}{letter.lower()}", number, rest.strip() or number
    chapter = _CHAPTER_NUMBER.match(heading)
    if chapter:
        if chapter.group(1):
            return f"kap{chapter.group(1)}", f"Kapittel {chapter.group(1)}", chapter.group(2)
        return chapter.group(3).replace(".", "-"), chapter.group(3), chapter.group(4)
    return slugify(heading), None, heading


def parse_draft(source: str) -> ParsedDraft:
    """Headings become sections; each paragraph and list item becomes a commentable unit."""
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    sections: list[ParsedSection] = []
    problems: list[Problem] = []
    used_keys: set[str] = set()
    block: list[str] = []
    block_start = 0
    block_marker: str | None = None

    def current() -> ParsedSection:
        if not sections:
            section = ParsedSection(key="innledning", level=1, number=None, title="", line=1)
            used_keys.add(section.key)
            sections.append(section)
        return sections[-1]

    def flush() -> None:
        nonlocal block
        text = "\n".join(part.strip() for part in block).strip()
        if text:
            section = current()
            ordinal = len(section.paragraphs) + 1
            section.paragraphs.append(
                ParsedParagraph(
                    anchor=f"p-{section.key}-{ordinal}",
                    ordinal=ordinal,
                    text=text,
                    marker=block_marker,
                    line=block_start,
                )
            )
        block = []

    in_fence = False
    for number, line in enumerate(lines, start=1):
        if in_fence:
            if re.match(r"^\s{0,3}(```|~~~)", line):
                in_fence = False
            continue
        if not line.strip():
            flush()
            continue
        heading = _HEADING.match(line)
        if heading:
            flush()
            level = len(heading.group(1))
            key, section_number, title = _section_from_heading(level, heading.group(2).strip())
            base, suffix = key, 2
            while key in used_keys:
                key, suffix = f"{base}-{suffix}", suffix + 1
            used_keys.add(key)
            sections.append(ParsedSection(key, level, section_number, title.strip(), number))
            continue
        unsupported = next((kind for pattern, kind in _UNSUPPORTED if pattern.match(line)), None)
        if unsupported:
            flush()
            problems.append(Problem(number, unsupported, line.strip()[:80]))
            if unsupported == "code":
                in_fence = True
            continue
        item = _LIST_ITEM.match(line)
        if item:
            flush()
            marker = item.group(1)
            block, block_start = [item.group(2)], number
            block_marker = "•" if marker in "-*+" else marker
            continue
        if not block:
            block_start, block_marker = number, None
        block.append(line)
    flush()
    for section in sections:
        if not section.paragraphs and section.level > 1 and section.number is not None:
            # A numbered section without text cannot be commented on; say so.
            problems.append(Problem(section.line, "empty_section", section.title[:80]))
    return ParsedDraft(sections=sections, problems=problems)


_SENTENCE_END = re.compile(r"[.!?:;)»\"”]\s*$")


def _plain_blocks(source: str) -> list[list[str]]:
    """Runs of consecutive lines that are neither blank, headings nor list items."""
    blocks: list[list[str]] = [[]]
    for line in source.replace("\r\n", "\n").split("\n"):
        if not line.strip() or _HEADING.match(line) or _LIST_ITEM.match(line):
            blocks.append([])
        else:
            blocks[-1].append(line)
    return [block for block in blocks if block]


def looks_hard_wrapped(source: str) -> bool:
    """Many short lines that end mid-sentence: text pasted from a PDF, broken at each line."""
    breaks = wrapped = 0
    for block in _plain_blocks(source):
        for line in block[:-1]:
            breaks += 1
            if not _SENTENCE_END.search(line) and len(line.strip()) < 100:
                wrapped += 1
    return wrapped >= 3 and wrapped * 2 >= breaks


def join_wrapped_lines(source: str) -> str:
    """Join the lines of each paragraph into one; a word split with a hyphen is joined again."""
    out: list[str] = []
    for line in source.replace("\r\n", "\n").split("\n"):
        plain = line.strip() and not _HEADING.match(line) and not _LIST_ITEM.match(line)
        previous = out[-1] if out else ""
        joinable = previous.strip() and not _HEADING.match(previous)
        if plain and joinable and not _SENTENCE_END.search(previous):
            if re.search(r"\w-$", previous) and line.strip()[:1].islower():
                out[-1] = previous[:-1] + line.strip()
            else:
                out[-1] = f"{previous.rstrip()} {line.strip()}"
        else:
            out.append(line)
    return "\n".join(out)
