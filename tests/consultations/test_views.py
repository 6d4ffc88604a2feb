"""The case officer's journey: create, import and preview the draft, publish, invite, close."""

import io
from datetime import date, timedelta

from bs4 import BeautifulSoup
from sqlalchemy import select

from hoering.accounts.models import ROLE_CASE_OFFICER
from hoering.consultations.models import Consultation, Consultee, DraftVersion, Paragraph
from hoering.extensions import db
from tests.conftest import csrf_from, login, post_form
from tests.factories import DRAFT, make_agency, make_consultation, make_submission, make_user


def _page(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _officer(agency=None):
    agency = agency or make_agency(name="Testetaten")
    return make_user(roles=[ROLE_CASE_OFFICER], agency=agency), agency


def _create(client, **overrides):
    today = date.today()
    data = {
        "title": "Høring om bedre skilting",
        "summary": "Kort om saken.",
        "case_number": "2026/42",
        "opens_on": today.isoformat(),
        "deadline_on": (today + timedelta(days=30)).isoformat(),
        "deadline_time": "12:00",
        "moderation_mode": "post",
        "expectations": "",
        **overrides,
    }
    return post_form(client, "/admin/hoeringer/ny", data)


def test_case_officer_creates_imports_previews_and_publishes(client):
    officer, _agency = _officer()
    db.session.commit()
    login(client, officer)
    response = _create(client)
    assert response.status_code == 302
    consultation = db.session.scalar(select(Consultation))
    assert consultation.status == "draft"
    assert "Ingen saksbehandling her" in consultation.expectations
    assert consultation.deadline.hour == 11  # 12:00 in Oslo, winter time, stored as UTC

    draft_url = f"/admin/hoeringer/{consultation.slug}/utkast"
    source = DRAFT + "\n| en | tabell |\n"
    preview = post_form(client, draft_url, {"source": source, "action": "preview"})
    assert preview.status_code == 200
    page = _page(preview)
    assert "5 avsnitt kan kommenteres." in page.select_one(".preview").text
    assert "tabeller støttes ikke" in page.select_one(".alert-warning").text
    assert db.session.scalar(select(DraftVersion)) is None

    published = post_form(client, draft_url, {"source": source, "action": "publish"})
    assert published.status_code == 302
    version = db.session.scalar(select(DraftVersion))
    assert version.number == 1 and version.published_at is not None
    anchors = db.session.scalars(select(Paragraph.anchor).order_by(Paragraph.position)).all()
    assert anchors == ["p-1-1", "p-1-2", "p-2-1", "p-2-2", "p-2-3"]

    # Not public before it is published.
    assert (
        client.application.test_client().get(f"/hoeringer/{consultation.slug}/").status_code == 404
    )
    edit_url = f"/admin/hoeringer/{consultation.slug}/rediger"
    assert (
        post_form(
            client,
            edit_url,
            {"action": "publish"},
            url=f"/admin/hoeringer/{consultation.slug}/status",
        ).status_code
        == 302
    )
    public = _page(client.application.test_client().get(f"/hoeringer/{consultation.slug}/"))
    assert public.find("h1").text == "Høring om bedre skilting"
    assert (
        public.select_one("#p-2-1 .paragraph-text").text.strip()
        == "Loven gjelder for alle organer."
    )


def test_upload_of_a_markdown_file(client):
    officer, agency = _officer()
    consultation = make_consultation(agency=agency, officer=officer, draft=None, publish=False)
    db.session.commit()
    login(client, officer)
    url = f"/admin/hoeringer/{consultation.slug}/utkast"
    page = client.get(url)
    response = client.post(
        url,
        data={
            "csrf_token": csrf_from(page.get_data(as_text=True)),
            "action": "preview",
            "upload": (io.BytesIO(DRAFT.encode("utf-8")), "utkast.md"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "5 avsnitt kan kommenteres." in response.get_data(as_text=True)
    bad = client.post(
        url,
        data={
            "csrf_token": csrf_from(page.get_data(as_text=True)),
            "action": "preview",
            "upload": (io.BytesIO(b"\xff\xfe\x00bad"), "utkast.md"),
        },
        content_type="multipart/form-data",
    )
    assert bad.status_code == 400
    assert "UTF-8" in bad.get_data(as_text=True)


def test_invalid_consultation_form_keeps_input(client):
    officer, _ = _officer()
    db.session.commit()
    login(client, officer)
    response = _create(client, case_number="12/34", deadline_on="2020-01-01")
    assert response.status_code == 400
    page = _page(response)
    assert page.find("input", {"name": "title"})["value"] == "Høring om bedre skilting"
    assert "åååå/løpenummer" in page.find(id="case_number-error").text
    assert db.session.scalar(select(Consultation)) is None


def test_revised_draft_keeps_earlier_innspill_on_their_version(client):
    consultation = make_consultation()
    old = make_submission(consultation, body="Om den gamle teksten.")
    from hoering.consultations.services import publish_draft_version

    publish_draft_version(
        consultation,
        DRAFT.replace("Loven skal sikre deltakelse.", "Ny formulering."),
        by=consultation.created_by,
    )
    db.session.commit()
    page = _page(client.get(f"/hoeringer/{consultation.slug}/p-1-1"))
    assert page.select_one(".paragraph-quote").text.strip() == "Ny formulering."
    article = page.select_one(f"#innspill-{old.id}")
    assert "Gjelder versjon 1 av utkastet." in article.text
    old_version = _page(
        client.get(f"/hoeringer/{consultation.slug}/p-1-1?versjon={old.version_id}")
    )
    assert old_version.select_one(".paragraph-quote").text.strip() == "Loven skal sikre deltakelse."
    assert "eldre versjon" in old_version.text
    # The count on the draft page follows the paragraph across versions.
    assert (
        "1 innspill"
        in _page(client.get(f"/hoeringer/{consultation.slug}/")).select_one("#p-1-1").text
    )


def test_consultees_need_a_valid_organisation_number(client):
    officer, agency = _officer()
    consultation = make_consultation(agency=agency, officer=officer)
    db.session.commit()
    login(client, officer)
    edit = f"/admin/hoeringer/{consultation.slug}/rediger"
    add = f"/admin/hoeringer/{consultation.slug}/hoeringsinstanser"
    bad = post_form(client, edit, {"c-name": "Feil AS", "c-org_number": "123456789"}, url=add)
    assert bad.status_code == 400
    assert "kontrollsiffer" in _page(bad).find(id="c-org_number-error").text
    ok = post_form(client, edit, {"c-name": "Riktig AS", "c-org_number": "974 760 673"}, url=add)
    assert ok.status_code == 302
    assert db.session.scalar(select(Consultee)).org_number == "974760673"
    public = _page(client.get(f"/hoeringer/{consultation.slug}/"))
    assert "Riktig AS" in public.select_one("table").text
    assert "Ikke svart ennå" in public.select_one("table").text


def test_a_hoeringsinstans_added_late_is_sent_the_letter_unless_the_case_is_closed(client):
    from hoering.consultations import services as consultations
    from hoering.journal.models import JournalEntry

    officer, agency = _officer()
    consultation = make_consultation(agency=agency, officer=officer)
    db.session.commit()
    login(client, officer)
    edit = f"/admin/hoeringer/{consultation.slug}/rediger"
    add = f"/admin/hoeringer/{consultation.slug}/hoeringsinstanser"
    data = {"c-name": "Fjordvik kommune", "c-org_number": "987654325"}
    assert post_form(client, edit, data, url=add).status_code == 302
    flashed = _page(client.get(edit)).select_one(".flash-area").text
    assert "Høringsbrevet med dokumentene og utkastet er journalført som sendt til den" in flashed
    late = db.session.scalar(select(JournalEntry).order_by(JournalEntry.seq.desc()))
    assert late.correspondent_name == "Fjordvik kommune" and late.kind == "ettersendt_brev"
    journal = client.get(f"/virksomheter/{agency.slug}/offentlig-journal").get_data(as_text=True)
    assert f"Høringsbrev (ettersendt): {consultation.title}" in journal

    consultations.close_consultation(db.session.merge(consultation), by=None)
    db.session.commit()
    entries = db.session.scalar(select(db.func.count(JournalEntry.id)))
    data = {"c-name": "Norsk Friluftsforum", "c-org_number": "921000006"}
    assert post_form(client, edit, data, url=add).status_code == 302
    flashed = _page(client.get(edit)).select_one(".flash-area").text
    assert "høringsbrevet er ikke journalført" in flashed
    assert "ingenting kan legges til i en avsluttet sak" in flashed
    assert db.session.scalar(select(db.func.count(JournalEntry.id))) == entries
    assert db.session.scalar(select(db.func.count(Consultee.id))) == 2


def test_other_agencies_officers_and_citizens_get_403(client):
    consultation = make_consultation()
    outsider, _ = _officer(make_agency(name="Annen etat"))
    citizen = make_user()
    db.session.commit()
    for user in (outsider, citizen):
        client = client.application.test_client()
        login(client, user)
        for url in (
            f"/admin/hoeringer/{consultation.slug}/rediger",
            f"/admin/hoeringer/{consultation.slug}/utkast",
        ):
            assert client.get(url).status_code == 403, url
        html = client.get("/").get_data(as_text=True)
        response = client.post(
            f"/admin/hoeringer/{consultation.slug}/status",
            data={"csrf_token": csrf_from(html), "action": "close"},
        )
        assert response.status_code == 403
    assert db.session.get(Consultation, consultation.id).status == "open"


def test_close_and_archive_by_hand(client):
    officer, agency = _officer()
    consultation = make_consultation(agency=agency, officer=officer)
    db.session.commit()
    login(client, officer)
    status_url = f"/admin/hoeringer/{consultation.slug}/status"
    edit = f"/admin/hoeringer/{consultation.slug}/rediger"
    assert post_form(client, edit, {"action": "archive"}, url=status_url).status_code == 409
    assert post_form(client, edit, {"action": "close"}, url=status_url).status_code == 303
    db.session.refresh(consultation)
    assert consultation.status == "open"
    close = {"action": "close", "confirm": "ja"}
    assert post_form(client, edit, close, url=status_url).status_code == 302
    assert post_form(client, edit, {"action": "archive"}, url=status_url).status_code == 302
    db.session.refresh(consultation)
    assert consultation.status == "archived" and consultation.closed_at is not None


def test_list_searches_titles_and_filters_by_agency_and_status(client):
    make_consultation(title="Høring om skog", agency=make_agency(slug="skog"))
    make_consultation(title="Høring om fisk", agency=make_agency(slug="hav"))
    closed = make_consultation(title="Høring om fjell")
    closed.deadline = closed.opens_at + timedelta(hours=1)
    make_consultation(title="Hemmelig utkast", publish=False)
    db.session.commit()

    def titles(query):
        page = _page(client.get(f"/hoeringer/{query}"))
        return sorted(h.text for h in page.select(".card h2"))

    assert titles("") == ["Høring om fisk", "Høring om fjell", "Høring om skog"]
    assert titles("?q=SKOG") == ["Høring om skog"]
    assert titles("?q=%25") == []
    assert titles("?virksomhet=hav") == ["Høring om fisk"]
    assert titles("?status=closed") == ["Høring om fjell"]
    assert titles("?status=open") == ["Høring om fisk", "Høring om skog"]
    bad = client.get("/hoeringer/?status=drop%20table")
    assert bad.status_code == 400
    assert "Ukjent statusfilter." in bad.get_data(as_text=True)


def test_close_expired_command_is_idempotent(runner):
    consultation = make_consultation()
    consultation.deadline = consultation.opens_at + timedelta(hours=2)
    db.session.commit()
    assert "1 consultation(s) closed." in runner.invoke(args=["close-expired"]).output
    assert "0 consultation(s) closed." in runner.invoke(args=["close-expired"]).output
    db.session.refresh(consultation)
    assert consultation.status == "closed" and consultation.closed_at == consultation.deadline
