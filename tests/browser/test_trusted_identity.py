"""Trusted identity in a real browser: a moderator meets the second factor before the queue; a
request to speak for an organisation is approved and the innspill shows "verifisert"."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from hoering.accounts.models import ROLE_ADMIN, ROLE_MODERATOR, RegistryEntity
from hoering.extensions import db
from tests.browser.pages import ConsultationPage, LoginPage, SecondFactorPage
from tests.conftest import PASSWORD
from tests.factories import make_agency, make_consultation, make_user

pytestmark = pytest.mark.browser


def test_a_moderator_cannot_reach_the_queue_without_the_second_factor(page, live_server):
    with live_server.data():
        moderator = make_user(roles=[ROLE_MODERATOR], agency=make_agency())
        email = moderator.email
    # Given a moderator who has typed the password only
    LoginPage(page).open("/admin/moderering/")
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Logg inn").click()
    # When they try the queue, they are sent to set up the authenticator app
    page.goto("/admin/moderering/")
    expect(page.get_by_role("heading", name="Slå på to-trinns innlogging")).to_be_visible()
    expect(page.locator("figure.qr-code svg")).to_be_visible()
    # Then, with a code from the app and the recovery codes kept, the queue opens
    SecondFactorPage(page).pass_for(email)
    page.goto("/admin/moderering/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Moderering")


def test_an_approved_representative_writes_a_verified_innspill(new_context, live_server):
    with live_server.data():
        # One entry of Enhetsregisteret (the CLI import is tested in tests/accounts): a full
        # import would rename the organisations other browser tests made in the shared database.
        db.session.add(
            RegistryEntity(
                org_number="910000004", name="TESTBEDRIFT AS", form_code="AS",
                form_name="Aksjeselskap",
            )
        )  # fmt: skip
        person = make_user(name="Ingrid Berg")
        admin = make_user(roles=[ROLE_ADMIN])
        consultation = make_consultation()
        person_email, admin_email, slug = person.email, admin.email, consultation.slug

    # Given a person who asks to speak for a company by its number
    page = new_context().new_page()
    LoginPage(page).open().sign_in(person_email, PASSWORD)
    page.goto("/organisasjoner/")
    page.get_by_label("Organisasjonsnummer").fill("910000004")
    page.get_by_role("button", name="Send forespørselen").click()
    expect(page.locator(".representation-requests")).to_contain_text("venter på svar")

    # When an administrator approves it with a reason
    admin_page = new_context().new_page()
    LoginPage(admin_page).open().sign_in(admin_email, PASSWORD)
    admin_page.goto("/organisasjoner/foresporsler")
    admin_page.get_by_role("radio", name="Godkjenn").check()
    admin_page.get_by_label("Begrunnelse").fill("Bekreftet med styret.")
    admin_page.get_by_role("button", name="Lagre avgjørelsen").click()
    expect(admin_page.get_by_text("Ingen forespørsler venter.")).to_be_visible()

    # Then the person writes on the company's behalf and the innspill shows "verifisert"
    form = ConsultationPage(page).open(slug).comment_on("p-1-1")
    page.get_by_label("Jeg skriver").select_option(label="på vegne av TESTBEDRIFT AS")
    form.write("Vi støtter avsnittet.").send_expecting_receipt()
    page.goto(f"/hoeringer/{slug}/p-1-1")
    byline = page.locator("p.byline", has_text="TESTBEDRIFT AS")
    expect(byline.locator(".verified")).to_have_text("verifisert")
