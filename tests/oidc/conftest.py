"""A real OpenID provider (npm `oidc-provider`, configured in provider.mjs) on 127.0.0.1, and a
person's browser at it, driven over HTTP."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from joserfc.jwk import RSAKey

from hoering.accounts import oidc
from hoering.config import PROJECT_ROOT

PROVIDER_SCRIPT = Path(__file__).with_name("provider.mjs")
CALLBACK = "http://hoering.test/logg-inn/idporten/svar"
HOME = "http://hoering.test/"
TEST_PID = "13097248022"  # a test number (valid checksum), as in SECURITY.md


@dataclass(frozen=True)
class Provider:
    issuer: str
    process: subprocess.Popen


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_provider(
    jwk: dict,
    *,
    redirect_uris: str = CALLBACK,
    logout_uris: str = HOME,
    client_jwks: dict | None = None,
):
    if shutil.which("node") is None or not (PROJECT_ROOT / "node_modules/oidc-provider").exists():
        pytest.fail("node and oidc-provider are needed: run make install-test")
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "OIDC_PORT": str(port),
        "OIDC_JWK": json.dumps(jwk),
        "OIDC_REDIRECT_URIS": redirect_uris,
        "OIDC_LOGOUT_URIS": logout_uris,
        "OIDC_CLIENT_JWKS": json.dumps(client_jwks) if client_jwks else "",
    }
    process = subprocess.Popen(
        ["node", str(PROVIDER_SCRIPT)],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=1).ok:
                return Provider(issuer, process)
        except requests.ConnectionError:
            time.sleep(0.2)
    process.kill()
    pytest.fail("the OpenID provider did not start")


@pytest.fixture(scope="session")
def signing_key() -> dict:
    return RSAKey.generate_key(2048, private=True).as_dict(private=True)


@pytest.fixture(scope="session")
def client_key() -> RSAKey:
    """Høring's own key for private_key_jwt; the provider knows its public half."""
    return RSAKey.generate_key(2048, parameters={"kid": "hoering-client-key"}, private=True)


@pytest.fixture(scope="session")
def provider(signing_key, client_key):
    started = start_provider(signing_key, client_jwks={"keys": [client_key.as_dict(private=False)]})
    yield started
    started.process.terminate()
    started.process.wait(timeout=10)


@pytest.fixture(scope="session")
def other_provider(signing_key):
    """Another issuer that signs with the very same key: only the `iss` claim tells them apart."""
    started = start_provider(signing_key)
    yield started
    started.process.terminate()
    started.process.wait(timeout=10)


@pytest.fixture
def idporten(app, provider):
    """Høring configured for the local provider, as HOERING_OIDC_* would in production."""
    settings = {
        "OIDC_ISSUER": provider.issuer,
        "OIDC_CLIENT_ID": "hoering",
        "OIDC_CLIENT_SECRET": "hoering-secret",
        "OIDC_ACR_VALUES": "idporten-loa-substantial",
    }
    saved = {key: app.config[key] for key in settings}
    app.config.update(settings)
    oidc._cache.clear()
    yield provider
    app.config.update(saved)
    oidc._cache.clear()


def follow_to_callback(browser: requests.Session, url: str, *, pid: str, acr: str) -> str:
    """The person at the provider: its sign-in page, then back; the callback address (path)."""
    response = browser.get(url, allow_redirects=True)
    assert response.status_code == 200, response.text[:300]
    assert "Testinnlogging" in response.text
    response = browser.post(response.url, data={"pid": pid, "acr": acr}, allow_redirects=False)
    while response.is_redirect:
        location = requests.compat.urljoin(response.url, response.headers["Location"])
        if location.startswith(CALLBACK):
            parts = urlsplit(location)
            return f"{parts.path}?{parts.query}"
        response = browser.get(location, allow_redirects=False)
    raise AssertionError(
        f"no way back from the provider: {response.status_code} {response.text[:300]}"
    )


def sign_in_with_idporten(client, *, pid: str = TEST_PID, acr: str = "idporten-loa-substantial"):
    """From Høring's button to the provider and back: Høring's answer to the callback."""
    start = client.get("/logg-inn/idporten")
    assert start.status_code == 302
    callback = follow_to_callback(requests.Session(), start.headers["Location"], pid=pid, acr=acr)
    return client.get(callback), callback
