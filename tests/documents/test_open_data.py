"""Files in the open data: the API and the feed list each published innspill's public files (the
PDF/A, or the redacted copy) and nothing else; the case officer's exports list every file with
its state. The number of queries does not grow with the number of innspill."""

import csv
import hashlib
import io

from lxml import etree
from sqlalchemy import select

from hoering.accounts.models import ROLE_MODERATOR
from hoering.consultations.models import MODE_PRE
from hoering.documents.models import Attachment, Blob
from hoering.documents.services import Upload, redacted_copy
from hoering.extensions import db
from hoering.moderation import services as moderation
from hoering.submissions import services as submissions
from hoering.submissions.models import STATUS_HIDDEN
from tests.documents import files
from tests.factories import make_consultation, make_submission, make_user

ATOM = {"a": "http://www.w3.org/2005/Atom"}


def _statement(consultation, *names, **data):
    return make_submission(
        consultation,
        general=True,
        files=[Upload(name, files.pdf(f"Innholdet i {name}")) for name in names],
        **data,
    )


def _files(consultation):
    moderator = make_user(roles=[ROLE_MODERATOR], agency=consultation.agency)
    shown = _statement(consultation, "svar.pdf", "skjult.pdf", "sladdet.pdf", body="Se vedlegg.")
    held = _statement(
        consultation, "venter.pdf", body="Fnr 13097248022.", confirm_personal_data=True
    )
    hidden = _statement(consultation, "fjernet.pdf", body="Skjules.")
    submissions.set_status(hidden, STATUS_HIDDEN, reason="spam")
    db.session.commit()  # the task queue runs at once in tests: the PDF/As are made here
    by_name = {a.original_name: a for a in db.session.scalars(select(Attachment))}
    moderation.withhold_file(by_name["skjult.pdf"], True, reason="Privat", by=moderator)
    copy = files.pdf("Sladdet utgave")
    moderation.redact_file(
        by_name["sladdet.pdf"],
        lambda: redacted_copy(by_name["sladdet.pdf"], Upload("s.pdf", copy)),
        reason="Navn",
        by=moderator,
    )
    db.session.commit()
    return shown, held, hidden, by_name, copy


def test_the_api_and_the_feed_list_only_public_files_of_published_innspill(client, count_queries):
    consultation = make_consultation()
    shown, held, hidden, by_name, copy = _files(consultation)
    assert held.status == "pending"

    url = f"/api/v1/hoeringer/{consultation.slug}/innspill"
    data = client.get(url).get_json()
    by_id = {item["id"]: item for item in data["data"]}
    assert held.id not in by_id and "files" not in by_id[hidden.id]
    listed = by_id[shown.id]["files"]
    assert [f["name"] for f in listed] == ["svar.pdf", "sladdet.pdf"]
    rendition = db.session.get(Blob, by_name["svar.pdf"].rendition_sha256)
    assert listed[0]["sha256"] == rendition.sha256 != by_name["svar.pdf"].sha256
    assert listed[0]["size"] == rendition.size
    assert listed[0]["media_type"] == "application/pdf"
    download = client.get(listed[0]["url"])
    assert download.status_code == 200
    assert hashlib.sha256(download.data).hexdigest() == listed[0]["sha256"]
    # The redacted copy as its PDF/A rendition (made as the request committed).
    redacted = by_name["sladdet.pdf"]
    assert listed[1]["sha256"] == redacted.redacted_rendition_sha256
    assert listed[1]["sha256"] != hashlib.sha256(copy).hexdigest()
    assert hashlib.sha256(client.get(listed[1]["url"]).data).hexdigest() == listed[1]["sha256"]
    text = str(data)
    for secret in ("skjult.pdf", "venter.pdf", "fjernet.pdf", "/original"):
        assert secret not in text

    feed = etree.fromstring(client.get(f"/atom/hoeringer/{consultation.slug}/innspill").data)
    enclosures = feed.findall("a:entry/a:link[@rel='enclosure']", ATOM)
    assert [(e.get("title"), e.get("type")) for e in enclosures] == [
        ("svar.pdf", "application/pdf"),
        ("sladdet.pdf", "application/pdf"),
    ]
    assert enclosures[0].get("href") == listed[0]["url"]
    assert enclosures[0].get("length") == str(rendition.size)
    content = feed.findtext("a:entry/a:content", namespaces=ATOM)
    assert rendition.sha256 in content and "skjult.pdf" not in content

    # More innspill with files cost no more queries.
    with count_queries() as before:
        client.get(url)
    with count_queries() as feed_before:
        client.get(f"/atom/hoeringer/{consultation.slug}/innspill")
    _statement(consultation, "a.pdf", "b.pdf", body="Enda et.")
    _statement(consultation, "c.pdf", body="Og et til.")
    db.session.commit()
    with count_queries() as after:
        assert len(client.get(url).get_json()["data"]) == 4
    with count_queries() as feed_after:
        client.get(f"/atom/hoeringer/{consultation.slug}/innspill")
    assert _selects(after) == _selects(before)
    assert _selects(feed_after) == _selects(feed_before)


def _selects(counter) -> int:
    """Queries, not transaction control (SQLite's BEGIN depends on the session's state)."""
    return sum(1 for statement in counter.statements if statement.lstrip().startswith("SELECT"))


def test_the_case_officers_exports_list_every_file_with_its_state(signed_in):
    from hoering.accounts.models import ROLE_CASE_OFFICER

    consultation = make_consultation(moderation_mode=MODE_PRE)
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    shown, held, hidden, by_name, _copy = _files(consultation)
    staff = signed_in(officer)

    exported = staff.get(f"/admin/hoeringer/{consultation.slug}/innspill.json")
    assert exported.status_code == 200, exported.get_data(as_text=True)[:500]
    rows = {row["id"]: row for row in exported.get_json()["innspill"]}
    assert [(f["name"], f["state"], f["redacted"]) for f in rows[shown.id]["files"]] == [
        ("svar.pdf", "converted", False),
        ("skjult.pdf", "withheld", False),
        ("sladdet.pdf", "converted", True),
    ]
    assert rows[shown.id]["files"][0]["sha256"] == by_name["svar.pdf"].sha256
    assert [f["name"] for f in rows[held.id]["files"]] == ["venter.pdf"]
    assert [f["name"] for f in rows[hidden.id]["files"]] == ["fjernet.pdf"]

    response = staff.get(f"/admin/hoeringer/{consultation.slug}/innspill.csv")
    table = list(
        csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    column = table[0].index("Vedlegg (navn, tilstand, SHA-256 av originalen)")
    cell = next(row[column] for row in table[1:] if "svar.pdf" in row[column])
    assert "skjult.pdf (holdt tilbake fra offentligheten" in cell
    assert "sladdet.pdf (PDF/A laget, sladdet kopi publisert" in cell
