"""The overview: per paragraph, consultees, per day, campaigns and themes; CSV and JSON agree."""

from __future__ import annotations

import json

from bs4 import BeautifulSoup

from hoering.accounts.models import ROLE_CASE_OFFICER, ROLE_MODERATOR
from hoering.analysis import services
from hoering.consultations import services as consultations
from hoering.extensions import db
from tests.factories import make_consultation, make_submission, make_user

LETTER = (
    "Vi ber departementet trekke forslaget om å flytte fødeavdelingen. Avstandene i fylket er "
    "for store, og tryggheten for fødende må komme foran innsparinger i helseforetaket."
)


def test_the_overview_shows_the_figures_in_html_csv_and_json(signed_in):
    consultation = make_consultation()
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    consultations.add_consultee(consultation, "Fjordvik kommune", "987654325")
    copies = [
        make_submission(
            consultation, anchor="p-1-1", position="oppose", body=f"Hei {i}.\n\n{LETTER}"
        )
        for i in range(3)
    ]
    make_submission(consultation, anchor="p-1-1", position="support", body="Bra forslag.")
    make_submission(consultation, general=True, body="Til hele utkastet.")
    theme = services.create_theme(consultation, "Avstand", "", by=officer)
    services.tag(consultation, theme, [copies[0].id, copies[1].id], by=officer)
    db.session.commit()
    client = signed_in(officer)
    base = f"/admin/hoeringer/{consultation.slug}/oversikt"

    page = BeautifulSoup(client.get(base).data, "html.parser")
    row = next(tr for tr in page.select("table.heatmap tbody tr") if "p-1-1" in tr.th.get_text())
    cells = [td.get_text(strip=True) for td in row.select("td")]
    assert cells[:5] == ["4", "1", "3", "0", "0"]
    assert "heat-4" in row.select_one("td")["class"]
    assert page.select_one("svg.day-chart rect title").get_text().endswith(": 5")
    assert "Har ikke svart" in page.get_text()

    figures = json.loads(client.get(f"{base}.json").data)
    assert figures["general"] == 1
    assert figures["campaigns"] == {
        "innspill": 5,
        "in_campaigns": 3,
        "campaigns": 1,
        "distinct_texts": 3,
    }
    assert figures["themes"] == [{"name": "Avstand", "innspill": 2}]
    assert figures["consultees"] == [{"name": "Fjordvik kommune", "answer": "none"}]
    assert sum(d["innspill"] for d in figures["per_day"]) == 5

    table = client.get(f"{base}.csv").get_data(as_text=True)
    assert "paragraph;p-1-1;position:oppose;3" in table
    assert "campaigns;;distinct_texts;3" in table

    moderator = make_user(roles=[ROLE_MODERATOR], agency=consultation.agency)
    db.session.commit()
    for url in (base, f"{base}.json", f"{base}.csv"):
        assert signed_in(moderator).get(url).status_code == 403


def test_the_overview_stays_at_a_few_queries(signed_in, count_queries):
    consultation = make_consultation()
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    for i in range(30):
        make_submission(consultation, anchor="p-1-2", body=f"Innspill {i} om saken her.")
    db.session.commit()
    client = signed_in(officer)
    with count_queries() as counter:
        assert client.get(f"/admin/hoeringer/{consultation.slug}/oversikt").status_code == 200
    assert len(counter) <= 10
