"""The innspill exports carry campaign, themes, processing status and case officer; the command
and the JSON export show the same groups."""

from __future__ import annotations

import csv
import io
import json

from hoering.accounts.models import ROLE_CASE_OFFICER
from hoering.analysis import services
from hoering.extensions import db
from tests.factories import make_consultation, make_submission, make_user

LETTER = (
    "Vi ber departementet trekke forslaget om å flytte fødeavdelingen. Avstandene i fylket er "
    "for store, og tryggheten for fødende må komme foran innsparinger i helseforetaket."
)


def test_exports_carry_the_case_officers_work(signed_in, runner):
    consultation = make_consultation()
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency, name="Siri Saksbeh")
    copies = [
        make_submission(consultation, general=True, body=f"Hilsen {i}.\n\n{LETTER}")
        for i in range(3)
    ]
    alone = make_submission(consultation, general=True, body="Et eget innspill.")
    theme = services.create_theme(consultation, "Avstand", "", by=officer)
    services.tag(consultation, theme, [copies[0].id], by=officer)
    services.set_processing(
        consultation, [copies[0].id], by=officer, status="done", assigned_to=officer
    )
    db.session.commit()

    cli = json.loads(
        runner.invoke(
            args=["analysis", "campaigns", "--consultation", consultation.slug, "--json"]
        ).output
    )
    client = signed_in(officer)
    exported = json.loads(client.get(f"/admin/hoeringer/{consultation.slug}/innspill.json").data)
    rows = {row["id"]: row for row in exported["innspill"]}
    (group,) = cli
    assert {m["id"] for m in group["members"]} == {
        i for i, row in rows.items() if row["campaign"] == {"id": group["id"], "size": 3}
    }
    assert rows[alone.id]["campaign"] is None
    first = rows[copies[0].id]
    assert first["themes"] == ["Avstand"]
    assert first["processing_status"] == "done"
    assert first["assigned_to"] == "Siri Saksbeh"
    assert rows[alone.id]["processing_status"] == "new"
    assert rows[alone.id]["themes"] == []

    table = client.get(f"/admin/hoeringer/{consultation.slug}/innspill.csv").get_data(as_text=True)
    lines = {
        r["Innspill-id"]: r
        for r in csv.DictReader(io.StringIO(table.lstrip("\ufeff")), delimiter=";")
    }
    row = lines[str(copies[0].id)]
    assert row["Kampanje (id og antall innspill)"] == f"{group['id']} (3)"
    assert row["Temaer"] == "Avstand"
    assert row["Behandlingsstatus"] == "Ferdig vurdert"
    assert row["Saksbehandler"] == "Siri Saksbeh"
