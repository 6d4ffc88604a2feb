"""What a file is, decided by its content alone; and what makes a file too dangerous to take.

Pure functions over bytes. The name and the Content-Type header a browser sends are never
trusted: a PDF must start with the PDF signature, DOCX and ODT must be ZIP packages with the
members their formats require. Refused: encrypted PDF, macro-enabled Office files, archives
inside archives, ZIP files that would decompress past a size or ratio limit, and XML with a
document type declaration (the door to XXE and entity expansion; OOXML and ODF never need one).
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
EXTENSIONS = {PDF: "pdf", DOCX: "docx", ODT: "odt"}
NAMES = {"pdf": PDF, "docx": DOCX, "odt": ODT}

DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
# Signatures of archives and compound files that have no business inside a letter.
NESTED_SIGNATURES = (
    b"PK\x03\x04",  # ZIP (and every OOXML/ODF file)
    b"\x1f\x8b",  # gzip
    b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07",
    b"BZh",
    b"\xfd7zXZ\x00",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",  # OLE compound file (embedded objects, old macros)
)
MAX_MEMBERS = 2000
# A DOCTYPE must come before the root element; the extractor's parser refuses one anywhere.
PROLOG_BYTES = 64 * 1024


class RefusedFileError(ValueError):
    """The file is not accepted; the message says why, in the user's language."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Limits:
    max_unpacked: int = 100 * 1024 * 1024
    max_ratio: int = 100


def sniff(data: bytes, allowed: tuple[str, ...], limits: Limits | None = None) -> str:
    """The media type of `data` if it is an allowed, safe document; else RefusedFileError."""
    limits = limits or Limits()
    if data.startswith(b"%PDF-"):
        media_type = PDF
    elif data.startswith(b"PK\x03\x04"):
        media_type = _package_type(data, limits)
    else:
        raise RefusedFileError(_l("Filtypen er ikke godtatt."))
    if media_type not in allowed:
        raise RefusedFileError(_l("Filtypen er ikke godtatt."))
    if media_type == PDF:
        _check_pdf(data)
    return media_type


def _check_pdf(data: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
        if not encrypted:
            len(reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        raise RefusedFileError(_l("PDF-filen er skadet og kan ikke leses.")) from error
    if encrypted:
        raise RefusedFileError(
            _l("PDF-filen er kryptert eller passordbeskyttet. Lagre den uten passord.")
        )


def _package_type(data: bytes, limits: Limits) -> str:
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        members = package.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as error:
        raise RefusedFileError(_l("Filen er skadet og kan ikke leses.")) from error
    _check_bomb(members, len(data), limits)
    names = {member.filename for member in members}
    if "mimetype" in names and "content.xml" in names:
        media_type = _read(package, "mimetype", 200).strip().decode("ascii", "replace")
        if media_type != ODT:
            raise RefusedFileError(_l("Filtypen er ikke godtatt."))
        if any(name.startswith(("Basic/", "Scripts/")) for name in names):
            raise _macros()
    elif "[Content_Types].xml" in names and "word/document.xml" in names:
        types = _read(package, "[Content_Types].xml", 1024 * 1024)
        if b"macroEnabled" in types or b"vbaProject" in types:
            raise _macros()
        if DOCX_MAIN.encode() not in types:
            raise RefusedFileError(_l("Filtypen er ikke godtatt."))
        media_type = DOCX
        if any(name.lower().endswith(".bin") and "vba" in name.lower() for name in names):
            raise _macros()
    else:
        raise RefusedFileError(_l("Filtypen er ikke godtatt."))
    for member in members:
        if member.is_dir():
            continue
        head = _head(package, member.filename, PROLOG_BYTES)
        if head.startswith(NESTED_SIGNATURES):
            raise RefusedFileError(
                _l("Filen inneholder en annen pakket fil eller et innebygd objekt. Lagre den uten.")
            )
        if member.filename.endswith((".xml", ".rels")) and (
            b"<!DOCTYPE" in head or b"<!ENTITY" in head
        ):
            raise RefusedFileError(_l("Filen inneholder XML som ikke er tillatt (DOCTYPE)."))
        if _links_outside(member.filename, package, limits):
            raise RefusedFileError(
                _l("Filen henter innhold utenfra (en ekstern mal, et bilde eller et objekt).")
            )
    return media_type


# A relationship to something outside the package that a converter would fetch: a remote
# template, image, frame or object (hyperlinks, which nothing fetches, are fine).
_EXTERNAL_RELATIONSHIP = re.compile(rb"<Relationship\b[^>]*>", re.IGNORECASE)
_ODF_REMOTE = re.compile(
    rb"<(?:draw:image|draw:object|draw:object-ole|text:section-source|draw:plugin)\b[^>]*"
    rb"xlink:href=\"(?:[a-z][a-z0-9+.-]*:|/)",
    re.IGNORECASE,
)


def _links_outside(name: str, package: zipfile.ZipFile, limits: Limits) -> bool:
    if name.endswith(".rels"):
        for relationship in _EXTERNAL_RELATIONSHIP.findall(_read(package, name, 1024 * 1024)):
            if b'TargetMode="External"' in relationship and b'/hyperlink"' not in relationship:
                return True
        return False
    if name in ("content.xml", "styles.xml"):
        return bool(_ODF_REMOTE.search(_read(package, name, limits.max_unpacked)))
    return False


def _macros() -> RefusedFileError:
    return RefusedFileError(
        _l("Filer med makroer blir ikke godtatt. Lagre dokumentet uten makroer.")
    )


def _check_bomb(members: list[zipfile.ZipInfo], packed: int, limits: Limits) -> None:
    unpacked = sum(member.file_size for member in members)
    if (
        len(members) > MAX_MEMBERS
        or unpacked > limits.max_unpacked
        or unpacked > limits.max_ratio * max(packed, 1)
    ):
        raise _bomb()


def _bomb() -> RefusedFileError:
    return RefusedFileError(_l("Filen pakkes ut til altfor mye data og blir ikke godtatt."))


def _head(package: zipfile.ZipFile, name: str, size: int) -> bytes:
    """A member's first `size` bytes (the XML prolog, where a DOCTYPE must stand)."""
    try:
        with package.open(name) as member:
            return member.read(size)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, ValueError, OSError) as error:
        raise RefusedFileError(_l("Filen er skadet og kan ikke leses.")) from error


def _read(package: zipfile.ZipFile, name: str, limit: int) -> bytes:
    """A member's bytes, never more than `limit` of them whatever its header claims."""
    try:
        with package.open(name) as member:
            data = member.read(limit + 1)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, ValueError, OSError) as error:
        # RuntimeError: an encrypted member; NotImplementedError: an unknown compression.
        raise RefusedFileError(_l("Filen er skadet og kan ikke leses.")) from error
    if len(data) > limit:
        raise _bomb()
    return data
