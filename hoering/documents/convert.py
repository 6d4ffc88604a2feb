"""PDF/A-2b renditions by Debian's converters, run in a temporary folder with names of our own.

Office files go through the process's long-lived headless LibreOffice (office.py); PDFs through
ocrmypdf (Ghostscript underneath), which also runs OCR (tesseract, Norwegian) on pages that have
no text layer and hands back that text. Each run has a time limit; a converter that hangs is
killed with its whole process group.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from hoering.documents import office
from hoering.documents.detect import DOCX, EXTENSIONS, ODT, PDF

# LibreOffice's PDF export filter asked for PDF/A-2 (b), the arkivformat of riksarkivarens
# forskrift § 5-17.
PDFA_FILTER = "writer_pdf_Export"
PDFA_OPTIONS = ("SelectPdfVersion=2",)
# LibreOffice reads a file with the import filter of the type it was checked to be, never by
# guessing from its content.
OFFICE_IMPORT = {DOCX: "MS Word 2007 XML", ODT: "writer8"}
# ocrmypdf notes the pages it skipped in the sidecar text; those lines are not the document's.
SKIPPED = re.compile(r"^\[OCR skipped on page\(s\) [^\]]*\]\s*$", re.MULTILINE)


class ConversionError(RuntimeError):
    """The converter failed, crashed or ran out of time; the message says which, for the log."""


@dataclass(frozen=True)
class Rendition:
    pdf: bytes
    ocr_text: str


def _run(args: list[str], timeout: int) -> None:
    try:
        process = subprocess.Popen(  # noqa: S603 - fixed argument lists, names of our own
            args,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as error:
        raise ConversionError(f"{args[0]} could not start: {error}") from error
    try:
        _out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as error:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise ConversionError(f"{Path(args[0]).name} ran out of time ({timeout} s)") from error
    if process.returncode != 0:
        tail = err.decode("utf-8", "replace").strip().splitlines()[-3:]
        raise ConversionError(
            f"{Path(args[0]).name} failed with code {process.returncode}: {' | '.join(tail)}"
        )


def to_pdfa(data: bytes, media_type: str, *, timeout: int, work_dir: Path) -> Rendition:
    """The PDF/A-2b rendition of a checked file, and any text OCR found in it."""
    work_dir.mkdir(parents=True, exist_ok=True)
    if media_type in OFFICE_IMPORT:
        try:
            pdf = office.convert(
                data,
                "pdf",
                infiltername=OFFICE_IMPORT[media_type],
                filtername=PDFA_FILTER,
                filter_options=PDFA_OPTIONS,
                timeout=timeout,
                work_dir=work_dir,
            )
        except office.OfficeError as error:
            raise ConversionError(str(error)) from error
        return Rendition(pdf, "")
    if media_type == PDF:
        with tempfile.TemporaryDirectory(dir=work_dir) as tmp:
            folder = Path(tmp)
            source = folder / f"input.{EXTENSIONS[media_type]}"
            source.write_bytes(data)
            return _ocrmypdf(source, folder, timeout)
    raise ConversionError(f"no converter for {media_type}")


def _ocrmypdf(source: Path, folder: Path, timeout: int) -> Rendition:
    binary = shutil.which("ocrmypdf") or "ocrmypdf"
    result, sidecar = folder / "out.pdf", folder / "ocr.txt"
    _run(
        [
            binary,
            "--skip-text",
            "--output-type",
            "pdfa-2",
            "--language",
            "nor+eng",
            "--jobs",
            "1",
            "--quiet",
            "--sidecar",
            str(sidecar),
            str(source),
            str(result),
        ],
        timeout,
    )
    if not result.exists():
        raise ConversionError("ocrmypdf produced no PDF")
    text = sidecar.read_text("utf-8", "replace") if sidecar.exists() else ""
    text = SKIPPED.sub("", text).replace("\f", "\n").strip()
    return Rendition(result.read_bytes(), text)
