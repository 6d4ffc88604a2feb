"""The live feed to the agency's own sak/arkiv system: an arkivmelding per journal entry.

Agencies journal in their own archive (Elements, Public 360, WebSak, ePhorte), and their official
offentlig journal comes from there. For every journal entry Høring puts an ArchiveDelivery in an
outbox, in the entry's own transaction (the journal announces new entries with a signal; it does
not know this module). Later changes follow as update messages, in the change's transaction: the
same saksmappe and journalpost (same systemIDs) as they now stand, after a change record or an
avskrivning of the entry, and the saksmappe closed when the consultation closes. A worker builds
the arkivmelding (eFormidling's format: the saksmappe with the journalpost and its PDF/A
documents) when it sends it, validates it against the schema, and delivers it to
HOERING_ARCHIVE_DELIVERY_URL, which the operator sets, never a user:

- ``file:///srv/eformidling/{agency}``: a folder per message, ``<meldingId>/arkivmelding.xml``
  with the documents beside it, written under a temporary name and renamed when complete;
- ``https://integrasjon.example/arkivmelding/{agency}``: an HTTP POST of the same as a zip.

A failed delivery stays in the outbox and is tried again after a growing pause (1, 2, 4 … minutes,
at most 6 hours), by the task queue and by `flask --app hoering archive deliver`; several hosts may
run both, since a worker takes a delivery with a conditional UPDATE of its next attempt (a lease).
The same UPDATE holds a message back while an earlier one of its consultation is undelivered.
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import urllib.error
import urllib.request
import uuid
import zipfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from itertools import islice
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app
from lxml import etree
from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session, aliased

from hoering import tasks
from hoering.archive.export import closed_case, journalpost
from hoering.archive.model import JOURNAL_POST_TYPES, RESTRICTED, Case, Record, Screening
from hoering.archive.models import (
    DELIVERY_PENDING,
    DELIVERY_SENT,
    MESSAGE_AVSKRIVNING,
    MESSAGE_CASE,
    MESSAGE_CHANGE,
    MESSAGE_JOURNALPOST,
    ArchiveDelivery,
)
from hoering.archive.xmlutil import SCHEMA_DIR, iso, sanitize_xml_text
from hoering.consultations.models import Consultation
from hoering.consultations.services import consultation_closed
from hoering.db import utcnow
from hoering.extensions import db
from hoering.journal.models import JournalEntry
from hoering.journal.services import OSLO, entry_changed, entry_journaled

log = logging.getLogger(__name__)

NAMESPACE = "http://www.arkivverket.no/standarder/noark5/arkivmelding"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SCHEMA = SCHEMA_DIR / "arkivmelding" / "arkivmelding.xsd"
LEASE = timedelta(minutes=5)
MAX_PAUSE = timedelta(hours=6)
HTTP_TIMEOUT = 10
CLOSING_PART = 1000


class DeliveryError(Exception):
    """The message could not be delivered (the target refused or could not be reached)."""


def target_url(consultation: Consultation) -> str | None:
    template = current_app.config.get("ARCHIVE_DELIVERY_URL")
    return template.replace("{agency}", consultation.agency.slug) if template else None


# How much of an entry each kind of message carries: a message queued in the same transaction
# that carries as much makes another for the entry needless (each is built when it is sent).
_CARRIES = {MESSAGE_AVSKRIVNING: 1, MESSAGE_CHANGE: 2, MESSAGE_JOURNALPOST: 3}
_QUEUED = "hoering_archive_queued"


def _queue(kind: str, consultation_id: int, entry_id: int | None = None) -> None:
    """Put a message in the outbox, in the current transaction, when a target is configured."""
    if not current_app.config.get("ARCHIVE_DELIVERY_URL"):
        return
    queued = db.session.info.setdefault(_QUEUED, {})
    key = entry_id if entry_id is not None else f"case-{consultation_id}"
    if queued.get(key, 0) >= _CARRIES.get(kind, 1):
        return
    queued[key] = _CARRIES.get(kind, 1)
    delivery = ArchiveDelivery(
        kind=kind,
        entry_id=entry_id,
        consultation_id=consultation_id,
        message_id=str(uuid.uuid4()),
        next_attempt_at=utcnow(),
    )
    db.session.add(delivery)
    db.session.flush()
    tasks.after_commit(deliver_task, delivery.id)


@event.listens_for(Session, "after_commit", propagate=True)
@event.listens_for(Session, "after_rollback", propagate=True)
def _forget_queued(session) -> None:
    if not session.in_nested_transaction():
        session.info.pop(_QUEUED, None)


@entry_journaled.connect
def _on_journaled(entry: JournalEntry) -> None:
    _queue(MESSAGE_JOURNALPOST, entry.consultation_id, entry.id)


@entry_changed.connect
def _on_changed(entry: JournalEntry, *, avskrivning: bool) -> None:
    _queue(MESSAGE_AVSKRIVNING if avskrivning else MESSAGE_CHANGE, entry.consultation_id, entry.id)


@consultation_closed.connect
def _on_closed(consultation: Consultation, **_closing) -> None:
    _queue(MESSAGE_CASE, consultation.id)


# The arkivmelding --------------------------------------------------------------------------


def _leaf(parent: etree._Element, name: str, value: object) -> None:
    if value is None or value == "":
        return
    if isinstance(value, datetime) or hasattr(value, "isoformat"):
        text = iso(value)  # type: ignore[arg-type]
    else:
        text = sanitize_xml_text(str(value))[0]
    etree.SubElement(parent, f"{{{NAMESPACE}}}{name}").text = text


def _sub(parent: etree._Element, name: str, xsi_type: str | None = None) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NAMESPACE}}}{name}")
    if xsi_type:
        element.set(f"{{{XSI}}}type", xsi_type)
    return element


def _screening(parent: etree._Element, screening: Screening | None) -> None:
    if screening is None:
        return
    element = _sub(parent, "skjerming")
    _leaf(element, "tilgangsrestriksjon", RESTRICTED)
    _leaf(element, "skjermingshjemmel", screening.basis)
    for item in screening.metadata:
        _leaf(element, "skjermingMetadata", item)
    _leaf(element, "skjermingDokument", screening.document)
    _leaf(element, "skjermingsvarighet", screening.years)
    _leaf(element, "skjermingOpphoererDato", screening.ends)


def build_message(
    case: Case, records: list[Record], message_id: str, now: datetime
) -> tuple[bytes, dict[str, bytes]]:
    """The arkivmelding.xml of a saksmappe with the given journalposter, and the files it names.

    This is the one place that puts a registrering's documents in a message: each dokument-
    beskrivelse with a dokumentobjekt per file, the file named after its systemID.
    """
    files: dict[str, bytes] = {}
    root = etree.Element(f"{{{NAMESPACE}}}arkivmelding", nsmap={None: NAMESPACE, "xsi": XSI})
    _leaf(root, "system", "Høring")
    _leaf(root, "meldingId", message_id)
    _leaf(root, "tidspunkt", now)
    count = _sub(root, "antallFiler")
    mappe = _sub(root, "mappe", "saksmappe")
    _leaf(mappe, "systemID", case.system_id)
    _leaf(mappe, "mappeID", case.case_number)
    _leaf(mappe, "tittel", case.title)
    _leaf(mappe, "opprettetDato", case.created_at)
    _leaf(mappe, "opprettetAv", case.created_by)
    _leaf(mappe, "avsluttetDato", case.closed_at)
    _leaf(mappe, "avsluttetAv", case.closed_by)
    if case.classification_system_id:  # the class of the agency's arkivnøkkel it is filed in
        klasse = _sub(mappe, "klassifikasjon")
        _leaf(klasse, "referanseKlassifikasjonssystem", case.classification_system_id)
        _leaf(klasse, "klasseID", case.class_id)
        _leaf(klasse, "tittel", case.class_title)
    for record in records:
        _journalpost(mappe, case, record, files)
    _leaf(mappe, "saksaar", case.case_year)
    _leaf(mappe, "sakssekvensnummer", case.case_seq)
    _leaf(mappe, "saksdato", case.case_date)
    _leaf(mappe, "administrativEnhet", case.administrative_unit)
    _leaf(mappe, "saksansvarlig", case.responsible)
    _leaf(mappe, "saksstatus", case.status)
    count.text = str(len(files))
    return etree.tostring(root, xml_declaration=True, encoding="utf-8"), files


def _journalpost(mappe: etree._Element, case: Case, record: Record, files: dict) -> None:
    post = _sub(mappe, "basisregistrering", "journalpost")
    _leaf(post, "systemID", record.system_id)
    _leaf(post, "opprettetDato", record.created_at)
    _leaf(post, "opprettetAv", record.created_by)
    _leaf(post, "arkivertDato", record.archived_at)
    _leaf(post, "arkivertAv", record.archived_by)
    _leaf(post, "registreringsID", record.registration_id)
    _leaf(post, "referanseForelderMappe", case.system_id)
    _screening(post, record.screening)
    for number, document in enumerate(record.documents, 1):
        description = _sub(post, "dokumentbeskrivelse")
        _leaf(description, "systemID", document.system_id)
        _leaf(description, "dokumenttype", document.kind)
        _leaf(description, "dokumentstatus", "Dokumentet er ferdigstilt")
        _leaf(description, "tittel", document.title)
        _leaf(description, "opprettetDato", record.created_at)
        _leaf(description, "opprettetAv", record.created_by)
        _leaf(description, "tilknyttetRegistreringSom", document.role)
        _leaf(description, "dokumentnummer", number)
        _leaf(description, "tilknyttetDato", record.created_at)
        _leaf(description, "tilknyttetAv", record.created_by)
        _screening(description, document.screening)
        for file in document.files:
            name = f"{file.system_id}.{file.extension}"
            files[name] = file.content if isinstance(file.content, bytes) else file.content()
            obj = _sub(description, "dokumentobjekt")
            _leaf(obj, "versjonsnummer", 1)
            _leaf(obj, "variantformat", file.variant)
            _leaf(obj, "opprettetDato", record.created_at)
            _leaf(obj, "opprettetAv", record.created_by)
            _leaf(obj, "referanseDokumentfil", name)
    _leaf(post, "tittel", record.title)
    for remark in record.remarks:
        element = _sub(post, "merknad")
        _leaf(element, "merknadstekst", remark.text)
        _leaf(element, "merknadstype", remark.kind)
        _leaf(element, "merknadsdato", remark.at)
        _leaf(element, "merknadRegistrertAv", remark.by)
    if record.replies_to_system_id:
        _leaf(_sub(post, "kryssreferanse"), "referanseTilRegistrering", record.replies_to_system_id)
    _leaf(post, "journalaar", record.journal_year)
    _leaf(post, "journalsekvensnummer", record.journal_seq)
    _leaf(post, "journalpostnummer", record.record_number)
    _leaf(post, "journalposttype", JOURNAL_POST_TYPES[record.journal_post_type])
    _leaf(post, "journalstatus", "Journalført")
    _leaf(post, "journaldato", record.journal_date)
    _leaf(post, "dokumentetsDato", record.document_date)
    _leaf(post, "sendtDato", record.sent_at)
    for party in record.parties:
        element = _sub(post, "korrespondansepart")
        _leaf(element, "korrespondanseparttype", party.role)
        _leaf(element, "korrespondansepartNavn", party.organisation or party.name)
        if party.organisation:
            _leaf(element, "kontaktperson", party.name)
    for avskrivning in record.avskrivninger:
        element = _sub(post, "avskrivning")
        _leaf(element, "avskrivningsdato", avskrivning.on)
        _leaf(element, "avskrevetAv", avskrivning.by)
        _leaf(element, "avskrivningsmaate", avskrivning.method)
        _leaf(element, "referanseAvskrivesAvJournalpost", avskrivning.by_system_id)


def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))


def _valid(message_id: str, case: Case, records: list[Record]) -> tuple[str, bytes, dict]:
    xml, files = build_message(case, records, message_id, utcnow().astimezone(OSLO))
    schema = _schema()
    if not schema.validate(etree.fromstring(xml)):
        raise DeliveryError(f"arkivmelding invalid: {schema.error_log.last_error}")
    return message_id, xml, files


def messages_for(delivery: ArchiveDelivery) -> Iterator[tuple[str, bytes, dict[str, bytes]]]:
    """Build and validate the arkivmelding of a delivery, one at a time: (meldingId, xml, files).

    A closing sends the saksmappe in parts of at most CLOSING_PART journalposter, so that a case
    of 100,000 innspill never sits in memory as one message; each part's meldingId is derived
    from the delivery's, the same at every attempt. DeliveryError if a message is invalid.
    """
    if delivery.kind != MESSAGE_CASE:
        entry = db.session.get(JournalEntry, delivery.entry_id)
        case, records = journalpost(entry, documents=delivery.kind != MESSAGE_AVSKRIVNING)
        yield _valid(delivery.message_id, case, records)
        return
    case, records = closed_case(db.session.get(Consultation, delivery.consultation_id))
    message_id, number = delivery.message_id, 0
    part = list(islice(records, CLOSING_PART))
    while True:
        yield _valid(message_id, case, part)
        part = list(islice(records, CLOSING_PART))
        if not part:
            return
        number += 1
        message_id = str(uuid.uuid5(uuid.UUID(delivery.message_id), str(number)))


# Sending -----------------------------------------------------------------------------------


def _to_folder(root: Path, message_id: str, xml: bytes, files: dict[str, bytes]) -> None:
    try:
        root.mkdir(parents=True, exist_ok=True)
        partial = root / f".{message_id}.tmp"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir()
        (partial / "arkivmelding.xml").write_bytes(xml)
        for name, data in files.items():
            (partial / name).write_bytes(data)
        os.replace(partial, root / message_id)
    except OSError as error:
        raise DeliveryError(f"cannot write to {root}: {error.strerror or error}") from error


def _to_http(url: str, message_id: str, xml: bytes, files: dict[str, bytes]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("arkivmelding.xml", xml)
        for name, data in files.items():
            archive.writestr(name, data)
    # send() passes only http:// and https:// addresses, set by the operator.
    request = urllib.request.Request(  # noqa: S310
        url,
        data=buffer.getvalue(),
        method="POST",
        headers={"Content-Type": "application/zip", "X-Melding-Id": message_id},
    )
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:  # noqa: S310
            if not 200 <= response.status < 300:
                raise DeliveryError(f"{url} answered {response.status}")
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"{url} answered {error.code}") from error
    except (urllib.error.URLError, OSError) as error:
        raise DeliveryError(f"{url} unreachable: {getattr(error, 'reason', error)}") from error


def send(url: str, message_id: str, xml: bytes, files: dict[str, bytes]) -> None:
    parts = urlsplit(url)
    if parts.scheme == "file":
        _to_folder(Path(unquote(parts.path)), message_id, xml, files)
    elif parts.scheme in ("http", "https"):
        _to_http(url, message_id, xml, files)
    else:
        raise DeliveryError(f"unsupported delivery address {parts.scheme}://")


def _pause(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_PAUSE)


def _waiting():
    """An earlier message of the same consultation is not delivered yet."""
    earlier = aliased(ArchiveDelivery)
    return (
        select(earlier.id)
        .where(
            earlier.consultation_id == ArchiveDelivery.consultation_id,
            earlier.status == DELIVERY_PENDING,
            earlier.id < ArchiveDelivery.id,
        )
        .exists()
    )


def _take(delivery_id: int, now: datetime) -> bool:
    """Lease a due delivery to this worker; another host's worker gets nothing. A message waits
    while an earlier one of its consultation is not delivered: an update never overtakes the
    message it updates (nor the case's closing the entries it closes)."""
    taken = db.session.execute(
        update(ArchiveDelivery)
        .where(
            ArchiveDelivery.id == delivery_id,
            ArchiveDelivery.status == DELIVERY_PENDING,
            ArchiveDelivery.next_attempt_at <= now,
            ~_waiting(),
        )
        .values(next_attempt_at=now + LEASE)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return bool(taken)


def deliver(delivery_id: int, now: datetime | None = None) -> bool | None:
    """Try one delivery if it is due: True when delivered, False when it failed (and will be
    tried again), None when it was not due or another worker has it."""
    now = now or utcnow()
    if not _take(delivery_id, now):
        return None
    delivery = db.session.get(ArchiveDelivery, delivery_id)
    consultation = db.session.get(Consultation, delivery.consultation_id)
    try:
        url = target_url(consultation)
        if url is None:
            raise DeliveryError("no delivery address is configured (HOERING_ARCHIVE_DELIVERY_URL)")
        for message_id, xml, files in messages_for(delivery):
            send(url, message_id, xml, files)
    except DeliveryError as error:
        db.session.rollback()
        delivery = db.session.get(ArchiveDelivery, delivery_id)
        delivery.attempts += 1
        delivery.last_error = str(error)
        delivery.next_attempt_at = utcnow() + _pause(delivery.attempts)
        db.session.commit()
        log.warning(
            "arkivmelding %s failed (attempt %s): %s", delivery_id, delivery.attempts, error
        )
        return False
    delivery.attempts += 1
    delivery.status = DELIVERY_SENT
    delivery.delivered_at = utcnow()
    delivery.last_error = None
    db.session.commit()
    return True


def due_deliveries(now: datetime | None = None) -> list[int]:
    """The first undelivered message of each consultation, if it is due."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(ArchiveDelivery.id)
            .where(
                ArchiveDelivery.status == DELIVERY_PENDING,
                ArchiveDelivery.next_attempt_at <= now,
                ~_waiting(),
            )
            .order_by(ArchiveDelivery.id)
        )
    )


def deliver_due(now: datetime | None = None) -> tuple[int, int]:
    """Deliver what is due, each consultation's messages in order, trying each at most once:
    (delivered, failed). The command and the sweep run this."""
    delivered = failed = 0
    tried: set[int] = set()
    while batch := [i for i in due_deliveries(now) if i not in tried]:
        for delivery_id in batch:
            tried.add(delivery_id)
            result = deliver(delivery_id, now)
            delivered += result is True
            failed += result is False
    return delivered, failed


def summary(consultation: Consultation) -> dict:
    """What the case officer sees: how many were sent, how many wait, and the last error."""
    counts = dict(
        db.session.execute(
            select(ArchiveDelivery.status, func.count(ArchiveDelivery.id))
            .where(ArchiveDelivery.consultation_id == consultation.id)
            .group_by(ArchiveDelivery.status)
        ).all()
    )
    failing = db.session.scalar(
        select(ArchiveDelivery)
        .where(
            ArchiveDelivery.consultation_id == consultation.id,
            ArchiveDelivery.status == DELIVERY_PENDING,
            ArchiveDelivery.attempts > 0,
        )
        .order_by(ArchiveDelivery.id.desc())
        .limit(1)
    )
    return {
        "configured": bool(current_app.config.get("ARCHIVE_DELIVERY_URL")),
        "sent": counts.get(DELIVERY_SENT, 0),
        "pending": counts.get(DELIVERY_PENDING, 0),
        "failing": failing,
    }


@tasks.task()
def deliver_task(delivery_id: int) -> None:
    deliver(delivery_id)


@tasks.periodic(1)
def sweep_deliveries() -> None:
    deliver_due()
