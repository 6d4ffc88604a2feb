"""New and changed passwords: hard to guess (zxcvbn score 3 or more) and not among the most
common ones, with a message saying why; no composition rules (ASVS 2.1.7, 2.1.9)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select

from hoering.accounts import services
from hoering.accounts.models import User
from hoering.extensions import db
from tests.conftest import PASSWORD, login, post_form
from tests.factories import make_user


def _page(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _register(client, password: str, *, language: str = "nb"):
    client.get(f"/sprak/{language}")
    return post_form(
        client,
        "/registrer",
        {"name": "Nora Nordmann", "email": "nora@example.no", "password": password,
         "confirm": password},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("password", "says"),
    [
        ("password1234", "et av de mest brukte passordene"),
        ("abcdefghijkl", "Rekkefølger som «abcd»"),
        ("111111111111", "Gjentakelser"),
        ("asdfghjkl;12", "Mønstre på tastaturet"),
        ("19.05.198712", "Datoer og årstall"),
        ("Tr0ub4dour&3", "Vanlige ord, navn og passord"),
    ],
)
def test_weak_passwords_are_refused_saying_why_and_the_form_is_kept(client, password, says):
    response = _register(client, password)
    assert response.status_code == 400
    page = _page(response)
    assert says in page.find(id="password-error").text
    assert page.find("input", {"name": "email"})["value"] == "nora@example.no"
    assert page.find("input", {"name": "name"})["value"] == "Nora Nordmann"
    assert db.session.scalar(select(User)) is None


def test_the_persons_own_name_does_not_make_a_password(client):
    response = _register(client, "nordmannnora")
    assert response.status_code == 400
    assert "Navnet ditt og e-postadressen din" in _page(response).find(id="password-error").text


def test_the_message_comes_in_the_persons_language(client):
    response = _register(client, "password1234", language="en")
    assert response.status_code == 400
    assert "one of the most common passwords" in _page(response).find(id="password-error").text


def test_a_long_sentence_of_any_characters_is_fine_without_composition_rules(client):
    assert _register(client, "tre blå ørreter svømmer sakte").status_code == 302


def test_changing_to_a_weak_password_is_refused_on_the_account_page(client):
    user = make_user()
    db.session.commit()
    login(client, user)
    response = post_form(
        client,
        "/konto",
        {"pw-current_password": PASSWORD, "pw-new_password": "password1234"},
    )
    assert response.status_code == 400
    assert "mest brukte" in _page(response).find(id="pw-new_password-error").text
    db.session.refresh(user)
    assert services.authenticate(user.email, PASSWORD) is not None


def test_the_service_refuses_weak_passwords_for_every_caller():
    with pytest.raises(services.PasswordRuleError, match="lett å gjette"):
        services.create_user("x@example.no", "X", "aaaaaaaaaaaa")
