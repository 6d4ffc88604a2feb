"""The one path in: every innspill, from the web, the CLI, the API or a test, enters via submit().

submit() validates, sanitizes, scans for personal data, applies the consultation's moderation
mode and journals the innspill, all in the caller's transaction: it flushes, the caller commits
once, so no innspill exists without its journal entry.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime

from blinker import Namespace
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, delete, or_, select, update

from hoering import text
from hoering.accounts import registry
from hoering.accounts.models import User
from hoering.accounts.organisations import is_verified_representative
from hoering.accounts.services import get_or_create_organisation
from hoering.consultations.models import (
    CONSULTEE_ANSWERED,
    CONSULTEE_NO_COMMENTS,
    MODE_PRE,
    MODE_REACTIVE,
    STATUS_OPEN,
    Consultation,
    Consultee,
    Paragraph,
)
from hoering.consultations.services import ConsultationClosedError, can_manage
from hoering.db import add_unless_taken, is_sqlite, utcnow
from hoering.documents import services as documents
from hoering.documents.services import Upload
from hoering.errors import BadInputError, ConflictError, ForbiddenError
from hoering.extensions import db
from hoering.journal import services as journal
from hoering.notices import services as notices
from hoering.privacy.detect import Finding, find_personal_data
from hoering.submissions.models import (
    CHANNEL_WEB,
    CHANNELS,
    KIND_GENERAL,
    KIND_PARAGRAPH,
    KIND_REPLY,
    POSITIONS,
    STATUS_PENDING,
    STATUS_PUBLISHED,
    AgencyReply,
    Endorsement,
    Submission,
)

log = logging.getLogger(__name__)

# Sent with each newly accepted innspill, inside the caller's transaction, so domains above this
# one (campaign grouping) can act on it without submit() knowing them.
accepted = Namespace().signal("submission-accepted")


class PersonalDataFoundError(BadInputError):
    """The text seems to hold personal data; the person must remove it or confirm."""

    status = 422
    message = _l("Teksten ser ut til å inneholde personopplysninger.")

    def __init__(self, findings: list[Finding], file_findings=()):
        super().__init__(field="body")
        self.findings = findings
        # (checked file, its findings) for each attached file with personal data in its text.
        self.file_findings = list(file_findings)


class AuthorBlockedError(ForbiddenError):
    pass


class DuplicateSubmissionError(ConflictError):
    message = _l("Du har allerede sendt et likt innspill her.")


@dataclass
class SubmissionData:
    body: str
    files: list[Upload] = field(default_factory=list)
    organisation_id: int | None = None
    position: str | None = None
    own_account: bool = False
    hide_name: bool = False
    confirm_personal_data: bool = False
    form_token: str | None = None
    # An innspill received by e-mail or letter, registered by a case officer for its sender.
    channel: str = CHANNEL_WEB
    received_at: datetime | None = None
    sender_name: str = ""
    sender_organisation: str = ""
    # The invited høringsinstans (Consultee id) the registered letter came from, if it did.
    consultee_id: int | None = None


def clean_body(body: str, *, may_be_empty: bool = False) -> str:
    """The text exactly as sent, but with one kind of line ending and no NUL (a 400)."""
    if text.has_nul(body):
        raise BadInputError(
            _l("Teksten inneholder et ugyldig tegn (NUL). Fjern det og prøv igjen."), field="body"
        )
    body = text.normalize_line_endings(body)
    if text.is_blank(body) and not may_be_empty:
        raise BadInputError(_l("Skriv innspillet ditt før du sender."), field="body")
    limit = current_app.config["SUBMISSION_MAX_LENGTH"]
    if text.plain_length(body) > limit:
        spaced = f"{limit:,}".replace(",", " ")
        raise BadInputError(_("Innspillet kan ha høyst %(n)s tegn.", n=spaced), field="body")
    if text.count_links(body) > current_app.config["SUBMISSION_MAX_LINKS"]:
        raise BadInputError(
            _(
                "Innspillet har for mange lenker (høyst %(n)s).",
                n=current_app.config["SUBMISSION_MAX_LINKS"],
            ),
            field="body",
        )
    return body


def _check_author(author: User, now: datetime) -> None:
    if author.blocked_until is not None and author.blocked_until > now:
        raise AuthorBlockedError(
            _(
                "Du kan ikke sende innspill før %(date)s. Begrunnelse: %(reason)s",
                date=author.blocked_until.date().isoformat(),
                reason=author.blocked_reason or "-",
            )
        )


def _check_registration(author: User, consultation: Consultation, data: SubmissionData, now):
    """An innspill that came by e-mail or letter: a case officer registers it, naming the sender
    and the date it was received. (sender name, sender organisation's name or None, the
    Organisation of the invited høringsinstans it came from or None)"""
    if data.channel not in CHANNELS:
        raise BadInputError(_l("Velg hvordan innspillet kom inn."), field="channel")
    if not can_manage(author, consultation):
        raise ForbiddenError()
    name = " ".join((data.sender_name or "").split())
    organisation = " ".join((data.sender_organisation or "").split()) or None
    if not name:
        raise BadInputError(_l("Skriv navnet på avsenderen."), field="sender_name")
    if len(name) > 200 or (organisation and len(organisation) > 200):
        raise BadInputError(_l("Navnet kan ha høyst 200 tegn."), field="sender_name")
    if data.received_at is None or data.received_at > now:
        raise BadInputError(
            _l("Skriv datoen innspillet ble mottatt (ikke fram i tid)."), field="received_on"
        )
    if data.consultee_id is None:
        return name, organisation, None
    consultee = db.session.get(Consultee, data.consultee_id)
    if consultee is None or consultee.consultation_id != consultation.id:
        raise BadInputError(
            _l("Velg en høringsinstans fra listen over inviterte."), field="consultee"
        )
    # The letter is the høringsinstans speaking, as if it had answered here: the same
    # Organisation (by organisation number) that marks it answered and invited everywhere.
    invited = consultee.organisation
    if invited is None:
        entity = registry.lookup(consultee.org_number)
        kind = registry.kind_for_form(entity.form_code) if entity else "organisation"
        invited = get_or_create_organisation(consultee.org_number, consultee.name, kind)
    return name, invited.name, invited


def _speaker(author: User, consultation: Consultation, data: SubmissionData):
    """(respondent type, organisation) — people speak only for organisations they represent."""
    if data.organisation_id is None:
        if author.works_for(consultation.agency_id) and not data.own_account:
            raise BadInputError(
                _(
                    "Du er ansatt i %(agency)s. Kryss av for at du skriver for egen regning.",
                    agency=consultation.agency.name,
                ),
                field="own_account",
            )
        return "private", None
    for organisation in author.organisations:
        if organisation.id == data.organisation_id:
            return organisation.kind, organisation
    raise ForbiddenError(_l("Du kan bare skrive på vegne av organisasjoner du representerer."))


def submit(
    consultation: Consultation,
    data: SubmissionData,
    *,
    author: User,
    paragraph: Paragraph | None = None,
    parent: Submission | None = None,
    now: datetime | None = None,
) -> Submission:
    """Accept one innspill: checked, scanned, moderated per the consultation's mode, journaled."""
    now = now or utcnow()
    registered = data.channel != CHANNEL_WEB
    if registered:
        sender = _check_registration(author, consultation, data, now)
    else:
        if not consultation.accepts_submissions(now):
            raise ConsultationClosedError()
        _check_author(author, now)
    files = documents.check_files(data.files)
    body = clean_body(data.body, may_be_empty=bool(files))
    if registered:
        author_name, organisation_name, organisation = sender
        if organisation is not None:
            respondent_type = organisation.kind
        else:
            respondent_type = "organisation" if organisation_name else "private"
    else:
        respondent_type, organisation = _speaker(author, consultation, data)
        author_name, organisation_name = author.name, organisation.name if organisation else None
    if not body.strip():
        # A letter sent as a file: the innspill's text is a title naming who sent it.
        body = f"Høringssvar fra {organisation_name or author_name}"

    if parent is not None:
        if parent.consultation_id != consultation.id or not parent.is_visible:
            raise BadInputError(_l("Du kan bare svare på publiserte innspill i denne høringen."))
        if files:
            raise BadInputError(_l("Et svar kan ikke ha vedlegg."), field="files")
        # Threads are one level deep: a reply to a reply joins the same thread.
        parent = parent.parent or parent
        kind, paragraph = KIND_REPLY, parent.paragraph
    elif paragraph is not None:
        if paragraph.version_id != consultation.current_version_id:
            raise ConflictError(
                _l("Dette avsnittet er fra en eldre versjon av utkastet. Kommenter gjeldende.")
            )
        kind = KIND_PARAGRAPH
    else:
        kind = KIND_GENERAL

    position = data.position or None
    if position is not None and (position not in POSITIONS or kind == KIND_REPLY):
        raise BadInputError(_l("Ugyldig standpunkt."), field="position")
    hide_name = bool(
        data.hide_name and respondent_type == "private" and consultation.agency.allow_hidden_names
    )
    twin = _earlier(
        author, author_name, consultation, kind, paragraph, parent, body, data.form_token
    )
    if twin is not None:
        if data.form_token and twin.form_token == data.form_token:
            # The same form posted again (twice at once, or once more after a lost answer).
            if twin.author_id == author.id:
                return twin
            raise ConflictError(_l("Innspillet kunne ikke lagres. Prøv igjen."))
        raise DuplicateSubmissionError(field="body")

    findings = find_personal_data(body)
    file_findings = [(checked, checked.findings) for checked in files if checked.findings]
    if (findings or file_findings) and not data.confirm_personal_data:
        raise PersonalDataFoundError(findings, file_findings)

    held = bool(findings or file_findings) or consultation.moderation_mode == MODE_PRE
    submission = Submission(
        consultation=consultation,
        version_id=consultation.current_version_id,
        paragraph=paragraph,
        parent=parent,
        kind=kind,
        author=author,
        author_name=author_name,
        respondent_type=respondent_type,
        organisation=organisation,
        organisation_name=organisation_name,
        channel=data.channel,
        received_at=data.received_at if registered else None,
        attachment_count=len(files),
        organisation_verified=is_verified_representative(author, organisation),
        position=position,
        own_account=bool(data.own_account and author.works_for(consultation.agency_id)),
        hide_name=hide_name,
        body=body,
        status=STATUS_PENDING if held else STATUS_PUBLISHED,
        needs_review=held or consultation.moderation_mode != MODE_REACTIVE,
        findings=[asdict(finding) for finding in findings] or None,
        form_token=data.form_token,
        created_at=now,
        published_at=None if held else now,
    )
    if is_sqlite():
        # The write lock is held since the transaction began (BEGIN IMMEDIATE): _earlier() saw
        # every innspill stored, so no twin can appear before this insert and no savepoint is
        # needed to survive one.
        db.session.add(submission)
        db.session.flush()
    elif not add_unless_taken(submission):
        # The same form posted twice at once: the other request won; answer with its innspill.
        existing = data.form_token and db.session.scalar(
            select(Submission).where(Submission.form_token == data.form_token)
        )
        if not existing:
            raise ConflictError(_l("Innspillet kunne ikke lagres. Prøv igjen."))
        return existing
    if submission.status == STATUS_PUBLISHED:
        adjust_counts(submission, +1)
    _mark_consultee(submission, CONSULTEE_ANSWERED)
    attachments = documents.attach(submission, files)
    entry = journal.record_incoming(submission, file_hashes=[a.sha256 for a in attachments])
    log.info(
        "submission %s accepted (%s, %s) in consultation %s",
        submission.id,
        kind,
        submission.status,
        consultation.id,
    )
    notices.notify_reply(submission)
    accepted.send(submission)
    notices.notify_receipt(submission, entry.journal_number)
    return submission


def _earlier(author, author_name, consultation, kind, paragraph, parent, body, form_token):
    """In one query: the innspill this very form already made, or else this person's innspill
    with exactly this text in the same place, if there is one.

    For innspill a case officer registers, "this person" is the sender, not the officer."""
    same_text = and_(
        Submission.author_id == author.id,
        Submission.author_name == author_name,
        Submission.consultation_id == consultation.id,
        Submission.kind == kind,
        Submission.paragraph_id == (paragraph.id if paragraph else None),
        Submission.parent_id == (parent.id if parent else None),
        Submission.body == body,
    )
    if not form_token:
        return db.session.scalar(select(Submission).where(same_text).limit(1))
    mine = Submission.form_token == form_token
    rows = db.session.scalars(
        select(Submission).where(or_(mine, same_text)).order_by(Submission.id).limit(2)
    ).all()
    return next((row for row in rows if row.form_token == form_token), rows[0] if rows else None)


def adjust_counts(submission: Submission, delta: int) -> None:
    """Keep the public counts on the rows as an innspill becomes visible or stops being so."""
    db.session.execute(
        update(Consultation)
        .where(Consultation.id == submission.consultation_id)
        .values(
            submission_count=Consultation.submission_count + delta,
            general_count=Consultation.general_count
            + (delta if submission.kind == KIND_GENERAL else 0),
        )
        .execution_options(synchronize_session=False)
    )
    if submission.paragraph_id is not None and submission.kind == KIND_PARAGRAPH:
        db.session.execute(
            update(Paragraph)
            .where(Paragraph.id == submission.paragraph_id)
            .values(submission_count=Paragraph.submission_count + delta)
            .execution_options(synchronize_session=False)
        )
    if submission.parent_id is not None:
        db.session.execute(
            update(Submission)
            .where(Submission.id == submission.parent_id)
            .values(reply_count=Submission.reply_count + delta)
            .execution_options(synchronize_session=False)
        )


def set_status(submission: Submission, status: str, *, reason: str | None = None, now=None):
    """Move an innspill between states, keeping the public counts true. Nothing is deleted."""
    was_visible = submission.is_visible
    submission.status = status
    submission.status_reason = reason
    if status == STATUS_PUBLISHED and submission.published_at is None:
        submission.published_at = now or utcnow()
    db.session.flush()
    if was_visible != submission.is_visible:
        adjust_counts(submission, +1 if submission.is_visible else -1)
    # A reply held for moderation tells its parent's author once it is published.
    notices.notify_reply(submission)


def endorse(submission: Submission, user: User, *, now: datetime | None = None) -> bool:
    """Say "Enig": once per person per innspill; True if this call added it."""
    _check_endorsable(submission, user, now or utcnow())
    if not add_unless_taken(Endorsement(submission_id=submission.id, user_id=user.id)):
        return False
    db.session.execute(
        update(Submission)
        .where(Submission.id == submission.id)
        .values(endorsement_count=Submission.endorsement_count + 1)
        .execution_options(synchronize_session=False)
    )
    return True


def withdraw_endorsement(submission: Submission, user: User, *, now=None) -> bool:
    _check_endorsable(submission, user, now or utcnow())
    result = db.session.execute(
        delete(Endorsement).where(
            Endorsement.submission_id == submission.id, Endorsement.user_id == user.id
        )
    )
    if not result.rowcount:
        return False
    db.session.execute(
        update(Submission)
        .where(Submission.id == submission.id)
        .values(endorsement_count=Submission.endorsement_count - 1)
        .execution_options(synchronize_session=False)
    )
    return True


def _check_endorsable(submission: Submission, user: User, now: datetime) -> None:
    if not submission.consultation.accepts_submissions(now):
        raise ConsultationClosedError()
    if not submission.is_visible:
        raise ConflictError(_l("Du kan bare si deg enig i publiserte innspill."))
    if submission.author_id == user.id:
        raise ConflictError(_l("Du kan ikke si deg enig i ditt eget innspill."))


def reply_as_agency(
    submission: Submission, body: str, *, by: User, now: datetime | None = None
) -> AgencyReply:
    """The agency's official answer; journaled as an outgoing document with the innspill, which it
    avskriver. Refused once the consultation is closed: its saksmappe is closed with it, and the
    agency's assessment after the deadline belongs in the høringsoppsummering."""
    if not by.has_role("case_officer", submission.consultation.agency_id):
        raise ForbiddenError()
    now = now or utcnow()
    if submission.consultation.phase(now) != STATUS_OPEN:
        raise journal.CaseClosedError()
    reply = AgencyReply(submission=submission, author=by, body=clean_body(body), created_at=now)
    db.session.add(reply)
    db.session.flush()
    journal.record_outgoing(reply)
    notices.notify_agency_answer(reply)
    return reply


def _mark_consultee(submission: Submission, response: str, *, replace: bool = False) -> None:
    """An invited høringsinstans that speaks here has answered (its first answer counts)."""
    organisation = submission.organisation
    if organisation is None or organisation.org_number is None:
        return
    consultee = db.session.scalar(
        select(Consultee).where(
            Consultee.consultation_id == submission.consultation_id,
            Consultee.org_number == organisation.org_number,
        )
    )
    if consultee is not None and (consultee.response is None or replace):
        consultee.response = response
        consultee.responded_at = submission.received_at or submission.created_at
        consultee.organisation_id = organisation.id


def answer_no_comments(consultation: Consultation, organisation_id: int, *, author: User):
    """The one-click "Ingen merknader" answer of an invited consultee, journaled like any other."""
    submission = submit(
        consultation,
        SubmissionData(body="Ingen merknader.", organisation_id=organisation_id),
        author=author,
    )
    _mark_consultee(submission, CONSULTEE_NO_COMMENTS, replace=True)
    db.session.flush()
    return submission
