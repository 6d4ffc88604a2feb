"""At 20,000 innspill the behandling page, each of its filters, the campaign list and the
overview stay at a few SQL queries."""

from __future__ import annotations

from sqlalchemy import select

from hoering.accounts.models import ROLE_CASE_OFFICER
from hoering.analysis import services
from hoering.extensions import db
from hoering.submissions.models import Submission
from tests.factories import make_consultation, make_user
from tests.test_scale import MAX_QUERIES, _big_draft, _bulk_innspill


def test_the_behandling_page_takes_a_constant_number_of_queries(signed_in, count_queries):
    consultation = make_consultation(draft=_big_draft())
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    _bulk_innspill(consultation, [make_user() for _ in range(3)])
    theme = services.create_theme(consultation, "Økonomi", "", by=officer)
    ids = db.session.scalars(select(Submission.id).limit(500)).all()
    services.tag(consultation, theme, ids, by=officer)
    services.set_processing(consultation, ids[:200], by=officer, status="done")
    db.session.commit()
    client = signed_in(officer)
    base = f"/admin/hoeringer/{consultation.slug}/behandling"
    urls = [
        base,
        f"{base}?etter={ids[100]}",
        f"{base}?tema={theme.id}",
        f"{base}?status=done",
        f"{base}?kampanje=nei",
        f"{base}?saksbehandler=ingen",
        f"{base}?q=nummer",
        f"{base}?del=1&respondent=private&invitert=nei&standpunkt=ingen&type=paragraph",
        f"{base}?avsnitt=p-1-1&organisasjon=forening",
        f"/admin/hoeringer/{consultation.slug}/oversikt",
        f"/admin/hoeringer/{consultation.slug}/kampanjer",
    ]
    figures = {}
    for url in urls:
        with count_queries() as counter:
            response = client.get(url)
        assert response.status_code == 200, url
        figures[url] = len(counter)
    print(figures)
    assert all(n <= MAX_QUERIES for n in figures.values()), figures
    page = client.get(base).get_data(as_text=True)
    assert "200 av 20\xa0000 vurdert" in page or "200 av 20 000 vurdert" in page
