"""A generated corpus of innspill with a known truth: form letters sent many times with edits,
mixed with organic innspill on the same topic that share its vocabulary but are no copies."""

from __future__ import annotations

import random
from dataclasses import dataclass

TOPIC = [
    "skole",
    "kommune",
    "elever",
    "lærere",
    "vei",
    "trafikk",
    "sikkerhet",
    "natur",
    "friluftsliv",
    "barnehage",
    "budsjett",
    "kollektivtransport",
    "buss",
    "parkering",
    "sykkel",
    "klima",
    "utslipp",
    "boliger",
    "utbygging",
    "reguleringsplan",
    "jordvern",
    "dyrket",
    "mark",
    "støy",
    "helse",
    "eldre",
    "omsorg",
    "tilskudd",
    "frivillighet",
    "idrett",
    "bibliotek",
    "høringsforslaget",
    "departementet",
    "forskriften",
    "paragrafen",
    "endringen",
    "forslaget",
    "lovverket",
]

FILLER = [
    "vi",
    "vil",
    "mener",
    "at",
    "det",
    "er",
    "og",
    "som",
    "for",
    "ikke",
    "bør",
    "kan",
    "må",
    "skal",
    "med",
    "på",
    "til",
    "av",
    "i",
    "en",
    "et",
    "den",
    "de",
    "dette",
    "også",
    "svært",
    "viktig",
    "helt",
    "godt",
    "nok",
    "mer",
    "mindre",
    "alle",
    "mange",
    "noen",
    "flere",
    "både",
    "samt",
]

GREETINGS = ("Hei,", "Til departementet.", "Hei! Jeg vil gjerne si noe.", "God dag.", "Hallo.")
SIGNATURES = (
    "Med vennlig hilsen {name}",
    "Hilsen {name}",
    "Mvh {name}, bekymret innbygger",
    "{name}",
    "Vennlig hilsen {name} og familien",
)
FIRST = ("Kari", "Ola", "Ingrid", "Per", "Nora", "Jonas", "Sofie", "Emil", "Maja", "Lars")
LAST = ("Nordmann", "Hansen", "Johansen", "Olsen", "Larsen", "Berg", "Haugen", "Bakken")


def _sentence(rng: random.Random) -> str:
    size = rng.randint(8, 16)
    words = [rng.choice(TOPIC if rng.random() < 0.45 else FILLER) for _ in range(size)]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def _letter(rng: random.Random) -> list[str]:
    return [_sentence(rng) for _ in range(rng.randint(5, 9))]


def _typo(rng: random.Random, sentence: str) -> str:
    words = sentence.split(" ")
    i = rng.randrange(len(words))
    word = words[i]
    if len(word) > 3:
        j = rng.randrange(1, len(word) - 1)
        words[i] = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    return " ".join(words)


def _reword(rng: random.Random, sentence: str) -> str:
    words = sentence.rstrip(".").split(" ")
    i = rng.randrange(len(words))
    words[i] = rng.choice(FILLER)
    if len(words) > 4 and rng.random() < 0.5:
        a, b = rng.sample(range(len(words)), 2)
        words[a], words[b] = words[b], words[a]
    return " ".join(words) + "."


def _edited(rng: random.Random, letter: list[str]) -> str:
    sentences = list(letter)
    for _ in range(rng.randint(0, 2)):
        edit = rng.choice(("add", "remove", "reword", "typo"))
        if edit == "add":
            sentences.insert(rng.randrange(len(sentences) + 1), _sentence(rng))
        elif edit == "remove" and len(sentences) > 4:
            sentences.pop(rng.randrange(len(sentences)))
        elif edit == "reword":
            i = rng.randrange(len(sentences))
            sentences[i] = _reword(rng, sentences[i])
        else:
            i = rng.randrange(len(sentences))
            sentences[i] = _typo(rng, sentences[i])
    name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    parts = []
    if rng.random() < 0.6:
        parts.append(rng.choice(GREETINGS))
    parts.append(" ".join(sentences))
    if rng.random() < 0.7:
        parts.append(rng.choice(SIGNATURES).format(name=name))
    return "\n\n".join(parts)


@dataclass
class Corpus:
    texts: list[str]
    truth: list[int | None]  # per text: the form letter it was made from, or None (organic)


def make_corpus(
    *, letters: int = 5, copies: int = 200, organic: int = 500, seed: int = 9
) -> Corpus:
    rng = random.Random(seed)
    items: list[tuple[str, int | None]] = []
    for number in range(letters):
        letter = _letter(rng)
        items += [(_edited(rng, letter), number) for _ in range(copies)]
    items += [("\n\n".join(_letter(rng)), None) for _ in range(organic)]
    rng.shuffle(items)
    return Corpus(texts=[t for t, _ in items], truth=[n for _, n in items])


def pair_scores(truth: list[int | None], found: list[int | None]) -> tuple[float, float]:
    """Pairwise precision and recall of a grouping against the truth (indices by position)."""

    def pairs(labels: list[int | None]) -> set[tuple[int, int]]:
        by_label: dict[int, list[int]] = {}
        for index, label in enumerate(labels):
            if label is not None:
                by_label.setdefault(label, []).append(index)
        return {(a, b) for group in by_label.values() for a in group for b in group if a < b}

    true_pairs, found_pairs = pairs(truth), pairs(found)
    hits = len(true_pairs & found_pairs)
    precision = hits / len(found_pairs) if found_pairs else 1.0
    recall = hits / len(true_pairs) if true_pairs else 1.0
    return precision, recall
