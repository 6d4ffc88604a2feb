"""Near-duplicate detection, with no database: MinHash/LSH proposes pairs, rapidfuzz checks them.

MinHash (datasketch) over word pairs finds candidate pairs in about linear time; each candidate
pair is then verified with a token-sort ratio (rapidfuzz), which forgives reordered words, typos
and a greeting or sentence added or removed, but not texts that only share a topic's vocabulary.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from datasketch import MinHash, MinHashLSH
from rapidfuzz import fuzz, process

NUM_PERM = 64
LSH_THRESHOLD = 0.5
# Texts signed at a time (bounds the memory the signatures take).
BATCH = 2000
# Token-sort ratio (0-100) from which two texts count as the same letter.
SAME_TEXT = 80.0
# Shorter texts ("Ingen merknader.", "Enig.") are answers, not letters: never grouped.
MIN_WORDS = 8
# Members of one group kept in the LSH index to match later texts against.
REPRESENTATIVES = 12
# The most central text is looked for among this many members of a group.
CENTRE_SAMPLE = 40

_WORD = re.compile(r"\w+")


def normalize(text: str) -> str:
    """Lower case words only: no punctuation, markup or spacing differences."""
    return " ".join(_WORD.findall(text.lower()))


def eligible(normalized: str) -> bool:
    return normalized.count(" ") + 1 >= MIN_WORDS


def similarity(a: str, b: str) -> float:
    """0-100: how alike two normalized texts are as letters."""
    return fuzz.token_sort_ratio(a, b, processor=None)


def _shingles(normalized: str) -> list[bytes]:
    words = normalized.encode().split(b" ")
    return [a + b" " + b for a, b in itertools.pairwise(words)]


_BASE = MinHash(num_perm=NUM_PERM)


def signatures(texts: Iterable[str]) -> list[MinHash]:
    # CRC-32 as the base hash: MinHash's own random permutations spread it, and it costs a
    # fraction of the default SHA-1 per word pair. The permutations are made once and shared.
    return MinHash.bulk(
        [_shingles(text) for text in texts],
        num_perm=NUM_PERM,
        hashfunc=zlib.crc32,
        permutations=_BASE.permutations,
        scheme=_BASE.scheme,
    )


@dataclass
class Group:
    members: list[int]  # keys, as given
    template: int
    similarity: dict[int, float]  # key -> 0..1 against the template


class _Sets:
    """Union-find over keys."""

    def __init__(self):
        self.parent: dict[int, int] = {}

    def find(self, key: int) -> int:
        root = key
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while key != root:
            self.parent[key], key = root, self.parent.get(key, key)
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def group(texts: dict[int, str]) -> list[Group]:
    """Groups of two or more near-identical texts among {key: normalized text}.

    Once a group holds REPRESENTATIVES texts in the LSH index, its further members are checked
    against those but not indexed, so a letter sent ten thousand times costs no more per text
    than one sent ten times.
    """
    # The very same text needs no MinHash: copies of one text join its first key at once.
    firsts: dict[str, int] = {}
    sets = _Sets()
    keys = [key for key, text in texts.items() if eligible(text)]
    distinct = []  # the first key of each text: the only ones signed and compared
    for key in keys:
        first = firsts.setdefault(texts[key], key)
        if first == key:
            distinct.append(key)
        else:
            sets.union(first, key)
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    indexed: dict[int, int] = {}  # root -> how many of its members are in the index
    for start in range(0, len(distinct), BATCH):
        batch = distinct[start : start + BATCH]
        for key, signature in zip(batch, signatures(texts[k] for k in batch), strict=True):
            by_root: dict[int, list[int]] = {}
            for candidate in lsh.query(signature):
                by_root.setdefault(sets.find(candidate), []).append(candidate)
            for candidates in by_root.values():
                if process.extractOne(
                    texts[key],
                    [texts[c] for c in candidates],
                    scorer=fuzz.token_sort_ratio,
                    processor=None,
                    score_cutoff=SAME_TEXT,
                ):
                    sets.union(key, candidates[0])
            root = sets.find(key)
            count = sum(indexed.pop(r, 0) for r in {*by_root, key} if sets.find(r) == root)
            if count < REPRESENTATIVES:
                lsh.insert(key, signature, check_duplication=False)
                count += 1
            indexed[root] = count
    clusters: dict[int, list[int]] = {}
    for key in keys:
        clusters.setdefault(sets.find(key), []).append(key)
    return [centre(members, texts) for members in clusters.values() if len(members) > 1]


def centre(members: list[int], texts: dict[int, str]) -> Group:
    """The most central member as template (among a sample), and every member's similarity."""
    members = sorted(members)
    sample = members[:: max(1, len(members) // CENTRE_SAMPLE)]
    sample_texts = [texts[k] for k in sample]
    totals = process.cdist(
        sample_texts, sample_texts, scorer=fuzz.token_sort_ratio, processor=None
    ).sum(axis=1)
    best = sample[int(totals.argmax())]
    scores = process.cdist(
        [texts[best]], [texts[k] for k in members], scorer=fuzz.token_sort_ratio, processor=None
    )[0]
    return Group(
        members=members,
        template=best,
        similarity={k: round(float(s) / 100, 3) for k, s in zip(members, scores, strict=True)},
    )


def best_match(text: str, candidates: dict[int, str]) -> tuple[int, float] | None:
    """The candidate most like `text`, if one is the same letter: (key, similarity 0..1)."""
    if not candidates or not eligible(text):
        return None
    found = process.extractOne(
        text, candidates, scorer=fuzz.token_sort_ratio, processor=None, score_cutoff=SAME_TEXT
    )
    if found is None:
        return None
    return found[2], round(found[1] / 100, 3)
