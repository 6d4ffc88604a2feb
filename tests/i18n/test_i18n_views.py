"""Bokmål by default, English and nynorsk on request, remembered; dates and numbers per locale."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup
from flask import render_template_string
from flask_babel import force_locale

from hoering.accounts.models import User
from hoering.db import utcnow
from hoering.extensions import db
from tests.conftest import login
from tests.factories import make_consultation, make_submission, make_user

OSLO = ZoneInfo("Europe/Oslo")


def page(client, url: str = "/") -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.data, "html.parser")


def choose(client, locale: str, back: str = "/"):
    response = client.get(f"/sprak/{locale}?next={back}")
    assert response.status_code == 302
    assert response.headers["Location"] == back


def test_a_visitor_switches_to_english_and_back(client):
    soup = page(client)
    assert soup.html["lang"] == "nb"
    assert soup.h1.text == "Høringer"

    choose(client, "en")
    soup = page(client)
    assert soup.html["lang"] == "en"
    assert soup.h1.text == "Consultations"
    assert soup.find("a", class_="skip-link").text == "Skip to main content"
    assert soup.select_one(".language-nav a[aria-current]")["lang"] == "en"

    choose(client, "nn")
    soup = page(client)
    assert soup.html["lang"] == "nn"
    assert soup.h1.text == "Høyringar"

    choose(client, "nb")
    soup = page(client)
    assert soup.html["lang"] == "nb"
    assert soup.h1.text == "Høringer"


def test_an_unknown_language_changes_nothing(client):
    choose(client, "xx")
    assert page(client).html["lang"] == "nb"


def test_the_choice_is_remembered_on_the_account(client, app):
    user = make_user()
    db.session.commit()
    login(client, user)
    choose(client, "en")
    assert db.session.get(User, user.id).locale == "en"

    # A new browser: once signed in, the page is in the person's language.
    fresh = app.test_client()
    assert page(fresh).html["lang"] == "nb"
    login(fresh, user)
    assert page(fresh).h1.text == "Consultations"


def test_deadlines_dates_and_counts_follow_the_language(client):
    consultation = make_consultation(deadline=utcnow() + timedelta(days=15, hours=1))
    make_submission(consultation)
    db.session.commit()
    url = f"/hoeringer/{consultation.slug}/"

    deadline = page(client, url).find(class_="deadline").get_text(" ", strip=True)
    assert deadline.startswith("Frist ")
    assert "(om 2 uker)" in deadline

    choose(client, "en", url)
    soup = page(client, url)
    deadline = soup.find(class_="deadline").get_text(" ", strip=True)
    assert deadline.startswith("Deadline ")
    assert "(in 2 weeks)" in deadline
    # Babel's English month abbreviation, which matches the C locale's.
    assert consultation.deadline.astimezone(OSLO).strftime("%b ") in deadline
    assert soup.find(class_="paragraph-actions").a.get_text(strip=True) == (
        "1 comment · Commenton paragraph p-1-1"
    )


def test_numbers_are_formatted_per_locale(app):
    with app.test_request_context():
        template = "{{ ngettext('%(num)s innspill', '%(num)s innspill', n, num=n|number) }}"
        with force_locale("nb"):
            assert render_template_string(template, n=12345) == "12\xa0345 innspill"
        with force_locale("en"):
            assert render_template_string(template, n=12345) == "12,345 comments"
            assert render_template_string(template, n=1) == "1 comment"


def test_user_text_carries_no_empty_lang(client):
    consultation = make_consultation()
    make_submission(consultation, body="Et innspill på et språk vi ikke kjenner.")
    db.session.commit()
    soup = page(client, f"/hoeringer/{consultation.slug}/p-1-1")
    body = soup.find(class_="submission-body")
    assert body.get_text(strip=True) == "Et innspill på et språk vi ikke kjenner."
    assert not soup.find(attrs={"lang": ""})
