"""Crash safety: SIGKILL the whole gunicorn process group while people post, then restart."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select, text

from hoering.config import PROJECT_ROOT
from hoering.extensions import db
from hoering.journal.models import JournalEntry
from hoering.submissions.models import Submission
from tests.conftest import PASSWORD
from tests.factories import make_consultation, make_user
from tests.production.conftest import (
    Browser,
    Server,
    database_app,
    fresh_database,
    migrate,
    unique_text,
)
from tests.production.test_load import LOAD_LIMITS, RECEIPT_RE

pytestmark = pytest.mark.load

ROUNDS = 3
POSTERS = 8


def journal_verify(url: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOERING_")}
    env.update(HOERING_DATABASE_URL=url, HOERING_SECRET_KEY="verify")
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "hoering", "journal", "verify"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_sigkill_mid_posting_loses_nothing_acknowledged(tmp_path):
    url = fresh_database(tmp_path, "crash")
    migrate(url)
    with database_app(url):
        consultation = make_consultation()
        emails = [make_user().email for _ in range(POSTERS)]
        db.session.commit()
        slug = consultation.slug
    path = f"/hoeringer/{slug}/p-1-1/skriv"
    server = Server(url, tmp_path / "gunicorn.log", workers=2, overrides=LOAD_LIMITS).start()
    browsers = []
    for email in emails:
        browser = Browser(server.port)
        browser.login(email, PASSWORD)
        browsers.append(browser)

    try:
        acknowledged: set[int] = set()
        lock = threading.Lock()
        for round_number in range(ROUNDS):
            stop = threading.Event()

            def post_until_killed(browser: Browser, port=server.port, stop=stop) -> None:
                browser.port = port
                while not stop.is_set():
                    try:
                        form = {
                            **browser.form_tokens(path),
                            "body": unique_text(),
                            "speaker": "private",
                        }
                        response = browser.post(path, form)
                    except (OSError, http.client.HTTPException, AssertionError):
                        return  # the server died under us: this post was never acknowledged
                    match = RECEIPT_RE.search(response.location)
                    if response.status == 302 and match:
                        with lock:
                            acknowledged.add(int(match.group(1)))

            with ThreadPoolExecutor(POSTERS) as pool:
                for browser in browsers:
                    pool.submit(post_until_killed, browser)
                time.sleep(1.5 + 0.4 * round_number)  # vary where in a request the kill lands
                server.kill()
                stop.set()
            assert acknowledged, "nothing was acknowledged before the kill"

            # What a restarted service finds: every acknowledged innspill, each with its entry.
            server = Server(
                url, tmp_path / "gunicorn.log", workers=2, overrides=LOAD_LIMITS
            ).start()
            with database_app(url):
                stored = set(db.session.scalars(select(Submission.id)))
                assert acknowledged <= stored, f"lost: {sorted(acknowledged - stored)[:10]}"
                journaled = db.session.execute(
                    select(Submission.id, func.count(JournalEntry.id))
                    .outerjoin(JournalEntry, JournalEntry.submission_id == Submission.id)
                    .group_by(Submission.id)
                ).all()
                assert all(count == 1 for _sid, count in journaled), "innspill without its entry"
                orphans = db.session.scalar(
                    select(func.count())
                    .select_from(JournalEntry)
                    .where(
                        JournalEntry.submission_id.is_(None),
                        JournalEntry.agency_reply_id.is_(None),
                        JournalEntry.kind.is_(None),  # not the agency's own (the høringsbrev)
                    )
                )
                assert orphans == 0, "journal entry without its innspill"
                if db.engine.dialect.name == "sqlite":
                    assert db.session.scalar(text("PRAGMA integrity_check")) == "ok"
            verified = journal_verify(url)
            assert verified.returncode == 0, verified.stdout + verified.stderr
            assert "Journal OK" in verified.stdout

        # The restarted service takes new innspill as before.
        browser = browsers[0]
        browser.port = server.port
        form = {**browser.form_tokens(path), "body": unique_text(), "speaker": "private"}
        assert browser.post(path, form).status == 302
    finally:
        server.stop()
