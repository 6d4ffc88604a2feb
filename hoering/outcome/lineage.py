"""What changed between two versions of a draft: each paragraph of the new version linked to the
one it came from (same anchor, else the most similar text), and a word-level redline."""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from rapidfuzz import fuzz
from sqlalchemy import select

from hoering.consultations.models import Consultation, DraftVersion, Paragraph
from hoering.extensions import db
from hoering.outcome.models import ParagraphOrigin
from hoering.submissions.models import Submission

# Below this similarity (0-100) a paragraph without the same anchor counts as new.
MATCH_THRESHOLD = 60

EQUAL, INSERTED, DELETED = "equal", "insert", "delete"


@dataclass
class Change:
    """A paragraph of the newer version, the one it came from (None: new), and the redline."""

    paragraph: Paragraph
    previous: Paragraph | None
    redline: list[tuple[str, str]]

    @property
    def is_changed(self) -> bool:
        return self.previous is None or self.previous.text != self.paragraph.text


def redline(old: str, new: str) -> list[tuple[str, str]]:
    """The new text as runs of equal, inserted and deleted words (whitespace kept)."""
    a, b = old.split(" "), new.split(" ")
    runs: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            runs.append((EQUAL, " ".join(b[j1:j2])))
            continue
        if op in ("delete", "replace"):
            runs.append((DELETED, " ".join(a[i1:i2])))
        if op in ("insert", "replace"):
            runs.append((INSERTED, " ".join(b[j1:j2])))
    return runs


def _paragraphs(version_id: int) -> list[Paragraph]:
    return list(
        db.session.scalars(
            select(Paragraph).where(Paragraph.version_id == version_id).order_by(Paragraph.position)
        )
    )


def corrections(new: list[Paragraph]) -> dict[int, int | None]:
    """The case officer's corrections for these paragraphs: new id -> origin id (None: new)."""
    return dict(
        db.session.execute(
            select(ParagraphOrigin.paragraph_id, ParagraphOrigin.origin_id).where(
                ParagraphOrigin.paragraph_id.in_([p.id for p in new])
            )
        ).all()
    )


def match(
    old: list[Paragraph], new: list[Paragraph], corrected: dict[int, int | None] | None = None
) -> dict[int, Paragraph]:
    """For each new paragraph id, the old paragraph it came from: the case officer's correction,
    else the same anchor, else the most similar text."""
    corrected = corrected or {}
    by_id = {p.id: p for p in old}
    by_anchor = {p.anchor: p for p in old}
    found: dict[int, Paragraph] = {
        new_id: by_id[old_id] for new_id, old_id in corrected.items() if old_id in by_id
    }
    taken = {p.id for p in found.values()}
    for paragraph in new:
        if paragraph.id in corrected:
            continue
        origin = by_anchor.get(paragraph.anchor)
        if origin is not None and origin.id not in taken:
            found[paragraph.id] = origin
            taken.add(origin.id)
    for paragraph in new:
        if paragraph.id in found or paragraph.id in corrected:
            continue
        best, score = None, MATCH_THRESHOLD
        for candidate in old:
            if candidate.id in taken:
                continue
            ratio = fuzz.ratio(candidate.text, paragraph.text)
            if ratio >= score:
                best, score = candidate, ratio
        if best is not None:
            found[paragraph.id] = best
            taken.add(best.id)
    return found


def previous_version_id(version_id: int) -> int | None:
    version = db.session.get(DraftVersion, version_id)
    return db.session.scalar(
        select(DraftVersion.id).where(
            DraftVersion.consultation_id == version.consultation_id,
            DraftVersion.number == version.number - 1,
        )
    )


def changes(consultation: Consultation) -> list[Change]:
    """Every paragraph of the current version against the version before it."""
    if consultation.current_version_id is None:
        return []
    previous_id = previous_version_id(consultation.current_version_id)
    if previous_id is None:
        return []
    new = _paragraphs(consultation.current_version_id)
    origins = match(_paragraphs(previous_id), new, corrections(new))
    result = []
    for paragraph in new:
        previous = origins.get(paragraph.id)
        runs = redline(previous.text, paragraph.text) if previous else [(INSERTED, paragraph.text)]
        result.append(Change(paragraph, previous, runs))
    return result


def changed_paragraphs(consultation: Consultation) -> list[Change]:
    return [change for change in changes(consultation) if change.is_changed]


def paragraph_change(submission: Submission) -> Change | None:
    """For an innspill on an older version: its paragraph's wording in the current version."""
    consultation = submission.consultation
    if (
        submission.paragraph is None
        or consultation.current_version_id is None
        or submission.paragraph.version_id == consultation.current_version_id
    ):
        return None
    old = submission.paragraph
    new = _paragraphs(consultation.current_version_id)
    for paragraph_id, origin in match(_paragraphs(old.version_id), new, corrections(new)).items():
        if origin.id == old.id:
            paragraph = next(p for p in new if p.id == paragraph_id)
            return Change(paragraph, old, redline(old.text, paragraph.text))
    return None


def previous_paragraphs(consultation: Consultation) -> list[Paragraph]:
    """The paragraphs of the version before the current one (empty for a first version)."""
    if consultation.current_version_id is None:
        return []
    previous_id = previous_version_id(consultation.current_version_id)
    return _paragraphs(previous_id) if previous_id is not None else []
