"""A paragraph page does less work (issue 14, point 16): fewer statements, the right index,
and links and labels made once per list instead of once per innspill."""

from bs4 import BeautifulSoup
from flask import url_for
from sqlalchemy import event

from hoering.extensions import db
from hoering.submissions import queries
from tests.conftest import login
from tests.factories import make_consultation, make_submission, make_user, paragraph


def test_a_paragraph_page_with_innspill_takes_four_statements(client, count_queries):
    consultation = make_consultation()
    for n in range(25):
        make_submission(consultation, body=f"Innspill {n}.")
    db.session.commit()
    url = f"/hoeringer/{consultation.slug}/p-1-1"
    client.get(url)
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200
    # The consultation, the paragraph in every version, the page of innspill, agency answers.
    assert len(counter) == 4, counter.statements


def test_the_page_of_innspill_walks_the_paragraphs_own_index(app):
    if db.engine.dialect.name != "sqlite":
        return  # PostgreSQL's planner has statistics; the point is SQLite without them
    consultation = make_consultation()
    make_submission(consultation)
    db.session.commit()
    seen = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        page = queries.paragraph_page(
            [paragraph(consultation).id], after=None, size=20, viewer=None
        )
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)
    assert len(page.threads) == 1
    statement, parameters = next((s, p) for s, p in seen if "FROM submissions" in s)
    connection = db.session.connection().connection.driver_connection
    plan = " ".join(
        str(row) for row in connection.execute("EXPLAIN QUERY PLAN " + statement, parameters)
    )
    assert "ix_submissions_paragraph_listing" in plan, plan


def test_links_in_the_list_are_the_routes_own(client):
    consultation = make_consultation()
    author = make_user()
    submission = make_submission(consultation, body="Et innspill.")
    db.session.commit()
    login(client, author)
    page = BeautifulSoup(
        client.get(f"/hoeringer/{consultation.slug}/p-1-1").get_data(as_text=True), "html.parser"
    )
    article = page.select_one(f"#innspill-{submission.id}")
    hrefs = {a.get_text(" ", strip=True): a["href"] for a in article.select("a")}
    with client.application.test_request_context():
        slug, sid = consultation.slug, submission.id
        assert hrefs["Lenke til innspillet"] == url_for(
            "submissions.show", slug=slug, submission_id=sid
        )
        assert hrefs["Svar"] == url_for("submissions.write_reply", slug=slug, submission_id=sid)
        assert hrefs["Rapporter innspillet"] == url_for(
            "reports.report", slug=slug, submission_id=sid
        )
        assert article.select_one("form")["action"] == url_for(
            "submissions.endorse", slug=slug, submission_id=sid
        )
