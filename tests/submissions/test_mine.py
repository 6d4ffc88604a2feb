"""Mine innspill says which innspill is which and asks before withdrawing (issue 14, point 9)."""

from bs4 import BeautifulSoup

from hoering.extensions import db
from hoering.submissions.models import STATUS_WITHDRAWN
from tests.conftest import csrf_from
from tests.factories import make_consultation, make_submission, make_user


def _page(response):
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_each_innspill_says_kind_paragraph_first_words_and_links(signed_in, count_queries):
    consultation = make_consultation(title="Høring om klarspråk")
    author = make_user()
    comment = make_submission(
        consultation, author=author, anchor="p-1-1", body="Formålet bør nevne barn. " * 20
    )
    general = make_submission(consultation, author=author, general=True, body="Bra utkast.")
    reply = make_submission(consultation, author=author, parent=general, body="Enig med meg selv.")
    for n in range(5):
        make_submission(consultation, author=author, anchor="p-1-2", body=f"Nummer {n}.")
    db.session.commit()
    client = signed_in(author)
    with count_queries() as counter:
        page = _page(client.get("/mine-innspill"))
    items = {item["id"]: item for item in page.select("li.my-submission")}
    first = items[f"mitt-{comment.id}"]
    title = first.select_one("h2 a")
    assert title.get_text(" ", strip=True) == "Kommentar til § 1, avsnitt 1"
    assert title["href"].endswith(f"/innspill/{comment.id}")
    assert "Høring om klarspråk" in first.get_text()
    excerpt = first.select_one(".excerpt").text
    assert excerpt.startswith("Formålet bør nevne barn.") and excerpt.endswith("…")
    assert len(excerpt.split()) == 26
    assert "Uttalelse til hele utkastet" in items[f"mitt-{general.id}"].h2.text
    assert "Svar på et innspill" in items[f"mitt-{reply.id}"].h2.text
    # No table to scroll sideways on a phone; the paragraphs come in the same few queries.
    assert not page.select("main table")
    assert len(counter) <= 8, counter.statements


def test_withdrawing_asks_first_and_the_question_names_the_innspill(signed_in):
    consultation = make_consultation()
    author = make_user()
    submission = make_submission(consultation, author=author, body="Jeg angrer litt.")
    db.session.commit()
    client = signed_in(author)
    mine = _page(client.get("/mine-innspill"))
    assert not mine.select("main form")
    link = mine.find("a", string="Trekk tilbake")
    question = client.get(link["href"])
    assert question.status_code == 200
    page = _page(question)
    assert page.h1.text == "Vil du trekke tilbake innspillet?"
    assert "Jeg angrer litt." in page.select_one("blockquote").text
    assert "Kommentar til § 1, avsnitt 1" in page.get_text()
    token = csrf_from(question.get_data(as_text=True))
    unconfirmed = client.post(link["href"], data={"csrf_token": token})
    assert unconfirmed.status_code == 303
    db.session.refresh(submission)
    assert submission.status == "published"
    confirmed = client.post(link["href"], data={"csrf_token": token, "confirm": "ja"})
    assert confirmed.status_code == 302
    db.session.refresh(submission)
    assert submission.status == STATUS_WITHDRAWN


def test_someone_else_cannot_open_the_question(signed_in):
    consultation = make_consultation()
    submission = make_submission(consultation)
    db.session.commit()
    other = signed_in(make_user())
    assert other.get(f"/mine-innspill/{submission.id}/trekk-tilbake").status_code == 404
