"""Serving: health probes, the request id, logs without personal data, oversized and stale posts,
and a database that is locked or gone answering 503 in the site's layout."""

from __future__ import annotations

import socket
import sqlite3
import time
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from freezegun import freeze_time
from sqlalchemy import func, make_url, select

from hoering import create_app
from hoering.db import utcnow
from hoering.extensions import db
from hoering.journal.models import JournalEntry
from hoering.submissions.models import Submission
from tests.conftest import PASSWORD, csrf_from, login
from tests.factories import make_consultation, make_user
from tests.production.conftest import Browser, database_app, fresh_database, migrate

FNR = "13097248022"  # a valid fødselsnummer (test vector from SECURITY.md)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """One real gunicorn (two workers) on a fresh database with a consultation and a person."""
    from tests.production.conftest import Server

    tmp_path = tmp_path_factory.mktemp("serving")
    url = fresh_database(tmp_path, "serving")
    migrate(url)
    with database_app(url):
        consultation = make_consultation()
        person = make_user(email="kari.nordmann@example.no")
        db.session.commit()
        site = {"url": url, "slug": consultation.slug, "email": person.email}
    server = Server(url, tmp_path / "gunicorn.log", workers=2).start()
    site["server"] = server
    yield site
    server.stop()


@pytest.mark.load
def test_health_and_readiness_answer_without_a_session(served):
    browser = Browser(served["server"].port)
    for path, text in (("/healthz", "ok"), ("/readyz", "ready")):
        response = browser.get(path)
        assert response.status == 200
        assert response.body.strip() == text
        assert response.headers.get("Set-Cookie") is None
        assert "X-RateLimit-Limit" not in response.headers


@pytest.mark.load
def test_a_body_over_the_limit_gets_413_before_it_is_sent(served):
    """Only the headers go out: a server that waited for the 50 MB body would never answer."""
    with socket.create_connection(("127.0.0.1", served["server"].port), timeout=10) as raw:
        raw.sendall(
            b"POST /logg-inn HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 52428800\r\n\r\n"
        )
        started = time.monotonic()
        answer = b""
        while b"</html>" not in answer:
            chunk = raw.recv(65536)
            if not chunk:
                break
            answer += chunk
    assert time.monotonic() - started < 5
    head, _, body = answer.decode("utf-8").partition("\r\n\r\n")
    assert head.startswith("HTTP/1.1 413")
    page = BeautifulSoup(body, "html.parser")
    assert page.h1.get_text(strip=True) == "For stor forespørsel"
    assert page.select_one("header.site-header")  # the site's layout, not a bare error


@pytest.mark.load
def test_logs_have_one_line_per_request_with_its_id_and_no_personal_data(served):
    server = served["server"]
    browser = Browser(server.port)
    browser.login(served["email"], PASSWORD)
    session_cookie = browser.cookies["session"]
    path = f"/hoeringer/{served['slug']}/p-1-1/skriv"
    tokens = browser.form_tokens(path)
    body = f"Min nabo har fødselsnummer {FNR} og bor i Storgata 1."
    form = {**tokens, "body": body, "speaker": "private"}
    held = browser.post(path, form, headers={"X-Request-Id": "trace-4711"})
    assert held.status == 422  # the person is asked first
    stored = browser.post(path, {**form, "confirm_personal_data": "y"})
    assert stored.status == 302
    browser.get(f"/hoeringer/?q={FNR}+Kari+Nordmann")
    time.sleep(0.3)  # let the workers flush their log lines

    log = server.log()
    request_lines = [line for line in log.splitlines() if "hoering.requests" in line]
    assert any(
        "POST " + path + " 422" in line and line.endswith("id=trace-4711") for line in request_lines
    )
    assert sum("GET /hoeringer/ 200" in line for line in request_lines) == 1
    for secret in (
        FNR,
        "Storgata",
        served["email"],
        "kari.nordmann",
        "Kari",
        PASSWORD,
        session_cookie,
        tokens["csrf_token"],
        tokens["form_token"],
        "q=",
    ):
        assert secret not in log, f"{secret!r} reached the log"


def test_error_pages_show_the_request_id(client):
    response = client.get("/finnes-ikke", headers={"X-Request-Id": "lb-1234.abc"})
    assert response.status_code == 404
    assert response.headers["X-Request-Id"] == "lb-1234.abc"
    assert "Referanse: lb-1234.abc" in response.get_data(as_text=True)

    own = client.get("/finnes-ikke")
    assert f"Referanse: {own.headers['X-Request-Id']}" in own.get_data(as_text=True)


def test_a_request_id_that_could_forge_log_lines_is_replaced(client):
    response = client.get("/finnes-ikke", headers={"X-Request-Id": "x id=forged 200"})
    assert response.headers["X-Request-Id"] != "x id=forged 200"
    assert len(response.headers["X-Request-Id"]) == 16


def test_a_form_posted_after_its_token_expired_gets_a_clear_message(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_TIME_LIMIT", 60)
    user = make_user()
    consultation = make_consultation()
    db.session.commit()
    login(client, user)
    path = f"/hoeringer/{consultation.slug}/p-1-1/skriv"
    token = csrf_from(client.get(path).get_data(as_text=True))
    with freeze_time(utcnow() + timedelta(hours=3)):
        response = client.post(path, data={"csrf_token": token, "body": "Sent etter lunsj."})
    assert response.status_code == 400
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert page.h1.get_text(strip=True) == "Skjemaet må sendes på nytt"
    assert "last siden på nytt og send igjen" in page.get_text()
    # Nothing typed is lost: the text comes back, ready to copy.
    assert page.find("textarea", readonly=True).get_text() == "Sent etter lunsj."
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 0


def test_readyz_is_503_until_the_database_is_migrated(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.db'}"})
    with app.app_context():
        response = app.test_client().get("/readyz")
        db.engine.dispose()
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert "flask --app hoering db upgrade" in response.get_data(as_text=True)


def test_an_unreachable_database_gives_503_in_the_site_layout(tmp_path):
    # Port 5139 is ours and nothing listens on it.
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://hoering@127.0.0.1:5139/hoering"}
    )
    with app.app_context():
        client = app.test_client()
        page = client.get("/hoeringer/")
        ready = client.get("/readyz")
        healthy = client.get("/healthz")
        db.engine.dispose()
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "5"
    html = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    assert html.select_one("header.site-header") and html.select_one("footer.site-footer")
    assert "Ingenting ble lagret" in html.get_text()
    assert f"Referanse: {page.headers['X-Request-Id']}" in html.get_text()
    assert ready.status_code == 503 and "unreachable" in ready.get_data(as_text=True)
    assert healthy.status_code == 200  # the process is up; the balancer should not restart it


@pytest.mark.skipif(
    make_url(
        __import__("os").environ.get("HOERING_TEST_DATABASE_URL", "sqlite://")
    ).get_backend_name()
    != "sqlite",
    reason="SQLite's file lock",
)
def test_a_database_locked_past_the_busy_timeout_gives_503_and_stores_nothing(app, client):
    user = make_user()
    consultation = make_consultation()
    db.session.commit()
    login(client, user)
    path = f"/hoeringer/{consultation.slug}/p-1-1/skriv"
    token = csrf_from(client.get(path).get_data(as_text=True))
    entries_before = db.session.scalar(select(func.count()).select_from(JournalEntry))
    db.session.remove()

    holder = sqlite3.connect(db.engine.url.database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process writing, for longer than busy_timeout
    try:
        response = client.post(path, data={"csrf_token": token, "body": "Mens basen er låst."})
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert page.h1.get_text(strip=True) == "Tjenesten er midlertidig utilgjengelig"
    assert page.select_one("header.site-header")
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 0
    assert db.session.scalar(select(func.count()).select_from(JournalEntry)) == entries_before
