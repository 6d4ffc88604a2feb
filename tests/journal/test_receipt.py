"""The receipt and the author's own list show the journal number."""

from __future__ import annotations

from bs4 import BeautifulSoup

from hoering.extensions import db
from hoering.journal.services import entry_for_submission
from tests.conftest import login
from tests.factories import make_consultation, make_submission, make_user


def test_receipt_and_my_list_show_the_journal_number(client):
    consultation = make_consultation()
    author = make_user()
    submission = make_submission(consultation, author=author)
    number = entry_for_submission(submission.id).journal_number
    db.session.commit()
    login(client, author)

    receipt = client.get(f"/hoeringer/{consultation.slug}/innspill/{submission.id}/kvittering")
    soup = BeautifulSoup(receipt.get_data(as_text=True), "html.parser")
    assert soup.select_one("dd.journal-number").get_text(strip=True) == number

    mine = BeautifulSoup(client.get("/mine-innspill").get_data(as_text=True), "html.parser")
    assert number in [dd.get_text(strip=True) for dd in mine.select(".my-submission dd")]
