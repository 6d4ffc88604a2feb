"""Benchmark the cost of rendering hostile innspill text: CPU time per text, and how it grows.

    .venv/bin/python bench/render_markdown.py [--length 10000] [--repeat 3]

Renders each pathological pattern (runs of brackets, parentheses, unclosed links and images,
angle brackets, emphasis marks, backticks, nested lists and quotes) at half and at the full
length, through hoering.text.render_markdown without its cache, and prints the best CPU time of
--repeat runs for each. A ratio near 2 between the two lengths means linear cost; 4 would mean
quadratic (Python-Markdown took 9-19 s on 10,000 "[").
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from hoering.text import render_markdown

PATTERNS = {
    "[": "[",
    "(": "(",
    "[a](": "[a](",
    "![": "![",
    "<": "<",
    "*": "*",
    "_": "_",
    "`": "`",
    "[ + newline": "[\n",
    "*_": "*_",
    "`x": "`x",
    "[[ ]]": None,
    "nested list": "- ",
    "indented list": None,
    "nested quote": ">",
}


def text(name: str, length: int) -> str:
    if name == "[[ ]]":
        return "[[" * (length // 8) + "]]" * (length // 8)
    if name == "indented list":
        # Lists nested by indentation, ten deep and again, so the length grows linearly.
        lines = ("  " * (n % 10) + "- x" for n in range(length))
        return "\n".join(lines)[:length]
    unit = PATTERNS[name]
    return unit * (length // len(unit))


def cpu_seconds(source: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.process_time()
        render_markdown.__wrapped__(source)
        best = min(best, time.process_time() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--length", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'pattern':14} {'half (s)':>9} {'full (s)':>9} {'ratio':>6}")
    worst = 0.0
    for name in PATTERNS:
        half = cpu_seconds(text(name, args.length // 2), args.repeat)
        full = cpu_seconds(text(name, args.length), args.repeat)
        worst = max(worst, full)
        print(f"{name:14} {half:9.3f} {full:9.3f} {full / max(half, 1e-6):6.1f}")
    print(f"worst at {args.length} characters: {worst:.3f} s CPU")


if __name__ == "__main__":
    main()
