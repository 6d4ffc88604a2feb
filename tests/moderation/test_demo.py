"""The demo holds one of each moderation case, so a newcomer can try them."""

from __future__ import annotations

from sqlalchemy import select

from hoering.consultations.models import Consultation
from hoering.extensions import db
from hoering.submissions.models import STATUS_HIDDEN, STATUS_PENDING, Submission


def test_demo_has_held_reported_hidden_and_redacted_innspill(client, runner):
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    # The open consultation; the closed one holds moderated innspill for the archive export.
    rows = db.session.scalars(
        select(Submission).join(Consultation).where(Consultation.status == "open")
    ).all()

    [held] = [s for s in rows if "13097248022" in s.body]
    assert held.status == STATUS_PENDING
    assert held.findings[0]["kind"] == "national_id"
    [reported] = [s for s in rows if s.report_count]
    assert reported.report_count == 2
    assert reported.needs_review
    assert reported.is_visible
    [hidden] = [s for s in rows if s.status == STATUS_HIDDEN]
    [redacted] = [s for s in rows if s.public_body]
    assert "[sladdet]" in redacted.public_body
    assert "912 34 567" in redacted.body

    slug = hidden.consultation.slug
    page = client.get(f"/hoeringer/{slug}/{hidden.paragraph.anchor}").get_data(as_text=True)
    assert "Fjernet av moderator — reklame" in page
    page = client.get(f"/hoeringer/{slug}/{redacted.paragraph.anchor}").get_data(as_text=True)
    assert "[sladdet]" in page
    assert "912 34 567" not in page
    assert "13097248022" not in client.get(f"/hoeringer/{slug}/{held.paragraph.anchor}").text
