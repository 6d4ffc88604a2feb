"""A PostgreSQL connection that dies mid-request: an answer, never a 500, and a fresh connection
for the next request."""

from __future__ import annotations

import threading

import pytest
from flask import request_finished
from sqlalchemy import event, make_url, text

from hoering.extensions import db
from tests.conftest import TEST_DB_URL
from tests.factories import make_consultation

pytestmark = pytest.mark.skipif(
    TEST_DB_URL is None or make_url(TEST_DB_URL).get_backend_name() != "postgresql",
    reason="kills a PostgreSQL backend",
)


def _kill(dbapi_connection) -> None:
    """End a backend from another connection, as a restart or a network cut would."""
    pid = dbapi_connection.info.backend_pid
    with db.engine.connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        other.commit()


def _in_own_thread(app, path: str):
    """One request the way gunicorn runs it: its own app context, torn down at its end."""
    outcome = {}

    def run():
        try:
            outcome["response"] = app.test_client().get(path)
        except Exception as error:  # what escaped the app is the finding
            outcome["error"] = error

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=30)
    assert "error" not in outcome, outcome.get("error")
    return outcome["response"]


def test_connection_dying_after_the_last_statement_still_answers(app):
    consultation = make_consultation()
    db.session.commit()

    def kill_at_the_end(sender, response, **extra):
        _kill(db.session.connection().connection.dbapi_connection)

    request_finished.connect(kill_at_the_end, app)
    try:
        response = _in_own_thread(app, f"/hoeringer/{consultation.slug}/")
    finally:
        request_finished.disconnect(kill_at_the_end, app)
    assert response.status_code == 200
    assert consultation.title in response.get_data(as_text=True)
    assert _in_own_thread(app, f"/hoeringer/{consultation.slug}/").status_code == 200


def test_connection_dying_before_an_error_page_gives_that_page(app):
    killed = []

    def kill_after_first_statement(conn, cursor, statement, parameters, context, executemany):
        if not killed and threading.current_thread() is not threading.main_thread():
            killed.append(statement)
            _kill(conn.connection.dbapi_connection)

    event.listen(db.engine, "after_cursor_execute", kill_after_first_statement)
    try:
        response = _in_own_thread(app, "/hoeringer/finnes-ikke/")
    finally:
        event.remove(db.engine, "after_cursor_execute", kill_after_first_statement)
    assert killed
    assert response.status_code == 404
    assert "Siden finnes ikke." in response.get_data(as_text=True)
    assert _in_own_thread(app, "/hoeringer/").status_code == 200
