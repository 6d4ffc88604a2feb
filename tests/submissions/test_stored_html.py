"""Innspill are rendered once, when stored (issue 14, point 1): pages and feeds show the kept
HTML, so no text, however hostile, costs Markdown parsing while a page is served."""

import time

import pytest
from bs4 import BeautifulSoup
from flask_migrate import downgrade, upgrade
from sqlalchemy import update

from hoering import text
from hoering.accounts.models import ROLE_CASE_OFFICER, ROLE_MODERATOR
from hoering.extensions import db
from hoering.moderation import services as moderation
from hoering.submissions import services
from hoering.submissions.models import AgencyReply, Submission
from tests.factories import make_consultation, make_submission, make_user

# Twenty shapes that cost Python-Markdown seconds each, under the link limit, 10,000 long.
WORST = [
    "[" * 10_000,
    "(" * 10_000,
    "![" * 5_000,
    "<" * 10_000,
    "*" * 10_000,
    "_" * 10_000,
    "`" * 10_000,
    "> " * 5_000,
    "\n".join("  " * depth + "- punkt" for depth in range(1_200)),
    "[a](" * 5 + "[" * 9_980,
    "]" * 10_000,
    "[]" * 5_000,
    "*_" * 5_000,
    "<a" * 5_000,
    "\\[" * 5_000,
    "&" * 10_000,
    "- " * 5_000,
    "1. " * 3_333,
    "> - " * 2_500,
    "~" * 10_000,
]


@pytest.fixture
def rendered(monkeypatch):
    """The sources Markdown is parsed for (render_markdown's memo emptied, so none is hidden)."""
    sources = []
    parser = text._MARKDOWN

    class Spy:
        def render(self, source):
            sources.append(source)
            return parser.render(source)

    def plain(source):
        sources.append(source)
        return original_plain(source)

    original_plain = text._plain_paragraphs
    monkeypatch.setattr(text, "_MARKDOWN", Spy())
    monkeypatch.setattr(text, "_plain_paragraphs", plain)
    text.render_markdown.cache_clear()
    return sources


def _worst_innspill(consultation, count=20):
    made = []
    for n in range(count):
        body = WORST[n % len(WORST)][: 10_000 - 9] + f"\n\nnr {n:04d}"
        made.append(make_submission(consultation, body=body))
    return made


def test_a_page_of_twenty_worst_case_innspill_renders_no_markdown(client, rendered):
    consultation = make_consultation()
    made = _worst_innspill(consultation)
    db.session.commit()
    assert len(rendered) == len(made)  # each rendered once, when it was stored
    rendered.clear()
    text.render_markdown.cache_clear()

    started = time.process_time()
    response = client.get(f"/hoeringer/{consultation.slug}/p-1-1")
    spent = time.process_time() - started

    assert response.status_code == 200
    bodies = {s.body for s in made}
    assert not [source for source in rendered if source in bodies]
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    for n, submission in enumerate(made):
        shown = page.select_one(f"#innspill-{submission.id} .submission-body").get_text()
        assert f"nr {n:04d}" in shown
    assert "[" * 100 in page.select_one(f"#innspill-{made[0].id}").get_text()
    # The whole page, twenty worst cases included, costs what a page of plain innspill does.
    assert spent < 2, spent


def test_the_feed_and_the_innspill_page_render_no_markdown(client, rendered):
    consultation = make_consultation()
    [first] = _worst_innspill(consultation, count=1)
    db.session.commit()
    rendered.clear()
    text.render_markdown.cache_clear()

    feed = client.get(f"/atom/hoeringer/{consultation.slug}/innspill")
    shown = client.get(f"/hoeringer/{consultation.slug}/innspill/{first.id}")

    assert feed.status_code == 200 and shown.status_code == 200
    assert "nr 0000" in feed.get_data(as_text=True)
    assert "nr 0000" in shown.get_data(as_text=True)
    assert first.body not in rendered


def test_pages_and_feeds_show_the_html_kept_on_the_row(client):
    consultation = make_consultation()
    submission = make_submission(consultation, body="Et *viktig* innspill.")
    db.session.commit()
    assert submission.body_html == "<p>Et <em>viktig</em> innspill.</p>\n"
    # What is shown comes from the column, not from rendering the text again.
    db.session.execute(
        update(Submission)
        .where(Submission.id == submission.id)
        .values(body_html="<p>Fra kolonnen.</p>")
    )
    db.session.commit()
    for url in (
        f"/hoeringer/{consultation.slug}/p-1-1",
        f"/hoeringer/{consultation.slug}/innspill/{submission.id}",
        f"/atom/hoeringer/{consultation.slug}/innspill",
    ):
        page = client.get(url).get_data(as_text=True)
        assert "Fra kolonnen." in page, url
        assert "viktig" not in page.replace("Et *viktig* innspill.", ""), url


def test_a_redaction_stores_the_public_html_and_keeps_the_original(client):
    consultation = make_consultation()
    moderator = make_user(roles=[ROLE_MODERATOR], agency=consultation.agency)
    submission = make_submission(consultation, body="Spør **Kari** om saken.")
    db.session.commit()
    start = submission.body.index("**Kari**")
    moderation.moderate(
        submission,
        moderation.Decision(
            action=moderation.ACTION_REDACT,
            version=submission.moderation_version,
            spans=[(start, start + len("**Kari**"))],
        ),
        by=moderator,
    )
    db.session.commit()
    stored = db.session.get(Submission, submission.id)
    assert stored.public_body_html == "<p>Spør [sladdet] om saken.</p>\n"
    assert stored.body_html == "<p>Spør <strong>Kari</strong> om saken.</p>\n"
    page = client.get(f"/hoeringer/{consultation.slug}/p-1-1").get_data(as_text=True)
    assert "Spør [sladdet] om saken." in page
    assert "Kari" not in page


def test_an_agency_reply_keeps_its_html(client):
    consultation = make_consultation()
    submission = make_submission(consultation, body="Et spørsmål.")
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    services.reply_as_agency(submission, "Se **punkt 3**.", by=officer)
    db.session.commit()
    reply = db.session.scalar(db.select(AgencyReply))
    assert reply.body_html == "<p>Se <strong>punkt 3</strong>.</p>\n"
    db.session.execute(update(AgencyReply).values(body_html="<p>Svar fra kolonnen.</p>"))
    db.session.commit()
    page = client.get(f"/hoeringer/{consultation.slug}/p-1-1").get_data(as_text=True)
    assert "Svar fra kolonnen." in page


def test_the_migration_renders_the_innspill_already_stored(app):
    consultation = make_consultation()
    submission = make_submission(consultation, body="Allerede *lagret*.")
    submission.public_body = "Allerede [sladdet]."
    db.session.commit()
    submission_id = submission.id
    db.session.remove()
    downgrade(revision="8d4b2f6a1c93-1")  # to just before the stored-HTML migration
    upgrade()
    stored = db.session.get(Submission, submission_id)
    assert stored.body_html == "<p>Allerede <em>lagret</em>.</p>\n"
    assert stored.public_body_html == "<p>Allerede [sladdet].</p>\n"
