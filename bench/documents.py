"""Benchmark the document pipeline: checking and text extraction (in the request) and PDF/A
conversion (in the worker), per file type, on files made here.

    .venv/bin/python bench/documents.py [--repeat 3] [--paragraphs 200]

Prints median milliseconds per step and file type as JSON. The check and extraction run in the
request, so they must stay well under a second for the largest allowed files; the conversion runs
in the task worker (the process's one reused LibreOffice, which the first DOCX run also starts,
so the median needs --repeat 3 or more; ocrmypdf). bench/office.py compares the reused
LibreOffice with a new process per file.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hoering.documents import convert, detect  # noqa: E402
from hoering.documents.extract import extract_text  # noqa: E402
from tests.documents import files  # noqa: E402

ALL = (detect.PDF, detect.DOCX, detect.ODT)


def timed(step, repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        step()
        runs.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(runs), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--paragraphs", type=int, default=200)
    args = parser.parse_args()
    text = [
        f"Avsnitt {n}: kommunen mener fristen for høringen er for kort."
        for n in range(args.paragraphs)
    ]
    samples = {
        "docx": (files.docx(*text), detect.DOCX),
        "odt": (files.odt(*text), detect.ODT),
        "pdf": (files.pdf(*text), detect.PDF),
        "scanned pdf": (files.scanned_pdf("Fødselsnummer 13097248022"), detect.PDF),
    }
    results = {}
    with tempfile.TemporaryDirectory() as work:
        for name, (data, media_type) in samples.items():
            results[name] = {
                "bytes": len(data),
                "check ms": timed(lambda d=data: detect.sniff(d, ALL), args.repeat),
                "extract ms": timed(lambda d=data, m=media_type: extract_text(d, m), args.repeat),
                "pdfa ms": timed(
                    lambda d=data, m=media_type: convert.to_pdfa(
                        d, m, timeout=300, work_dir=Path(work)
                    ),
                    args.repeat,
                ),
            }
    print(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
