"""Sign-up, sign-in and sign-out hold the ASVS level 2 bar."""

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from hoering.accounts.models import ROLE_MODERATOR, LoginSession, User
from hoering.extensions import db
from tests.conftest import PASSWORD, csrf_from, login, post_form
from tests.factories import make_agency, make_user


def _page(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_register_signs_in_and_stores_a_modern_hash(client):
    response = post_form(
        client,
        "/registrer",
        {
            "name": "Nora Nynorsk",
            "email": "Nora@Example.no",
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "nora@example.no"))
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash
    page = _page(client.get("/"))
    assert page.find("button", string="Logg ut")


def test_register_errors_are_shown_by_the_fields_and_input_is_kept(client):
    response = post_form(
        client,
        "/registrer",
        {"name": "<b>Hans</b>", "email": "ikke-epost", "password": "kort", "confirm": "annet"},
    )
    assert response.status_code == 400
    page = _page(response)
    email = page.find("input", {"name": "email"})
    assert email["value"] == "ikke-epost"
    assert email["aria-invalid"] == "true"
    assert "email-error" in email["aria-describedby"]
    assert "gyldig e-postadresse" in page.find(id="email-error").text
    assert "mellom 12 og 128 tegn" in page.find(id="password-error").text
    assert page.find("input", {"name": "name"})["value"] == "<b>Hans</b>"
    assert page.select_one(".error-summary")
    assert db.session.scalar(select(User)) is None


def test_taken_email_is_refused(client):
    make_user(email="tatt@example.no")
    db.session.commit()
    response = post_form(
        client,
        "/registrer",
        {"name": "X", "email": "TATT@example.no", "password": PASSWORD, "confirm": PASSWORD},
    )
    assert response.status_code == 400
    assert "finnes allerede" in _page(response).find(id="email-error").text


def test_wrong_password_says_so_without_revealing_the_account(client):
    user = make_user()
    db.session.commit()
    for email in (user.email, "ukjent@example.no"):
        response = post_form(client, "/logg-inn", {"email": email, "password": "feil passord!!"})
        assert response.status_code == 400
        assert "E-postadressen eller passordet er feil." in response.get_data(as_text=True)


def test_sign_in_is_rate_limited_per_account_only(client, app):
    victim = make_user()
    other = make_user()
    db.session.commit()
    app.config["LOGIN_LIMIT"] = "3 per minute"
    try:
        statuses = [
            post_form(
                client, "/logg-inn", {"email": victim.email, "password": "gjett!" * 3}
            ).status_code
            for _ in range(5)
        ]
        assert statuses == [400, 400, 400, 429, 429]
        # Another account from the same address is not locked out.
        login(client, other)
    finally:
        app.config["LOGIN_LIMIT"] = "10 per 15 minutes"


def test_session_cookie_flags_and_a_new_session_at_sign_in(client):
    user = make_user()
    db.session.commit()
    client.get("/logg-inn")
    before = client.get_cookie("session", domain="hoering.test").value
    response = login(client, user)
    cookie = response.headers.getlist("Set-Cookie")[0]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get_cookie("session", domain="hoering.test").value != before


def test_sign_out_really_ends_the_session(client, app):
    user = make_user()
    db.session.commit()
    login(client, user)
    stolen = client.get_cookie("session", domain="hoering.test").value
    assert client.get("/mine-innspill").status_code == 200
    page = client.get("/")
    client.post("/logg-ut", data={"csrf_token": csrf_from(page.get_data(as_text=True))})
    # Replaying the old cookie after sign-out gets nowhere.
    replay = app.test_client()
    replay.set_cookie("session", stolen, domain="hoering.test")
    response = replay.get("/mine-innspill")
    assert response.status_code == 302
    assert "/logg-inn" in response.headers["Location"]
    assert db.session.scalar(select(LoginSession)).ended_at is not None


def test_password_change_needs_the_current_one_and_ends_other_sessions(client, app):
    user = make_user()
    db.session.commit()
    other_device = app.test_client()
    login(other_device, user)
    login(client, user)
    wrong = post_form(
        client, "/konto", {"pw-current_password": "feil", "pw-new_password": "x" * 14}
    )
    assert wrong.status_code == 400
    assert "Nåværende passord er feil." in wrong.get_data(as_text=True)
    ok = post_form(
        client,
        "/konto",
        {"pw-current_password": PASSWORD, "pw-new_password": "et helt nytt passord"},
    )
    assert ok.status_code == 302
    assert client.get("/mine-innspill").status_code == 200
    assert other_device.get("/mine-innspill").status_code == 302


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/hoeringer/", "/hoeringer/"),
        ("https://evil.example/", "/"),
        ("//evil.example/", "/"),
        ("/\\evil.example", "/"),
    ],
)
def test_next_only_follows_local_paths(client, target, expected):
    user = make_user()
    db.session.commit()
    page = client.get("/logg-inn")
    response = client.post(
        f"/logg-inn?next={target}",
        data={
            "csrf_token": csrf_from(page.get_data(as_text=True)),
            "email": user.email,
            "password": PASSWORD,
        },
    )
    assert response.headers["Location"] == expected


def test_forms_without_csrf_token_are_refused(client):
    response = client.post("/logg-inn", data={"email": "a@b.no", "password": "x"})
    assert response.status_code == 400
    assert "Skjemaet var utløpt eller ugyldig" in response.get_data(as_text=True)


def test_security_headers_on_every_response(client):
    for path in ("/", "/finnes-ikke"):
        headers = client.get(path).headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
        assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
        assert headers["X-Request-Id"]


def test_a_staff_members_account_page_has_a_plain_title_and_one_two_factor_section(signed_in):
    client = signed_in(make_user(roles=[ROLE_MODERATOR], agency=make_agency()))
    page = BeautifulSoup(client.get("/konto").get_data(as_text=True), "html.parser")
    assert page.title.get_text(strip=True).startswith("Min konto")
    assert "To-trinns" not in page.title.get_text()
    assert len(page.select("#tf-heading")) == 1
