"""Two-factor sign-in for staff (ASVS 4.3.1): TOTP from an authenticator app, recovery codes,
a re-check before exports, role changes and blocking, and an administrator's logged reset."""

from __future__ import annotations

import logging
import re
from datetime import timedelta

import pyotp
import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from hoering.accounts.models import (
    ROLE_ADMIN,
    ROLE_CASE_OFFICER,
    ROLE_MODERATOR,
    LoginSession,
    RecoveryCode,
    TotpCredential,
)
from hoering.db import utcnow
from hoering.extensions import db
from tests.conftest import PASSWORD, csrf_from, login, post_form, totp_code
from tests.factories import make_agency, make_consultation, make_submission, make_user


def _page(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _password_only(client, user):
    response = post_form(client, "/logg-inn", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302


def _set_up_app(client, user) -> list[str]:
    """Scan (read the secret from the page) and confirm; returns the recovery codes shown."""
    page = client.get("/to-trinn/oppsett")
    assert page.status_code == 200
    soup = _page(page)
    secret = soup.select_one("code.secret").text
    code = pyotp.TOTP(secret).now()
    response = client.post(
        "/to-trinn/oppsett",
        data={"csrf_token": csrf_from(page.get_data(as_text=True)), "code": code},
    )
    assert response.status_code == 200
    return [li.text.strip() for li in _page(response).select(".recovery-codes li")]


def _type_code(client, code: str):
    page = client.get("/to-trinn")
    return client.post(
        "/to-trinn", data={"csrf_token": csrf_from(page.get_data(as_text=True)), "code": code}
    )


@pytest.fixture
def moderator():
    agency = make_agency()
    user = make_user(roles=[ROLE_MODERATOR], agency=agency)
    db.session.commit()
    return user


def test_a_moderator_cannot_reach_the_queue_with_a_password_alone(client, moderator):
    _password_only(client, moderator)
    response = client.get("/admin/moderering/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/to-trinn")
    # Still nothing but the two-factor pages: the setup page, with a QR code drawn here.
    setup = client.get("/to-trinn/oppsett")
    soup = _page(setup)
    assert soup.h1.text == "Slå på to-trinns innlogging"
    svg = soup.select_one("figure.qr-code svg")
    assert svg is not None
    assert not soup.select("figure.qr-code img")
    assert "http://" not in str(svg).replace("http://www.w3.org/2000/svg", "")
    assert client.get("/admin/moderering/").status_code == 302


def test_setting_up_the_app_gives_ten_hashed_recovery_codes_and_opens_the_queue(client, moderator):
    _password_only(client, moderator)
    codes = _set_up_app(client, moderator)
    assert len(codes) == 10
    assert len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z0-9]{5}-[a-z0-9]{5}", code) for code in codes)
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10
    assert not any(code.replace("-", "") in h or code in h for code in codes for h in stored)
    credential = db.session.scalar(select(TotpCredential))
    assert credential.confirmed_at is not None
    queue = client.get("/admin/moderering/")
    assert queue.status_code == 200


def test_a_wrong_code_is_refused_with_a_message_and_no_access(client, moderator):
    login(client, moderator)  # sets the app up
    fresh = client.application.test_client()  # the same person, another browser
    _password_only(fresh, moderator)
    response = _type_code(fresh, "000000" if totp_code(moderator) != "000000" else "111111")
    assert response.status_code == 400
    assert "Koden er feil" in _page(response).find(id="code-error").text
    assert fresh.get("/admin/moderering/").status_code == 302


def test_a_code_works_only_once(app, moderator):
    login(app.test_client(), moderator)
    first, second = app.test_client(), app.test_client()
    _password_only(first, moderator)
    _password_only(second, moderator)
    code = totp_code(moderator)
    assert _type_code(first, code).status_code == 302
    replay = _type_code(second, code)
    assert replay.status_code == 400
    assert second.get("/admin/moderering/").status_code == 302


def test_a_recovery_code_works_once_when_the_phone_is_lost(app, moderator):
    setup_client = app.test_client()
    _password_only(setup_client, moderator)
    codes = _set_up_app(setup_client, moderator)

    lost_phone = app.test_client()
    _password_only(lost_phone, moderator)
    assert _type_code(lost_phone, codes[0].upper()).status_code == 302
    assert lost_phone.get("/admin/moderering/").status_code == 200
    assert (
        len(db.session.scalars(select(RecoveryCode).where(RecoveryCode.used_at.is_not(None))).all())
        == 1
    )

    again = app.test_client()
    _password_only(again, moderator)
    assert _type_code(again, codes[0]).status_code == 400
    account = _page(lost_phone.get("/konto"))
    assert "9 ubrukte reservekoder" in account.get_text()
    assert "kan ikke slås av" in account.get_text()


def test_people_without_a_role_need_no_second_factor(client):
    citizen = make_user()
    db.session.commit()
    login(client, citizen)
    assert client.get("/konto").status_code == 200
    assert client.get("/to-trinn").status_code == 302
    assert client.get("/to-trinn/oppsett").status_code == 302
    assert db.session.scalar(select(TotpCredential)) is None


def _age_second_factor(minutes: int = 20) -> None:
    for login_session in db.session.scalars(select(LoginSession)):
        if login_session.second_factor_at is not None:
            login_session.second_factor_at = utcnow() - timedelta(minutes=minutes)
    db.session.commit()


def test_an_export_asks_for_the_code_again_after_a_while(signed_in):
    agency = make_agency()
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=agency)
    consultation = make_consultation(agency=agency, officer=officer)
    db.session.commit()
    client = signed_in(officer)
    url = f"/admin/hoeringer/{consultation.slug}/innspill.csv"
    assert client.get(url).status_code == 200

    _age_second_factor()
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/to-trinn?next=")
    page = client.get(response.headers["Location"])
    assert "Det er en stund siden" in page.get_data(as_text=True)
    back = client.post(
        response.headers["Location"],
        data={"csrf_token": csrf_from(page.get_data(as_text=True)), "code": totp_code(officer)},
    )
    assert back.status_code == 302
    assert back.headers["Location"] == url
    assert client.get(url).status_code == 200


def test_blocking_asks_for_the_code_again_and_keeps_what_was_typed(signed_in):
    agency = make_agency()
    consultation = make_consultation(agency=agency)
    moderator = make_user(roles=[ROLE_MODERATOR], agency=agency)
    author = make_user()
    submission = make_submission(consultation, author=author)
    db.session.commit()
    client = signed_in(moderator)
    _age_second_factor()
    item = f"/admin/moderering/innspill/{submission.id}"
    data = {
        "blokker-version": str(submission.moderation_version),
        "blokker-days": "7",
        "blokker-reason": "Gjentatt spam",
    }
    page = client.get(item)
    data["csrf_token"] = csrf_from(page.get_data(as_text=True))
    asked = client.post(f"{item}/blokker", data=data)
    assert asked.status_code == 200
    soup = _page(asked)
    assert soup.h1.text == "Bekreft med engangskode"
    form = soup.find("form", action=f"{item}/blokker")
    kept = {i["name"]: i["value"] for i in form.find_all("input", type="hidden")}
    assert kept["blokker-reason"] == "Gjentatt spam"
    db.session.refresh(author)
    assert author.blocked_until is None

    wrong = client.post(f"{item}/blokker", data={**kept, "recheck_code": "12345x"})
    assert wrong.status_code == 400
    assert "Koden er feil" in _page(wrong).find(id="recheck_code-error").text
    assert _page(wrong).find("input", {"name": "blokker-reason"})["value"] == "Gjentatt spam"

    done = client.post(f"{item}/blokker", data={**kept, "recheck_code": totp_code(moderator)})
    assert done.status_code == 302
    db.session.refresh(author)
    assert author.blocked_reason == "Gjentatt spam"


def test_role_changes_ask_for_the_code_again(signed_in):
    admin = make_user(roles=[ROLE_ADMIN])
    person = make_user()
    db.session.commit()
    client = signed_in(admin)
    _age_second_factor()
    url = f"/admin/brukere/{person.id}/roller"
    asked = post_form(client, f"/admin/brukere?e={person.email}", {"g-role": "admin"}, url=url)
    assert asked.status_code == 200
    db.session.refresh(person)
    assert not person.roles
    kept = {i["name"]: i["value"] for i in _page(asked).find_all("input", type="hidden")}
    done = client.post(url, data={**kept, "recheck_code": totp_code(admin)})
    assert done.status_code == 302
    db.session.refresh(person)
    assert person.is_admin


def test_an_administrator_resets_a_lost_phone_and_it_is_logged(app, signed_in, caplog):
    admin = make_user(roles=[ROLE_ADMIN])
    agency = make_agency()
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=agency)
    db.session.commit()
    officer_client = signed_in(officer)
    assert officer_client.get("/admin/").status_code == 200
    client = signed_in(admin)
    page = _page(client.get(f"/admin/brukere?e={officer.email}"))
    assert page.find("button", string="Nullstill to-trinns innlogging")

    with caplog.at_level(logging.WARNING, logger="hoering.accounts.second_factor"):
        response = post_form(
            client,
            f"/admin/brukere?e={officer.email}",
            {},
            url=f"/admin/brukere/{officer.id}/to-trinn/nullstill",
        )
    assert response.status_code == 302
    assert f"two-factor of user {officer.id} reset by administrator {admin.id}" in caplog.text
    assert (
        db.session.scalar(select(TotpCredential).where(TotpCredential.user_id == officer.id))
        is None
    )
    assert not db.session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == officer.id)
    ).all()
    # Their sign-ins ended; the next one sets up a new app.
    assert officer_client.get("/admin/").status_code == 302
    fresh = app.test_client()
    _password_only(fresh, officer)
    assert fresh.get("/to-trinn").headers["Location"].startswith("/to-trinn/oppsett")


def test_only_administrators_reset_two_factor(signed_in):
    agency = make_agency()
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=agency)
    colleague = make_user(roles=[ROLE_MODERATOR], agency=agency)
    db.session.commit()
    signed_in(colleague)
    client = signed_in(officer)
    response = post_form(
        client, "/konto", {}, url=f"/admin/brukere/{colleague.id}/to-trinn/nullstill"
    )
    assert response.status_code == 403
    assert db.session.scalar(select(TotpCredential).where(TotpCredential.user_id == colleague.id))


def test_new_recovery_codes_replace_the_old_ones(signed_in):
    agency = make_agency()
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=agency)
    db.session.commit()
    client = signed_in(officer)
    before = set(db.session.scalars(select(RecoveryCode.code_hash)))
    response = post_form(client, "/konto", {}, url="/konto/reservekoder")
    assert response.status_code == 200
    codes = [li.text.strip() for li in _page(response).select(".recovery-codes li")]
    assert len(codes) == 10
    after = set(db.session.scalars(select(RecoveryCode.code_hash)))
    assert len(after) == 10
    assert not before & after


def test_guessing_codes_is_cut_off_per_person(app, moderator):
    login(app.test_client(), moderator)  # sets the app up
    app.config["SECOND_FACTOR_LIMIT"] = "3 per minute"
    try:
        guesser = app.test_client()
        _password_only(guesser, moderator)
        statuses = [_type_code(guesser, f"00000{n}").status_code for n in range(4)]
        assert statuses == [400, 400, 400, 429]
        # Even the right code waits now, from any browser: the limit is the person's.
        other_browser = app.test_client()
        _password_only(other_browser, moderator)
        assert _type_code(other_browser, totp_code(moderator)).status_code == 429
        assert other_browser.get("/admin/moderering/").status_code == 302
    finally:
        app.config["SECOND_FACTOR_LIMIT"] = "10 per 15 minutes"


def test_the_command_line_resets_two_factor_when_no_administrator_can(runner, signed_in, caplog):
    admin = make_user(roles=[ROLE_ADMIN])
    db.session.commit()
    signed_in(admin)
    with caplog.at_level(logging.WARNING, logger="hoering.accounts.second_factor"):
        result = runner.invoke(args=["users", "reset-two-factor", admin.email])
    assert result.exit_code == 0, result.output
    assert "is reset" in result.output
    assert f"two-factor of user {admin.id} reset from the command line" in caplog.text
    assert db.session.scalar(select(TotpCredential)) is None
    unknown = runner.invoke(args=["users", "reset-two-factor", "nobody@example.no"])
    assert unknown.exit_code != 0
