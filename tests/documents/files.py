"""Real files made here: DOCX with python-docx, ODT with odfpy, PDF with fpdf2, a scanned PDF (an
image of text, no text layer), and the hostile ones the checks must refuse."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from fpdf import FPDF
from PIL import Image, ImageDraw, ImageFont

ASSETS = Path(__file__).resolve().parents[2] / "hoering" / "archive" / "assets"
FONT = ASSETS / "DejaVuSans.ttf"


def docx(*paragraphs: str, heading: str | None = None) -> bytes:
    from docx import Document

    document = Document()
    if heading:
        document.add_heading(heading, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def odt(*paragraphs: str) -> bytes:
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    for text in paragraphs:
        document.text.addElement(P(text=text))
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def pdf(*paragraphs: str) -> bytes:
    document = FPDF()
    document.add_page()
    document.add_font("DejaVu", fname=str(FONT))
    document.set_font("DejaVu", size=12)
    for text in paragraphs:
        document.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(document.output())


def scanned_pdf(text: str) -> bytes:
    """A page that is only a picture of printed text, as a scanner makes it."""
    image = Image.new("L", (1700, 400), 255)
    font = ImageFont.truetype(str(FONT), 56)
    ImageDraw.Draw(image).text((60, 150), text, font=font, fill=0)
    picture = io.BytesIO()
    image.save(picture, format="PNG")
    document = FPDF()
    document.add_page()
    document.image(picture, x=10, y=20, w=190)
    return bytes(document.output())


def encrypted_pdf() -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf("Hemmelig brev."))))
    writer.encrypt("passord")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def repack(data: bytes, *, replace: dict | None = None, add: dict | None = None) -> bytes:
    """The same ZIP package with members replaced or added."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            target.writestr(item, replace.get(item.filename, source.read(item.filename)))
        for name, content in add.items():
            target.writestr(name, content)
    return out.getvalue()


def macro_docx() -> bytes:
    """A .docm in disguise: the macro content type and a VBA project."""
    original = docx("Makro.")
    with zipfile.ZipFile(io.BytesIO(original)) as package:
        types = package.read("[Content_Types].xml")
    types = types.replace(
        b"wordprocessingml.document.main+xml", b"ms-word.document.macroEnabled.main+xml"
    )
    return repack(
        original,
        replace={"[Content_Types].xml": types},
        add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100},
    )


def nested_docx() -> bytes:
    """A DOCX carrying another archive inside it."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as package:
        package.writestr("a.txt", "hei")
    return repack(docx("Vedlegg inni."), add={"word/embeddings/pakke.bin": inner.getvalue()})


def bomb_docx() -> bytes:
    """A DOCX with a member that unpacks to 30 MB of zeros from some 30 kB."""
    return repack(docx("Bombe."), add={"word/media/zeros.xml": b"\0" * (30 * 1024 * 1024)})


def xxe_docx() -> bytes:
    """document.xml that asks the parser to read a local file through an external entity."""
    original = docx("XXE.")
    with zipfile.ZipFile(io.BytesIO(original)) as package:
        xml = package.read("word/document.xml")
    head, _, rest = xml.partition(b"?>")
    evil = head + b'?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + rest
    return repack(original, replace={"word/document.xml": evil.replace(b"XXE.", b"&x;")})


def polyglot_pdf() -> bytes:
    """HTML that a browser would run, with a PDF after it: must not pass as a PDF."""
    return b"<html><script>alert(1)</script></html>\n" + pdf("Polyglott.")


def remote_template_docx() -> bytes:
    """A DOCX that asks the word processor to fetch its template from a server (SSRF)."""
    rels = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/attachedTemplate" Target="http://169.254.169.254/mal.dotm" '
        b'TargetMode="External"/></Relationships>'
    )
    return repack(docx("Mal."), add={"word/_rels/settings.xml.rels": rels})


def hyperlink_docx() -> bytes:
    """A DOCX with an ordinary link to a web page: fine."""
    from docx import Document
    from docx.opc.constants import RELATIONSHIP_TYPE

    document = Document()
    paragraph = document.add_paragraph("Se ")
    paragraph.part.relate_to("https://www.regjeringen.no/", RELATIONSHIP_TYPE.HYPERLINK, True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def remote_image_odt() -> bytes:
    """An ODT whose picture is fetched from a server when the document is opened."""
    original = odt("Bilde.")
    with zipfile.ZipFile(io.BytesIO(original)) as package:
        content = package.read("content.xml")
    frame = b'<draw:frame><draw:image xlink:href="http://169.254.169.254/bilde.png"/></draw:frame>'
    content = content.replace(b"</office:text>", b"<text:p>" + frame + b"</text:p></office:text>")
    return repack(original, replace={"content.xml": content})
