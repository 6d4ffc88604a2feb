"""E-mail notices through an outbox: enqueue in the caller's transaction, send later.

Enqueueing adds a row in the same transaction as its cause, so a notice exists only if the reply
or answer it tells about was saved. Sending is `flask --app hoering notices send`: it claims rows
with a conditional UPDATE, so several hosts may run it at once without mailing anything twice.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale, format_timedelta
from flask_babel import gettext as _
from sqlalchemy import or_, select, update

from hoering.accounts.models import REQUEST_APPROVED, RepresentationRequest, User
from hoering.consultations.models import STATUS_OPEN, Consultation
from hoering.db import add_unless_taken, utcnow
from hoering.extensions import db
from hoering.formats import format_moment
from hoering.notices.models import (
    KIND_AGENCY_ANSWER,
    KIND_CLOSING_SOON,
    KIND_MODERATED,
    KIND_PASSWORD_RESET,
    KIND_RECEIPT,
    KIND_REPLY,
    KIND_REPRESENTATION,
    OutboxMessage,
)
from hoering.submissions.models import (
    KIND_REPLY as SUBMISSION_REPLY,
)
from hoering.submissions.models import (
    STATUS_PENDING,
    STATUS_PUBLISHED,
    AgencyReply,
    Submission,
)

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A claim older than this belongs to a sender that died; another run may take the row over.
CLAIM_TIMEOUT = timedelta(minutes=15)
SUBJECT_MAX = 200

Transport = Callable[[EmailMessage], None]


def absolute_url(endpoint: str, fragment: str = "", **values) -> str:
    """A link for an e-mail: built on HOERING_BASE_URL, never on a request's Host header."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    url = adapter.build(endpoint, values, force_external=True)
    return f"{url}#{fragment}" if fragment else url


def one_line(value: str) -> str:
    """A header value from any text: every line break and run of spaces becomes one space."""
    return " ".join(value.split())[:SUBJECT_MAX]


def _footer() -> str:
    return _(
        "Du får denne e-posten fordi du har tatt del i en høring. "
        "Du kan slå av e-postvarsler under Min konto: %(url)s",
        url=absolute_url("accounts.account"),
    )


def enqueue(
    recipient: User,
    kind: str,
    ref: str,
    compose: Callable[[], tuple[str, str]],
    *,
    consultation: Consultation | None = None,
    essential: bool = False,
    new_cause: bool = False,
) -> OutboxMessage | None:
    """Queue one notice, written in the person's language; never to someone who said no.

    essential: a message the person asked for themselves (a password reset), sent even to
    someone who turned notices off.
    new_cause: the cause was created in this transaction, so nothing can have queued this
    notice yet; the row is simply added (no look-up, no savepoint).
    """
    if not recipient.is_enabled or not (recipient.wants_email or essential):
        return None
    exists = select(OutboxMessage.id).where(
        OutboxMessage.recipient_id == recipient.id,
        OutboxMessage.kind == kind,
        OutboxMessage.ref == ref,
    )
    if not new_cause and db.session.scalar(exists) is not None:
        return None
    with force_locale(recipient.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        subject, body = compose()
        body = f"{body}\n\n-- \n{_footer()}\n"
    message = OutboxMessage(
        recipient=recipient,
        kind=kind,
        ref=ref,
        consultation=consultation,
        subject=one_line(subject),
        body=body,
    )
    if new_cause:
        db.session.add(message)
        return message
    # Another host may enqueue the same notice at the same moment; the unique key decides.
    return message if add_unless_taken(message) else None


def notify_receipt(submission: Submission, journal_number: str) -> OutboxMessage | None:
    """The receipt by e-mail: the journal number and a link, for those who want notices."""
    consultation = submission.consultation

    def compose() -> tuple[str, str]:
        title = consultation.title
        subject = _(
            "Kvittering: innspillet ditt til «%(title)s» er journalført (%(number)s)",
            title=title,
            number=journal_number,
        )
        if submission.status == STATUS_PUBLISHED:
            state = _("Innspillet er publisert.")
        else:
            state = _("Innspillet venter på en moderator før det blir publisert.")
        body = "\n\n".join(
            (
                _("Takk for innspillet ditt til høringen «%(title)s».", title=title),
                _(
                    "Journalnummer: %(number)s\nSaksnummer: %(case)s\nSendt: %(date)s",
                    number=journal_number,
                    case=consultation.case_number,
                    date=format_moment(submission.created_at),
                ),
                state,
                _(
                    "Se innspillet: %(url)s",
                    url=absolute_url(
                        "submissions.show", slug=consultation.slug, submission_id=submission.id
                    ),
                ),
                _("Alle innspillene dine: %(url)s", url=absolute_url("submissions.mine")),
            )
        )
        return subject, body

    return enqueue(
        submission.author,
        KIND_RECEIPT,
        f"submission:{submission.id}",
        compose,
        consultation=consultation,
        new_cause=True,
    )


def notify_reply(reply: Submission) -> OutboxMessage | None:
    """Tell the author of an innspill that someone else replied, once the reply is public."""
    parent = reply.parent
    if (
        reply.kind != SUBMISSION_REPLY
        or parent is None
        or reply.status != STATUS_PUBLISHED
        or parent.author_id == reply.author_id
    ):
        return None
    consultation = reply.consultation

    def compose() -> tuple[str, str]:
        subject = _("Nytt svar på innspillet ditt i «%(title)s»", title=consultation.title)
        body = "\n\n".join(
            (
                _(
                    "%(name)s har svart på innspillet ditt i høringen «%(title)s».",
                    name=reply.public_name or _("Privatperson"),
                    title=consultation.title,
                ),
                _(
                    "Les svaret: %(url)s",
                    url=absolute_url(
                        "submissions.show",
                        f"innspill-{reply.id}",
                        slug=consultation.slug,
                        submission_id=reply.id,
                    ),
                ),
            )
        )
        return subject, body

    return enqueue(
        parent.author, KIND_REPLY, f"submission:{reply.id}", compose, consultation=consultation
    )


def notify_agency_answer(answer: AgencyReply) -> OutboxMessage | None:
    """Tell the author of an innspill that the agency gave its official answer."""
    submission = answer.submission
    consultation = submission.consultation
    if submission.author_id == answer.author_id:
        return None

    def compose() -> tuple[str, str]:
        agency = consultation.agency.name
        subject = _("%(agency)s har svart på innspillet ditt", agency=agency)
        body = "\n\n".join(
            (
                _(
                    "%(agency)s har gitt et svar på innspillet ditt i høringen «%(title)s».",
                    agency=agency,
                    title=consultation.title,
                ),
                _(
                    "Les svaret: %(url)s",
                    url=absolute_url(
                        "submissions.show", slug=consultation.slug, submission_id=submission.id
                    ),
                ),
            )
        )
        return subject, body

    return enqueue(
        submission.author,
        KIND_AGENCY_ANSWER,
        f"agency-reply:{answer.id}",
        compose,
        consultation=consultation,
    )


def notify_moderated(submission: Submission, action_id: int, reason: str | None):
    """Tell the author that a moderator rejected, hid or redacted their innspill, and why."""
    consultation = submission.consultation

    def compose() -> tuple[str, str]:
        title = consultation.title
        if submission.status == "rejected":
            subject = _("Innspillet ditt i «%(title)s» ble avvist", title=title)
        elif submission.status == "hidden":
            subject = _("Innspillet ditt i «%(title)s» ble skjult av en moderator", title=title)
        else:
            subject = _("Deler av innspillet ditt i «%(title)s» ble sladdet", title=title)
        body = "\n\n".join(
            (
                subject + ".",
                _("Begrunnelse: %(reason)s", reason=reason or "-"),
                _(
                    "Du ser status og begrunnelse under «Mine innspill»: %(url)s",
                    url=absolute_url("submissions.mine"),
                ),
            )
        )
        return subject, body

    return enqueue(
        submission.author,
        KIND_MODERATED,
        f"moderation:{action_id}",
        compose,
        consultation=consultation,
    )


def notify_password_reset(user: User, link: str, ref: str, valid_minutes: int):
    """Send the link that lets a person choose a new password (they asked for it)."""

    def compose() -> tuple[str, str]:
        subject = _("Velg nytt passord")
        body = "\n\n".join(
            (
                _("Noen ba om å få velge nytt passord for kontoen din. Var det deg, følg lenken:"),
                link,
                _(
                    "Lenken virker i %(minutes)s minutter og bare én gang. Var det ikke deg, kan "
                    "du se bort fra denne e-posten; passordet ditt er ikke endret.",
                    minutes=valid_minutes,
                ),
            )
        )
        return subject, body

    return enqueue(user, KIND_PASSWORD_RESET, ref, compose, essential=True)


def notify_representation_requested(request: RepresentationRequest, deciders: list[User]) -> int:
    """Tell those who decide (the organisation's representatives, or the administrators) that a
    person asks to speak for it."""

    def compose() -> tuple[str, str]:
        name = request.organisation.name
        subject = _(
            "%(person)s ber om å skrive på vegne av %(name)s", person=request.user.name, name=name
        )
        body = "\n\n".join(
            (
                subject + ".",
                _(
                    "Godkjenn eller avslå forespørselen her: %(url)s",
                    url=absolute_url("organisations.requests"),
                ),
            )
        )
        return subject, body

    ref = f"representation-request:{request.id}"
    return sum(
        enqueue(decider, KIND_REPRESENTATION, ref, compose) is not None for decider in deciders
    )


def notify_representation_decided(request: RepresentationRequest) -> OutboxMessage | None:
    """Tell a person whether they may now speak for the organisation they asked about, and why."""

    def compose() -> tuple[str, str]:
        name = request.organisation.name
        if request.status == REQUEST_APPROVED:
            subject = _("Du kan nå skrive på vegne av %(name)s", name=name)
        else:
            subject = _("Forespørselen om å skrive på vegne av %(name)s ble avslått", name=name)
        body = "\n\n".join(
            (
                subject + ".",
                _("Begrunnelse: %(reason)s", reason=request.reason or "-"),
                _("Se organisasjonene dine: %(url)s", url=absolute_url("organisations.mine")),
            )
        )
        return subject, body

    # The person asked for this answer, so it goes out even with notices turned off.
    return enqueue(
        request.user, KIND_REPRESENTATION, f"representation:{request.id}", compose, essential=True
    )


def closing_soon(consultations: Iterable[Consultation], now: datetime) -> int:
    """Remind everyone who wrote in a consultation that its deadline is near; once per person."""
    count = 0
    for consultation in consultations:
        authors = db.session.scalars(
            select(User)
            .where(
                User.id.in_(
                    select(Submission.author_id).where(
                        Submission.consultation_id == consultation.id,
                        Submission.status.in_((STATUS_PUBLISHED, STATUS_PENDING)),
                    )
                )
            )
            .order_by(User.id)
        ).all()
        for author in authors:

            def compose(consultation=consultation) -> tuple[str, str]:
                subject = _(
                    "Fristen for «%(title)s» går ut %(when)s",
                    title=consultation.title,
                    when=format_timedelta(consultation.deadline - now, add_direction=True),
                )
                body = "\n\n".join(
                    (
                        _(
                            "Høringen «%(title)s», som du har skrevet innspill til, "
                            "har frist %(date)s.",
                            title=consultation.title,
                            date=format_moment(consultation.deadline),
                        ),
                        _(
                            "Vil du legge til noe, må du gjøre det før fristen: %(url)s",
                            url=absolute_url("consultations.show", slug=consultation.slug),
                        ),
                    )
                )
                return subject, body

            ref = f"consultation:{consultation.id}"
            if enqueue(author, KIND_CLOSING_SOON, ref, compose, consultation=consultation):
                count += 1
    return count


def consultations_closing_within(days: int, now: datetime) -> list[Consultation]:
    """Open consultations whose deadline falls within the next `days` days."""
    return list(
        db.session.scalars(
            select(Consultation)
            .where(
                Consultation.status == STATUS_OPEN,
                Consultation.opens_at <= now,
                Consultation.deadline > now,
                Consultation.deadline <= now + timedelta(days=days),
            )
            .order_by(Consultation.id)
        )
    )


def claim_pending(worker: str, *, limit: int = 100, now: datetime | None = None) -> list[int]:
    """Claim unsent messages for this sender with a conditional UPDATE: one winner per row."""
    now = now or utcnow()
    claimable = (
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.attempts < MAX_ATTEMPTS,
        or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < now - CLAIM_TIMEOUT),
    )
    candidates = db.session.scalars(
        select(OutboxMessage.id).where(*claimable).order_by(OutboxMessage.id).limit(limit)
    ).all()
    claimed = []
    for message_id in candidates:
        result = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id, *claimable)
            .values(claimed_at=now, claimed_by=worker)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            claimed.append(message_id)
    return claimed


def build_email(message: OutboxMessage) -> EmailMessage:
    """The e-mail for one outbox row; header values never carry a line break (ASVS 5.2.3)."""
    sender = current_app.config["MAIL_FROM"]
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient.email
    email["Subject"] = one_line(message.subject)
    email["Date"] = formatdate(usegmt=True)
    email["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    # RFC 3834: an automatic message, so auto-responders do not answer it.
    email["Auto-Submitted"] = "auto-generated"
    email.set_content(message.body)
    return email


def deliver(message: OutboxMessage, transport: Transport, *, now: datetime | None = None) -> bool:
    """Hand one claimed message to the transport; record when it was sent, or why it failed."""
    message.attempts += 1
    try:
        transport(build_email(message))
    except (smtplib.SMTPException, OSError) as error:
        # The claim stays: the row is tried again once CLAIM_TIMEOUT has passed, not in this run.
        message.error = f"{type(error).__name__}: {error}"[:1000]
        log.warning("notice %s not sent (attempt %s): %s", message.id, message.attempts, error)
        db.session.flush()
        return False
    message.sent_at = now or utcnow()
    message.error = None
    db.session.flush()
    return True


def log_transport(email: EmailMessage) -> None:
    """Without an SMTP server, each e-mail is written to the log instead."""
    log.info(
        "e-mail (not sent: HOERING_SMTP_HOST is not set)\nTo: %s\nSubject: %s\n\n%s",
        email["To"],
        email["Subject"],
        email.get_content(),
    )


@contextmanager
def open_transport() -> Iterator[Transport]:
    """SMTP when HOERING_SMTP_HOST is set (one connection for the batch), else the log."""
    host = current_app.config["MAIL_SMTP_HOST"]
    if not host:
        yield log_transport
        return
    with smtplib.SMTP(host, current_app.config["MAIL_SMTP_PORT"], timeout=30) as smtp:
        yield smtp.send_message
