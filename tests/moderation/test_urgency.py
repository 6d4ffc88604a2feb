"""The queue puts the urgent first (issue 14, point 11)."""

from __future__ import annotations

from bs4 import BeautifulSoup

from hoering.extensions import db
from hoering.moderation import services as moderation
from tests.factories import make_submission

FNR = "13097248022"


def _queue(client) -> list[str]:
    soup = BeautifulSoup(client.get("/admin/moderering/").get_data(as_text=True), "html.parser")
    return [a.get_text(strip=True) for a in soup.select(".queue-item h3 a")]


def test_held_personal_data_and_reports_come_before_the_rest(signed_in, setting):
    consultation, moderator, _outsider = setting
    consultation.moderation_mode = "post"  # everything is queued
    plain_old = make_submission(consultation, body="Et vanlig innspill.")
    spam = make_submission(consultation, body="Kjøp nå.")
    plain_new = make_submission(consultation, body="Enda et vanlig innspill.")
    named = make_submission(consultation, body="Naboen min heter Per Hansen.")
    held = make_submission(consultation, body=f"Mitt nummer er {FNR}.", confirm_personal_data=True)
    moderation.report(spam, reason="spam", note="", user=None, address="1.1.1.1")
    moderation.report(named, reason="personal_data", note="", user=None, address="1.1.1.2")
    db.session.commit()
    order = _queue(signed_in(moderator))
    assert order == [
        f"Innspill {named.id}",  # reported as personal data (older than the held one)
        f"Innspill {held.id}",  # held for personal data found when it was sent
        f"Innspill {spam.id}",  # reported
        f"Innspill {plain_old.id}",
        f"Innspill {plain_new.id}",
    ]
