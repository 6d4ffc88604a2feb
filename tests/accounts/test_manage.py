"""Administrators give roles, link representatives and create agencies from the web."""

from bs4 import BeautifulSoup
from sqlalchemy import select

from hoering.accounts.models import ROLE_ADMIN, Agency, User
from hoering.extensions import db
from tests.conftest import login, post_form
from tests.factories import make_agency, make_user


def _page(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _admin_client(app):
    admin = make_user(roles=[ROLE_ADMIN])
    db.session.commit()
    client = app.test_client()
    login(client, admin)
    return client, admin


def test_admin_gives_and_takes_roles(app):
    client, _admin = _admin_client(app)
    agency = make_agency(name="Etaten")
    person = make_user(email="ny@etat.no", name="Nina Ny")
    db.session.commit()
    page_url = "/admin/brukere?e=NY@etat.no"
    found = _page(client.get(page_url))
    assert found.find("h2").text == "Nina Ny"

    url = f"/admin/brukere/{person.id}/roller"
    missing = post_form(client, page_url, {"g-role": "moderator", "g-agency_id": ""}, url=url)
    assert missing.status_code == 400
    assert "bestemt virksomhet" in _page(missing).get_text()
    given = post_form(
        client, page_url, {"g-role": "case_officer", "g-agency_id": str(agency.id)}, url=url
    )
    assert given.status_code == 302
    db.session.expire_all()
    person = db.session.get(User, person.id)
    assert person.has_role("case_officer", agency.id)
    assert "Saksbehandler – Etaten" in " ".join(_page(client.get(page_url)).get_text().split())

    grant_id = person.roles[0].id
    revoked = post_form(
        client, page_url, {}, url=f"/admin/brukere/{person.id}/roller/{grant_id}/fjern"
    )
    assert revoked.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, person.id).roles == []


def test_admin_cannot_remove_their_own_admin_role(app):
    client, admin = _admin_client(app)
    page_url = f"/admin/brukere?e={admin.email}"
    grant_id = admin.roles[0].id
    response = post_form(
        client, page_url, {}, url=f"/admin/brukere/{admin.id}/roller/{grant_id}/fjern"
    )
    assert response.status_code == 409
    db.session.expire_all()
    assert db.session.get(User, admin.id).is_admin


def test_admin_links_a_representative_and_bad_numbers_are_refused(app):
    client, _admin = _admin_client(app)
    person = make_user(email="rep@forening.no")
    db.session.commit()
    page_url = "/admin/brukere?e=rep@forening.no"
    url = f"/admin/brukere/{person.id}/organisasjoner"
    bad = post_form(
        client,
        page_url,
        {"r-org_number": "123", "r-org_name": "Feil", "r-kind": "organisation"},
        url=url,
    )
    assert bad.status_code == 400
    page = _page(bad)
    assert "kontrollsiffer" in page.find(id="r-org_number-error").text
    assert page.find("input", {"name": "r-org_name"})["value"] == "Feil"
    ok = post_form(
        client,
        page_url,
        {"r-org_number": "921000006", "r-org_name": "Foreningen", "r-kind": "organisation"},
        url=url,
    )
    assert ok.status_code == 302
    db.session.expire_all()
    assert [o.name for o in db.session.get(User, person.id).organisations] == ["Foreningen"]


def test_admin_creates_an_agency(app):
    client, _admin = _admin_client(app)
    bad = post_form(
        client,
        "/admin/virksomheter/ny",
        {"slug": "Ugyldig Navn", "name": "Etaten", "org_number": "974760673"},
    )
    assert bad.status_code == 400
    assert _page(bad).find("input", {"name": "name"})["value"] == "Etaten"
    ok = post_form(
        client,
        "/admin/virksomheter/ny",
        {"slug": "etaten", "name": "Etaten", "org_number": "974760673"},
    )
    assert ok.status_code == 302
    assert db.session.scalar(select(Agency.slug)) == "etaten"


def test_only_admins_get_in(app, client):
    agency = make_agency()
    officer = make_user(roles=["case_officer"], agency=agency)
    db.session.commit()
    login(client, officer)
    assert client.get("/admin/brukere").status_code == 403
    assert client.get("/admin/virksomheter/ny").status_code == 403
    response = post_form(
        client, "/", {"g-role": "admin"}, url=f"/admin/brukere/{officer.id}/roller"
    )
    assert response.status_code == 403
    db.session.expire_all()
    assert not db.session.get(User, officer.id).is_admin


def test_the_dashboard_links_administration_for_admins_only(app, client):
    admin_client, _admin = _admin_client(app)
    page = _page(admin_client.get("/admin/"))
    assert page.title.get_text(strip=True).startswith("Forvaltning")
    assert page.find("a", string="Brukere og roller")["href"] == "/admin/brukere"
    officer = make_user(roles=["case_officer"], agency=make_agency())
    db.session.commit()
    login(client, officer)
    assert not _page(client.get("/admin/")).find("a", string="Brukere og roller")
