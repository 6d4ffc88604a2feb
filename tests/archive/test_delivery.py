"""The arkivmelding outbox: one message per journal entry, valid, delivered or retried."""

from __future__ import annotations

import http.server
import threading
import zipfile
from datetime import timedelta
from io import BytesIO

import pytest
from lxml import etree
from sqlalchemy import func, select

from hoering.accounts.models import ROLE_CASE_OFFICER
from hoering.archive import delivery
from hoering.archive.models import ArchiveDelivery
from hoering.db import utcnow
from hoering.extensions import db
from hoering.journal.models import JournalEntry
from hoering.submissions import services as submissions
from tests.conftest import login, post_form
from tests.factories import make_closed_consultation, make_consultation, make_submission, make_user

SCHEMA = etree.XMLSchema(etree.parse(str(delivery.SCHEMA)))
AM = "{http://www.arkivverket.no/standarder/noark5/arkivmelding}"


@pytest.fixture
def outbox(app, tmp_path, monkeypatch):
    folder = tmp_path / "eformidling"
    monkeypatch.setitem(app.config, "ARCHIVE_DELIVERY_URL", f"file://{folder}/{{agency}}")
    return folder


def test_every_journal_entry_is_delivered_as_a_valid_arkivmelding(outbox):
    consultation = make_consultation()
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    innspill = make_submission(consultation, hide_name=True)
    submissions.reply_as_agency(innspill, "Takk for innspillet.", by=officer)
    db.session.commit()  # the outbox is written with the entries; the queue delivers at commit

    rows = db.session.scalars(select(ArchiveDelivery).order_by(ArchiveDelivery.id)).all()
    entries = db.session.scalar(select(func.count(JournalEntry.id)))
    # The høringsbrev journaled when the consultation opened, the innspill and the reply.
    assert len(rows) == entries == 3
    assert all(row.status == "sent" and row.delivered_at for row in rows)
    for row in rows:
        folder = outbox / consultation.agency.slug / row.message_id
        xml = etree.parse(str(folder / "arkivmelding.xml"))
        assert SCHEMA.validate(xml), SCHEMA.error_log
        named = [e.text for e in xml.iter(f"{AM}referanseDokumentfil")]
        assert named and all((folder / name).read_bytes().startswith(b"%PDF-") for name in named)
        assert xml.findtext(f"{AM}antallFiler") == str(len(named))
    letter, first = (
        etree.parse(str(outbox / consultation.agency.slug / row.message_id / "arkivmelding.xml"))
        for row in rows[:2]
    )
    assert letter.findtext(f".//{AM}korrespondanseparttype") == "Mottaker"
    assert letter.findtext(f".//{AM}dokumentbeskrivelse/{AM}dokumenttype") == "Høringsutkast"
    assert letter.findtext(f".//{AM}sendtDato")
    assert first.findtext(f".//{AM}mappe/{AM}systemID") == consultation.system_id
    assert first.findtext(f".//{AM}mappe/{AM}klassifikasjon/{AM}klasseID") == "HØRING"
    assert first.findtext(f".//{AM}skjermingMetadata") == "Skjerming navn avsender"
    assert not list(outbox.rglob(".*.tmp"))


def test_every_kind_of_entry_validates(outbox):
    closed = make_closed_consultation()
    db.session.commit()
    for row in db.session.scalars(select(ArchiveDelivery)):
        xml, files = delivery.message_for(row)
        assert SCHEMA.validate(etree.fromstring(xml)), SCHEMA.error_log
        assert files
    assert db.session.scalar(select(func.count(ArchiveDelivery.id))) == db.session.scalar(
        select(func.count(JournalEntry.id))
    )
    assert closed


def test_a_failed_delivery_is_retried_shown_and_never_lost(app, client, monkeypatch):
    received: list[bytes] = []
    answer = {"status": 503}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(answer["status"])
            self.end_headers()
            if answer["status"] == 200:
                received.append(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/arkivmelding/{{agency}}"
    monkeypatch.setitem(app.config, "ARCHIVE_DELIVERY_URL", url)
    try:
        consultation = make_consultation()
        officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
        make_submission(consultation)
        db.session.commit()
        row = db.session.scalar(select(ArchiveDelivery))
        assert (row.status, row.attempts) == ("pending", 1)
        assert "answered 503" in row.last_error
        assert row.next_attempt_at > utcnow()
        # Not due yet: the command leaves it; the case officer sees it failing.
        assert delivery.deliver_due() == (0, 0)
        login(client, officer)
        page = client.get(f"/admin/hoeringer/{consultation.slug}/arkivuttrekk")
        assert "Leveransen feiler og prøves igjen" in page.get_data(as_text=True)
        assert "answered 503" in page.get_data(as_text=True)

        answer["status"] = 200
        later = utcnow() + timedelta(minutes=5)
        # The høringsbrev's and the innspill's: both failed, both go now.
        assert delivery.deliver_due(now=later) == (2, 0)
        db.session.refresh(row)
        assert (row.status, row.attempts, row.last_error) == ("sent", 2, None)
        with zipfile.ZipFile(BytesIO(received[0])) as package:
            xml = etree.fromstring(package.read("arkivmelding.xml"))
            assert SCHEMA.validate(xml)
            assert len(package.namelist()) == 1 + int(xml.findtext(f"{AM}antallFiler"))
    finally:
        server.shutdown()
        server.server_close()


def test_the_deliver_command_and_a_second_worker_do_not_send_twice(app, runner, outbox):
    monkeypatch_url = app.config["ARCHIVE_DELIVERY_URL"]
    app.config["ARCHIVE_DELIVERY_URL"] = "ftp://nowhere"
    consultation = make_consultation()
    make_submission(consultation)
    db.session.commit()
    row = db.session.scalar(select(ArchiveDelivery))
    assert row.status == "pending" and "unsupported" in row.last_error
    app.config["ARCHIVE_DELIVERY_URL"] = monkeypatch_url
    now = utcnow() + timedelta(hours=1)
    assert delivery._take(row.id, now) is True
    assert delivery.deliver(row.id, now=now) is None  # leased to the first worker
    result = runner.invoke(args=["archive", "deliver"])
    assert result.exit_code == 0 and "0 arkivmelding(er) delivered" in result.output


def test_the_case_officer_stores_the_archives_saksnummer(client):
    consultation = make_consultation()
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    db.session.commit()
    login(client, officer)
    url = f"/admin/hoeringer/{consultation.slug}/arkivuttrekk"
    saved = post_form(
        client,
        url,
        {"archive_case_number": "26/01234"},
        url=f"/admin/hoeringer/{consultation.slug}/arkivsaksnummer",
    )
    assert saved.status_code == 303
    db.session.refresh(consultation)
    assert consultation.archive_case_number == "26/01234"
    refused = post_form(
        client,
        url,
        {"archive_case_number": "x" * 41},
        url=f"/admin/hoeringer/{consultation.slug}/arkivsaksnummer",
    )
    assert refused.status_code == 400
    assert "høyst 40 tegn" in refused.get_data(as_text=True)
    assert "x" * 41 in refused.get_data(as_text=True)
