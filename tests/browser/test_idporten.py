"""A person signs in with ID-porten (the local OpenID provider), writes an innspill and signs out,
in a real browser."""

from __future__ import annotations

import re

import pytest
from joserfc.jwk import RSAKey
from playwright.sync_api import expect
from sqlalchemy import select

from hoering.accounts import oidc
from hoering.accounts.models import User
from hoering.extensions import db
from hoering.submissions.models import Submission
from tests.browser.pages import ConsultationPage, LoginPage
from tests.oidc.conftest import TEST_PID, start_provider

pytestmark = pytest.mark.browser


@pytest.fixture
def idporten(live_server):
    provider = start_provider(
        RSAKey.generate_key(2048, private=True).as_dict(private=True),
        redirect_uris=f"{live_server.url}/logg-inn/idporten/svar",
        logout_uris=f"{live_server.url}/",
    )
    settings = {
        "OIDC_ISSUER": provider.issuer,
        "OIDC_CLIENT_ID": "hoering",
        "OIDC_CLIENT_SECRET": "hoering-secret",
    }
    saved = {key: live_server.app.config[key] for key in settings}
    live_server.app.config.update(settings)
    oidc._cache.clear()
    yield provider
    live_server.app.config.update(saved)
    oidc._cache.clear()
    provider.process.terminate()
    provider.process.wait(timeout=10)


def test_a_person_signs_in_with_id_porten_writes_an_innspill_and_signs_out(
    page, scene, live_server, idporten
):
    # Given a person on the sign-in page
    LoginPage(page).open()
    # When they choose ID-porten and sign in there (at the substantial level)
    page.get_by_role("link", name="Logg inn med ID-porten").click()
    expect(page.get_by_role("heading", name="Testinnlogging (ID-porten i testene)")).to_be_visible()
    page.get_by_role("button", name="Logg inn").click()
    # Then, the first time, Høring asks only for a name and an e-mail address
    expect(page.get_by_role("heading", name="Fullfør registreringen")).to_be_visible()
    page.get_by_label("Fullt navn").fill("Ida Porten")
    page.get_by_label("E-postadresse").fill("ida@example.no")
    page.get_by_role("button", name="Fullfør").click()
    expect(page.get_by_role("button", name="Logg ut")).to_be_visible()

    # When they comment on a paragraph
    form = ConsultationPage(page).open(scene.slug).comment_on("p-1-1")
    form.write("Fristen i avsnittet er for kort for små kommuner.").send_expecting_receipt()
    with live_server.data():
        user = db.session.scalar(select(User).where(User.email == "ida@example.no"))
        assert user.pid_hash == oidc.pid_hash(TEST_PID)
        assert db.session.scalar(select(Submission).where(Submission.author_id == user.id))

    # When they sign out, ID-porten ends its session too and sends them back
    page.get_by_role("button", name="Logg ut").click()
    expect(page.get_by_role("heading", name="Do you want to sign-out")).to_be_visible()
    assert page.url.startswith(f"{idporten.issuer}/session/end?client_id=hoering")
    page.get_by_role("button", name="Yes, sign me out").click()
    # Back on the front page, with the state Høring sent along to ID-porten
    expect(page).to_have_url(re.compile(re.escape(f"{live_server.url}/?state=") + r"[\w-]{16,}$"))
    expect(page.get_by_role("link", name="Logg inn")).to_be_visible()
