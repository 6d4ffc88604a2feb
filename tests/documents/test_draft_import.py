"""Drafts from Word and LibreOffice: numbered headings keep their numbers in anchors, lists
become units, tables and images are listed as not imported; hard-wrapped paste is noticed."""

import io
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from hoering.accounts.models import ROLE_CASE_OFFICER
from hoering.config import INSTANCE_DIR
from hoering.consultations.draft import join_wrapped_lines, looks_hard_wrapped, parse_draft
from hoering.documents import office
from hoering.documents.detect import DOCX, ODT
from hoering.documents.wordimport import to_markdown
from hoering.extensions import db
from tests.conftest import csrf_from
from tests.documents import files
from tests.factories import make_consultation, make_user


def guide_docx() -> bytes:
    """A guide as a ministry writes one: numbered headings, bullets, numbered lists, a table."""
    document = Document()
    document.add_heading("1 Innledning", 1)
    document.add_paragraph("Departementet sender forslaget på høring.")
    document.add_heading("2 Bakgrunn", 1)
    document.add_heading("2.1 Gjeldende rett", 2)
    document.add_paragraph("Loven gjelder i dag for statlige organer.")
    document.add_paragraph("kommunene", style="List Bullet")
    document.add_paragraph("fylkeskommunene", style="List Bullet")
    document.add_heading("2.4 Forslaget", 2)
    document.add_paragraph("Første avsnitt under 2.4.")
    document.add_heading("2.4.1 Frister", 3)
    document.add_paragraph("Fristen blir tre måneder.")
    document.add_paragraph("først varsel", style="List Number")
    document.add_paragraph("så vedtak", style="List Number")
    document.add_table(rows=2, cols=2)
    document.add_heading("Kapittel 3 Økonomiske konsekvenser", 1)
    document.add_heading("§ 12 a Kostnader", 2)
    document.add_paragraph("Kostnadene er små.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _anchors(markdown: str) -> dict[str, str]:
    parsed = parse_draft(markdown)
    return {p.anchor: p.text for s in parsed.sections for p in s.paragraphs}


def test_a_guide_in_docx_keeps_its_numbers_and_lists():
    markdown = to_markdown(guide_docx(), DOCX)
    anchors = _anchors(markdown)
    assert anchors["p-1-1"] == "Departementet sender forslaget på høring."
    assert anchors["p-2-1-1"] == "Loven gjelder i dag for statlige organer."
    assert anchors["p-2-1-2"] == "kommunene" and anchors["p-2-1-3"] == "fylkeskommunene"
    assert anchors["p-2-4-1"] == "Første avsnitt under 2.4."
    assert anchors["p-2-4-1-1"] == "Fristen blir tre måneder."
    assert anchors["p-2-4-1-2"] == "først varsel"
    assert anchors["p-12a-1"] == "Kostnadene er små."
    parsed = parse_draft(markdown)
    assert [s.number for s in parsed.sections if s.number] == [
        "1", "2", "2.1", "2.4", "2.4.1", "Kapittel 3", "§ 12 a",
    ]  # fmt: skip
    assert [p.kind for p in parsed.problems] == ["table"]


def test_headings_numbered_by_word_get_the_number_the_reader_saw():
    document = Document()
    for level, text in ((1, "Innledning"), (1, "Bakgrunn"), (2, "Gjeldende rett"), (2, "Forslag")):
        heading = document.add_heading(text, level)
        numbering = OxmlElement("w:numPr")
        for tag, value in (("w:ilvl", str(level - 1)), ("w:numId", "1")):
            element = OxmlElement(tag)
            element.set(qn("w:val"), value)
            numbering.append(element)
        heading._p.get_or_add_pPr().append(numbering)
        document.add_paragraph(f"Tekst om {text.lower()}.")
    out = io.BytesIO()
    document.save(out)
    anchors = _anchors(to_markdown(out.getvalue(), DOCX))
    assert anchors["p-2-2-1"] == "Tekst om forslag."
    assert anchors["p-1-1"] == "Tekst om innledning."


def test_a_docx_and_odt_written_by_libreoffice_import_alike(tmp_path: Path):
    html = tmp_path / "veileder.html"
    html.write_text(
        "<html><body><h1>1 Innledning</h1><p>Formålet.</p><h2>2.4 Tiltak</h2>"
        "<ul><li>ett tiltak</li><li>to tiltak</li></ul><p><img src='x.png'></p></body></html>",
        encoding="utf-8",
    )
    for extension, export_filter in (("odt", "writer8"), ("docx", "MS Word 2007 XML")):
        (tmp_path / f"veileder.{extension}").write_bytes(
            office.convert(
                html.read_bytes(),
                extension,
                infiltername="HTML (StarWriter)",
                filtername=export_filter,
                timeout=120,
                work_dir=INSTANCE_DIR / "conversions",
            )
        )
    for name, media_type in (("veileder.odt", ODT), ("veileder.docx", DOCX)):
        anchors = _anchors(to_markdown((tmp_path / name).read_bytes(), media_type))
        assert anchors["p-1-1"] == "Formålet.", name
        assert anchors["p-2-4-1"] == "ett tiltak", name
        assert anchors["p-2-4-2"] == "to tiltak", name


def test_the_officer_uploads_a_docx_draft_and_a_dangerous_one_is_refused(signed_in):
    consultation = make_consultation(draft=None, publish=False)
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    db.session.commit()
    client = signed_in(officer)
    url = f"/admin/hoeringer/{consultation.slug}/utkast"

    def upload(data: bytes, name: str):
        page = client.get(url).get_data(as_text=True)
        return client.post(
            url,
            data={
                "csrf_token": csrf_from(page),
                "action": "preview",
                "upload": (io.BytesIO(data), name),
            },
            content_type="multipart/form-data",
        )

    response = upload(guide_docx(), "veileder.docx")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "#p-2-4-1" in page
    assert "tabeller støttes ikke" in page
    assert "## 2.4 Forslaget" in page  # the Markdown is in the form, ready to edit or publish

    response = upload(files.macro_docx(), "makro.docx")
    assert response.status_code == 400
    assert "makroer" in response.get_data(as_text=True)


PASTED = """# 1 Innledning

Departementet foreslår at fristen for
høringer blir forlenget til tolv uker, og
at alle høringer publiseres på nett slik
at flere kan delta. Dette er en endring fra
i dag.
"""


def test_hard_wrapped_paste_is_noticed_and_joined(signed_in):
    assert looks_hard_wrapped(PASTED)
    joined = join_wrapped_lines(PASTED)
    assert not looks_hard_wrapped(joined)
    assert "fristen for høringer blir forlenget" in joined
    assert not looks_hard_wrapped("# 1\n\nEn setning.\nEn annen setning.\n")

    consultation = make_consultation(draft=None, publish=False)
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    db.session.commit()
    client = signed_in(officer)
    url = f"/admin/hoeringer/{consultation.slug}/utkast"
    token = csrf_from(client.get(url).get_data(as_text=True))
    page = client.post(url, data={"csrf_token": token, "action": "preview", "source": PASTED})
    assert "linjeskift midt i setninger" in page.get_data(as_text=True)
    page = client.post(url, data={"csrf_token": token, "action": "join", "source": PASTED})
    text = page.get_data(as_text=True)
    assert "linjeskift midt i setninger" not in text
    assert "fristen for høringer blir forlenget" in text
