"""The cached draft fragment follows every change of its inputs, with or without Redis."""

from __future__ import annotations

import pytest
import redis
from bs4 import BeautifulSoup

from hoering.extensions import db
from hoering.submissions import services as submissions
from tests.factories import make_consultation, make_submission

REDIS_URL = "redis://127.0.0.1:6379/11"


def _count_link(client, consultation, anchor="p-1-1") -> str:
    page = BeautifulSoup(client.get(f"/hoeringer/{consultation.slug}/").data, "html.parser")
    return page.select_one(f"#{anchor} .paragraph-actions a").get_text(" ", strip=True)


@pytest.mark.parametrize("redis_url", [None, REDIS_URL], ids=["per-process", "redis"])
def test_the_draft_shows_new_counts_at_once(app, client, monkeypatch, redis_url):
    if redis_url:
        redis.Redis.from_url(redis_url).flushdb()
    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    consultation = make_consultation()
    db.session.commit()
    assert _count_link(client, consultation).startswith("Ingen innspill ennå")

    first = make_submission(consultation)
    db.session.commit()
    assert _count_link(client, consultation).startswith("1 innspill")
    make_submission(consultation)
    db.session.commit()
    assert _count_link(client, consultation).startswith("2 innspill")

    # Hidden by a moderator: the count goes down, and so does the page.
    submissions.set_status(first, "hidden", reason="test")
    db.session.commit()
    assert _count_link(client, consultation).startswith("1 innspill")
    if redis_url:
        assert redis.Redis.from_url(redis_url).keys("hoering:fragment:*")


def test_a_redis_that_is_down_only_costs_the_shortcut(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:5139/0")  # nothing listens
    consultation = make_consultation()
    make_submission(consultation)
    db.session.commit()
    assert _count_link(client, consultation).startswith("1 innspill")
