"""Sign-in with ID-porten against a real OpenID provider on 127.0.0.1: the whole code flow over
HTTP, and every way it must fail (state, replayed code, nonce, issuer, audience, expiry, level),
each leaving no sign-in and a clear page. Only a keyed hash of `pid` is ever stored or logged."""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from bs4 import BeautifulSoup
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy import select

from hoering.accounts import oidc, services
from hoering.accounts.models import ROLE_MODERATOR, LoginSession, User
from hoering.db import utcnow
from hoering.extensions import db
from tests.conftest import csrf_from, post_form
from tests.factories import make_agency, make_user
from tests.oidc.conftest import CALLBACK, TEST_PID, follow_to_callback, sign_in_with_idporten


def _page(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _signed_in(client) -> bool:
    return client.get("/konto").status_code == 200


def _finish_sign_up(client, name="Sigrid Solberg", email="sigrid@example.no"):
    return post_form(client, "/logg-inn/idporten/ny-bruker", {"name": name, "email": email})


def _raw_id_token(provider, client_id: str, *, nonce: str, acr="idporten-loa-substantial"):
    """The test as a relying party of its own: a real ID token, unchecked, from a real flow."""
    meta = requests.get(f"{provider.issuer}/.well-known/openid-configuration", timeout=5).json()
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    url = (
        requests.Request(
            "GET",
            meta["authorization_endpoint"],
            params={
                "client_id": client_id,
                "response_type": "code",
                "scope": "openid profile",
                "redirect_uri": CALLBACK,
                "state": "test",
                "nonce": nonce,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
                "acr_values": acr,
            },
        )
        .prepare()
        .url
    )
    callback = follow_to_callback(requests.Session(), url, pid=TEST_PID, acr=acr)
    code = parse_qs(urlsplit(callback).query)["code"][0]
    token = requests.post(
        meta["token_endpoint"],
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
            "code_verifier": verifier,
        },
        auth=(client_id, f"{client_id}-secret"),
        timeout=5,
    ).json()
    return token["id_token"]


def test_first_sign_in_asks_for_name_and_email_and_keeps_only_a_keyed_hash(
    idporten, client, caplog
):
    caplog.set_level(logging.DEBUG)
    response, _callback = sign_in_with_idporten(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/logg-inn/idporten/ny-bruker"
    page = _page(client.get("/logg-inn/idporten/ny-bruker"))
    assert page.h1.text == "Fullfør registreringen"
    assert _finish_sign_up(client).status_code == 302
    assert _signed_in(client)

    user = db.session.scalar(select(User).where(User.email == "sigrid@example.no"))
    assert user.pid_hash == oidc.pid_hash(TEST_PID)
    assert len(user.pid_hash) == 64
    row = db.session.execute(select(User.__table__).where(User.id == user.id)).one()
    assert not any(TEST_PID in str(value) for value in row)
    # Nothing of the number or the token in any log line.
    assert TEST_PID not in caplog.text
    assert "eyJ" not in caplog.text
    # Substantial counts as two factors.
    login_session = db.session.scalar(select(LoginSession).where(LoginSession.user_id == user.id))
    assert login_session.second_factor_at is not None


def test_the_next_sign_in_recognises_the_person(idporten, app):
    first = app.test_client()
    sign_in_with_idporten(first)
    _finish_sign_up(first)
    again = app.test_client()
    response, _ = sign_in_with_idporten(again)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert _signed_in(again)
    assert len(db.session.scalars(select(User)).all()) == 1


def test_a_wrong_state_is_refused_with_a_clear_page_and_no_session(idporten, client):
    start = client.get("/logg-inn/idporten")
    callback = follow_to_callback(
        requests.Session(), start.headers["Location"], pid=TEST_PID, acr="idporten-loa-substantial"
    )
    forged = callback.replace("state=", "state=x")
    response = client.get(forged)
    assert response.status_code == 400
    page = _page(response)
    assert page.h1.text == "Innloggingen ble ikke fullført"
    assert "hørte ikke til en innlogging i denne nettleseren" in page.get_text()
    assert "Referanse:" in page.get_text()
    assert response.headers["X-Request-Id"] in page.get_text()
    assert not _signed_in(client)
    assert db.session.scalar(select(LoginSession)) is None


def test_a_replayed_code_is_refused(idporten, app):
    client = app.test_client()
    response, callback = sign_in_with_idporten(client)
    assert response.status_code == 302
    # The same answer again: its sign-in is used up.
    again = app.test_client()
    assert again.get(callback).status_code == 400
    # The old code smuggled into a new sign-in (its own state): the provider refuses the code.
    thief = app.test_client()
    start = thief.get("/logg-inn/idporten")
    state = parse_qs(urlsplit(start.headers["Location"]).query)["state"][0]
    code = parse_qs(urlsplit(callback).query)["code"][0]
    response = thief.get(f"/logg-inn/idporten/svar?code={code}&state={state}")
    assert response.status_code == 400
    assert "kunne ikke godkjennes" in _page(response).get_text()
    assert not _signed_in(thief)


def test_a_too_low_level_is_refused(idporten, client):
    response, _ = sign_in_with_idporten(client, acr="idporten-loa-low")
    assert response.status_code == 403
    assert "sikkerhetsnivå betydelig eller høyt" in _page(response).get_text()
    assert not _signed_in(client)
    assert db.session.scalar(select(User)) is None


def test_the_refusal_comes_in_the_persons_language(idporten, client):
    client.get("/sprak/en")
    response, _ = sign_in_with_idporten(client, acr="idporten-loa-low")
    assert response.status_code == 403
    assert "substantial or high" in _page(response).get_text()


def test_the_id_token_is_checked_claim_by_claim(idporten, other_provider):
    good = _raw_id_token(idporten, "hoering", nonce="n-1")
    claims = oidc.validate_id_token(good, nonce="n-1")
    assert claims["pid"] == TEST_PID
    assert claims["acr"] == "idporten-loa-substantial"

    with pytest.raises(oidc.TokenError):  # a wrong nonce
        oidc.validate_id_token(good, nonce="n-2")
    expiry = jwt.decode(good, oidc._keys()).claims["exp"]
    with pytest.raises(oidc.TokenError):  # expired (the provider's tokens live two minutes)
        oidc.validate_id_token(good, nonce="n-1", now=expiry + 120)
    with pytest.raises(oidc.TokenError):  # for another audience
        oidc.validate_id_token(_raw_id_token(idporten, "annen-tjeneste", nonce="n-1"), nonce="n-1")
    with pytest.raises(oidc.TokenError):  # from another issuer, even with the same key
        oidc.validate_id_token(_raw_id_token(other_provider, "hoering", nonce="n-1"), nonce="n-1")
    header, payload, signature = good.split(".")
    with pytest.raises(oidc.TokenError):  # a changed signature
        oidc.validate_id_token(f"{header}.{payload}.{signature[::-1]}", nonce="n-1")


def test_staff_at_a_low_level_still_need_their_second_factor(idporten, app):
    app.config["OIDC_ACR_VALUES"] = "idporten-loa-low"
    moderator = make_user(roles=[ROLE_MODERATOR], agency=make_agency())
    moderator.pid_hash = oidc.pid_hash(TEST_PID)
    db.session.commit()
    client = app.test_client()
    response, _ = sign_in_with_idporten(client, acr="idporten-loa-low")
    assert response.status_code == 302
    assert client.get("/admin/moderering/").headers["Location"].startswith("/to-trinn")

    substantial = app.test_client()
    sign_in_with_idporten(substantial)
    assert substantial.get("/admin/moderering/").status_code == 200


def test_a_signed_in_person_links_id_porten_to_their_account(idporten, signed_in):
    person = make_user()
    db.session.commit()
    client = signed_in(person)
    response, _ = sign_in_with_idporten(client)
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.pid_hash == oidc.pid_hash(TEST_PID)


def test_sign_out_ends_the_session_here_and_at_id_porten(idporten, client, signing_key):
    sign_in_with_idporten(client)
    _finish_sign_up(client)
    sealed = db.session.scalar(select(LoginSession.id_token_sealed))
    assert sealed and TEST_PID not in sealed  # kept encrypted, for the sign-out
    page = client.get("/konto")
    response = client.post("/logg-ut", data={"csrf_token": csrf_from(page.get_data(as_text=True))})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(f"{idporten.issuer}/session/end?")
    query = parse_qs(urlsplit(location).query)
    assert query["client_id"] == ["hoering"]
    assert query["post_logout_redirect_uri"] == ["http://hoering.test/"]
    assert query["state"][0]
    hint = jwt.decode(query["id_token_hint"][0], RSAKey.import_key(signing_key))
    assert hint.claims["aud"] == "hoering"
    assert hint.claims["acr"] == "idporten-loa-substantial"
    assert not _signed_in(client)
    assert db.session.scalar(select(LoginSession.id_token_sealed)) is None  # gone with the sign-in

    # The provider accepts the hint: it asks to confirm, then sends the person back with the state.
    browser = requests.Session()
    confirm = browser.get(location, timeout=5)
    assert confirm.status_code == 200, confirm.text[:300]
    form = BeautifulSoup(confirm.text, "html.parser").find("form")
    fields = {field["name"]: field.get("value", "") for field in form.find_all("input")}
    back = browser.post(
        requests.compat.urljoin(confirm.url, form["action"]),
        data={**fields, "logout": "yes"},
        allow_redirects=False,
        timeout=5,
    )
    assert back.status_code in (302, 303)
    assert back.headers["Location"] == f"http://hoering.test/?state={query['state'][0]}"


def test_the_provider_refuses_a_forged_id_token_hint(idporten, client):
    """What makes the hint worth sending: the provider checks it."""
    sign_in_with_idporten(client)
    _finish_sign_up(client)
    page = client.get("/konto")
    response = client.post("/logg-ut", data={"csrf_token": csrf_from(page.get_data(as_text=True))})
    location = response.headers["Location"]
    signature = parse_qs(urlsplit(location).query)["id_token_hint"][0].rsplit(".", 1)[1]
    forged = location.replace(signature, "A" * len(signature))
    assert requests.get(forged, timeout=5).status_code == 400


def test_a_sign_in_that_expires_forgets_its_id_token(idporten, client):
    sign_in_with_idporten(client)
    _finish_sign_up(client)
    other = client.application.test_client()
    sign_in_with_idporten(other, pid="01017012345")
    _finish_sign_up(other, name="Per Persen", email="per@example.no")
    first = db.session.scalar(select(LoginSession).order_by(LoginSession.id))
    first.last_seen_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    services.forget_expired_id_tokens.call_local()
    sealed = dict(db.session.execute(select(LoginSession.id, LoginSession.id_token_sealed)).all())
    assert sealed[first.id] is None
    assert [value for value in sealed.values() if value]  # the live sign-in keeps its own


def test_an_unavailable_provider_gets_a_clear_page(idporten, app, client):
    app.config["OIDC_ISSUER"] = "http://127.0.0.1:9"
    response = client.get("/logg-inn/idporten")
    assert response.status_code == 503
    assert "ID-porten svarer ikke" in _page(response).get_text()


def test_without_settings_there_is_no_id_porten(client):
    assert client.get("/logg-inn/idporten").status_code == 404
    assert "Logg inn med ID-porten" not in client.get("/logg-inn").get_data(as_text=True)


def test_the_button_shows_when_configured(idporten, client):
    page = _page(client.get("/logg-inn"))
    assert page.find("a", string="Logg inn med ID-porten")["href"] == "/logg-inn/idporten"


def test_private_key_jwt_client_authentication(idporten, app, client, client_key):
    """ID-porten's recommended client authentication: a JWT signed with Høring's own key."""
    app.config.update(
        OIDC_CLIENT_ID="hoering-jwt",
        OIDC_CLIENT_SECRET=None,
        OIDC_PRIVATE_KEY=client_key.as_pem(private=True).decode(),
        OIDC_KEY_ID="hoering-client-key",
    )
    try:
        response, _ = sign_in_with_idporten(client)
        assert response.status_code == 302
        assert response.headers["Location"] == "/logg-inn/idporten/ny-bruker"
        # A wrong key is refused by the provider, and so is the sign-in.
        other = client.application.test_client()
        app.config["OIDC_PRIVATE_KEY"] = (
            RSAKey.generate_key(2048, private=True).as_pem(private=True).decode()
        )
        refused, _ = sign_in_with_idporten(other)
        assert refused.status_code == 400
        assert not _signed_in(other)
    finally:
        app.config.update(OIDC_PRIVATE_KEY=None, OIDC_KEY_ID=None)
