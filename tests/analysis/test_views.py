"""The behandling and campaign pages: access, filters, counts, bulk actions, bad input."""

from __future__ import annotations

from bs4 import BeautifulSoup
from sqlalchemy import delete, func, select

from hoering import tasks
from hoering.accounts.models import ROLE_ADMIN, ROLE_CASE_OFFICER, ROLE_MODERATOR
from hoering.analysis import campaigns, services
from hoering.analysis.models import (
    Campaign,
    CampaignDetection,
    CampaignMember,
    Processing,
    ProcessingEvent,
    Theme,
    ThemeTag,
)
from hoering.extensions import db
from tests.conftest import post_form
from tests.factories import make_consultation, make_organisation, make_submission, make_user

LETTER = (
    "Vi ber departementet trekke forslaget om å flytte fødeavdelingen. Avstandene i fylket er "
    "for store, og tryggheten for fødende må komme foran innsparinger i helseforetaket."
)


def _setup():
    consultation = make_consultation()
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    letters = [
        make_submission(consultation, general=True, body=f"{greeting}\n\n{LETTER}")
        for greeting in ("Hei,", "God dag.", "Til departementet:")
    ]
    organisation = make_organisation()
    speaker = make_user(organisations=[organisation])
    own = make_submission(
        consultation,
        author=speaker,
        organisation_id=organisation.id,
        position="oppose",
        body="Foreningen mener at skolebussen må gå hver time.",
    )
    db.session.commit()
    return consultation, officer, letters, own


def _page(client, url):
    response = client.get(url)
    return response, BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_only_the_agencys_case_officers_and_admins_get_in(signed_in, client):
    consultation, officer, _letters, _own = _setup()
    url = f"/admin/hoeringer/{consultation.slug}/behandling"
    assert signed_in(officer).get(url).status_code == 200
    admin = make_user(roles=[ROLE_ADMIN])
    moderator = make_user(roles=[ROLE_MODERATOR], agency=consultation.agency)
    stranger_officer = make_user(roles=[ROLE_CASE_OFFICER], agency=make_consultation().agency)
    db.session.commit()
    assert signed_in(admin).get(url).status_code == 200
    for who in (moderator, stranger_officer, make_user()):
        db.session.commit()
        assert signed_in(who).get(url).status_code == 403
        assert (
            signed_in(who).get(f"/admin/hoeringer/{consultation.slug}/kampanjer").status_code == 403
        )
    assert client.get(url).status_code == 302  # to sign-in
    hidden = make_consultation(publish=False)
    db.session.commit()
    assert signed_in(moderator).get(f"/admin/hoeringer/{hidden.slug}/behandling").status_code == 404
    assert signed_in(officer).get("/admin/hoeringer/finnes-ikke/behandling").status_code == 404


def test_the_page_lists_filters_and_counts(signed_in):
    consultation, officer, letters, own = _setup()
    client = signed_in(officer)
    response, page = _page(client, f"/admin/hoeringer/{consultation.slug}/behandling")
    assert response.status_code == 200
    assert "0 av 4 vurdert" in page.get_text()
    assert "4 innspill passer med filteret" in page.get_text()
    campaign = db.session.scalar(select(Campaign))
    assert campaign.size == 3
    _r, page = _page(
        client, f"/admin/hoeringer/{consultation.slug}/behandling?kampanje={campaign.id}"
    )
    shown = {int(box["value"]) for box in page.select("input[name=innspill]")}
    assert shown == {s.id for s in letters}
    _r, page = _page(client, f"/admin/hoeringer/{consultation.slug}/behandling?standpunkt=oppose")
    assert {int(b["value"]) for b in page.select("input[name=innspill]")} == {own.id}
    _r, page = _page(client, f"/admin/hoeringer/{consultation.slug}/behandling?q=skolebussen")
    assert {int(b["value"]) for b in page.select("input[name=innspill]")} == {own.id}
    _r, page = _page(
        client, f"/admin/hoeringer/{consultation.slug}/behandling?respondent=organisation"
    )
    assert "1 innspill passer med filteret" in page.get_text()
    _r, page = _page(client, f"/admin/hoeringer/{consultation.slug}/behandling?kampanje=nei")
    assert {int(b["value"]) for b in page.select("input[name=innspill]")} == {own.id}


def test_unknown_filter_values_are_a_400_with_a_message(signed_in):
    consultation, officer, _letters, _own = _setup()
    client = signed_in(officer)
    base = f"/admin/hoeringer/{consultation.slug}/behandling"
    for query in ("status=ferdig", "tema=999", "respondent=alien", "kampanje=kanskje", "etter=x"):
        response = client.get(f"{base}?{query}")
        assert response.status_code == 400, query
        assert "Ukjent" in response.get_data(as_text=True) or "Ugyldig" in response.get_data(
            as_text=True
        )


def test_a_theme_needs_a_unique_name_of_sensible_length(signed_in):
    consultation, officer, _letters, _own = _setup()
    client = signed_in(officer)
    page = f"/admin/hoeringer/{consultation.slug}/behandling"
    url = f"{page}/temaer"
    ok = post_form(client, page, {"name": "Trafikksikkerhet"}, url=url)
    assert ok.status_code == 302
    for name, status, message in (
        ("", 400, "Gi temaet et navn."),
        ("x" * 101, 400, "høyst 100 tegn"),
        ("  trafikksikkerhet ", 400, "finnes allerede"),
    ):
        response = post_form(client, page, {"name": name, "description": "Min tekst"}, url=url)
        text = response.get_data(as_text=True)
        assert response.status_code == status, name
        assert message in text
        assert "Min tekst" in text  # what was typed is kept
    assert db.session.scalar(select(db.func.count(Theme.id))) == 1


def test_a_campaign_is_tagged_and_assessed_in_one_action_each(signed_in):
    consultation, officer, letters, _own = _setup()
    theme = services.create_theme(consultation, "Fødetilbud", "", by=officer)
    db.session.commit()
    client = signed_in(officer)
    campaign = db.session.scalar(select(Campaign))
    page = f"/admin/hoeringer/{consultation.slug}/kampanjer"
    url = f"/admin/hoeringer/{consultation.slug}/behandling/handling"
    response = post_form(
        client,
        page,
        {"scope": "kampanje", "campaign": campaign.id, "action": "tag", "theme": theme.id},
        url=url,
    )
    assert response.status_code == 302
    response = post_form(
        client,
        page,
        {"scope": "kampanje", "campaign": campaign.id, "action": "status", "status": "done"},
        url=url,
    )
    assert response.status_code == 302
    tagged = set(db.session.scalars(select(ThemeTag.submission_id)))
    assert tagged == {s.id for s in letters}
    done = set(
        db.session.scalars(select(Processing.submission_id).where(Processing.status == "done"))
    )
    assert done == {s.id for s in letters}
    _r, body = _page(client, f"/admin/hoeringer/{consultation.slug}/behandling")
    assert "3 av 4 vurdert" in body.get_text()
    _r, body = _page(client, f"/admin/hoeringer/{consultation.slug}/behandling?tema={theme.id}")
    assert "3 innspill passer med filteret" in body.get_text()


def test_bulk_on_what_the_filter_matches_and_on_chosen_ones(signed_in):
    consultation, officer, letters, own = _setup()
    client = signed_in(officer)
    page = f"/admin/hoeringer/{consultation.slug}/behandling?standpunkt=oppose"
    response = post_form(
        client,
        page,
        {"scope": "alle", "action": "assign", "officer": officer.id},
        url=f"/admin/hoeringer/{consultation.slug}/behandling/handling?standpunkt=oppose",
    )
    assert response.status_code == 302
    assert db.session.get(Processing, own.id).assigned_to_id == officer.id
    elsewhere = post_form(
        client,
        page,
        {"scope": "alle", "action": "status", "status": "done", "back": "https://evil.example/"},
        url=f"/admin/hoeringer/{consultation.slug}/behandling/handling?standpunkt=oppose",
    )
    assert elsewhere.headers["Location"].endswith(
        f"/admin/hoeringer/{consultation.slug}/behandling"
    )
    assert db.session.get(Processing, letters[0].id) is None
    response = post_form(
        client,
        page,
        {"scope": "valgte", "action": "status", "status": "active", "innspill": [letters[0].id]},
        url=f"/admin/hoeringer/{consultation.slug}/behandling/handling",
    )
    assert response.status_code == 302
    assert db.session.get(Processing, letters[0].id).status == "active"
    _r, body = _page(
        client, f"/admin/hoeringer/{consultation.slug}/behandling?saksbehandler={officer.id}"
    )
    assert {int(b["value"]) for b in body.select("input[name=innspill]")} == {own.id}


def test_tagging_an_innspill_of_another_consultation_is_refused(signed_in):
    consultation, officer, _letters, _own = _setup()
    foreign = make_submission(make_consultation(), general=True)
    theme = services.create_theme(consultation, "Økonomi", "", by=officer)
    db.session.commit()
    client = signed_in(officer)
    response = post_form(
        client,
        f"/admin/hoeringer/{consultation.slug}/behandling",
        {"scope": "valgte", "action": "tag", "theme": theme.id, "innspill": [foreign.id]},
        url=f"/admin/hoeringer/{consultation.slug}/behandling/handling",
    )
    assert response.status_code == 400
    assert "hører ikke til denne høringen" in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(ThemeTag.id))) == 0


def test_two_officers_at_once_keep_both_tags_and_the_later_status(signed_in):
    consultation, officer, letters, _own = _setup()
    other = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    theme = services.create_theme(consultation, "Avstand", "", by=officer)
    target = letters[0].id
    services.tag(consultation, theme, [target], by=officer)
    services.tag(consultation, theme, [target], by=other, quote="Avstandene i fylket er for store")
    services.set_processing(consultation, [target], by=officer, status="active")
    services.set_processing(consultation, [target], by=other, status="done")
    db.session.commit()
    assert db.session.scalar(select(db.func.count(ThemeTag.id))) == 2
    assert db.session.get(Processing, target).status == "done"
    history = db.session.scalars(
        select(ProcessingEvent.status).where(ProcessingEvent.submission_id == target)
    ).all()
    assert history == ["active", "done"]


def test_the_item_page_takes_notes_quotes_and_moves_out_of_a_campaign(signed_in):
    consultation, officer, letters, _own = _setup()
    theme = services.create_theme(consultation, "Trygghet", "", by=officer)
    db.session.commit()
    client = signed_in(officer)
    url = f"/admin/hoeringer/{consultation.slug}/behandling/innspill/{letters[1].id}"
    assert (
        post_form(client, url, {"action": "note", "note": "Ring helseforetaket."}).status_code
        == 302
    )
    bad = post_form(client, url, {"action": "tag", "theme": theme.id, "quote": "ikke i teksten"})
    assert bad.status_code == 400
    assert "ikke i teksten" in bad.get_data(as_text=True)
    good = post_form(
        client, url, {"action": "tag", "theme": theme.id, "quote": "tryggheten for fødende"}
    )
    assert good.status_code == 302
    assert post_form(client, url, {"action": "alone"}).status_code == 302
    text = client.get(url).get_data(as_text=True)
    assert "Ring helseforetaket." in text
    assert "tryggheten for fødende" in text
    assert "Ikke i noen kampanje." in text
    campaigns.detect_campaigns(consultation)
    db.session.commit()
    assert db.session.scalar(select(Campaign)).size == 2


def test_the_draft_filter_takes_a_chapter_with_its_sections(signed_in):
    consultation, officer, _letters, own = _setup()  # `own` is on p-1-1, in § 1
    on_section_one = make_submission(consultation, anchor="p-1-2", body="Om formålet.")
    db.session.commit()
    client = signed_in(officer)
    base = f"/admin/hoeringer/{consultation.slug}/behandling"
    _r, page = _page(client, base)
    options = {
        o.get_text(strip=True): o["value"] for o in page.select("#f-del option") if o["value"]
    }
    chapter = next(v for text, v in options.items() if text.startswith("Kapittel 1"))
    section_two = next(v for text, v in options.items() if "§ 2" in text)
    for key, expected in ((chapter, {own.id, on_section_one.id}), (section_two, set())):
        _r, page = _page(client, f"{base}?del={key}")
        assert {int(b["value"]) for b in page.select("input[name=innspill]")} == expected


def test_search_finds_words_and_word_starts_and_ignores_query_syntax(signed_in):
    consultation, officer, letters, own = _setup()
    client = signed_in(officer)
    base = f"/admin/hoeringer/{consultation.slug}/behandling"
    for query, expected in (
        ("skolebussen", {own.id}),
        ("fødeavdelingen trygghet", {s.id for s in letters}),
        ('NEAR( "skolebussen', set()),
        ("Foreningen time", {own.id}),
    ):
        response, page = _page(client, f"{base}?q={query}")
        assert response.status_code == 200, query
        assert {int(b["value"]) for b in page.select("input[name=innspill]")} == expected, query


def test_detecting_again_runs_on_the_task_queue_and_keeps_the_groups(signed_in):
    consultation, officer, letters, _own = _setup()
    client = signed_in(officer)
    db.session.execute(delete(CampaignMember))
    db.session.execute(delete(Campaign))
    db.session.commit()
    page = f"/admin/hoeringer/{consultation.slug}/kampanjer"
    response = post_form(client, page, {"action": "detect"}, follow_redirects=True)
    assert "Kampanjene finnes på nytt i bakgrunnen." in response.get_data(as_text=True)
    # The test app runs the queued task as the request commits, as a worker would soon after.
    grouped = set(db.session.scalars(select(CampaignMember.submission_id)))
    assert grouped == {s.id for s in letters}
    detection = db.session.scalar(select(CampaignDetection))
    assert (detection.status, detection.campaigns_found) == ("done", 1)
    assert detection.requested_by_id == officer.id
    state = _page(client, page)[1].select_one(".detection-state").get_text(" ", strip=True)
    assert state.startswith("Kampanjene ble sist funnet") and state.endswith(": 1 kampanje.")


def test_a_queued_detection_shows_its_state_and_is_swept_if_its_message_is_lost(app, signed_in):
    consultation, officer, letters, _own = _setup()
    client = signed_in(officer)
    page = f"/admin/hoeringer/{consultation.slug}/kampanjer"
    app.config["TASKS_IMMEDIATE"] = False  # the real queue: the request waits for no detection
    try:
        tasks.huey.flush()
        post_form(client, page, {"action": "detect"})
        post_form(client, page, {"action": "detect"})  # one request underway at a time
        soup = _page(client, page)[1]
        assert soup.select_one('meta[http-equiv="refresh"]') is not None
        assert "venter på tur" in soup.select_one(".detection-state").get_text()
        detection = db.session.scalar(select(CampaignDetection))
        assert db.session.scalar(select(func.count()).select_from(CampaignDetection)) == 1
        assert detection.status == "pending"
        tasks.huey.flush()  # the queue lost its message; the sweep finds the row
        campaigns.sweep_detections()  # queued, as the scheduler does every five minutes
        db.session.commit()  # the test's reads end: the worker's session is its own
        tasks.huey.execute(tasks.huey.dequeue())  # the worker sweeps: the detection is queued
        assert tasks.huey.pending_count() == 1
        tasks.huey.execute(tasks.huey.dequeue())  # and runs
    finally:
        tasks.huey.flush()
        app.config["TASKS_IMMEDIATE"] = True
    db.session.refresh(detection)
    assert (detection.status, detection.campaigns_found) == ("done", 1)
    grouped = set(db.session.scalars(select(CampaignMember.submission_id)))
    assert grouped == {s.id for s in letters}
    assert _page(client, page)[1].select_one('meta[http-equiv="refresh"]') is None
