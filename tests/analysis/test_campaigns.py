"""Campaigns: detection quality on a generated corpus, incremental grouping as innspill arrive,
the command, and the case officer's decisions surviving a new detection run."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from hoering.analysis import campaigns
from hoering.analysis.models import Campaign, CampaignMember
from hoering.errors import BadInputError
from hoering.extensions import db
from hoering.journal.models import JournalEntry
from hoering.submissions.models import Submission
from tests.analysis.corpus import make_corpus, pair_scores
from tests.factories import make_consultation, make_submission, make_user

LETTER = (
    "Jeg er sterkt imot forslaget om å legge ned skolen i bygda vår. Barna får lang skolevei "
    "langs en farlig vei uten fortau, og kommunen har ikke regnet med kostnadene for skyss. "
    "Skolen er også samlingspunkt for frivilligheten og idretten i bygda."
)


def _submit_all(consultation, texts):
    """Each from its own sender (one person may not send the very same text twice)."""
    return [
        make_submission(consultation, body=text, general=True, confirm_personal_data=True)
        for text in texts
    ]


def _grouping(submissions) -> list[int | None]:
    placed = dict(
        db.session.execute(
            select(CampaignMember.submission_id, CampaignMember.campaign_id).where(
                CampaignMember.campaign_id.is_not(None)
            )
        ).all()
    )
    return [placed.get(s.id) for s in submissions]


def test_detection_finds_the_form_letters_and_not_the_organic_innspill():
    corpus = make_corpus(letters=4, copies=60, organic=150, seed=9)
    consultation = make_consultation()
    submissions = _submit_all(consultation, corpus.texts)
    db.session.commit()

    # Grouped as they arrived, one at a time.
    arrived = pair_scores(corpus.truth, _grouping(submissions))
    assert arrived[0] >= 0.95

    found = campaigns.detect_campaigns(consultation)
    db.session.commit()
    precision, recall = pair_scores(corpus.truth, _grouping(submissions))
    print(f"precision {precision:.3f} recall {recall:.3f}")
    assert precision >= 0.95
    assert recall >= 0.90
    assert len(found) == 4
    assert sorted(c.size for c in found) == sorted(
        sum(1 for s in _grouping(submissions) if s == c.id) for c in found
    )
    # A grouping on top: every innspill keeps its own journal entry.
    entries = db.session.scalar(select(db.func.count(JournalEntry.id)))
    assert entries >= len(submissions)


def test_an_arriving_copy_joins_the_campaign_of_its_template():
    consultation = make_consultation()
    first = make_submission(consultation, general=True, body=LETTER)
    second = make_submission(consultation, general=True, body="Hei!\n\n" + LETTER + "\n\nKari")
    campaign = db.session.scalar(select(Campaign))
    assert campaign is not None and campaign.size == 2
    third = make_submission(
        consultation, general=True, body=LETTER.replace("farlig", "farleg") + " Mvh Ola"
    )
    db.session.refresh(campaign)
    assert campaign.size == 3
    assert _grouping([first, second, third]) == [campaign.id] * 3
    other = make_submission(
        consultation,
        general=True,
        body="Forslaget om nye bomstasjoner er dårlig begrunnet og rammer pendlere hardt. "
        "Departementet bør utrede alternativer før det går videre.",
    )
    assert _grouping([other]) == [None]


def test_the_command_prints_the_groups_as_json(runner):
    consultation = make_consultation()
    ids = [
        make_submission(consultation, general=True, body=f"{greeting}\n\n{LETTER}").id
        for greeting in ("Hei,", "God dag.", "Til departementet:", "Hallo!")
    ]
    db.session.commit()
    result = runner.invoke(
        args=["analysis", "campaigns", "--consultation", consultation.slug, "--json"]
    )
    assert result.exit_code == 0, result.output
    groups = json.loads(result.output)
    assert len(groups) == 1
    assert groups[0]["size"] == 4
    assert groups[0]["template"] in ids
    assert sorted(m["id"] for m in groups[0]["members"]) == sorted(ids)
    assert all(0.8 <= m["similarity"] <= 1 for m in groups[0]["members"])
    text = runner.invoke(args=["analysis", "campaigns", "--consultation", consultation.slug])
    assert "1 campaigns" in text.output
    missing = runner.invoke(args=["analysis", "campaigns", "--consultation", "finnes-ikke"])
    assert missing.exit_code != 0


def test_manual_decisions_stick_when_detection_runs_again():
    consultation = make_consultation()
    officer = make_user()
    letters = [
        make_submission(consultation, general=True, body=f"Hilsen nr. {n}.\n\n{LETTER}")
        for n in range(6)
    ]
    ids = [s.id for s in letters]
    (campaign,) = campaigns.detect_campaigns(consultation)

    campaigns.move_out(consultation, [ids[0]], by=officer)
    new = campaigns.split(consultation, campaign.id, ids[1:3], by=officer)
    campaigns.detect_campaigns(consultation)
    db.session.commit()
    assert _grouping(letters) == [None, new.id, new.id, campaign.id, campaign.id, campaign.id]
    assert db.session.get(Campaign, new.id).size == 2

    campaigns.join(consultation, campaign.id, new.id, by=officer)
    campaigns.detect_campaigns(consultation)
    assert _grouping(letters) == [None] + [campaign.id] * 5
    assert db.session.get(Campaign, new.id) is None
    assert db.session.get(Campaign, campaign.id).size == 5
    # Nothing was deleted: every innspill is still there.
    assert db.session.scalar(select(db.func.count(Submission.id))) == 6


def test_decisions_refuse_innspill_of_another_consultation():
    consultation, other = make_consultation(), make_consultation()
    officer = make_user()
    foreign = make_submission(other, general=True, body=LETTER)
    with pytest.raises(BadInputError):
        campaigns.move_out(consultation, [foreign.id], by=officer)
    with pytest.raises(BadInputError):
        campaigns.split(consultation, 999_999, [foreign.id], by=officer)
    assert db.session.scalar(select(db.func.count(CampaignMember.submission_id))) == 0
