"""submit() does no work twice (issue 14, point 15): one look-up for an earlier twin, the rest
writes, all in the caller's one transaction."""

from babel import support
from sqlalchemy import event

from hoering.db import is_sqlite
from hoering.extensions import db
from hoering.journal.services import entry_for_submission
from hoering.submissions import services
from hoering.web import WTFORMS_TRANSLATIONS
from tests.conftest import login, post_form
from tests.factories import make_consultation, make_submission, make_user, paragraph


def _statements(count_queries, call):
    with count_queries() as counter:
        result = call()
    statements = [" ".join(s.split()).upper() for s in counter.statements]
    return result, [s for s in statements if not s.startswith("BEGIN")]


def test_one_query_looks_for_the_same_form_and_the_same_text(count_queries):
    consultation = make_consultation()
    author = make_user()
    make_submission(consultation, author=author, body="Et tidligere innspill.")
    db.session.commit()
    # Loaded as a request has them loaded: the view and the sign-in read these before submit().
    target = paragraph(consultation)
    assert consultation.agency and author.roles is not None and author.organisations is not None
    data = services.SubmissionData(body="Et nytt innspill.", form_token="f" * 32)
    submission, statements = _statements(
        count_queries,
        lambda: services.submit(consultation, data, author=author, paragraph=target),
    )
    lookups = [s for s in statements if s.startswith("SELECT") and "FROM SUBMISSIONS" in s]
    assert len(lookups) == 1, lookups
    writes = [
        " ".join(s.split()[:3:2] if s.startswith("INSERT") else s.split()[:2])
        for s in statements
        if not s.startswith("SELECT")
    ]
    assert writes == [
        "INSERT SUBMISSIONS",
        "UPDATE CONSULTATIONS",
        "UPDATE PARAGRAPHS",
        "UPDATE JOURNAL_COUNTERS",
        "INSERT JOURNAL_ENTRIES",
        "UPDATE JOURNAL_COUNTERS",
    ]
    assert len(statements) == 8, statements
    # The receipt e-mail joins the same transaction when the caller commits.
    _, at_commit = _statements(count_queries, db.session.commit)
    assert [s.split()[2] for s in at_commit if s.startswith("INSERT")] == ["OUTBOX_MESSAGES"]
    assert entry_for_submission(submission.id) is not None


def test_the_same_form_again_returns_the_first_innspill_and_stores_nothing(count_queries):
    consultation = make_consultation()
    author = make_user()
    first = make_submission(consultation, author=author, form_token="t" * 32, body="Hei.")
    db.session.commit()
    data = services.SubmissionData(body="Hei.", form_token="t" * 32)
    again, statements = _statements(
        count_queries,
        lambda: services.submit(
            consultation, data, author=author, paragraph=paragraph(consultation)
        ),
    )
    assert again.id == first.id
    assert not [s for s in statements if s.startswith(("INSERT", "UPDATE"))]


def test_someone_elses_form_token_is_refused():
    consultation = make_consultation()
    first = make_submission(consultation, form_token="t" * 32, body="Hei.")
    db.session.commit()
    data = services.SubmissionData(body="Hei.", form_token="t" * 32)
    other = make_user()
    try:
        services.submit(consultation, data, author=other, paragraph=paragraph(consultation))
    except services.ConflictError:
        pass
    else:
        raise AssertionError("another person's form token was accepted")
    assert db.session.get(services.Submission, first.id).author_id != other.id


def test_on_sqlite_the_insert_needs_no_savepoint(app):
    """The write lock is held from BEGIN IMMEDIATE, so the look-up already saw any twin."""
    if not is_sqlite():
        return  # PostgreSQL writers can race: there the insert keeps its savepoint
    consultation = make_consultation()
    author = make_user()
    db.session.commit()
    sent = []

    def remember(conn, cursor, statement, *rest):
        sent.append(statement.split()[0].upper())

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        data = services.SubmissionData(body="Uten savepoint.", form_token="s" * 32)
        services.submit(consultation, data, author=author, paragraph=paragraph(consultation))
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    assert "INSERT" in sent
    assert "SAVEPOINT" not in sent


def test_a_post_reads_no_translation_catalog_from_disk(app, client, monkeypatch):
    """WTForms' messages come from a catalog read once per process, not once per request."""
    consultation = make_consultation()
    author = make_user()
    db.session.commit()
    login(client, author)
    url = f"/hoeringer/{consultation.slug}/p-1-1/skriv"
    assert post_form(client, url, {"body": "Først.", "speaker": "private"}).status_code == 302
    loads = []
    real_load = support.Translations.load.__func__

    def load(cls, *args, **kwargs):
        loads.append(args)
        return real_load(cls, *args, **kwargs)

    monkeypatch.setattr(support.Translations, "load", classmethod(load))
    response = post_form(client, url, {"body": "Så et til.", "speaker": "private"})
    assert response.status_code == 302
    assert loads == []
    with app.test_request_context("/"):
        assert WTFORMS_TRANSLATIONS.ugettext("This field is required.") == (
            "Dette feltet er påkrevd."
        )
