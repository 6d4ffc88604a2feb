"""Themes, tags, notes, processing status and assignment: the case officer's coding work.

Services flush; the view or command that calls them commits once. Everything here is internal.
"""

from __future__ import annotations

from collections.abc import Collection

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from hoering.accounts.models import ROLE_CASE_OFFICER, User, UserRole
from hoering.analysis.models import (
    PROCESSING_STATUSES,
    THEME_NAME_MAX,
    Note,
    Processing,
    ProcessingEvent,
    Theme,
    ThemeTag,
)
from hoering.consultations.models import Consultation
from hoering.db import add_unless_taken, utcnow
from hoering.errors import BadInputError
from hoering.extensions import db
from hoering.submissions.models import Submission

NOTE_MAX = 5000
QUOTE_MAX = 2000


def create_theme(consultation: Consultation, name: str, description: str, *, by: User) -> Theme:
    name = " ".join((name or "").split())
    if not name:
        raise BadInputError(_l("Gi temaet et navn."), field="name")
    if len(name) > THEME_NAME_MAX:
        raise BadInputError(_l("Navnet kan ha høyst %(n)s tegn.", n=THEME_NAME_MAX), field="name")
    if len(description or "") > NOTE_MAX:
        raise BadInputError(_l("Beskrivelsen er for lang."), field="description")
    taken = db.session.scalar(
        select(Theme.id).where(
            Theme.consultation_id == consultation.id, func.lower(Theme.name) == name.lower()
        )
    )
    theme = Theme(
        consultation_id=consultation.id,
        name=name,
        description=(description or "").strip() or None,
        created_by_id=by.id,
    )
    if taken is not None or not add_unless_taken(theme):
        raise BadInputError(_l("Det finnes allerede et tema med dette navnet."), field="name")
    return theme


def themes(consultation: Consultation) -> list[Theme]:
    return list(
        db.session.scalars(
            select(Theme).where(Theme.consultation_id == consultation.id).order_by(Theme.name)
        )
    )


def get_theme(consultation: Consultation, theme_id) -> Theme:
    theme = db.session.get(Theme, theme_id) if str(theme_id).isdigit() else None
    if theme is None or theme.consultation_id != consultation.id:
        raise BadInputError(_l("Ukjent tema."), field="theme")
    return theme


def _own(consultation: Consultation, submission_ids: Collection[int]) -> list[int]:
    """The given ids, all of them innspill of this consultation (400 otherwise)."""
    ids = sorted(set(submission_ids))
    found = db.session.scalar(
        select(func.count(Submission.id)).where(
            Submission.id.in_(ids), Submission.consultation_id == consultation.id
        )
    )
    if not ids or found != len(ids):
        raise BadInputError(_l("Innspillet hører ikke til denne høringen."))
    return ids


def tag(
    consultation: Consultation,
    theme: Theme,
    submission_ids: Collection[int],
    *,
    by: User,
    quote: str | None = None,
) -> int:
    """Tag innspill with a theme (the whole text, or one quoted passage); returns how many new.

    A whole-innspill tag is added once; every quoted passage is kept. Two case officers tagging
    at once both keep their tags.
    """
    if theme.consultation_id != consultation.id:
        raise BadInputError(_l("Ukjent tema."), field="theme")
    ids = _own(consultation, submission_ids)
    quote = (quote or "").strip() or None
    if quote is not None:
        if len(quote) > QUOTE_MAX:
            raise BadInputError(_l("Sitatet er for langt."), field="quote")
        (submission_id,) = ids
        body = db.session.scalar(select(Submission.body).where(Submission.id == submission_id))
        if " ".join(quote.split()) not in " ".join(body.split()):
            raise BadInputError(_l("Sitatet må være en del av innspillets tekst."), field="quote")
    else:
        tagged = set(
            db.session.scalars(
                select(ThemeTag.submission_id).where(
                    ThemeTag.theme_id == theme.id,
                    ThemeTag.quote.is_(None),
                    ThemeTag.submission_id.in_(ids),
                )
            )
        )
        ids = [i for i in ids if i not in tagged]
    now = utcnow()
    if ids:
        db.session.execute(
            ThemeTag.__table__.insert(),
            [
                {
                    "theme_id": theme.id,
                    "submission_id": i,
                    "quote": quote,
                    "tagged_by_id": by.id,
                    "created_at": now,
                }
                for i in ids
            ],
        )
    return len(ids)


def untag(consultation: Consultation, tag_id: int) -> None:
    """Remove a tag (coding is the case officer's own work; the innspill is untouched)."""
    found = db.session.get(ThemeTag, tag_id)
    if found is None or found.theme.consultation_id != consultation.id:
        raise BadInputError(_l("Ukjent tema."))
    db.session.delete(found)
    db.session.flush()


def add_note(consultation: Consultation, submission_id: int, body: str, *, by: User) -> Note:
    (submission_id,) = _own(consultation, [submission_id])
    body = (body or "").strip()
    if not body:
        raise BadInputError(_l("Skriv notatet før du lagrer."), field="note")
    if len(body) > NOTE_MAX:
        raise BadInputError(_l("Notatet kan ha høyst %(n)s tegn.", n=NOTE_MAX), field="note")
    note = Note(submission_id=submission_id, author_id=by.id, body=body)
    db.session.add(note)
    db.session.flush()
    return note


def case_officers(consultation: Consultation) -> list[User]:
    """Who may be given innspill: the agency's case officers."""
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == ROLE_CASE_OFFICER, UserRole.agency_id == consultation.agency_id)
            .order_by(User.name)
            .distinct()
        )
    )


def _upsert(rows: list[dict], changed: list[str]) -> None:
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(Processing).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=["submission_id"],
        set_={name: statement.excluded[name] for name in [*changed, "updated_at"]},
    )
    db.session.execute(statement)


def set_processing(
    consultation: Consultation,
    submission_ids: Collection[int],
    *,
    by: User,
    status: str | None = None,
    assigned_to: User | None = None,
    unassign: bool = False,
) -> int:
    """Set the status and/or the case officer of innspill; every change is kept in the history.

    One upsert per batch: when two case officers set a status at once, the later one wins and
    both are in the history.
    """
    if status is not None and status not in PROCESSING_STATUSES:
        raise BadInputError(_l("Ukjent behandlingsstatus."), field="status")
    if assigned_to is not None and not assigned_to.has_role(
        ROLE_CASE_OFFICER, consultation.agency_id
    ):
        raise BadInputError(_l("Ukjent saksbehandler."), field="assigned_to")
    if status is None and assigned_to is None and not unassign:
        raise BadInputError(_l("Velg hva som skal endres."))
    ids = _own(consultation, submission_ids)
    now = utcnow()
    changed = (["status"] if status else []) + (
        ["assigned_to_id"] if assigned_to or unassign else []
    )
    assigned_id = assigned_to.id if assigned_to else None
    for start in range(0, len(ids), 1000):
        chunk = ids[start : start + 1000]
        rows = [
            {
                "submission_id": i,
                "consultation_id": consultation.id,
                "status": status or "new",
                "assigned_to_id": assigned_id,
                "updated_at": now,
            }
            for i in chunk
        ]
        _upsert(rows, changed)
        db.session.execute(
            ProcessingEvent.__table__.insert(),
            [
                {
                    "submission_id": i,
                    "status": status,
                    "assigned_to_id": assigned_id if "assigned_to_id" in changed else None,
                    "by_id": by.id,
                    "created_at": now,
                }
                for i in chunk
            ],
        )
    return len(ids)


def history(submission_id: int) -> list[ProcessingEvent]:
    return list(
        db.session.scalars(
            select(ProcessingEvent)
            .where(ProcessingEvent.submission_id == submission_id)
            .order_by(ProcessingEvent.id)
        )
    )


def theme_names(consultation: Consultation) -> dict[int, list[str]]:
    """Innspill id -> the names of its themes, for the whole consultation in one query."""
    names: dict[int, list[str]] = {}
    for submission_id, name in db.session.execute(
        select(ThemeTag.submission_id, Theme.name)
        .join(Theme, Theme.id == ThemeTag.theme_id)
        .where(Theme.consultation_id == consultation.id)
        .distinct()
        .order_by(ThemeTag.submission_id, Theme.name)
    ):
        names.setdefault(submission_id, []).append(name)
    return names
