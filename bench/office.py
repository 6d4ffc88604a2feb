"""Benchmark Office → PDF/A conversion: a new LibreOffice process per file (`soffice
--convert-to`, profile kept between runs) against the process's one reused LibreOffice
(hoering/documents/office.py, which the app uses).

    .venv/bin/python bench/office.py [--files 10] [--paragraphs 200]

Prints, as JSON, the seconds per DOCX of each way over --files files, and the seconds the reused
instance took to start (once per worker process).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hoering.documents import convert, detect, office  # noqa: E402
from tests.documents import files  # noqa: E402

PDFA = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'


def new_process_each(sources: list[Path], work: Path) -> float:
    profile = (work / "profile").as_uri()

    def run(source: Path) -> None:
        subprocess.run(
            [
                shutil.which("soffice") or "soffice",
                f"-env:UserInstallation={profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                PDFA,
                "--outdir",
                str(work / "out"),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )

    run(sources[0])  # the profile is made once, as the kept profile was
    start = time.perf_counter()
    for source in sources:
        run(source)
    return (time.perf_counter() - start) / len(sources)


def reused(sources: list[Path], work: Path) -> tuple[float, float]:
    data = [source.read_bytes() for source in sources]
    start = time.perf_counter()
    convert.to_pdfa(data[0], detect.DOCX, timeout=300, work_dir=work)
    started = time.perf_counter() - start
    start = time.perf_counter()
    for one in data:
        convert.to_pdfa(one, detect.DOCX, timeout=300, work_dir=work)
    per_file = (time.perf_counter() - start) / len(data)
    office.stop()
    return started, per_file


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--paragraphs", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sources = []
        for n in range(args.files):
            source = work / f"brev-{n}.docx"
            text = (f"Brev {n}, avsnitt {p}: fristen er for kort." for p in range(args.paragraphs))
            source.write_bytes(files.docx(*text))
            sources.append(source)
        each = new_process_each(sources, work)
        started, per_file = reused(sources, work)
    print(
        json.dumps(
            {
                "files": args.files,
                "new process per file, s per DOCX": round(each, 2),
                "reused LibreOffice, s per DOCX": round(per_file, 2),
                "reused LibreOffice, s to start": round(started, 2),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
