"""Forgotten passwords: a one-time, time-limited link by e-mail; nothing said about who exists."""

import re
from datetime import timedelta

from bs4 import BeautifulSoup
from freezegun import freeze_time
from sqlalchemy import select

from hoering.db import utcnow
from hoering.extensions import db
from hoering.notices.models import OutboxMessage
from tests.conftest import PASSWORD, login, post_form
from tests.factories import make_user

NEW_PASSWORD = "et nytt og langt passord"


def _ask(client, email):
    return post_form(client, "/glemt-passord", {"email": email})


def _link() -> str:
    [message] = db.session.scalars(select(OutboxMessage)).all()
    return re.search(r"https?://[^/\s]+(/nytt-passord/\S+)", message.body).group(1)


def test_a_reset_link_sets_a_new_password_once_and_ends_every_sign_in(app, client):
    user = make_user(email="glemsk@example.no")
    user.wants_email = False  # the person asked: the link is sent all the same
    db.session.commit()
    other_device = app.test_client()
    login(other_device, user)

    response = _ask(client, "Glemsk@Example.no")
    assert response.status_code == 302
    assert "Hvis det finnes en konto" in client.get("/logg-inn").get_data(as_text=True)
    link = _link()

    page = client.get(link)
    assert page.status_code == 200
    assert BeautifulSoup(page.data, "html.parser").h1.text == "Velg nytt passord"
    short = post_form(client, link, {"new_password": "kort"})
    assert short.status_code == 400
    assert "mellom 12 og 128 tegn" in short.get_data(as_text=True)
    done = post_form(client, link, {"new_password": NEW_PASSWORD})
    assert done.status_code == 302

    assert other_device.get("/mine-innspill").status_code == 302  # signed out everywhere
    login(client, user, NEW_PASSWORD)
    again = client.get(link)
    assert again.status_code == 400
    assert "allerede brukt" in again.get_data(as_text=True)


def test_unknown_address_gets_the_same_answer_and_no_mail(client):
    make_user(email="finnes@example.no")
    db.session.commit()
    response = _ask(client, "finnes-ikke@example.no")
    assert response.status_code == 302
    assert "Hvis det finnes en konto" in client.get("/logg-inn").get_data(as_text=True)
    assert db.session.scalar(select(OutboxMessage)) is None


def test_the_link_expires(client):
    user = make_user()
    db.session.commit()
    _ask(client, user.email)
    link = _link()
    with freeze_time(utcnow() + timedelta(minutes=61)):
        expired = client.get(link)
    assert expired.status_code == 400
    assert "utløpt" in expired.get_data(as_text=True)
    login(client, user, PASSWORD)


def test_a_forged_link_is_refused(client):
    response = client.get("/nytt-passord/ikke-en-ekte-lenke")
    assert response.status_code == 400
    assert "ugyldig" in response.get_data(as_text=True)


def test_bad_address_is_refused_with_the_text_kept(client):
    response = _ask(client, "ikke en adresse")
    assert response.status_code == 400
    page = BeautifulSoup(response.data, "html.parser")
    assert page.find("input", {"name": "email"})["value"] == "ikke en adresse"
