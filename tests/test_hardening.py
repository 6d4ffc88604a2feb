"""Smaller hardening: log lines that cannot be forged, one-line names, input that is not UTF-8,
text that shows nothing, an unknown speaker, and the session cookie's __Host- prefix."""

from __future__ import annotations

import logging
import threading
import time

import pytest
from bs4 import BeautifulSoup

from hoering import create_app
from hoering.accounts.models import Organisation, User
from hoering.accounts.services import get_or_create_organisation
from hoering.errors import BadInputError
from hoering.extensions import db, limiter
from hoering.ratelimit import SweptMemoryStorage
from hoering.submissions.models import Submission
from tests.conftest import csrf_from, post_form
from tests.factories import make_consultation, make_organisation, make_user


def test_control_characters_in_a_path_cannot_forge_a_log_line(client, caplog):
    caplog.set_level(logging.INFO, logger="hoering.requests")
    client.get("/hoeringer/x%0D%0A2026-11-29 INFO hoering.requests: GET /admin 200%1B[2K")
    lines = [record.getMessage() for record in caplog.records if record.name == "hoering.requests"]
    assert len(lines) == 1
    assert "\n" not in lines[0] and "\r" not in lines[0] and "\x1b" not in lines[0]
    assert "/hoeringer/x\\r\\n2026-11-29 INFO" in lines[0]


@pytest.mark.parametrize("name", ["Ola\r\nBcc: noen@example.no", "Kari\nNordmann", "Per\x1b[31m"])
def test_names_with_line_breaks_are_refused_at_registration(client, name):
    response = post_form(
        client,
        "/registrer",
        {
            "name": name,
            "email": "ny@example.no",
            "password": "et langt og trygt passord",
            "confirm": "et langt og trygt passord",
        },
    )
    assert response.status_code == 400
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert "linjeskift" in page.get_text()
    assert db.session.scalar(db.select(User.id).where(User.email == "ny@example.no")) is None


def test_organisation_names_with_line_breaks_are_refused():
    with pytest.raises(BadInputError):
        get_or_create_organisation("921000006", "Foreningen\r\nX-Header: 1", "organisation")
    assert db.session.scalar(db.select(Organisation.id)) is None


def test_a_form_that_is_not_utf8_is_a_400(client):
    page = client.get("/registrer").get_data(as_text=True)
    token = csrf_from(page)
    raw = f"csrf_token={token}&name=%FF%FEOla&email=a%40example.no".encode()
    response = client.post("/registrer", data=raw, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "ikke er gyldig UTF-8" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(User.id)) is None
    assert client.get("/hoeringer/?q=%FF").status_code == 400
    # Valid UTF-8, percent-encoded, is of course fine.
    assert client.get("/hoeringer/?q=%C3%B8").status_code == 200


def test_multipart_that_is_not_utf8_is_a_400(client):
    token = csrf_from(client.get("/registrer").get_data(as_text=True))
    fields = {
        "csrf_token": token.encode(),
        "name": b"\xff\xfeOla",
        "email": b"ola@example.no",
        "password": b"et langt og trygt passord",
        "confirm": b"et langt og trygt passord",
    }
    body = b"".join(
        b'--b\r\nContent-Disposition: form-data; name="' + name.encode() + b'"\r\n\r\n'
        + value + b"\r\n"
        for name, value in fields.items()
    ) + b"--b--\r\n"  # fmt: skip
    response = client.post("/registrer", data=body, content_type="multipart/form-data; boundary=b")
    assert response.status_code == 400
    assert db.session.scalar(db.select(User.id)) is None


def _write(client, consultation, **data):
    url = f"/hoeringer/{consultation.slug}/p-1-1/skriv"
    page = BeautifulSoup(client.get(url).get_data(as_text=True), "html.parser")
    fields = {f["name"]: f.get("value", "") for f in page.select("form.stack input[type=hidden]")}
    return client.post(url, data={**fields, **data})


def test_a_body_of_only_invisible_characters_is_empty(signed_in):
    consultation = make_consultation()
    client = signed_in(make_user())
    db.session.commit()
    response = _write(
        client, consultation, speaker="private", body="\u200b\u2060\ufeff\u3164 \u00ad"
    )
    assert response.status_code == 400
    assert "Skriv innspillet ditt før du sender." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Submission.id)) is None


@pytest.mark.parametrize("speaker", ["organisasjon", "private ", "999"])
def test_an_unknown_speaker_is_a_400(signed_in, speaker):
    consultation = make_consultation()
    organisation = make_organisation()
    client = signed_in(make_user(organisations=[organisation]))
    db.session.commit()
    response = _write(client, consultation, speaker=speaker, body="Et innspill.")
    assert response.status_code == 400
    assert "Velg hvem du skriver som fra listen." in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Submission.id)) is None


def test_the_session_cookie_has_the_host_prefix_under_https(app_config):
    secure = create_app({**app_config, "SESSION_COOKIE_SECURE": True})
    response = secure.test_client().get("/logg-inn", base_url="https://hoering.test")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-session=")
    assert "Secure" in cookie and "Path=/" in cookie and "Domain=" not in cookie
    plain = create_app(app_config).test_client().get("/logg-inn")
    assert plain.headers["Set-Cookie"].startswith("session=")


def _threads_made_so_far() -> int:
    """How many threads this process has made (each unnamed one is numbered "Thread-N")."""
    return int(threading.Thread().name.removeprefix("Thread-"))


def test_rate_limited_requests_start_no_thread_each(client):
    """Without Redis the limits live in memory, swept on the request's own thread."""
    assert isinstance(limiter.storage, SweptMemoryStorage)
    form = {"csrf_token": csrf_from(client.get("/logg-inn").get_data(as_text=True))}
    running, made = threading.active_count(), _threads_made_so_far()
    for n in range(20):
        form.update(email=f"nobody{n}@example.no", password="not the password 1")
        response = client.post("/logg-inn", data=form)
        assert response.status_code == 400
        assert "X-RateLimit-Remaining" in response.headers  # counted by the limiter
        assert threading.active_count() == running
    assert _threads_made_so_far() == made + 1  # the counter's own probe


def test_expired_rate_limit_hits_are_swept(app, monkeypatch):
    storage = limiter.storage
    storage.incr("hoering:test:old", 0.05)
    time.sleep(0.1)
    monkeypatch.setattr(SweptMemoryStorage, "SWEEP_SECONDS", 0.0)
    storage.incr("hoering:test:new", 60)  # a later hit sweeps what has expired
    assert storage.get("hoering:test:new") == 1
    assert "hoering:test:old" not in storage.expirations
