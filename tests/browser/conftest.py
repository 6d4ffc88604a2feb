"""Real-browser fixtures: the app served on 127.0.0.1 in a thread, one Chromium for the whole
run, a fresh browser context per test, and a screenshot of every open page when a test fails.

The live server has its own migrated SQLite file, so these tests run once, on the SQLite run;
on a PostgreSQL run (HOERING_TEST_DATABASE_URL set) they are skipped (the Makefile's
test-postgresql target also deselects them with -m "not browser").
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask, current_app, has_app_context
from flask_migrate import upgrade
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from werkzeug.serving import WSGIRequestHandler, make_server

from hoering import create_app
from hoering.accounts.models import ROLE_CASE_OFFICER
from hoering.config import PROJECT_ROOT
from hoering.extensions import db
from tests.conftest import PASSWORD, TEST_DB_URL
from tests.factories import make_agency, make_consultation, make_submission, make_user

CHROMIUM = os.environ.get("HOERING_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking switches Chromium keeps calling home, and the closed
# network here refuses it; --no-sandbox because the suite runs as root in CI.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_SCRIPT = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


class QuietHandler(WSGIRequestHandler):
    """The app logs every request itself; werkzeug's access log would only double it."""

    def log_request(self, code="-", size="-"):
        pass


class ErrorLog(logging.Handler):
    """Collects what one app logs at ERROR and above (an unhandled exception is one)."""

    def __init__(self, app: Flask, errors: list[str]):
        super().__init__(logging.ERROR)
        self.app = app
        self.errors = errors

    def emit(self, record: logging.LogRecord) -> None:
        if has_app_context() and current_app._get_current_object() is self.app:
            self.errors.append(self.format(record))


@dataclass(frozen=True)
class LiveServer:
    app: Flask
    url: str
    errors: list[str] = field(default_factory=list)

    @contextmanager
    def data(self) -> Iterator[None]:
        """Run factories/services against the served database; commits when the block ends.

        Read what the test needs (slugs, ids) inside the block: the session ends with it.
        """
        with self.app.app_context():
            yield
            db.session.commit()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    if TEST_DB_URL:
        pytest.skip("browser tests run once, on the SQLite run")
    database = tmp_path_factory.mktemp("browser") / "live.db"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "browser-test-secret-not-for-production",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "MIN_FORM_SECONDS": 0,
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 1024,
        }
    )
    with app.app_context():
        upgrade()
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    live = LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")
    error_log = ErrorLog(app, live.errors)
    logging.getLogger("hoering").addHandler(error_log)
    try:
        yield live
    finally:
        logging.getLogger("hoering").removeHandler(error_log)
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser(live_server) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make install-test`")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can tell that the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


def _screenshot_name(item) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", item.name)


@pytest.fixture
def new_context(browser, live_server):
    """Open browser contexts (options as for Browser.new_context); closed after the test."""
    contexts: list[BrowserContext] = []

    def opening(**options) -> BrowserContext:
        options.setdefault("viewport", DESKTOP)
        options.setdefault("locale", "nb-NO")
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(5000)
        contexts.append(context)
        return context

    yield opening
    for context in contexts:
        context.close()


@pytest.fixture(autouse=True)
def _screenshot_on_failure(browser, new_context, request):
    """When a test fails, save every page it has open as test-artifacts/screenshots/<test>.png.

    It asks for new_context only so that it runs before the test's contexts are closed.
    """
    yield
    report = getattr(request.node, "report_call", None)
    if report is None or not report.failed:
        return
    pages = [page for context in browser.contexts for page in context.pages]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = _screenshot_name(request.node)
    for number, page in enumerate(pages):
        suffix = f"-{number + 1}" if len(pages) > 1 else ""
        page.screenshot(path=SCREENSHOTS / f"{name}{suffix}.png", full_page=True)


@pytest.fixture(autouse=True)
def _no_server_errors(live_server):
    """No request may end in the app's 500 page: the server's error log stays empty."""
    live_server.errors.clear()
    yield
    assert not live_server.errors, "the live server logged errors:\n" + "\n".join(
        live_server.errors
    )


@pytest.fixture
def page(new_context) -> Page:
    """A page in a fresh context: a visitor with no cookies, JavaScript on."""
    return new_context().new_page()


# --- data: made through the factories (the real services), handed to tests as plain values ---


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    password: str = PASSWORD


@dataclass(frozen=True)
class Scene:
    """An open consultation: a case officer, a citizen who has written nothing yet, and
    another person's comment on p-1-1 and statement on the whole draft."""

    slug: str
    title: str
    officer: Person
    citizen: Person
    other: Person
    comment_id: int
    statement_id: int


_scene_numbers = itertools.count(1)


def _person(user) -> Person:
    return Person(name=user.name, email=user.email)


@pytest.fixture
def scene(live_server) -> Scene:
    with live_server.data():
        agency = make_agency(name="Direktoratet for testing")
        officer = make_user(roles=[ROLE_CASE_OFFICER], agency=agency, name="Siri Saksbehandler")
        consultation = make_consultation(
            agency=agency,
            officer=officer,
            title=f"Høring om universell utforming {next(_scene_numbers)}",
        )
        other = make_user(name="Kari Nordmann")
        comment = make_submission(consultation, author=other, body="Avsnittet er for vagt.")
        statement = make_submission(
            consultation, author=other, general=True, body="Jeg støtter forslaget i sin helhet."
        )
        return Scene(
            slug=consultation.slug,
            title=consultation.title,
            officer=_person(officer),
            citizen=_person(make_user(name="Ola Nordmann")),
            other=_person(other),
            comment_id=comment.id,
            statement_id=statement.id,
        )
