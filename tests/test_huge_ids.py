"""Numbers in a URL past what a row id can be: 404 or 400, never an overflow (500 on SQLite)."""

import re

import pytest
from werkzeug.routing import IntegerConverter

from hoering import demo
from hoering.accounts.models import Agency, User
from hoering.consultations.models import Consultation
from hoering.extensions import db
from tests.conftest import csrf_from, login

HUGE = (str(2**63), str(2**64), "9" * 5_000)


def _open_slug() -> str:
    demo.load()
    db.session.commit()
    return db.session.scalar(db.select(Consultation.slug).where(Consultation.status == "open"))


def _client(app, who: str):
    client = app.test_client()
    if who == "admin":
        admin = db.session.scalar(db.select(User).where(User.email == "admin@demo.hoering.no"))
        login(client, admin, demo.PASSWORD)
    return client


def _fill(rule, slug: str, number: str) -> str:
    url = rule.rule
    for name in rule.arguments:
        converter = rule._converters[name]
        value = number if isinstance(converter, IntegerConverter) else {
            "slug": slug, "anchor": "p-1-1", "locale": "nb"
        }.get(name, "1")  # fmt: skip
        url = re.sub(rf"<(?:\w+:)?{name}>", value, url)
    return url


@pytest.mark.parametrize("who", ["visitor", "admin"])
def test_ids_past_64_bits_name_nothing(app, who):
    slug = _open_slug()
    client = _client(app, who)
    token = csrf_from(client.get("/registrer").get_data(as_text=True))
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if any(isinstance(c, IntegerConverter) for c in rule._converters.values())
    ]
    assert len(rules) > 10
    answers = {}
    for rule in rules:
        for number in HUGE:
            url = _fill(rule, slug, number)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                response = client.open(url, method=method, data={"csrf_token": token})
                answers[(method, rule.rule, len(number))] = response.status_code
                response.close()
    assert set(answers.values()) == {404}, {k: v for k, v in answers.items() if v != 404}


@pytest.mark.parametrize("who", ["visitor", "admin"])
def test_huge_numbers_in_the_query_are_refused(app, who):
    slug = _open_slug()
    client = _client(app, who)
    agency = db.session.scalar(db.select(Agency.slug))
    journal = f"/virksomheter/{agency}/offentlig-journal"
    for number in HUGE:
        page = client.get(f"/hoeringer/{slug}/p-1-1?versjon={number}")
        assert page.status_code == 404
        for url in (f"/hoeringer/{slug}/p-1-1", journal, "/api/v1/hoeringer"):
            response = client.get(f"{url}?etter={number}")
            assert response.status_code in (400, 302, 403), (url, response.status_code)
            if response.status_code == 400:
                assert "Ugyldig sidevalg" in response.get_data(as_text=True)
