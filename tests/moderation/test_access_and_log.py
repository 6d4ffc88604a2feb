"""Only the owning agency's moderators (and admins) see the queue, reports and log, or act."""

from __future__ import annotations

import csv
import io

import pytest
from bs4 import BeautifulSoup

from hoering.accounts.models import ROLE_ADMIN, ROLE_CASE_OFFICER
from hoering.consultations.models import MODE_POST
from hoering.extensions import db
from hoering.journal.services import entry_for_submission
from hoering.moderation import services as moderation
from hoering.moderation.models import ModerationAction
from hoering.submissions.models import STATUS_PUBLISHED
from tests.conftest import csrf_from
from tests.factories import make_submission, make_user
from tests.moderation.conftest import act

HOSTILE = (
    '<script>alert("x")</script><img src=x onerror=alert(1)> '
    "[klikk](javascript:alert(1)) <b><i>nested</b></i> '; DROP TABLE submissions; -- "
    "null\u200bbredde\u200d og \u202eomvendt\u202c \x07bjelle"
)


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


@pytest.fixture
def reported(setting):
    consultation, moderator, _outsider = setting
    submission = make_submission(consultation, body="Rapportert innspill.")
    moderation.report(submission, reason="spam", note="", user=None, address="10.1.1.1")
    moderation.moderate(
        submission,
        moderation.Decision(action="approve", version=submission.moderation_version),
        by=moderator,
    )
    db.session.commit()
    return submission


def _endpoints(submission):
    item = f"/admin/moderering/innspill/{submission.id}"
    slug = submission.consultation.slug
    return [
        ("GET", item),
        ("POST", f"{item}/godkjenn"),
        ("POST", f"{item}/skjul"),
        ("POST", f"{item}/sladd"),
        ("POST", f"{item}/avvis"),
        ("POST", f"{item}/utenfor-tema"),
        ("POST", f"{item}/blokker"),
        ("GET", f"/admin/moderering/?hoering={slug}"),
        ("GET", f"/admin/moderering/logg?hoering={slug}"),
        ("GET", f"/admin/moderering/logg/eksport?hoering={slug}"),
    ]


def _call(client, method, url):
    if method == "GET":
        return client.get(url)
    token = csrf_from(client.get("/").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, "godkjenn-version": "1"})


def test_a_moderator_of_another_agency_gets_403_everywhere(signed_in, setting, reported):
    _consultation, _moderator, outsider = setting
    client = signed_in(outsider)
    for method, url in _endpoints(reported):
        assert _call(client, method, url).status_code == 403, (method, url)
    # A guessed id that does not exist is no different.
    assert client.get("/admin/moderering/innspill/999999").status_code == 403
    # Their own queue and log are open to them, but show nothing of the other agency.
    queue = _soup(client.get("/admin/moderering/"))
    assert "Rapportert innspill." not in queue.get_text()
    assert not _soup(client.get("/admin/moderering/logg")).select(".log-row")
    export = client.get("/admin/moderering/logg/eksport").text.lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(export), delimiter=";"))
    assert len(rows) == 1, rows  # the header only
    db.session.refresh(reported)
    assert reported.moderation_version == 1  # nothing happened


@pytest.mark.parametrize("role", [None, ROLE_CASE_OFFICER])
def test_people_without_the_moderator_role_get_403(signed_in, setting, reported, role):
    consultation, _moderator, _outsider = setting
    user = make_user(roles=[role] if role else [], agency=consultation.agency)
    db.session.commit()
    client = signed_in(user)
    for method, url in [
        *_endpoints(reported),
        ("GET", "/admin/moderering/"),
        ("GET", "/admin/moderering/logg"),
    ]:
        assert _call(client, method, url).status_code == 403, (method, url)


def test_anonymous_visitors_are_sent_to_sign_in(client, reported):
    response = client.get(f"/admin/moderering/innspill/{reported.id}")
    assert response.status_code == 302
    assert "/logg-inn" in response.headers["Location"]


def test_an_admin_moderates_every_agency(signed_in, setting, reported):
    admin = make_user(roles=[ROLE_ADMIN])
    db.session.commit()
    client = signed_in(admin)
    assert client.get(f"/admin/moderering/innspill/{reported.id}").status_code == 200
    assert client.get("/admin/moderering/innspill/999999").status_code == 404
    assert act(client, reported, "utenfor-tema").status_code == 302


def test_the_item_shows_context_findings_and_reports(signed_in, setting):
    consultation, moderator, _outsider = setting
    parent = make_submission(consultation, body="Foreldreinnspillet.")
    submission = make_submission(
        consultation,
        parent=parent,
        body="Svar med e-post ola@example.no.",
        confirm_personal_data=True,
    )
    db.session.commit()
    submission.status = STATUS_PUBLISHED  # as if approved, so it can be reported
    submission.published_at = submission.created_at
    moderation.report(
        submission, reason="personal_data", note="<b>e-post</b>", user=None, address="10.9.9.9"
    )
    db.session.commit()
    page = _soup(signed_in(moderator).get(f"/admin/moderering/innspill/{submission.id}"))
    text = page.get_text()
    assert "Loven skal sikre deltakelse." in text  # the paragraph
    assert "Foreldreinnspillet." in text  # the thread
    assert [m.get_text() for m in page.select("#original-text mark")] == ["ola@example.no"]
    report_text = page.select_one(".report-text")
    assert report_text.get_text() == "<b>e-post</b>"
    assert report_text.find("b") is None
    assert "Personopplysninger" in page.select_one(".report-row").get_text()


def test_hostile_text_is_stored_exactly_and_shown_inert_in_the_queue(signed_in, setting):
    consultation, moderator, _outsider = setting
    consultation.moderation_mode = MODE_POST  # so both are in the queue
    submission = make_submission(consultation, body=HOSTILE)
    huge = make_submission(consultation, body="ord " * 2400)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(type(submission), submission.id).body == HOSTILE

    client = signed_in(moderator)
    for url in ("/admin/moderering/", f"/admin/moderering/innspill/{submission.id}"):
        response = client.get(url)
        assert response.status_code == 200
        soup = _soup(response)
        assert not [s for s in soup.select("script") if not s.get("src")]
        assert not soup.select("img")
        assert not [
            tag for tag in soup.find_all(True) if any(a.startswith("on") for a in tag.attrs)
        ]
        assert not [a for a in soup.select("a[href]") if a["href"].lower().startswith("javascript")]
        assert '<script>alert("x")</script>' in soup.get_text()  # shown as text
    original = _soup(client.get(f"/admin/moderering/innspill/{submission.id}"))
    assert original.select_one("#original-text").get_text() == HOSTILE
    assert client.get(f"/admin/moderering/innspill/{huge.id}").status_code == 200


def test_public_pages_show_privatperson_and_the_journal_keeps_the_name(client, setting):
    consultation, _moderator, _outsider = setting
    author = make_user(name="Hemmelig Navnesen")
    submission = make_submission(consultation, author=author, hide_name=True, body="Anonymt.")
    db.session.commit()
    for url in (
        f"/hoeringer/{consultation.slug}/p-1-1",
        f"/hoeringer/{consultation.slug}/innspill/{submission.id}",
        f"/hoeringer/{consultation.slug}/innspill/{submission.id}/rapporter",
    ):
        text = client.get(url).get_data(as_text=True)
        assert "Hemmelig Navnesen" not in text, url
        assert "Privatperson" in text, url
    entry = entry_for_submission(submission.id)
    assert entry.correspondent_name == "Hemmelig Navnesen"
    assert entry.screened_name


def test_the_log_page_and_csv_export(signed_in, setting, reported):
    consultation, moderator, _outsider = setting
    other = make_submission(consultation)
    db.session.commit()
    client = signed_in(moderator)
    act(client, other, "skjul", category="other", reason='=HYPERLINK("http://x")')

    rows = _soup(client.get("/admin/moderering/logg")).select(".log-row")
    assert len(rows) == 2
    assert "Skjult" in rows[0].get_text()
    assert rows[0].select("td")[-1].get_text(strip=True) == "publisert → skjult"
    assert "Mona Moderator" in rows[0].get_text()

    response = client.get(f"/admin/moderering/logg/eksport?hoering={consultation.slug}")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.get_data(as_text=True).startswith("\ufeff")  # opens right in Excel
    text = response.get_data(as_text=True).lstrip("\ufeff")
    header, *lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert header[:5] == ["id", "tidspunkt", "hoering", "innspill", "handling"]
    assert [line[4] for line in lines] == ["Skjult", "Godkjent"]
    assert lines[0][5] == "Annet"
    assert lines[0][8] == "publisert → skjult"
    assert lines[0][6] == '\'=HYPERLINK("http://x")'  # never run as a formula
    assert lines[0][7] == "Mona Moderator"
    assert db.session.scalar(db.select(db.func.count(ModerationAction.id))) == 2


def test_queue_filters(signed_in, setting):
    consultation, moderator, _outsider = setting
    spam = make_submission(consultation, body="spam")
    rude = make_submission(consultation, body="frekt")
    moderation.report(spam, reason="spam", note="", user=None, address="1.1.1.1")
    moderation.report(rude, reason="harassment", note="", user=None, address="1.1.1.1")
    db.session.commit()
    client = signed_in(moderator)

    def ids(query):
        soup = _soup(client.get(f"/admin/moderering/?{query}"))
        return [a.get_text(strip=True) for a in soup.select(".queue-item h3 a")]

    assert ids("grunn=spam") == [f"Innspill {spam.id}"]
    assert ids("grunn=harassment&alder=dogn") == [f"Innspill {rude.id}"]
    assert ids("alder=eldre") == []
    assert len(ids(f"hoering={consultation.slug}")) == 2
    assert client.get("/admin/moderering/?grunn=tull").status_code == 400
    assert client.get("/admin/moderering/?alder=1%27--").status_code == 400
