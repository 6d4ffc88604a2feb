"""Real gunicorn servers on fresh migrated databases, and a small cookie-keeping HTTP client.

The servers run `gunicorn -c gunicorn.conf.py` from the repository root in their own process
group, so a test can SIGKILL the master and every worker at once.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask_migrate import upgrade
from sqlalchemy import create_engine, make_url, text

from hoering import create_app
from hoering.config import PROJECT_ROOT
from hoering.extensions import db
from tests.conftest import TEST_DB_URL

SECRET = "production-test-secret"
PORTS = range(5121, 5140)


def fresh_database(tmp_path: Path, name: str) -> str:
    """An empty database for one server: a new SQLite file, or a reset PostgreSQL database."""
    if not TEST_DB_URL:
        return f"sqlite:///{tmp_path / (name + '.db')}"
    base = make_url(TEST_DB_URL)
    url = base.set(database=f"{base.database}_{name}")
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
        )
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    return url.render_as_string(hide_password=False)


@contextmanager
def database_app(url: str):
    """An app context on a server's database, for seeding and checking it with the services."""
    # Accounts made here get a cheap hash; the server (production cost) verifies it and rehashes
    # the password at the first sign-in, as it would after a cost change.
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": SECRET,
            "TESTING": True,
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 1024,
        }
    )
    with app.app_context():
        try:
            yield app
        finally:
            db.session.remove()
            db.engine.dispose()


def migrate(url: str) -> None:
    with database_app(url):
        upgrade()


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 5121-5139")


@dataclass
class Server:
    """One gunicorn master with its workers, in its own process group."""

    database_url: str
    log_path: Path
    workers: int = 2
    overrides: dict = field(default_factory=dict)
    redis_url: str | None = None
    port: int = 0
    process: subprocess.Popen | None = None

    def start(self) -> Server:
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("HOERING_")}
        env.update(
            HOERING_ENV="production",
            HOERING_SECRET_KEY=SECRET,
            HOERING_SECURE_COOKIES="0",
            HOERING_DATABASE_URL=self.database_url,
            HOERING_BIND=f"127.0.0.1:{self.port}",
            HOERING_WORKERS=str(self.workers),
            HOERING_INSTANCE_DIR=str(self.log_path.parent),
            # These clients post the moment the form arrives, all from 127.0.0.1: the minimum fill
            # time and the per-address limit that stop bots would refuse them, so both are off
            # here (tests/moderation covers them).
            HOERING_TEST_OVERRIDES=json.dumps(
                {"MIN_FORM_SECONDS": 0, "SUBMIT_ADDRESS_LIMIT": "100000 per hour", **self.overrides}
            ),
        )
        if self.redis_url:
            env["HOERING_REDIS_URL"] = self.redis_url
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-c",
                "gunicorn.conf.py",
                "tests.production.serve:app",
            ],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log_path.read_text()[-3000:]}")
            try:
                if Browser(self.port).get("/healthz").status == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not answer /healthz within 30 s")

    def kill(self) -> None:
        """SIGKILL the master and every worker at once: the crash a power cut would cause."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture
def start_server(tmp_path):
    """start_server(database_url, workers=2, overrides={...}, redis_url=None) -> Server."""
    servers: list[Server] = []

    def start(database_url: str, **kw) -> Server:
        server = Server(database_url, tmp_path / f"gunicorn-{len(servers)}.log", **kw)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: str

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class _HiddenInputs(HTMLParser):
    """The hidden inputs of a page, as a browser would send them."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "hidden" and attributes.get("name"):
            self.values.setdefault(attributes["name"], attributes.get("value") or "")


class Browser:
    """A person's browser: its own cookies, one HTTP/1.1 connection per request."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None, headers=None) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            raw = connection.getresponse()
            response = Response(raw.status, raw.headers, raw.read().decode("utf-8", "replace"))
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response

    def get(self, path: str, **kw) -> Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, form: dict, **kw) -> Response:
        return self.request("POST", path, form=form, **kw)

    def form_tokens(self, path: str) -> dict[str, str]:
        """Open a form page; its hidden fields (CSRF token, one-time form token, start time)."""
        page = self.get(path)
        assert page.status == 200, (path, page.status, page.body[:300])
        parser = _HiddenInputs()
        parser.feed(page.body)
        return parser.values

    def login(self, email: str, password: str) -> None:
        tokens = self.form_tokens("/logg-inn")
        response = self.post("/logg-inn", {**tokens, "email": email, "password": password})
        assert response.status == 302, (response.status, response.body[:500])

    def copy(self) -> Browser:
        twin = Browser(self.port)
        twin.cookies = dict(self.cookies)
        return twin


def unique_text() -> str:
    return f"Innspill {uuid.uuid4().hex[:12]}: avsnittet bør presiseres."
