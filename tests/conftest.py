"""Fixtures: one app per session on a migrated database (SQLite, or PostgreSQL when
HOERING_TEST_DATABASE_URL says so); every test starts from empty tables."""

from __future__ import annotations

import os
import re
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import event, text

from hoering import create_app
from hoering.extensions import db, limiter

TEST_DB_URL = os.environ.get("HOERING_TEST_DATABASE_URL")
PASSWORD = "correct horse battery"


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
        "SERVER_NAME": "hoering.test",
    }


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing():
    """Real argon2 hashes at the lowest cost: factories make many users, each hash costs ~0.3 s."""
    from argon2 import PasswordHasher

    from hoering.accounts import services

    default = services._hasher
    services._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    services._hasher = default


@pytest.fixture(scope="session")
def app(app_config):
    os.environ.setdefault("HOERING_INSTANCE_DIR", tempfile.mkdtemp(prefix="hoering-instance-"))
    app = create_app(app_config)
    _reset_schema(app)
    yield app
    with app.app_context():
        db.engine.dispose()


def _empty_tables() -> None:
    tables = [table.name for table in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as connection:
        if db.engine.dialect.name == "postgresql":
            connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            # Consultations and draft versions point at each other; break the cycle first.
            connection.execute(text("UPDATE consultations SET current_version_id = NULL"))
            for table in tables:
                connection.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - table names


@pytest.fixture(autouse=True)
def _app_context(app):
    with app.app_context():
        yield
        db.session.remove()
        _empty_tables()
        limiter.reset()


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
    response = post_form(client, "/logg-inn", {"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


pytest_plugins = ["tests.factories"]
