"""Fixtures: one app per session on a migrated database (SQLite, or PostgreSQL when
HOERING_TEST_DATABASE_URL says so); every test starts from empty tables."""

from __future__ import annotations

import os
import re
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pyotp
import pytest
from flask import g, request_started
from flask_migrate import upgrade
from sqlalchemy import event, select, text

from hoering import create_app
from hoering.cli import TRANSLATIONS, pybabel
from hoering.extensions import db, limiter

TEST_DB_URL = os.environ.get("HOERING_TEST_DATABASE_URL")
PASSWORD = "correct horse battery"


def pytest_sessionstart(session):
    """The app reads compiled .mo files, which are built, not committed: build stale ones."""
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            pybabel("compile", "-d", str(TRANSLATIONS))
            return


def _database_url(tmp_dir: Path) -> str:
    return TEST_DB_URL or f"sqlite:///{tmp_dir / 'test.db'}"


def _reset_schema(app) -> None:
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        upgrade()


@pytest.fixture(scope="session")
def app_config(tmp_path_factory):
    tmp_dir = tmp_path_factory.mktemp("hoering")
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": _database_url(tmp_dir),
        "MIN_FORM_SECONDS": 0,
        "TASKS_IMMEDIATE": True,
        # A cheap argon2id, only so the suite is fast; production keeps the default cost.
        "ARGON2_TIME_COST": 1,
        "ARGON2_MEMORY_COST": 1024,
        "SERVER_NAME": "hoering.test",
        "ARCHIVE_EXPORT_DIR": str(tmp_dir / "arkivuttrekk"),
    }


def _fresh_g(sender, **extra) -> None:
    """Requests in a test share its app context; give each a fresh `g`, as in production, so
    nothing cached per request (locale, signed-in user, CSRF token) leaks into the next one."""
    g.__dict__.clear()


@pytest.fixture(scope="session")
def app(app_config):
    os.environ.setdefault("HOERING_INSTANCE_DIR", tempfile.mkdtemp(prefix="hoering-instance-"))
    app = create_app(app_config)
    request_started.connect(_fresh_g, app)
    _reset_schema(app)
    yield app
    with app.app_context():
        db.engine.dispose()


def _empty_tables() -> None:
    """DELETE every row (much faster than TRUNCATE on PostgreSQL for tiny tables)."""
    consultations = db.metadata.tables["consultations"]
    with db.engine.begin() as connection:
        # consultations and draft_versions point at each other: break the cycle first.
        connection.execute(consultations.update().values(current_version_id=None))
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())


@pytest.fixture(autouse=True)
def _app_context(app):
    with app.app_context():
        yield
        db.session.remove()
        _empty_tables()
        limiter.reset()


@pytest.fixture
def signed_in(app):
    """signed_in(user) -> a test client with that person signed in."""

    def make(user):
        client = app.test_client()
        login(client, user)
        return client

    return make


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    def __len__(self):
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """Count SQL statements inside a `with count_queries() as counter:` block."""

    @contextmanager
    def counting():
        counter = QueryCounter()

        def before(conn, cursor, statement, parameters, context, executemany):
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "PRAGMA")):
                counter.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", before)

    return counting


_CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = _CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


def post_form(client, page_url: str, data: dict, *, url: str | None = None, **kwargs):
    """Open the page like a browser, then post the form with the page's CSRF token."""
    page = client.get(page_url)
    data = {"csrf_token": csrf_from(page.get_data(as_text=True)), **data}
    return client.post(url or page_url, data=data, **kwargs)


def login(client, user, password: str = PASSWORD):
    """Sign in as a browser would: the password, then (for staff) a real code from the app."""
    response = post_form(client, "/logg-inn", {"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    if user.is_staff:
        pass_second_factor(client, user)
    return response


def totp_code(user) -> str:
    """The next code the person's authenticator app would show that the server has not seen.

    The server takes one 30-second step of clock drift either way and each step once, so a
    test signing the same person in many times waits for the next step when it must."""
    from hoering.accounts.models import TotpCredential

    credential = db.session.scalar(select(TotpCredential).where(TotpCredential.user_id == user.id))
    db.session.refresh(credential)
    totp = pyotp.TOTP(credential.secret)
    while True:
        now = totp.timecode(datetime.now(UTC))
        counter = max(now - 1, credential.last_counter + 1)
        if counter <= now + 1:
            return totp.generate_otp(counter)
        time.sleep(1)


def pass_second_factor(client, user) -> None:
    """Set up the authenticator app on first sign-in, else type its code."""
    url = "/to-trinn"
    page = client.get(url)
    if page.status_code == 302:
        url = page.headers["Location"]
        page = client.get(url)
    data = {"csrf_token": csrf_from(page.get_data(as_text=True)), "code": totp_code(user)}
    response = client.post(url, data=data)
    assert response.status_code in (200, 302), response.get_data(as_text=True)[:500]


pytest_plugins = ["tests.factories"]
