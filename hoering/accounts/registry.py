"""Enhetsregisteret: Brønnøysundregistrene's register of legal entities, loaded from their bulk
file, so organisation names, forms and status come from the register and not from a form.

The bulk file (https://data.brreg.no/enhetsregisteret/api/enheter/lastned) is one gzipped JSON
array of every registered entity; it is read as a stream, so its size does not matter.
"""

from __future__ import annotations

import gzip
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from sqlalchemy import select, update
from sqlalchemy.dialects import postgresql, sqlite

from hoering.accounts.models import Organisation, RegistryEntity
from hoering.db import utcnow
from hoering.extensions import db
from hoering.identifiers import is_valid_organisation_number

log = logging.getLogger(__name__)

BATCH = 2000
CHUNK = 1 << 16

# Organisation forms (organisasjonsform.kode) of public bodies and of businesses; the rest
# (associations, foundations and the like) speak as organisations.
PUBLIC_FORMS = frozenset(
    {"STAT", "FYLK", "KOMM", "ORGL", "SF", "KF", "FKF", "IKS", "KIRK", "SÆR", "ADOS"}
)
BUSINESS_FORMS = frozenset(
    {"AS", "ASA", "ENK", "ANS", "DA", "NUF", "SA", "SE", "BA", "KS", "PK", "SPA", "BBL", "BRL",
     "IKJP", "KTRF", "EOFG", "EØFG", "UTLA"}
)  # fmt: skip


def kind_for_form(code: str | None) -> str:
    """The respondent type an organisation form speaks as."""
    if code in PUBLIC_FORMS:
        return "public_agency"
    if code in BUSINESS_FORMS:
        return "business"
    return "organisation"


@dataclass
class ImportResult:
    entities: int = 0
    deleted: int = 0
    bankrupt: int = 0
    skipped: int = 0
    organisations_updated: int = 0


class RegistryFileError(ValueError):
    """The file is not Brønnøysundregistrene's gzipped JSON list of enheter."""


def _records(stream: IO[str]) -> Iterator[dict]:
    """The objects of one top-level JSON array, decoded one at a time."""
    decoder = json.JSONDecoder()
    buffer = ""
    started = False
    position = 0
    while True:
        chunk = stream.read(CHUNK)
        buffer = buffer[position:] + chunk
        position = 0
        while True:
            while position < len(buffer) and buffer[position] in " \t\r\n,":
                position += 1
            if not started:
                if position < len(buffer):
                    if buffer[position] != "[":
                        raise RegistryFileError("the file is not a JSON list of enheter")
                    started = True
                    position += 1
                    continue
                break
            if position < len(buffer) and buffer[position] == "]":
                return
            try:
                record, end = decoder.raw_decode(buffer, position)
            except json.JSONDecodeError:
                if not chunk:
                    raise RegistryFileError("the file ends in the middle of an entity") from None
                break  # the object continues in the next chunk
            position = end
            if isinstance(record, dict):
                yield record
        if not chunk:
            if not started:
                raise RegistryFileError("the file is empty")
            return


def _row(record: dict) -> dict | None:
    number = str(record.get("organisasjonsnummer", ""))
    name = record.get("navn")
    if not is_valid_organisation_number(number) or not isinstance(name, str) or not name.strip():
        return None
    form = record.get("organisasjonsform") or {}
    winding_up = bool(
        record.get("underAvvikling") or record.get("underTvangsavviklingEllerTvangsopplosning")
    )
    return {
        "org_number": number,
        "name": name.strip()[:200],
        "form_code": str(form.get("kode") or "")[:10] or None,
        "form_name": str(form.get("beskrivelse") or "")[:200] or None,
        "is_bankrupt": bool(record.get("konkurs")),
        "is_winding_up": winding_up,
        "is_deleted": bool(record.get("slettedato")),
        "imported_at": utcnow(),
    }


def _upsert(rows: list[dict]) -> None:
    """Insert or refresh one batch: one statement, executed for many rows (compiled once)."""
    table = RegistryEntity.__table__
    dialect = db.session.get_bind().dialect.name
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    refreshed = {name: statement.excluded[name] for name in rows[0] if name != "org_number"}
    db.session.execute(
        statement.on_conflict_do_update(index_elements=["org_number"], set_=refreshed), rows
    )


def import_entities(path: str) -> ImportResult:
    """Load (or refresh) the register from the gzipped bulk file of enheter; then bring the
    names, forms and status of the organisations people speak for up to date."""
    result = ImportResult()
    rows: list[dict] = []
    try:
        with gzip.open(path, "rt", encoding="utf-8") as stream:
            for record in _records(stream):
                row = _row(record)
                if row is None:
                    result.skipped += 1
                    continue
                rows.append(row)
                result.entities += 1
                result.deleted += row["is_deleted"]
                result.bankrupt += row["is_bankrupt"]
                if len(rows) >= BATCH:
                    _upsert(rows)
                    rows = []
    except (OSError, EOFError, UnicodeDecodeError) as error:
        raise RegistryFileError(f"the file cannot be read as gzipped JSON: {error}") from None
    if rows:
        _upsert(rows)
    result.organisations_updated = refresh_organisations()
    log.info("Enhetsregisteret: %s entities imported", result.entities)
    return result


def refresh_organisations() -> int:
    """Names, forms and flags of known organisations, from the register."""
    registered = select(RegistryEntity).join(
        Organisation, Organisation.org_number == RegistryEntity.org_number
    )
    count = 0
    for entity in db.session.scalars(registered):
        db.session.execute(
            update(Organisation)
            .where(Organisation.org_number == entity.org_number)
            .values(
                name=entity.name,
                kind=kind_for_form(entity.form_code),
                registry_checked_at=utcnow(),
            )
        )
        count += 1
    return count


def lookup(org_number: str) -> RegistryEntity | None:
    return db.session.get(RegistryEntity, org_number)
