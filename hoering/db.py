"""Database helpers shared by every domain: UTC timestamps and dialect facts."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import uuid
from datetime import UTC, datetime

from flask import has_request_context, request
from sqlalchemy import DateTime, Executable, TypeDecorator, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

from hoering.extensions import db

log = logging.getLogger(__name__)


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_system_id() -> str:
    """A Noark systemID: a UUID made once, when the record is created (Noark krav 6.4.26)."""
    return str(uuid.uuid4())


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every database (SQLite keeps no time zone by itself)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def add_unless_taken(row) -> bool:
    """Insert a row a unique constraint may already hold; False (and nothing changed) if it does.

    The row is added inside a savepoint, so a concurrent twin only rolls back this insert, not
    the caller's transaction (begin_nested() flushes what is pending before it starts).
    """
    try:
        with db.session.begin_nested():
            db.session.add(row)
            db.session.flush()
    except IntegrityError:
        return False
    return True


def discard_transaction() -> None:
    """Roll back what the request began; a connection that died is dropped, never raised.

    A connection killed after the request's last statement is only found out by the rollback.
    Raised from an error handler or the end-of-request clean-up, that would turn a 503 (or a
    finished 200) into a 500 and return the dead connection to the pool for the next request.
    """
    try:
        db.session.rollback()
    except DBAPIError as error:
        log.warning("database connection lost: %s", type(error.orig).__name__)
        db.session().invalidate()


def end_session() -> None:
    """End the request's session: close it, never raise for a connection that died.

    Closing, not rolling back: a streamed response (a CSV export) still reads what the request
    loaded once this has run, and a rollback would expire it. Returning the connection to the
    pool rolls back what the request left open, and the pool drops a connection that died.
    """
    try:
        db.session.close()
    except DBAPIError as error:
        log.warning("database connection lost: %s", type(error.orig).__name__)
        db.session().invalidate()


def write_unless_busy(statement: Executable) -> bool:
    """Run one optional write in a transaction of its own; skip it (False) if the database is busy.

    For what a page that only reads writes on the side: the sign-in's idle clock, a language
    preference. The read is ended first (on SQLite a read turned write fails at once if another
    worker committed since), and on SQLite the write waits for the lock only briefly: a reader
    never queues behind a burst of writers for something that can as well be written next time.
    """
    db.session.commit()
    sqlite = is_sqlite()
    try:
        if sqlite:
            db.session.execute(text(f"PRAGMA busy_timeout={OPTIONAL_WRITE_WAIT_MS}"))
        try:
            db.session.execute(statement)
        finally:
            if sqlite:
                db.session.execute(text(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}"))
        db.session.commit()
    except OperationalError:
        db.session.rollback()
        log.info("optional write skipped: the database is busy")
        return False
    return True


# An execution option: the transaction it begins only reads (on SQLite a deferred BEGIN).
READ_ONLY_OPTION = "hoering_read_only"


def begin_reading() -> None:
    """End what the request began, and begin a transaction that only reads.

    For slow work before a write (checking a password hash): on SQLite the write lock is taken
    only by the next transaction, so writers in other workers never queue behind the slow part.
    Whatever is written must come after the caller ends this transaction (commit), never in it:
    on SQLite a read turned write fails at once if another worker committed since.
    """
    db.session.commit()
    db.session.connection(execution_options={READ_ONLY_OPTION: True})


def escape_like(value: str) -> str:
    """Text to search for with LIKE/ILIKE (escape="\\"): its % and _ match only themselves."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# SQLite's full-text index of innspill (an FTS5 table and its shadow tables), made by a
# migration and kept by triggers: not a model, so schema comparisons leave it out.
SQLITE_SEARCH_TABLE = "submissions_fts"


def is_modelled(name, type_, parent_names) -> bool:
    """For Alembic's include_name: every schema object but the SQLite search index."""
    return not (type_ == "table" and name and name.startswith(SQLITE_SEARCH_TABLE))


def is_sqlite() -> bool:
    return db.engine.dialect.name == "sqlite"


# How long a SQLite writer queues for the write lock, and how long an optional write may.
BUSY_TIMEOUT_MS = 5000
OPTIONAL_WRITE_WAIT_MS = 50


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """WAL, a busy timeout and foreign keys on every SQLite connection."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    # NORMAL in WAL mode never corrupts the database; a power cut may lose the last commits.
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Fresh planner statistics, sampled so it takes milliseconds at any size: without them SQLite
    # walks the parent_id index (mostly NULL) for a paragraph's innspill instead of the listing
    # index. Only a shortcut: if another worker holds the write lock, keep the old statistics.
    cursor.execute("PRAGMA analysis_limit=400")
    # Without waiting: a connection opened while another worker writes must not queue for the
    # lock (for up to the busy timeout) before the page it serves has read anything.
    cursor.execute("PRAGMA busy_timeout=0")
    with contextlib.suppress(sqlite3.OperationalError):
        cursor.execute("ANALYZE")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()
    # SQLAlchemy, not pysqlite, begins transactions (see _sqlite_begin); savepoints work too.
    dbapi_connection.isolation_level = None


READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection):
    """A writer takes SQLite's write lock when its transaction begins, not at its first write.

    A transaction that read first and writes later fails at once with "database is locked" when
    another worker committed in between (its snapshot is stale; the busy timeout cannot help).
    Taking the lock up front makes writers queue on busy_timeout instead. Pages that only read
    keep a deferred BEGIN, so readers never wait for writers (WAL), and so does the read-only
    step of a writer (`begin_reading`).
    """
    if connection.dialect.name != "sqlite":
        return
    read_only = connection.get_execution_options().get(READ_ONLY_OPTION) or (
        has_request_context() and request.method in READ_ONLY_METHODS
    )
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")
