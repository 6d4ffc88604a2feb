"""Commenting in the browser (without JavaScript): write, reply, endorse, receipt; bad input."""

from datetime import timedelta

from bs4 import BeautifulSoup
from sqlalchemy import func, select

from hoering.accounts.models import ROLE_CASE_OFFICER
from hoering.db import utcnow
from hoering.extensions import db
from hoering.journal.models import JournalEntry
from hoering.submissions.models import Submission
from tests.conftest import csrf_from, login, post_form
from tests.factories import (
    make_agency,
    make_consultation,
    make_organisation,
    make_submission,
    make_user,
)


def _page(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _form_fields(html: str) -> dict:
    page = BeautifulSoup(html, "html.parser")
    form = page.select_one("form.stack")
    return {
        field["name"]: field.get("value", "")
        for field in form.find_all("input")
        if field.get("type") == "hidden"
    }


def _submit(client, url, data):
    page = client.get(url)
    assert page.status_code == 200
    fields = _form_fields(page.get_data(as_text=True))
    return client.post(url, data={**fields, "speaker": "private", **data})


def test_comment_on_a_paragraph_ends_on_a_receipt_with_journal_number(client):
    consultation = make_consultation()
    user = make_user(name="Olav Innbygger")
    db.session.commit()
    login(client, user)
    url = f"/hoeringer/{consultation.slug}/p-1-1/skriv"
    page = _page(client.get(url))
    assert page.find("h1").text == "Kommenter avsnittet"
    assert "Innspillet blir offentlig med navnet ditt" in page.select_one(".privacy-notice").text
    response = _submit(client, url, {"body": "Dette er **bra**.", "position": "support"})
    assert response.status_code == 302
    receipt = _page(client.get(response.headers["Location"]))
    assert receipt.find("h1").text == "Takk for innspillet"
    entry = db.session.scalar(select(JournalEntry).where(JournalEntry.submission_id.is_not(None)))
    assert receipt.select_one(".journal-number").text == entry.journal_number
    submission = db.session.scalar(select(Submission))
    assert f"/innspill/{submission.id}" in receipt.select_one(".receipt a")["href"]

    paragraph_page = _page(client.get(f"/hoeringer/{consultation.slug}/p-1-1"))
    article = paragraph_page.select_one(f"#innspill-{submission.id}")
    assert "Olav Innbygger" in article.text
    assert article.find("strong", string="bra")
    assert "Støtter" in article.text
    show = _page(client.get(f"/hoeringer/{consultation.slug}/"))
    assert "1 innspill" in show.select_one("#p-1-1").text


def test_reply_and_endorse_without_javascript(client):
    consultation = make_consultation()
    author = make_user(name="Første Forfatter")
    reader = make_user()
    original = make_submission(consultation, author=author, body="Originalt innspill.")
    db.session.commit()
    login(client, reader)
    reply_url = f"/hoeringer/{consultation.slug}/innspill/{original.id}/svar"
    assert "Originalt innspill." in _page(client.get(reply_url)).select_one("blockquote").text
    response = _submit(client, reply_url, {"body": "Et svar."})
    assert response.status_code == 302

    paragraph_url = f"/hoeringer/{consultation.slug}/p-1-1"
    page = client.get(paragraph_url)
    html = page.get_data(as_text=True)
    thread = _page(page).select_one(f"#innspill-{original.id}").find_parent("li")
    assert thread.select_one("details.replies summary").text.strip() == "1 svar"
    assert "Et svar." in thread.select_one(".reply-list").text
    endorse = client.post(
        f"/hoeringer/{consultation.slug}/innspill/{original.id}/enig",
        data={"csrf_token": csrf_from(html), "next": paragraph_url},
    )
    assert endorse.status_code == 302
    article = _page(client.get(paragraph_url)).select_one(f"#innspill-{original.id}")
    assert "1 er enig" in article.text
    assert article.find("button", attrs={"aria-pressed": "true"})
    db.session.refresh(original)
    assert original.endorsement_count == 1


def test_refused_form_keeps_the_text_and_says_why(client):
    consultation = make_consultation()
    db.session.commit()
    login(client, make_user())
    url = f"/hoeringer/{consultation.slug}/skriv"
    long_text = "Dette er min tekst. " + "x" * 10_000
    response = _submit(client, url, {"body": long_text})
    assert response.status_code == 400
    page = _page(response)
    assert page.find("textarea", {"name": "body"}).text.strip() == long_text.strip()
    assert "Innspillet kan ha høyst" in page.find(id="body-error").text
    assert db.session.scalar(select(func.count(Submission.id))) == 0


def test_nul_byte_is_a_400_with_a_message(client):
    consultation = make_consultation()
    db.session.commit()
    login(client, make_user())
    response = _submit(client, f"/hoeringer/{consultation.slug}/skriv", {"body": "a\x00b"})
    assert response.status_code == 400
    assert "ugyldig tegn (NUL)" in response.get_data(as_text=True)


def test_personal_data_asks_before_sending_and_holds_if_confirmed(client):
    consultation = make_consultation()
    db.session.commit()
    login(client, make_user())
    url = f"/hoeringer/{consultation.slug}/p-1-1/skriv"
    body = "Mitt fødselsnummer er 13097248022."
    first = _submit(client, url, {"body": body})
    assert first.status_code == 422
    page = _page(first)
    assert page.select_one("#findings mark").text == "13097248022"
    assert page.find("textarea", {"name": "body"}).text.strip() == body
    assert db.session.scalar(select(func.count(Submission.id))) == 0
    fields = _form_fields(first.get_data(as_text=True))
    second = client.post(
        url, data={**fields, "speaker": "private", "body": body, "confirm_personal_data": "y"}
    )
    assert second.status_code == 302
    submission = db.session.scalar(select(Submission))
    assert submission.status == "pending"
    assert "13097248022" not in client.get(f"/hoeringer/{consultation.slug}/p-1-1").get_data(
        as_text=True
    )


def test_after_the_deadline_the_form_is_closed_with_409(client):
    consultation = make_consultation()
    consultation.deadline = utcnow() - timedelta(minutes=5)
    db.session.commit()
    login(client, make_user())
    url = f"/hoeringer/{consultation.slug}/p-1-1/skriv"
    page = client.get(url)
    assert page.status_code == 409
    assert "tar ikke imot innspill" in page.get_data(as_text=True)
    response = client.post(
        url, data={"csrf_token": csrf_from(page.get_data(as_text=True)), "body": "For sent"}
    )
    assert response.status_code == 409
    assert db.session.scalar(select(func.count(Submission.id))) == 0


def test_writing_needs_sign_in(client):
    consultation = make_consultation()
    db.session.commit()
    response = client.get(f"/hoeringer/{consultation.slug}/skriv")
    assert response.status_code == 302
    assert "/logg-inn" in response.headers["Location"]


def test_hostile_names_and_titles_are_inert_everywhere(client):
    hostile = '<img src=x onerror=alert(1)><script>alert("x")</script>'
    organisation = make_organisation(name=f"Org {hostile}")
    author = make_user(name=f"Navn {hostile}", organisations=[organisation])
    agency = make_agency(name=f"Etat {hostile}")
    consultation = make_consultation(title=f"Tittel {hostile}", agency=agency)
    submission = make_submission(
        consultation, author=author, organisation_id=organisation.id, body=f"Tekst {hostile}"
    )
    db.session.commit()
    for url in (
        "/hoeringer/",
        f"/hoeringer/{consultation.slug}/",
        f"/hoeringer/{consultation.slug}/p-1-1",
        f"/hoeringer/{consultation.slug}/innspill/{submission.id}",
    ):
        page = _page(client.get(url))
        assert not page.find("script", string=lambda s: s and "alert" in s), url
        assert not page.find("img"), url
        assert "Tittel <img" in page.get_text()


def _assert_inert(page, where):
    assert not page.find("script", string=lambda s: s and "alert" in s), where
    assert not page.find("img"), where


def test_hostile_organisation_name_is_text_in_the_speaker_choice(client):
    hostile = '<img src=x onerror=alert(1)><script>alert("x")</script>'
    organisation = make_organisation(name=f"Org {hostile}")
    author = make_user(name=f"Navn {hostile}", organisations=[organisation])
    consultation = make_consultation()
    parent = make_submission(consultation, body="Et innspill å svare på.")
    db.session.commit()
    login(client, author)
    for url in (
        f"/hoeringer/{consultation.slug}/p-1-1/skriv",
        f"/hoeringer/{consultation.slug}/skriv",
        f"/hoeringer/{consultation.slug}/innspill/{parent.id}/svar",
    ):
        page = _page(client.get(url))
        _assert_inert(page, url)
        options = [option.get_text() for option in page.select("select[name=speaker] option")]
        assert f"på vegne av Org {hostile}" in options, url


def test_hostile_agency_name_and_block_reason_are_text_in_refusals(client):
    hostile = '<img src=x onerror=alert(1)><script>alert("x")</script>'
    agency = make_agency(name=f"Etat {hostile}")
    consultation = make_consultation(agency=agency)
    employee = make_user(roles=[ROLE_CASE_OFFICER], agency=agency)
    blocked = make_user()
    blocked.blocked_until = utcnow() + timedelta(days=3)
    blocked.blocked_reason = f"Grunn {hostile}"
    db.session.commit()
    url = f"/hoeringer/{consultation.slug}/p-1-1/skriv"
    login(client, employee)
    response = _submit(client, url, {"body": "Jeg mener noe om dette."})
    page = _page(response)
    _assert_inert(page, "employee")
    assert f"Du er ansatt i Etat {hostile}." in page.get_text()
    client.post("/logg-ut", data={"csrf_token": csrf_from(client.get("/").get_data(as_text=True))})
    login(client, blocked)
    page = _page(_submit(client, url, {"body": "Jeg mener noe annet om dette."}))
    _assert_inert(page, "blocked")
    assert f"Begrunnelse: Grunn {hostile}" in page.get_text()
    assert db.session.scalar(select(func.count(Submission.id))) == 0


def test_organisation_representative_answers_no_comments_after_confirming(client):
    consultation = make_consultation()
    organisation = make_organisation(name="Testforeningen", org_number="921000006")
    from hoering.consultations.services import add_consultee

    add_consultee(consultation, "Testforeningen", "921000006")
    representative = make_user(organisations=[organisation])
    db.session.commit()
    login(client, representative)
    page = _page(client.get(f"/hoeringer/{consultation.slug}/"))
    # Beside the statement on the whole draft, near the top, not at the foot of the page.
    actions = page.select_one(".main-actions")
    link = actions.find("a", string=lambda s: s and "Ingen merknader" in s)
    assert link and "Testforeningen" in link.text
    question = client.get(link["href"])
    assert question.status_code == 200
    assert "Svare «Ingen merknader» for Testforeningen?" in _page(question).h1.text
    assert db.session.scalar(select(func.count(Submission.id))) == 0
    url = f"/hoeringer/{consultation.slug}/ingen-merknader"
    html = question.get_data(as_text=True)
    unconfirmed = client.post(
        url, data={"csrf_token": csrf_from(html), "organisasjon": organisation.id}
    )
    assert unconfirmed.status_code == 200
    assert db.session.scalar(select(func.count(Submission.id))) == 0
    response = client.post(
        url,
        data={"csrf_token": csrf_from(html), "organisasjon": organisation.id, "confirm": "ja"},
    )
    assert response.status_code == 302
    assert db.session.scalar(select(Submission.body)) == "Ingen merknader."
    table = _page(client.get(f"/hoeringer/{consultation.slug}/")).select_one("table")
    assert "Ingen merknader" in table.text


def test_no_comments_only_for_an_organisation_one_represents(client):
    consultation = make_consultation()
    organisation = make_organisation(name="Testforeningen", org_number="921000006")
    db.session.commit()
    login(client, make_user())
    url = f"/hoeringer/{consultation.slug}/ingen-merknader?organisasjon={organisation.id}"
    assert client.get(url).status_code == 404


def test_agency_employee_sees_own_account_box_and_badge(client):
    consultation = make_consultation()
    employee = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    db.session.commit()
    login(client, employee)
    url = f"/hoeringer/{consultation.slug}/skriv"
    refused = _submit(client, url, {"body": "Privat mening."})
    assert refused.status_code == 400
    assert "egen regning" in _page(refused).find(id="own_account-error").text
    accepted = _submit(client, url, {"body": "Privat mening.", "own_account": "y"})
    assert accepted.status_code == 302
    page = _page(client.get(f"/hoeringer/{consultation.slug}/"))
    assert page.find(class_="badge", string="Står for egen regning")


def test_unknown_consultation_paragraph_and_innspill_are_404_pages(client):
    consultation = make_consultation()
    draft = make_consultation(publish=False)
    db.session.commit()
    for url in (
        "/hoeringer/finnes-ikke/",
        f"/hoeringer/{consultation.slug}/p-99-1",
        f"/hoeringer/{consultation.slug}/innspill/999999",
        f"/hoeringer/{draft.slug}/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert _page(response).find("h1").text == "Siden finnes ikke"


def test_my_submissions_list_status_and_journal_number(client):
    consultation = make_consultation(moderation_mode="pre")
    author = make_user()
    make_submission(consultation, author=author)
    db.session.commit()
    login(client, author)
    row = _page(client.get("/mine-innspill")).select_one("li.my-submission")
    assert "Venter på moderator" in row.text
    entry = db.session.scalar(select(JournalEntry).where(JournalEntry.submission_id.is_not(None)))
    assert entry.journal_number in row.text


def test_case_officer_answers_for_the_agency_and_it_is_journaled(client):
    consultation = make_consultation()
    submission = make_submission(consultation, body="Et spørsmål.")
    officer = consultation.created_by
    citizen = make_user()
    db.session.commit()
    url = f"/hoeringer/{consultation.slug}/innspill/{submission.id}"

    login(client, citizen)
    assert not _page(client.get(url)).select_one(".agency-reply-form")
    forged = client.post(
        url,
        data={
            "csrf_token": csrf_from(client.get(url).get_data(as_text=True)),
            "body": "Falskt svar",
        },
    )
    assert forged.status_code == 403

    officer_client = client.application.test_client()
    login(officer_client, officer)
    empty = post_form(officer_client, url, {"body": ""})
    assert empty.status_code == 400
    assert "Skriv svaret" in _page(empty).find(id="body-error").text
    response = post_form(officer_client, url, {"body": "Takk, vi ser på det."})
    assert response.status_code == 302
    public = _page(client.get(url))
    assert "Takk, vi ser på det." in public.select_one(".agency-reply").text
    entry = db.session.scalar(select(JournalEntry).where(JournalEntry.agency_reply_id.is_not(None)))
    assert entry.title.startswith("Svar på innspill ")


def test_oversized_body_is_a_413_page(client):
    consultation = make_consultation()
    db.session.commit()
    login(client, make_user())
    url = f"/hoeringer/{consultation.slug}/skriv"
    response = client.post(url, data={"body": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413
    page = _page(response)
    assert page.find("h1").text == "For stor forespørsel"
    assert "for stort" in page.select_one("main").text
    assert db.session.scalar(select(func.count(Submission.id))) == 0
