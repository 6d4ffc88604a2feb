"""Anti-automation (ASVS 11.1): one quota per account for accepted innspill across every write
route, a higher one on attempts, a limit on registrations per address, and a start token bound
to its form and account and good for one post."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup

from hoering.accounts.models import User
from hoering.db import utcnow
from hoering.extensions import db
from hoering.moderation.models import Report
from hoering.moderation.spam import form_binding, start_token
from hoering.submissions.models import Submission
from tests.conftest import csrf_from, post_form
from tests.factories import make_consultation, make_submission, make_user

TEN_SECONDS_AGO = int((utcnow() - timedelta(seconds=10)).timestamp())


@pytest.fixture
def setting(signed_in):
    consultation = make_consultation()
    author = make_user()
    parent = make_submission(consultation, body="Et innspill å svare på.")
    db.session.commit()
    return consultation, author, signed_in(author), parent


def _fields(client, url) -> dict:
    soup = BeautifulSoup(client.get(url).get_data(as_text=True), "html.parser")
    return {
        field["name"]: field.get("value", "")
        for field in soup.select("form.stack input[type=hidden]")
    }


def _post(client, url, body, **extra):
    return client.post(
        url, data={**_fields(client, url), "speaker": "private", "body": body, **extra}
    )


def _count() -> int:
    return db.session.scalar(db.select(db.func.count(Submission.id)))


def test_one_quota_per_account_across_the_write_routes(app, setting, monkeypatch):
    consultation, _author, client, parent = setting
    monkeypatch.setitem(app.config, "SUBMIT_LIMIT", "2 per hour")
    base = f"/hoeringer/{consultation.slug}"
    assert _post(client, f"{base}/p-1-1/skriv", "Om avsnittet.").status_code == 302
    assert _post(client, f"{base}/skriv", "Om hele forslaget.").status_code == 302
    refused = _post(client, f"{base}/innspill/{parent.id}/svar", "Et svar.")
    assert refused.status_code == 429
    assert "for mange forsøk" in refused.get_data(as_text=True)
    assert _count() == 3  # the parent and two of the author's


def test_refused_posts_do_not_use_up_the_quota(app, setting, monkeypatch):
    consultation, _author, client, _parent = setting
    monkeypatch.setitem(app.config, "SUBMIT_LIMIT", "1 per hour")
    url = f"/hoeringer/{consultation.slug}/p-1-1/skriv"
    for _ in range(3):
        assert _post(client, url, "   ").status_code == 400
    assert _post(client, url, "Endelig et innspill.").status_code == 302
    assert _post(client, url, "Ett til.").status_code == 429


def test_attempts_have_their_own_higher_limit(app, setting, monkeypatch):
    consultation, _author, client, _parent = setting
    monkeypatch.setitem(app.config, "SUBMIT_ATTEMPT_LIMIT", "3 per hour")
    url = f"/hoeringer/{consultation.slug}/p-1-1/skriv"
    for _ in range(3):
        assert _post(client, url, "   ").status_code == 400
    assert _post(client, url, "Nå et ordentlig innspill.").status_code == 429
    assert _count() == 1


def _register(client, n: int, address: str):
    return post_form(
        client,
        "/registrer",
        {
            "name": f"Ny Person {n}",
            "email": f"ny{n}@example.no",
            "password": "et langt og trygt passord",
            "confirm": "et langt og trygt passord",
        },
        environ_base={"REMOTE_ADDR": address},
    )


def test_registrations_are_limited_per_address(app, monkeypatch):
    monkeypatch.setitem(app.config, "REGISTER_LIMIT", "2 per hour")
    for n in range(2):
        assert _register(app.test_client(), n, "10.7.7.7").status_code == 302
    refused = _register(app.test_client(), 2, "10.7.7.7")
    assert refused.status_code == 429
    assert _register(app.test_client(), 3, "10.7.7.8").status_code == 302
    emails = set(db.session.scalars(db.select(User.email)))
    assert "ny2@example.no" not in emails and "ny3@example.no" in emails


@pytest.fixture
def timed(app, monkeypatch):
    monkeypatch.setitem(app.config, "MIN_FORM_SECONDS", 3)


def test_a_start_token_works_only_on_its_own_form(app, setting, signed_in, timed):
    consultation, author, client, _parent = setting
    paragraph_form = f"/hoeringer/{consultation.slug}/p-1-1/skriv"
    general_form = f"/hoeringer/{consultation.slug}/skriv"
    token = _fields(client, general_form)["form_token"]
    elsewhere = start_token(
        binding=form_binding(paragraph_form, author.id),
        nonce=token,
        shown_at=TEN_SECONDS_AGO,
    )
    moved = _post(
        client,
        general_form,
        "Flyttet starttid.",
        started=elsewhere,
        **{"form_token": token},
    )
    assert moved.status_code == 400
    assert "Skjemaet var ugyldig" in moved.get_data(as_text=True)

    other = make_user()
    db.session.commit()
    not_mine = start_token(
        binding=form_binding(general_form, other.id),
        nonce=token,
        shown_at=TEN_SECONDS_AGO,
    )
    borrowed = _post(client, general_form, "Lånt starttid.", started=not_mine, form_token=token)
    assert borrowed.status_code == 400

    own = start_token(
        binding=form_binding(general_form, author.id),
        nonce=token,
        shown_at=TEN_SECONDS_AGO,
    )
    accepted = _post(client, general_form, "Min egen.", started=own, form_token=token)
    assert accepted.status_code == 302
    assert _count() == 2


def test_a_start_token_is_good_for_one_innspill(app, setting, timed):
    consultation, author, client, _parent = setting
    url = f"/hoeringer/{consultation.slug}/p-1-1/skriv"
    token = _fields(client, url)["form_token"]
    started = start_token(
        binding=form_binding(url, author.id), nonce=token, shown_at=TEN_SECONDS_AGO
    )
    first = _post(client, url, "Første tekst.", started=started, form_token=token)
    assert first.status_code == 302
    # The same form again answers with the innspill it already made...
    again = _post(client, url, "Annen tekst.", started=started, form_token=token)
    assert again.status_code == 302 and again.headers["Location"] == first.headers["Location"]
    # ...and its start time cannot be carried over to a fresh form.
    fresh = _fields(client, url)["form_token"]
    reused = _post(client, url, "Tredje tekst.", started=started, form_token=fresh)
    assert reused.status_code == 400
    assert _count() == 2


def test_a_report_form_is_sent_once_per_start_token(app, setting, timed):
    consultation, _author, _client, parent = setting
    client = app.test_client()
    url = f"/hoeringer/{consultation.slug}/innspill/{parent.id}/rapporter"
    csrf = csrf_from(client.get(url).get_data(as_text=True))
    started = start_token(binding=form_binding(url, None), shown_at=TEN_SECONDS_AGO)
    data = {"csrf_token": csrf, "reason": "spam", "started": started}
    assert client.post(url, data=data).status_code == 302
    replay = client.post(url, data=data)
    assert replay.status_code == 400
    assert "Skjemaet var ugyldig" in replay.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Report.id))) == 1
