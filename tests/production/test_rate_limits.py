"""Rate limits are shared by every worker when Redis is configured."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from hoering.extensions import db
from tests.factories import make_user
from tests.production.conftest import Browser, Server, database_app, fresh_database, migrate

pytestmark = pytest.mark.load

REDIS_URL = "redis://127.0.0.1:6379/10"


def test_three_per_minute_lets_exactly_three_of_twenty_through_four_workers(tmp_path):
    redis.Redis.from_url(REDIS_URL).flushdb()
    url = fresh_database(tmp_path, "limits")
    migrate(url)
    with database_app(url):
        email = make_user().email
        db.session.commit()
    server = Server(
        url,
        tmp_path / "gunicorn.log",
        workers=4,
        overrides={"LOGIN_LIMIT": "3 per minute"},
        redis_url=REDIS_URL,
    )
    server.start()
    try:
        browser = Browser(server.port)
        tokens = browser.form_tokens("/logg-inn")
        start = threading.Barrier(20)

        def attempt(_n):
            twin = browser.copy()
            start.wait()
            form = {**tokens, "email": email, "password": "not the password at all"}
            return twin.post("/logg-inn", form)

        with ThreadPoolExecutor(20) as pool:
            answers = list(pool.map(attempt, range(20)))
    finally:
        server.stop()
    statuses = sorted(answer.status for answer in answers)
    # Three wrong passwords are answered (400 with the form); the other 17 are refused.
    assert statuses == [400] * 3 + [429] * 17
    refused = next(answer for answer in answers if answer.status == 429)
    assert refused.headers["Retry-After"]
    assert "For mange forespørsler" in refused.body
    # The counts live in Redis, where every worker (and every host) sees them.
    assert redis.Redis.from_url(REDIS_URL).dbsize() > 0
