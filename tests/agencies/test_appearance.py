"""An agency's own name, logo and accent colour: the edit page, the generated stylesheet, and
the checks that keep it safe (logos only from /static) and readable (4.5:1 on white)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from hoering.accounts.models import ROLE_CASE_OFFICER, ROLE_MODERATOR
from hoering.agencies import services
from hoering.errors import BadInputError
from hoering.extensions import db
from tests.conftest import post_form
from tests.factories import make_agency, make_consultation, make_user


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _page(agency) -> str:
    return f"/admin/virksomheter/{agency.slug}/utseende"


@pytest.fixture
def officer_of():
    def make(agency):
        user = make_user(roles=[ROLE_CASE_OFFICER], agency=agency)
        db.session.commit()
        return user

    return make


@pytest.mark.parametrize(
    ("first", "second", "ratio"),
    [("#ffffff", "#000000", 21.0), ("#ffffff", "#ffffff", 1.0), ("#767676", "#ffffff", 4.54)],
)
def test_contrast_ratio_follows_wcag(first, second, ratio):
    assert services.contrast_ratio(first, second) == pytest.approx(ratio, abs=0.01)


def test_colours_that_fail_aa_against_white_are_refused():
    assert services.clean_theme_color(" #0062BA ") == "#0062ba"
    assert services.clean_theme_color("#767676") == "#767676"
    assert services.clean_theme_color("") is None
    with pytest.raises(BadInputError) as refused:
        services.clean_theme_color("#777777")  # 4.48:1
    assert refused.value.field == "theme_color"
    for bad in ("red", "#fff", "#12345g", "#0062ba;}", "url(x)"):
        with pytest.raises(BadInputError):
            services.clean_theme_color(bad)


def test_logos_only_from_this_service():
    assert services.clean_logo_url("/static/logos/etat.png") == "/static/logos/etat.png"
    assert services.clean_logo_url("  ") is None
    for bad in (
        "https://www.example.no/logo.svg",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:image/svg+xml;base64,PHN2Zz4=",
        "http://www.example.no/logo.png",
        "//evil.example/logo.png",
        "/static/../instance/hoering.db",
        "/admin/logo.png",
        'https://x.no/a"onerror="alert(1)',
        "https:///nohost",
    ):
        with pytest.raises(BadInputError):
            services.clean_logo_url(bad)


def test_case_officer_sets_name_logo_and_colour(client, signed_in, officer_of):
    agency = make_agency(name="Etat for testing")
    client = signed_in(officer_of(agency))
    page = _soup(client.get(_page(agency)))
    assert page.h1.get_text() == "Utseende for Etat for testing"
    colour = page.select_one("#theme_color")
    assert colour["aria-describedby"] == "theme_color-hint"
    response = post_form(
        client,
        _page(agency),
        {"name": "Etat for prøving", "logo_url": "/static/logo.png", "theme_color": "#1A5E20"},
    )
    assert response.status_code == 302
    db.session.refresh(agency)
    assert (agency.name, agency.logo_url, agency.theme_color) == (
        "Etat for prøving",
        "/static/logo.png",
        "#1a5e20",
    )
    page = _soup(client.get(_page(agency)))
    assert "Utseendet er lagret." in page.select_one(".flash-area").get_text()


def test_low_contrast_colour_is_refused_with_a_message_and_kept(signed_in, officer_of):
    agency = make_agency(theme_color="#0062ba")
    client = signed_in(officer_of(agency))
    response = post_form(
        client,
        _page(agency),
        {"name": agency.name, "logo_url": "javascript:alert(1)", "theme_color": "#ffcc00"},
    )
    assert response.status_code == 422
    page = _soup(response)
    # The first refusal is shown at its field; what was typed is kept
    error = page.select_one("#logo_url-error").get_text()
    assert "/static/" in error
    assert page.select_one("#logo_url")["value"] == "javascript:alert(1)"
    assert page.select_one("#logo_url")["aria-invalid"] == "true"
    response = post_form(
        client, _page(agency), {"name": agency.name, "logo_url": "", "theme_color": "#ffcc00"}
    )
    assert response.status_code == 422
    page = _soup(response)
    assert "for lav kontrast mot hvit (1,51:1)" in page.select_one("#theme_color-error").get_text()
    assert page.select_one(".error-summary a[href='#theme_color']")
    assert page.select_one("#theme_color")["value"] == "#ffcc00"
    db.session.refresh(agency)
    assert agency.theme_color == "#0062ba"


@pytest.mark.parametrize("who", ["visitor", "citizen", "moderator", "other agency"])
def test_only_the_agency_s_case_officers_may_edit(client, signed_in, who):
    agency = make_agency()
    users = {
        "citizen": make_user(),
        "moderator": make_user(roles=[ROLE_MODERATOR], agency=agency),
        "other agency": make_user(roles=[ROLE_CASE_OFFICER], agency=make_agency()),
    }
    db.session.commit()
    browser = client if who == "visitor" else signed_in(users[who])
    response = browser.get(_page(agency))
    assert response.status_code == (302 if who == "visitor" else 403)


def test_theme_stylesheet_sets_the_accent_and_is_linked_from_the_agency_s_pages(client):
    agency = make_agency(theme_color="#1a5e20", logo_url="/static/logos/etat.svg")
    consultation = make_consultation(agency=agency)
    plain = make_consultation(agency=make_agency())
    db.session.commit()

    css = client.get(f"/virksomheter/{agency.slug}/tema.css")
    assert css.status_code == 200
    assert css.mimetype == "text/css"
    assert "--ds-color-accent-base-default: #1a5e20;" in css.get_data(as_text=True)
    assert "max-age" in css.headers["Cache-Control"]
    assert client.get(f"/virksomheter/{plain.agency.slug}/tema.css").status_code == 404
    assert client.get("/virksomheter/finnes-ikke/tema.css").status_code == 404

    page = _soup(client.get(f"/hoeringer/{consultation.slug}/"))
    sheets = [link["href"] for link in page.select("link[rel=stylesheet]")]
    assert sheets[-1] == f"/virksomheter/{agency.slug}/tema.css?v=1a5e20"
    assert not page.select("[style]") and not page.select("style")  # CSP: no inline style
    logo = page.select_one(".consultation-head img.agency-logo")
    assert (logo["src"], logo["alt"]) == ("/static/logos/etat.svg", agency.name)
    other = _soup(client.get(f"/hoeringer/{plain.slug}/"))
    assert not [link for link in other.select("link[rel=stylesheet]") if "tema.css" in link["href"]]
    assert not other.select("img.agency-logo")
    assert plain.agency.name in other.select_one(".consultation-head").get_text()


def test_theme_css_refuses_anything_but_a_colour():
    with pytest.raises(ValueError, match="display"):
        services.theme_css("#fff;} body{display:none")
