"""Spam defences on the write form: honeypot, minimum fill time, rate limits (memory and Redis)."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
import redis
from bs4 import BeautifulSoup
from freezegun import freeze_time

from hoering import ratelimit
from hoering.accounts.models import LoginSession
from hoering.config import load_config
from hoering.db import utcnow
from hoering.extensions import db, limiter
from hoering.moderation.spam import form_binding, start_token
from hoering.submissions.models import Submission
from tests.conftest import csrf_from
from tests.factories import make_consultation, make_user

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def writer(signed_in):
    consultation = make_consultation()
    author = make_user()
    db.session.commit()
    return consultation, signed_in(author)


def _page(consultation) -> str:
    return f"/hoeringer/{consultation.slug}/p-1-1/skriv"


def _post(client, consultation, body, *, environ=None, **extra):
    soup = BeautifulSoup(client.get(_page(consultation)).get_data(as_text=True), "html.parser")
    data = {
        "csrf_token": csrf_from(str(soup)),
        "form_token": soup.select_one("input[name=form_token]")["value"],
        "started": soup.select_one("input[name=started]")["value"],
        "body": body,
        "speaker": "private",
        **extra,
    }
    return client.post(_page(consultation), data=data, environ_base=environ or {})


def _count() -> int:
    return db.session.scalar(db.select(db.func.count(Submission.id)))


def test_write_form_has_a_hidden_honeypot_and_a_signed_start_time(writer):
    consultation, client = writer
    soup = BeautifulSoup(client.get(_page(consultation)).get_data(as_text=True), "html.parser")
    honeypot = soup.select_one(".honeypot")
    assert honeypot["aria-hidden"] == "true"
    assert honeypot.select_one("input[name=website]")["tabindex"] == "-1"
    assert soup.select_one("input[name=started]")["value"].count(".") == 2  # value.time.signature


def test_a_filled_honeypot_is_a_400_that_keeps_the_text(writer):
    consultation, client = writer
    response = _post(client, consultation, "Mitt gode innspill.", website="http://spam.example")
    assert response.status_code == 400
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert "et felt som skal stå tomt" in soup.select_one(".error-summary").get_text()
    assert soup.select_one("textarea[name=body]").get_text().strip() == "Mitt gode innspill."
    assert _count() == 0


def test_a_form_sent_too_fast_is_a_400_that_keeps_the_text(app, writer, monkeypatch):
    consultation, client = writer
    monkeypatch.setitem(app.config, "MIN_FORM_SECONDS", 3)
    response = _post(client, consultation, "Rask tekst.")
    assert response.status_code == 400
    soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert "sendt for fort" in soup.select_one(".error-summary").get_text()
    assert soup.select_one("textarea[name=body]").get_text().strip() == "Rask tekst."

    forged = _post(client, consultation, "Rask tekst.", started="123.456.789")
    assert forged.status_code == 400
    assert "Skjemaet var ugyldig" in forged.get_data(as_text=True)

    soup = BeautifulSoup(client.get(_page(consultation)).get_data(as_text=True), "html.parser")
    form_token = soup.select_one("input[name=form_token]")["value"]
    signed_in_as = db.session.scalar(db.select(LoginSession.user_id))
    binding = form_binding(_page(consultation), signed_in_as)
    with freeze_time(utcnow() - timedelta(seconds=10)):
        earlier = start_token(binding=binding, nonce=form_token)
    response = _post(client, consultation, "Rask tekst.", started=earlier, form_token=form_token)
    assert response.status_code == 302
    assert _count() == 1


def test_submits_are_limited_per_address(app, signed_in, writer, monkeypatch):
    consultation, client = writer
    monkeypatch.setitem(app.config, "SUBMIT_ADDRESS_LIMIT", "2 per hour")
    other = signed_in(make_user())
    db.session.commit()
    office = {"REMOTE_ADDR": "10.3.3.3"}
    assert _post(client, consultation, "Første.", environ=office).status_code == 302
    assert _post(other, consultation, "Andre.", environ=office).status_code == 302
    response = _post(other, consultation, "Tredje.", environ=office)
    assert response.status_code == 429
    assert "for mange forsøk" in response.get_data(as_text=True)
    assert (
        _post(other, consultation, "Tredje.", environ={"REMOTE_ADDR": "10.3.3.4"}).status_code
        == 302
    )


def test_submits_are_limited_per_account(app, writer, monkeypatch):
    consultation, client = writer
    monkeypatch.setitem(app.config, "SUBMIT_LIMIT", "1 per hour")
    assert _post(client, consultation, "Første.").status_code == 302
    assert (
        _post(client, consultation, "Andre.", environ={"REMOTE_ADDR": "10.4.4.4"}).status_code
        == 429
    )


def test_identical_innspill_is_refused(writer):
    consultation, client = writer
    assert _post(client, consultation, "Samme tekst.").status_code == 302
    response = _post(client, consultation, "Samme tekst.")
    assert response.status_code == 409
    assert "allerede sendt et likt innspill" in response.get_data(as_text=True)


def test_too_many_links_are_refused(writer):
    consultation, client = writer
    body = " ".join(f"https://example.com/{n}" for n in range(6))
    response = _post(client, consultation, body)
    assert response.status_code == 400
    assert "for mange lenker" in response.get_data(as_text=True)


def test_redis_url_configures_the_limiter_storage(monkeypatch):
    monkeypatch.setenv("HOERING_REDIS_URL", REDIS_URL)
    assert load_config()["RATELIMIT_STORAGE_URI"] == REDIS_URL
    monkeypatch.delenv("HOERING_REDIS_URL")
    assert load_config()["RATELIMIT_STORAGE_URI"] == ratelimit.STORAGE_URI


@pytest.fixture
def redis_limiter(app):
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("HOERING_REQUIRE_REDIS"):
            raise
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    original = app.config["RATELIMIT_STORAGE_URI"]
    app.config["RATELIMIT_STORAGE_URI"] = REDIS_URL
    limiter.init_app(app)  # same hooks; the storage is now Redis
    limiter.reset()
    yield limiter
    limiter.reset()
    app.config["RATELIMIT_STORAGE_URI"] = original
    limiter.init_app(app)


def test_rate_limits_are_counted_in_redis(app, redis_limiter, setting, monkeypatch):
    from tests.factories import make_submission
    from tests.moderation.test_modes_and_reports import _report

    assert type(redis_limiter.storage).__name__.startswith("Redis")
    monkeypatch.setitem(app.config, "REPORT_LIMIT", "1 per hour")
    consultation, _moderator, _outsider = setting
    first, second = make_submission(consultation), make_submission(consultation)
    db.session.commit()
    client = app.test_client()
    assert _report(client, first, address="10.5.5.5").status_code == 302
    assert _report(client, second, address="10.5.5.5").status_code == 429
    keys = redis.Redis.from_url(REDIS_URL).keys("LIMITS*")
    assert keys  # the count lives in Redis, shared by every worker
