"""Every innspill of a consultation as rows, for the case officer's summary (CSV and JSON).

The case officer must see everything that was received: pending, hidden, rejected, redacted and
withdrawn innspill are all here, with their moderation status, and the public text beside the
original where a moderator redacted it; every file of every innspill, with its state.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import aliased

from hoering.accounts.models import User
from hoering.analysis import services as analysis
from hoering.analysis.models import (
    PROCESSING_ACTIVE,
    PROCESSING_DONE,
    PROCESSING_NEW,
    Campaign,
    CampaignMember,
    Processing,
)
from hoering.archive.export import YIELD_PER, ParagraphIndex
from hoering.consultations.models import Consultation
from hoering.documents import services as documents
from hoering.extensions import db
from hoering.journal.models import JournalEntry
from hoering.journal.services import OSLO
from hoering.outcome import services as outcome
from hoering.submissions.models import KIND_GENERAL, KIND_REPLY, Submission

# (JSON key, CSV header) in column order.
COLUMNS = (
    ("journal_number", _l("Journalnummer")),
    ("received_at", _l("Mottatt")),
    ("kind", _l("Type")),
    ("paragraph", _l("Avsnitt")),
    ("version", _l("Versjon")),
    ("replies_to", _l("Svar på journalnummer")),
    ("respondent_type", _l("Respondenttype")),
    ("author", _l("Avsender")),
    ("name_hidden", _l("Navn skjult for offentligheten")),
    ("organisation", _l("Organisasjon")),
    ("own_account", _l("For egen regning")),
    ("position", _l("Standpunkt")),
    ("status", _l("Moderasjonsstatus")),
    ("status_reason", _l("Begrunnelse")),
    ("redacted", _l("Sladdet")),
    ("endorsements", _l("Enig")),
    ("text", _l("Tekst (original)")),
    ("public_text", _l("Offentlig tekst (der den er en annen)")),
    ("id", _l("Innspill-id")),
    ("campaign", _l("Kampanje (id og antall innspill)")),
    ("themes", _l("Temaer")),
    ("processing_status", _l("Behandlingsstatus")),
    ("assigned_to", _l("Saksbehandler")),
    ("disposition", _l("Utfall")),
    ("assessment", _l("Direktoratets vurdering")),
    ("files", _l("Vedlegg (navn, tilstand, SHA-256 av originalen)")),
)

LABELS = {
    "kind": {
        "paragraph": _l("Innspill til avsnitt"),
        KIND_GENERAL: _l("Høringsuttalelse"),
        KIND_REPLY: _l("Svar på innspill"),
    },
    "respondent_type": {
        "private": _l("Privatperson"),
        "organisation": _l("Organisasjon"),
        "public_agency": _l("Offentlig virksomhet"),
        "business": _l("Næringsliv"),
    },
    "position": {"support": _l("Støtter"), "oppose": _l("Går imot"), "neutral": _l("Nøytral")},
    "status": {
        "pending": _l("Venter på moderator"),
        "published": _l("Publisert"),
        "hidden": _l("Skjult av moderator"),
        "rejected": _l("Avvist"),
        "withdrawn": _l("Trukket tilbake"),
    },
    "processing_status": {
        PROCESSING_NEW: _l("Ikke behandlet"),
        PROCESSING_ACTIVE: _l("Under behandling"),
        PROCESSING_DONE: _l("Ferdig vurdert"),
    },
    "file_state": {
        "converted": _l("PDF/A laget"),
        "failed": _l("kunne ikke gjøres om til PDF/A"),
        "pending": _l("venter på PDF/A"),
        "withheld": _l("holdt tilbake fra offentligheten"),
    },
    "disposition": {
        "accepted": _l("Tatt til følge"),
        "partly": _l("Delvis tatt til følge"),
        "rejected": _l("Ikke tatt til følge"),
        "noted": _l("Tatt til orientering"),
    },
}


def submission_rows(consultation: Consultation) -> Iterator[dict]:
    """One dict per innspill (all statuses), oldest first, read in batches (codes, not labels)."""
    paragraphs = ParagraphIndex(consultation)
    own = aliased(JournalEntry)
    parent = aliased(JournalEntry)
    themes = analysis.theme_names(consultation)
    # The disposition that applies: the innspill's own, else its campaign's or its themes'.
    handled = outcome.effective(consultation)
    files = documents.files_by_submission(consultation.id)
    query = (
        select(
            Submission,
            own.year,
            own.seq,
            parent.year,
            parent.seq,
            Campaign.id,
            Campaign.size,
            Processing.status,
            User.name,
        )
        .outerjoin(own, own.submission_id == Submission.id)
        .outerjoin(parent, parent.submission_id == Submission.parent_id)
        .outerjoin(CampaignMember, CampaignMember.submission_id == Submission.id)
        .outerjoin(Campaign, Campaign.id == CampaignMember.campaign_id)
        .outerjoin(Processing, Processing.submission_id == Submission.id)
        .outerjoin(User, User.id == Processing.assigned_to_id)
        .where(Submission.consultation_id == consultation.id)
        .order_by(Submission.id)
        .execution_options(yield_per=YIELD_PER)
    )
    with db.session.execute(query) as rows:
        for s, year, seq, parent_year, parent_seq, campaign, size, processing, officer in rows:
            redacted = s.public_body is not None and s.public_body != s.body
            yield {
                "journal_number": f"{year}/{seq:06d}" if year else None,
                "received_at": _iso(s.created_at),
                "kind": s.kind,
                "paragraph": paragraphs.label(s.paragraph_id),
                "version": paragraphs.versions.get(s.version_id),
                "replies_to": f"{parent_year}/{parent_seq:06d}" if parent_year else None,
                "respondent_type": s.respondent_type,
                "author": s.author_name,
                "name_hidden": s.hide_name,
                "organisation": s.organisation_name,
                "own_account": s.own_account,
                "position": s.position,
                "status": s.status,
                "status_reason": s.status_reason,
                "redacted": redacted,
                "endorsements": s.endorsement_count,
                "text": s.body,
                "public_text": s.public_body if redacted else None,
                "id": s.id,
                "campaign": {"id": campaign, "size": size} if campaign else None,
                "themes": themes.get(s.id, []),
                "processing_status": processing or PROCESSING_NEW,
                "assigned_to": officer,
                "disposition": handled[s.id].decision if s.id in handled else None,
                "assessment": handled[s.id].assessment if s.id in handled else None,
                "files": files.get(s.id, []),
            }


def _iso(value: datetime) -> str:
    return value.astimezone(OSLO).isoformat(timespec="seconds")


def csv_header() -> list:
    return [header for _key, header in COLUMNS]


def csv_rows(consultation: Consultation) -> Iterator[list]:
    """The rows as spreadsheet cells: codes shown as Norwegian labels."""
    for row in submission_rows(consultation):
        campaign, themes = row["campaign"], row["themes"]
        row["campaign"] = f"{campaign['id']} ({campaign['size']})" if campaign else None
        row["themes"] = "; ".join(themes)
        row["files"] = "; ".join(_file_cell(f) for f in row["files"])
        if row["disposition"]:
            labels = LABELS["disposition"]
            row["disposition"] = "; ".join(str(labels[c]) for c in row["disposition"].split(","))
        yield [
            LABELS[key].get(row[key], row[key]) if key in LABELS else row[key]
            for key, _h in COLUMNS
        ]


def _file_cell(file: dict) -> str:
    """'brev.pdf (PDF/A laget, sladdet kopi, SHA-256 …)' for one file in a spreadsheet cell."""
    state = [str(LABELS["file_state"][file["state"]])]
    if file["redacted"]:
        state.append(str(_l("sladdet kopi publisert")))
    return f"{file['name']} ({', '.join(state)}, SHA-256 {file['sha256']})"


def json_chunks(consultation: Consultation) -> Iterator[str]:
    """A JSON document {"consultation": {...}, "innspill": [...]}, written piece by piece."""
    head = {
        "slug": consultation.slug,
        "title": consultation.title,
        "case_number": consultation.case_number,
        "agency": consultation.agency.name,
        "status": consultation.status,
    }
    yield '{"consultation": ' + json.dumps(head, ensure_ascii=False) + ', "innspill": ['
    for n, row in enumerate(submission_rows(consultation)):
        yield ("," if n else "") + "\n" + json.dumps(row, ensure_ascii=False)
    yield "\n]}\n"
