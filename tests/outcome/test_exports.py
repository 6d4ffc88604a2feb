"""The case officer's CSV and JSON exports carry the disposition that applies and the assessment."""

from __future__ import annotations

import csv
import io
import json

from hoering.accounts.models import ROLE_CASE_OFFICER
from hoering.analysis import services as analysis
from hoering.extensions import db
from hoering.outcome import services
from tests.factories import make_consultation, make_submission, make_user


def test_exports_carry_disposition_and_assessment(signed_in, count_queries):
    consultation = make_consultation()
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    tagged, own, plain = (
        make_submission(consultation, body=f"Innspill {n}.") for n in ("en", "to", "tre")
    )
    theme = analysis.create_theme(consultation, "Frister", "", by=officer)
    db.session.flush()
    analysis.tag(consultation, theme, [tagged.id, own.id], by=officer)
    services.record_disposition(
        consultation, "tema", theme.id, decision="rejected", assessment="Nei, fordi.", by=officer
    )
    services.record_disposition(
        consultation, "innspill", own.id, decision="accepted", assessment="", by=officer
    )
    db.session.commit()
    client = signed_in(officer)
    exported = json.loads(client.get(f"/admin/hoeringer/{consultation.slug}/innspill.json").data)
    rows = {row["id"]: row for row in exported["innspill"]}
    assert (rows[tagged.id]["disposition"], rows[tagged.id]["assessment"]) == (
        "rejected",
        "Nei, fordi.",
    )
    assert (rows[own.id]["disposition"], rows[own.id]["assessment"]) == ("accepted", "")
    assert (rows[plain.id]["disposition"], rows[plain.id]["assessment"]) == (None, None)
    table = client.get(f"/admin/hoeringer/{consultation.slug}/innspill.csv").get_data(as_text=True)
    lines = {
        r["Innspill-id"]: r
        for r in csv.DictReader(io.StringIO(table.lstrip("\ufeff")), delimiter=";")
    }
    assert lines[str(tagged.id)]["Utfall"] == "Ikke tatt til følge"
    assert lines[str(tagged.id)]["Direktoratets vurdering"] == "Nei, fordi."
    assert lines[str(plain.id)]["Utfall"] == ""
    with count_queries() as counter:
        services.effective(consultation)
    assert len(counter) <= 3
