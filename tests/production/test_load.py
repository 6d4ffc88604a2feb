"""Exactly once under load: a real gunicorn with two workers, driven over HTTP by many people."""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from hoering.consultations.models import Consultation, Paragraph
from hoering.extensions import db
from hoering.journal.models import JournalCounter, JournalEntry
from hoering.journal.verify import verify_chain
from hoering.submissions.models import Endorsement, Submission
from tests.conftest import PASSWORD
from tests.factories import make_consultation, make_submission, make_user
from tests.production.conftest import (
    Browser,
    Response,
    database_app,
    fresh_database,
    migrate,
    unique_text,
)

pytestmark = pytest.mark.load

CLIENTS = 50
EACH = 20
# Generous limits: this test is about exactly-once, not about rate limiting.
LOAD_LIMITS = {
    "SUBMIT_LIMIT": "100000 per hour",
    "SUBMIT_ATTEMPT_LIMIT": "100000 per hour",
    "LOGIN_ADDRESS_LIMIT": "100000 per hour",
}
RECEIPT_RE = re.compile(r"/innspill/(\d+)/kvittering$")


class Tally:
    """Every answer the clients saw, thread-safe."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses: Counter[int] = Counter()
        self.busy_without_retry_after = 0

    def add(self, response: Response) -> None:
        with self.lock:
            self.statuses[response.status] += 1
            if response.status == 503 and not response.headers.get("Retry-After"):
                self.busy_without_retry_after += 1


def post_until_answered(browser: Browser, path: str, form: dict, tally: Tally) -> Response:
    """Post; on 503 wait as Retry-After asks (shortened) and post the same form again."""
    for _attempt in range(30):
        response = browser.post(path, form)
        tally.add(response)
        if response.status != 503:
            return response
        time.sleep(0.2)
    raise AssertionError("the server stayed busy for 30 attempts")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A migrated database with a consultation, 50 people and one innspill, served by gunicorn."""
    from tests.production.conftest import Server

    tmp_path = tmp_path_factory.mktemp("load")
    url = fresh_database(tmp_path, "load")
    migrate(url)
    with database_app(url):
        consultation = make_consultation()
        people = [make_user() for _ in range(CLIENTS + 1)]
        endorsed = make_submission(consultation, body="Et innspill mange er enige i.")
        db.session.commit()
        site = {
            "url": url,
            "slug": consultation.slug,
            "anchors": list(
                db.session.scalars(
                    select(Paragraph.anchor).where(
                        Paragraph.version_id == consultation.current_version_id
                    )
                )
            ),
            "emails": [person.email for person in people],
            "endorsed_id": endorsed.id,
        }
    server = Server(url, tmp_path / "gunicorn.log", workers=2, overrides=LOAD_LIMITS).start()
    site["port"] = server.port
    yield site
    server.stop()


def test_fifty_clients_posting_twenty_innspill_each_store_each_exactly_once(site):
    tally = Tally()
    anchors = site["anchors"]

    def signed_in(email: str) -> Browser:
        browser = Browser(site["port"])
        browser.login(email, PASSWORD)
        return browser

    # Sign-ins first, all at once: each checks an argon2 hash (about 120 ms) holding no write
    # lock, so the rush of them makes no writer queue (README: SQLite done right).
    with ThreadPoolExecutor(CLIENTS) as pool:
        browsers = list(pool.map(signed_in, site["emails"][:CLIENTS]))

    def person(browser: Browser) -> list[int]:
        acknowledged = []
        for n in range(EACH):
            path = f"/hoeringer/{site['slug']}/{anchors[n % len(anchors)]}/skriv"
            form = {**browser.form_tokens(path), "body": unique_text(), "speaker": "private"}
            response = post_until_answered(browser, path, form, tally)
            match = RECEIPT_RE.search(response.location)
            assert response.status == 302 and match, (response.status, response.body[:300])
            acknowledged.append(int(match.group(1)))
        return acknowledged

    started = time.monotonic()
    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(person, browsers))
    elapsed = time.monotonic() - started
    acknowledged = [sid for ids in results for sid in ids]

    # What the clients saw: every post answered, no 5xx but 503-with-Retry-After.
    assert len(acknowledged) == CLIENTS * EACH
    assert len(set(acknowledged)) == CLIENTS * EACH, "two posts were acknowledged as one innspill"
    assert set(tally.statuses) <= {302, 503}, tally.statuses
    assert tally.busy_without_retry_after == 0
    print(f"\n{CLIENTS * EACH} innspill in {elapsed:.1f} s; answers: {dict(tally.statuses)}")

    with database_app(site["url"]):
        stored = set(
            db.session.scalars(select(Submission.id).where(Submission.kind == "paragraph"))
        )
        assert stored - {site["endorsed_id"]} == set(acknowledged), "lost or extra innspill"
        # Every innspill has its one journal entry, and every entry its innspill (beside the
        # høringsbrev, journaled when the consultation opened).
        entries = db.session.execute(select(JournalEntry.submission_id, JournalEntry.seq)).all()
        assert sorted(sid for sid, _seq in entries if sid is not None) == sorted(stored)
        assert len(entries) == len(stored) + 1
        seqs = sorted(seq for _sid, seq in entries)
        assert seqs == list(range(1, len(entries) + 1)), "journal numbers have gaps or repeats"
        counter = db.session.scalar(select(JournalCounter))
        assert counter.last_seq == len(entries)
        assert verify_chain() == []
        # The counts kept on the rows agree with the rows.
        consultation = db.session.scalar(select(Consultation))
        assert consultation.submission_count == len(stored)
        per_paragraph = dict(
            db.session.execute(
                select(Submission.paragraph_id, func.count()).group_by(Submission.paragraph_id)
            ).all()
        )
        for paragraph in db.session.scalars(select(Paragraph)):
            assert paragraph.submission_count == per_paragraph.get(paragraph.id, 0)


def test_the_same_form_posted_twice_at_once_makes_one_innspill(site):
    browser = Browser(site["port"])
    browser.login(site["emails"][CLIENTS - 1], PASSWORD)
    path = f"/hoeringer/{site['slug']}/{site['anchors'][0]}/skriv"
    tally = Tally()
    forms = []
    for _ in range(10):
        form = {**browser.form_tokens(path), "body": unique_text(), "speaker": "private"}
        forms.append(form)
        start = threading.Barrier(2)

        def post(form=form, start=start):
            start.wait()
            return post_until_answered(browser.copy(), path, form, tally)

        with ThreadPoolExecutor(2) as pool:
            first, second = pool.map(lambda _: post(), range(2))
        # Both clicks land on the receipt of the same innspill.
        assert first.status == second.status == 302
        assert RECEIPT_RE.search(first.location)
        assert first.location == second.location

    with database_app(site["url"]):
        for form in forms:
            rows = db.session.scalars(
                select(Submission).where(Submission.body == form["body"])
            ).all()
            assert len(rows) == 1
            assert rows[0].form_token == form["form_token"]
            entries = db.session.scalar(
                select(func.count()).where(JournalEntry.submission_id == rows[0].id)
            )
            assert entries == 1


def test_a_hundred_parallel_endorsements_by_one_person_record_one(site):
    browser = Browser(site["port"])
    browser.login(site["emails"][CLIENTS], PASSWORD)
    page = f"/hoeringer/{site['slug']}/innspill/{site['endorsed_id']}"
    tokens = browser.form_tokens(page)
    start = threading.Barrier(100)
    tally = Tally()

    def click(_n):
        twin = browser.copy()
        start.wait()
        return post_until_answered(
            twin, f"{page}/enig", {"csrf_token": tokens["csrf_token"]}, tally
        )

    with ThreadPoolExecutor(100) as pool:
        answers = list(pool.map(click, range(100)))
    assert {answer.status for answer in answers} == {302}

    with database_app(site["url"]):
        assert db.session.scalar(select(func.count()).select_from(Endorsement)) == 1
        assert db.session.get(Submission, site["endorsed_id"]).endorsement_count == 1
    shown = browser.get(page)
    assert "1 er enig" in shown.body
