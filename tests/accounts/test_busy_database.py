"""Pages that only read keep answering while SQLite's write lock is held: what they write on the
side (the sign-in's idle clock, a language choice) waits briefly and is skipped, never a 503.
And a sign-in holds no write lock while it checks the password hash."""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import make_url, update

from hoering.accounts.models import LoginSession, User
from hoering.db import utcnow
from hoering.extensions import db
from tests.conftest import PASSWORD, TEST_DB_URL, csrf_from, login
from tests.factories import make_consultation, make_user

pytestmark = pytest.mark.skipif(
    make_url(TEST_DB_URL or "sqlite://").get_backend_name() != "sqlite",
    reason="SQLite's file lock",
)


@contextmanager
def another_writer():
    """Another process in the middle of a long write, as under posting load. The pool is
    emptied, so the request opens a connection of its own while the lock is held."""
    db.session.remove()
    db.engine.dispose()
    holder = sqlite3.connect(db.engine.url.database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def _signed_in_a_while_ago(client):
    user = make_user(name="Lise Leser")
    consultation = make_consultation()
    db.session.commit()
    login(client, user)
    earlier = utcnow() - timedelta(minutes=5)
    db.session.execute(update(LoginSession).values(last_seen_at=earlier))
    db.session.commit()
    return user.id, consultation.slug, earlier


def _last_seen() -> object:
    return db.session.scalar(db.select(LoginSession.last_seen_at))


def test_a_page_that_only_reads_answers_while_another_worker_writes(client):
    _user_id, slug, earlier = _signed_in_a_while_ago(client)
    with another_writer():
        started = time.monotonic()
        page = client.get(f"/hoeringer/{slug}/")
        elapsed = time.monotonic() - started
    assert page.status_code == 200
    assert "Mine innspill" in page.get_data(as_text=True)  # still signed in
    assert elapsed < 4  # not the 5-second queue for the write lock
    assert abs(_last_seen() - earlier) < timedelta(seconds=1)  # refresh skipped, for later
    client.get(f"/hoeringer/{slug}/")
    assert _last_seen() > earlier + timedelta(minutes=4)


def test_switching_language_works_while_another_worker_writes(client):
    user_id, slug, _earlier = _signed_in_a_while_ago(client)
    db.session.execute(update(LoginSession).values(last_seen_at=utcnow()))
    db.session.commit()
    with another_writer():
        response = client.get(f"/sprak/en?next=/hoeringer/{slug}/")
    assert response.status_code == 302
    page = client.get(f"/hoeringer/{slug}/")
    assert '<html lang="en"' in page.get_data(as_text=True)
    assert db.session.get(User, user_id).locale in (None, "nb")  # kept at the next change
    client.get("/sprak/nn")
    assert db.session.get(User, user_id).locale == "nn"


def test_a_sign_in_holds_no_write_lock_while_it_checks_the_password(app, client):
    # A hash that takes seconds to check: argon2 reads the cost from the hash itself.
    cheap = app.config["ARGON2_TIME_COST"]
    app.config["ARGON2_TIME_COST"] = 1600
    try:
        make_user(name="Trine Treg", email="trine@example.no")
        db.session.commit()
    finally:
        app.config["ARGON2_TIME_COST"] = cheap
    form = {"email": "trine@example.no", "password": PASSWORD}
    form["csrf_token"] = csrf_from(client.get("/logg-inn").get_data(as_text=True))
    answers = []

    def sign_in():
        answers.append(client.post("/logg-inn", data=form))

    signing_in = threading.Thread(target=sign_in)
    signing_in.start()
    time.sleep(1)  # the sign-in is checking the hash now
    writer = sqlite3.connect(db.engine.url.database, timeout=0.5, isolation_level=None)
    try:
        started = time.monotonic()
        writer.execute("BEGIN IMMEDIATE")  # another worker posting an innspill
        writer.execute("COMMIT")
        waited = time.monotonic() - started
        still_checking = signing_in.is_alive()
    finally:
        writer.close()
        signing_in.join()
    assert still_checking
    assert waited < 0.5
    assert answers[0].status_code == 302
    assert client.get("/konto").status_code == 200  # signed in
