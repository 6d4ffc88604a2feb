"""The open data API: only what the public pages show, JSON errors, GET only."""

from __future__ import annotations

import pytest

from hoering.accounts.models import ROLE_CASE_OFFICER
from hoering.extensions import db
from hoering.journal.services import entry_for_submission
from tests.conftest import login
from tests.factories import make_closed_consultation, make_consultation, make_user


@pytest.fixture
def closed():
    data = make_closed_consultation()
    data["draft"] = make_consultation(
        agency=data["consultation"].agency, publish=False, title="Hemmelig utkast"
    )
    db.session.commit()
    return data


def _json(client, url, status=200, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    return response.get_json()


def test_consultations_list_only_public_ones_and_page(app, client, closed, monkeypatch):
    data = _json(client, "/api/v1/hoeringer")
    slugs = [c["slug"] for c in data["data"]]
    assert slugs == [closed["consultation"].slug]
    assert data["next"] is None
    assert data["data"][0]["case_number"] == "2026/1234"
    assert data["data"][0]["status"] == "closed"

    other = make_consultation(agency=closed["consultation"].agency, title="En til")
    db.session.commit()
    monkeypatch.setitem(app.config, "API_PAGE_SIZE", 1)
    first = _json(client, "/api/v1/hoeringer")
    assert len(first["data"]) == 1
    second = _json(client, first["next"])
    assert [c["slug"] for c in second["data"]] == [other.slug]
    assert second["next"] is None
    agency = closed["consultation"].agency.slug
    assert len(_json(client, f"/api/v1/hoeringer?virksomhet={agency}")["data"]) == 1
    _json(client, "/api/v1/hoeringer?virksomhet=finnes-ikke", status=404)


def test_detail_and_draft(client, closed):
    slug = closed["consultation"].slug
    detail = _json(client, f"/api/v1/hoeringer/{slug}")
    assert detail["title"] == "Høring om arkivloven"
    assert detail["current_version"] == 2
    draft = _json(client, detail["draft_url"])
    assert draft["version"] == 2
    paragraphs = [p for s in draft["sections"] for p in s["paragraphs"]]
    first = next(p for p in paragraphs if p["anchor"] == "p-1-1")
    assert first["text"] == "Loven skal sikre deltakelse."
    assert first["submission_count"] >= 1


def test_innspill_show_only_what_the_public_page_shows(client, closed):
    slug = closed["consultation"].slug
    data = _json(client, f"/api/v1/hoeringer/{slug}/innspill")
    by_id = {item["id"]: item for item in data["data"]}
    assert closed["pending"].id not in by_id  # waiting for moderation: not public
    hidden = by_id[closed["hidden"].id]
    assert hidden == {
        "id": closed["hidden"].id,
        "kind": "paragraph",
        "status": "hidden",
        "reason": "Spam",
        "parent_id": None,
    }
    assert by_id[closed["withdrawn"].id]["status"] == "withdrawn"
    assert "text" not in by_id[closed["withdrawn"].id]
    redacted = by_id[closed["redacted"].id]
    assert redacted["text"] == "Naboen min [sladdet] er uenig."
    assert redacted["html"] == "<p>Naboen min [sladdet] er uenig.</p>\n"
    assert redacted["redacted"] is True
    screened = by_id[closed["screened"].id]
    assert screened["author"] is None
    assert screened["respondent_type"] == "private"
    first = by_id[closed["first"].id]
    assert first["version"] == 1
    assert by_id[closed["on_v2"].id]["version"] == 2
    assert first["journal_number"] == entry_for_submission(closed["first"].id).journal_number
    assert first["agency_replies"][0]["text"] == "Takk, vi ser på fristen."
    assert first["agency_replies"][0]["html"] == "<p>Takk, vi ser på fristen.</p>\n"
    body = str(data)
    for secret in ("Hemmelig Hansen", "Per Hansen", "bare tull", "13097248022", "trekker"):
        assert secret not in body


def test_innspill_pages_with_a_cursor(app, client, closed, monkeypatch):
    monkeypatch.setitem(app.config, "API_PAGE_SIZE", 4)
    url = f"/api/v1/hoeringer/{closed['consultation'].slug}/innspill"
    seen = []
    while url:
        page = _json(client, url)
        seen += [item["id"] for item in page["data"]]
        url = page["next"]
    assert seen == sorted(seen)
    assert len(seen) == 8  # every innspill but the pending one


def test_journal(client, closed):
    agency = closed["consultation"].agency.slug
    data = _json(client, f"/api/v1/virksomheter/{agency}/offentlig-journal")
    assert len(data["data"]) == 12  # with the høringsbrev and the revised draft
    screened = [e for e in data["data"] if e["screened"]]
    assert any(e["correspondent"] == "******" for e in screened)
    assert all(e["legal_basis"].startswith("Offl. § 13") for e in screened)
    assert "Hemmelig Hansen" not in str(data)
    one = _json(
        client,
        f"/api/v1/virksomheter/{agency}/offentlig-journal",
        query_string={"hoering": closed["consultation"].slug, "fra": "2000-01-01"},
    )
    assert len(one["data"]) == 12


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/api/v1/hoeringer?etter=-1", 400, "Ugyldig sidevalg."),
        ("/api/v1/hoeringer/finnes-ikke", 404, None),
        ("/api/v1/hoeringer/{draft}", 404, None),
        ("/api/v1/hoeringer/{draft}/utkast", 404, None),
        ("/api/v1/hoeringer/{draft}/innspill", 404, None),
        ("/api/v1/virksomheter/{agency}/offentlig-journal?fra=2026-02-30", 400, "åååå-mm-dd"),
        ("/api/v1/virksomheter/{agency}/offentlig-journal?hoering={draft}", 404, None),
        ("/api/v1/finnes-ikke", 404, None),
    ],
)
def test_errors_are_json_and_never_hint_at_what_is_hidden(client, closed, url, status, message):
    url = url.format(draft=closed["draft"].slug, agency=closed["consultation"].agency.slug)
    data = _json(client, url, status=status)
    assert data["status"] == status
    assert "request_id" in data
    if message:
        assert message in data["error"]
    assert "Hemmelig utkast" not in str(data)


def test_signed_in_staff_see_no_more_than_anyone(client, closed):
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=closed["consultation"].agency)
    db.session.commit()
    login(client, officer)
    _json(client, f"/api/v1/hoeringer/{closed['draft'].slug}", status=404)
    data = _json(client, f"/api/v1/hoeringer/{closed['consultation'].slug}/innspill")
    assert closed["pending"].id not in {item["id"] for item in data["data"]}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_only_get(client, closed, method):
    response = getattr(client, method)(f"/api/v1/hoeringer/{closed['consultation'].slug}")
    assert response.status_code == 405
    assert response.get_json()["status"] == 405
    assert "GET" in response.headers["Allow"]


def test_open_to_every_origin(client, closed):
    response = client.get("/api/v1/hoeringer")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
