"""The arkivmelding outbox: one message per journal entry, valid, delivered or retried."""

from __future__ import annotations

import hashlib
import http.server
import threading
import zipfile
from datetime import timedelta
from io import BytesIO

import pytest
from lxml import etree
from sqlalchemy import func, select

from hoering.accounts.models import ROLE_CASE_OFFICER, ROLE_MODERATOR
from hoering.archive import delivery
from hoering.archive.models import ArchiveDelivery
from hoering.consultations import services as consultations
from hoering.db import utcnow
from hoering.extensions import db
from hoering.journal import services as journal
from hoering.journal.models import JournalEntry
from hoering.moderation import services as moderation
from hoering.moderation.models import (
    ACTION_APPROVE,
    ACTION_HIDE,
    ACTION_REDACT,
    REASON_HARASSMENT,
    REASON_SPAM,
)
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
    rows = db.session.scalars(select(ArchiveDelivery).order_by(ArchiveDelivery.id)).all()
    for row in rows:
        [(message_id, xml, files)] = delivery.messages_for(row)
        assert message_id == row.message_id
        assert SCHEMA.validate(etree.fromstring(xml)), SCHEMA.error_log
        assert bool(files) == (row.kind == "journalpost")
    # Made in one transaction: each entry's message carries its moderation and avskrivning, so
    # the only update is the closing, last.
    assert [row.kind for row in rows[:-1]] == ["journalpost"] * (len(rows) - 1)
    assert len(rows) - 1 == db.session.scalar(select(func.count(JournalEntry.id)))
    assert rows[-1].kind == "case" and rows[-1].entry_id is None
    assert rows[-1].consultation_id == closed["consultation"].id


def _messages(outbox, consultation) -> list[etree._ElementTree]:
    """The delivered arkivmeldinger of a consultation, in the order they were delivered."""
    rows = db.session.scalars(
        select(ArchiveDelivery)
        .where(ArchiveDelivery.consultation_id == consultation.id)
        .order_by(ArchiveDelivery.delivered_at, ArchiveDelivery.id)
    ).all()
    assert all(row.status == "sent" for row in rows)
    found = []
    for row in rows:
        xml = etree.parse(
            str(outbox / consultation.agency.slug / row.message_id / "arkivmelding.xml")
        )
        assert SCHEMA.validate(xml), SCHEMA.error_log
        found.append((row.kind, xml))
    return found


def _post(xml, system_id):
    for post in xml.iter(f"{AM}basisregistrering"):
        if post.findtext(f"{AM}systemID") == system_id:
            return post
    return None


def test_moderation_outcomes_reach_the_archive_as_updates_of_the_journalpost(outbox):
    consultation = make_consultation()
    moderator = make_user(roles=[ROLE_MODERATOR], agency=consultation.agency)
    innspill = make_submission(consultation, body="Naboen min Per Hansen er uenig.")
    db.session.commit()
    entry = journal.entry_for_submission(innspill.id)

    def decide(action, **extra):
        decision = moderation.Decision(action, innspill.moderation_version, **extra)
        moderation.moderate(innspill, decision, by=moderator)
        db.session.commit()

    decide(ACTION_HIDE, category=REASON_HARASSMENT, reason="Personangrep")
    decide(ACTION_APPROVE)
    decide(ACTION_REDACT, spans=[(11, 20)], reason="Navn på tredjeperson")

    letter, *messages = _messages(outbox, consultation)
    assert letter[0] == "journalpost"  # the høringsbrev's, sent at opening
    assert [kind for kind, _ in messages] == ["journalpost", "change", "change", "change"]
    posts = [_post(xml, entry.system_id) for _, xml in messages]
    assert all(post is not None for post in posts)  # the same registrering, by its systemID
    hidden, shown, redacted = posts[1:]
    assert "skjult" in " ".join(t.text for t in hidden.iter(f"{AM}merknadstekst")).lower()
    assert len(list(shown.iter(f"{AM}merknad"))) == 2  # hidden, then published again
    screening = redacted.find(f"{AM}dokumentbeskrivelse/{AM}skjerming")
    assert screening is not None and screening.findtext(f"{AM}skjermingDokument")
    # The documents come again as they now read: the redacted variant beside the original.
    variants = [v.text for v in redacted.iter(f"{AM}variantformat")]
    assert len(variants) == 2
    folder = outbox / consultation.agency.slug
    for _, xml in messages[1:]:
        for name in xml.iter(f"{AM}referanseDokumentfil"):
            assert (folder / xml.findtext(f"{AM}meldingId") / name.text).exists()


def test_an_answer_and_the_closing_avskriver_in_the_archive_too(outbox, monkeypatch):
    consultation = make_consultation()
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    answered = make_submission(consultation)
    left = make_submission(consultation)
    also_left = make_submission(consultation)
    db.session.commit()
    monkeypatch.setattr(delivery, "CLOSING_PART", 1)
    answer = submissions.reply_as_agency(answered, "Takk for innspillet.", by=officer)
    db.session.commit()
    consultations.close_consultation(consultation, by=officer)
    db.session.commit()

    letter, *messages = _messages(outbox, consultation)
    assert letter[0] == "journalpost"  # the høringsbrev's, sent at opening
    kinds = [kind for kind, _ in messages]
    assert kinds == ["journalpost"] * 4 + ["avskrivning", "case"]
    answered_entry = journal.entry_for_submission(answered.id)
    answer_entry = db.session.scalar(
        select(JournalEntry).where(JournalEntry.agency_reply_id == answer.id)
    )
    # The answer's journalpost comes first, then the innspill avskrevet by it (no files again).
    assert _post(messages[3][1], answer_entry.system_id) is not None
    avskrevet = _post(messages[4][1], answered_entry.system_id)
    assert messages[4][1].findtext(f"{AM}antallFiler") == "0"
    assert avskrevet.findtext(f"{AM}avskrivning/{AM}avskrivningsmaate") == "Besvart med brev"
    assert (
        avskrevet.findtext(f"{AM}avskrivning/{AM}referanseAvskrivesAvJournalpost")
        == answer_entry.system_id
    )
    # The closing: the saksmappe closed, with the innspill its closing avskrev and no other.
    # In parts (of one journalpost here), each a message of its own beside the delivery's.
    closing = messages[5][1]
    ids = [closing.findtext(f"{AM}meldingId")]
    parts = [closing]
    for folder in sorted((outbox / consultation.agency.slug).iterdir()):
        xml = etree.parse(str(folder / "arkivmelding.xml"))
        if folder.name not in ids and xml.findtext(f".//{AM}saksstatus") == "Avsluttet":
            assert SCHEMA.validate(xml), SCHEMA.error_log
            parts.append(xml)
    assert len(parts) == 2
    posts = [post for part in parts for post in part.iter(f"{AM}basisregistrering")]
    assert sorted(p.findtext(f"{AM}systemID") for p in posts) == sorted(
        journal.entry_for_submission(s.id).system_id for s in (left, also_left)
    )
    for part in parts:
        assert part.findtext(f".//{AM}mappe/{AM}avsluttetDato")
    for post in posts:
        assert post.findtext(f"{AM}avskrivning/{AM}avskrivningsmaate") == "Tatt til orientering"


def test_an_update_waits_for_the_message_it_updates(app, outbox):
    consultation = make_consultation()
    moderator = make_user(roles=[ROLE_MODERATOR], agency=consultation.agency)
    working = app.config["ARCHIVE_DELIVERY_URL"]
    app.config["ARCHIVE_DELIVERY_URL"] = "ftp://nowhere"  # the archive cannot be reached
    innspill = make_submission(consultation)
    db.session.commit()
    first = db.session.scalar(select(ArchiveDelivery).order_by(ArchiveDelivery.id))
    assert first.status == "pending" and first.attempts == 1
    app.config["ARCHIVE_DELIVERY_URL"] = working
    decision = moderation.Decision(
        ACTION_HIDE, innspill.moderation_version, category=REASON_SPAM, reason="Spam"
    )
    moderation.moderate(innspill, decision, by=moderator)
    db.session.commit()
    update = db.session.scalar(select(ArchiveDelivery).where(ArchiveDelivery.kind == "change"))
    # Due, and the archive answers, but the journalpost it changes is not there yet.
    assert (update.status, update.attempts) == ("pending", 0)
    assert delivery.deliver(update.id) is None
    later = utcnow() + timedelta(hours=1)
    # The høringsbrev's, the innspill's, then the update.
    assert delivery.deliver_due(now=later) == (3, 0)
    db.session.refresh(first)
    db.session.refresh(update)
    assert first.delivered_at <= update.delivered_at


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
        row = db.session.scalar(select(ArchiveDelivery).order_by(ArchiveDelivery.id))
        assert (row.status, row.attempts) == ("pending", 1)
        assert "answered 503" in row.last_error
        assert row.next_attempt_at > utcnow()
        # Not due yet: the command leaves it; the case officer sees it failing.
        assert delivery.deliver_due() == (0, 0)
        login(client, officer)
        page = client.get(f"/admin/hoeringer/{consultation.slug}/arkivuttrekk")
        assert "Leveransen feiler og prøves igjen" in page.get_data(as_text=True)
        assert "0 sendt, 2 venter" in page.get_data(as_text=True)  # the høringsbrev, the innspill
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
    row = db.session.scalar(select(ArchiveDelivery).order_by(ArchiveDelivery.id))
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


def test_file_moderation_reaches_the_archive_as_updates_with_the_files_skjerming(outbox):
    from hoering.documents.models import Attachment
    from hoering.documents.services import Upload, redacted_copy
    from tests.documents import files

    consultation = make_consultation()
    moderator = make_user(roles=[ROLE_MODERATOR], agency=consultation.agency)
    innspill = make_submission(
        consultation,
        general=True,
        body="Se vedlegg.",
        files=[
            Upload("Brev.pdf", files.pdf("Brev fra Ola Nordmann")),
            Upload("Tabell.pdf", files.pdf("Tabell med Kari Nordmann")),
        ],
    )
    db.session.commit()  # the files are converted to PDF/A by the queue at commit
    entry = journal.entry_for_submission(innspill.id)
    brev, tabell = db.session.scalars(
        select(Attachment).where(Attachment.submission_id == innspill.id).order_by(Attachment.id)
    ).all()

    moderation.withhold_file(brev, True, reason="Opplysninger om en tredjeperson", by=moderator)
    db.session.commit()
    moderation.withhold_file(brev, False, reason="", by=moderator)
    db.session.commit()
    copy = files.pdf("Tabell med [sladdet]")
    moderation.redact_file(
        tabell, lambda: redacted_copy(tabell, Upload("s.pdf", copy)), reason="Navn", by=moderator
    )
    db.session.commit()

    letter, *messages = _messages(outbox, consultation)
    assert letter[0] == "journalpost"  # the høringsbrev's, sent at opening
    assert [kind for kind, _ in messages] == ["journalpost", "change", "change", "change"]
    withheld, shown, redacted = (_post(xml, entry.system_id) for _, xml in messages[1:])
    assert all(post is not None for post in (withheld, shown, redacted))

    def described(post, attachment):
        return next(
            d
            for d in post.iter(f"{AM}dokumentbeskrivelse")
            if d.findtext(f"{AM}systemID") == attachment.system_id
        )

    assert described(withheld, brev).findtext(f"{AM}skjerming/{AM}skjermingDokument") == (
        "Skjerming av hele dokumentet"
    )
    assert described(shown, brev).find(f"{AM}skjerming") is None
    assert described(shown, tabell).find(f"{AM}skjerming") is None
    assert described(redacted, brev).find(f"{AM}skjerming") is None
    screened = described(redacted, tabell)
    assert screened.findtext(f"{AM}skjerming/{AM}skjermingDokument") == (
        "Skjerming av deler av dokumentet"
    )
    variants = {
        o.findtext(f"{AM}variantformat"): o.findtext(f"{AM}referanseDokumentfil")
        for o in screened.iter(f"{AM}dokumentobjekt")
    }
    name = variants["Dokument hvor deler av innholdet er skjermet"]
    folder = outbox / consultation.agency.slug / messages[3][1].findtext(f"{AM}meldingId")
    sent = (folder / name).read_bytes()
    db.session.refresh(tabell)
    assert sent.startswith(b"%PDF-") and b"pdfaid:part" in sent
    assert hashlib.sha256(sent).hexdigest() == tabell.redacted_rendition_sha256


def test_a_hoeringsinstans_invited_late_gets_the_letter_in_the_archive_too(outbox):
    consultation = make_consultation()
    consultations.add_consultee(consultation, "Norsk Friluftsforum", "921000006")
    db.session.commit()
    late = db.session.scalar(select(JournalEntry).order_by(JournalEntry.seq.desc()))
    assert late.kind == "ettersendt_brev"

    letter, (kind, message) = _messages(outbox, consultation)
    assert letter[0] == kind == "journalpost"
    post = _post(message, late.system_id)
    assert post.findtext(f"{AM}tittel") == f"Høringsbrev (ettersendt): {consultation.title}"
    assert post.findtext(f"{AM}journalposttype") == "Utgående dokument"
    assert [
        (p.findtext(f"{AM}korrespondanseparttype"), p.findtext(f"{AM}korrespondansepartNavn"))
        for p in post.iter(f"{AM}korrespondansepart")
    ] == [("Mottaker", "Norsk Friluftsforum")]
    assert post.findtext(f"{AM}dokumentbeskrivelse/{AM}dokumenttype") == "Høringsutkast"
    folder = outbox / consultation.agency.slug / message.findtext(f"{AM}meldingId")
    for name in message.iter(f"{AM}referanseDokumentfil"):
        assert (folder / name.text).read_bytes().startswith(b"%PDF-")
    # Sent again: its own dokumentbeskrivelse, not the høringsbrev journalpost's.
    sent_first = letter[1].findtext(f".//{AM}dokumentbeskrivelse/{AM}systemID")
    assert post.findtext(f"{AM}dokumentbeskrivelse/{AM}systemID") != sent_first
