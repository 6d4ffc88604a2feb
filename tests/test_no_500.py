"""No input makes the app answer 500: every route, as a visitor and as an admin, with junk."""

import itertools
import re

import pytest

from hoering import demo
from hoering.accounts.models import User
from hoering.consultations.models import Consultation
from hoering.extensions import db
from tests.conftest import csrf_from, login

JUNK_QUERIES = ("", "?etter=abc&versjon=x&q=%25&status=x", "?fra=2026-13-45&til=x&hoering=%00")
JUNK_FORM = {
    "body": "a\x00b",
    "reason": "zzz",
    "action": "zzz",
    "spans": "a-b",
    "days": "-5",
    "version": "x",
    "organisation_id": "abc",
    "text": "<script>" * 500,
    "email": "a",
    "name": "\x00",
}
# Every field far past any column's length (PostgreSQL enforces VARCHAR lengths; SQLite not).
LONG_FORM = {
    name: "x" * 5000
    for name in (
        "body", "reason", "text", "name", "title", "summary", "case_number", "contact",
        "org_number", "c-name", "c-org_number", "c-contact", "logo_url", "theme_color",
        "statement", "note", "expectations", "spans", "password", "confirm",
        "description", "page", "declaration_url",
    )
} | {"email": "x" * 300 + "@example.no"}  # fmt: skip
SKIP = {"/logg-ut"}  # would sign the admin out half way


def _values(name: str, slug: str) -> list[str]:
    return {
        "slug": [slug, "finnes-ikke"],
        "submission_id": ["1", "999999"],
        "anchor": ["p-1-1", "nope"],
        "locale": ["xx"],
        "token": ["forged"],
    }.get(name, ["1"])


def _urls(app, slug):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/static") or rule.rule in SKIP:
            continue
        names = sorted(rule.arguments)
        for combo in itertools.product(*(_values(name, slug) for name in names)):
            url = rule.rule
            for name, value in zip(names, combo, strict=True):
                url = re.sub(rf"<(?:\w+:)?{name}>", value, url)
            yield url, rule.methods - {"HEAD", "OPTIONS"}


@pytest.mark.parametrize("who", ["visitor", "admin"])
def test_junk_never_gives_a_500(app, who):
    demo.load()
    db.session.commit()
    slug = db.session.scalar(db.select(Consultation.slug).where(Consultation.status == "open"))
    client = app.test_client()
    if who == "admin":
        admin = db.session.scalar(db.select(User).where(User.email == "admin@demo.hoering.no"))
        login(client, admin, demo.PASSWORD)
    token = csrf_from(client.get("/registrer").get_data(as_text=True))
    failures = []
    for url, methods in _urls(app, slug):
        for method in sorted(methods):
            if method == "GET":
                attempts = [lambda u=url + query: client.get(u) for query in JUNK_QUERIES]
            else:
                attempts = [
                    lambda u=url, m=method: client.open(
                        u, method=m, data={"csrf_token": token, **JUNK_FORM}
                    ),
                    lambda u=url, m=method: client.open(
                        u, method=m, data={"csrf_token": token, **LONG_FORM}
                    ),
                    lambda u=url, m=method: client.open(
                        u,
                        method=m,
                        data=b"\xff\xfe",
                        content_type="application/json",
                        headers={"X-CSRFToken": token},
                    ),
                ]
            for attempt in attempts:
                # Streamed downloads hold their request context: read and close each one first.
                response = attempt()
                if response.status_code >= 500:
                    failures.append((method, url, response.status_code))
                response.close()
    assert not failures, failures
