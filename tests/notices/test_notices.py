"""E-mail notices: who gets one, who never does, and how the outbox is sent."""

from __future__ import annotations

import logging
import socket
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from hoering.accounts.models import ROLE_CASE_OFFICER
from hoering.consultations.models import MODE_PRE
from hoering.db import utcnow
from hoering.extensions import db
from hoering.notices import services
from hoering.notices.models import (
    KIND_AGENCY_ANSWER,
    KIND_CLOSING_SOON,
    KIND_RECEIPT,
    KIND_REPLY,
    OutboxMessage,
)
from hoering.submissions import services as submissions
from hoering.submissions.models import STATUS_PUBLISHED
from tests.conftest import csrf_from, login
from tests.factories import make_consultation, make_submission, make_user


def outbox() -> list[OutboxMessage]:
    """The notices other than receipts (every innspill queues its own; see test_receipt)."""
    query = select(OutboxMessage).where(OutboxMessage.kind != KIND_RECEIPT)
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def receipts_already_sent() -> None:
    """Leave only the notice a sending test is about in the outbox (receipts are tested apart)."""
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.kind == KIND_RECEIPT)
        .values(sent_at=utcnow(), attempts=1)
    )
    db.session.commit()


# --- enqueue rules ---------------------------------------------------------------------------


def test_a_reply_from_someone_else_notifies_the_author_in_their_language():
    consultation = make_consultation(title="Høring om vannlov")
    author = make_user(name="Kari")
    author.locale = "en"
    parent = make_submission(consultation, author=author)
    reply = make_submission(consultation, parent=parent, author=make_user(name="Ola"))
    db.session.commit()

    [message] = outbox()
    assert message.recipient_id == author.id
    assert message.kind == KIND_REPLY
    assert message.ref == f"submission:{reply.id}"
    assert message.subject == "New reply to your comment in “Høring om vannlov”"
    assert "Ola has replied to your comment" in message.body
    assert f"/innspill/{reply.id}#innspill-{reply.id}" in message.body
    assert message.body.startswith("Ola")
    assert "/konto" in message.body
    assert message.sent_at is None


def test_replying_to_your_own_innspill_sends_nothing():
    consultation = make_consultation()
    author = make_user()
    parent = make_submission(consultation, author=author)
    make_submission(consultation, parent=parent, author=author, body="Et tillegg.")
    assert outbox() == []


def test_people_who_turned_notices_off_get_none():
    consultation = make_consultation()
    author = make_user()
    author.wants_email = False
    parent = make_submission(consultation, author=author)
    make_submission(consultation, parent=parent)
    assert outbox() == []


def test_turning_notices_off_on_the_account_page_stops_them(client):
    author = make_user()
    db.session.commit()
    login(client, author)
    token = csrf_from(client.get("/konto").get_data(as_text=True))
    # The checkbox left unticked.
    response = client.post("/konto", data={"pref-csrf_token": token, "pref-locale": "nb"})
    assert response.status_code == 302
    db.session.refresh(author)
    assert author.wants_email is False
    consultation = make_consultation()
    make_submission(consultation, parent=make_submission(consultation, author=author))
    assert outbox() == []


def test_a_held_reply_notifies_only_once_it_is_published():
    consultation = make_consultation(moderation_mode=MODE_PRE)
    parent = make_submission(consultation)
    submissions.set_status(parent, STATUS_PUBLISHED)
    reply = make_submission(consultation, parent=parent)
    assert outbox() == []
    submissions.set_status(reply, STATUS_PUBLISHED)
    submissions.set_status(reply, STATUS_PUBLISHED)
    assert [m.ref for m in outbox()] == [f"submission:{reply.id}"]


def test_the_agency_answer_notifies_the_author():
    consultation = make_consultation()
    officer = make_user(roles=[ROLE_CASE_OFFICER], agency=consultation.agency)
    submission = make_submission(consultation)
    answer = submissions.reply_as_agency(submission, "Takk, vi ser på det.", by=officer)

    [message] = outbox()
    assert message.kind == KIND_AGENCY_ANSWER
    assert message.recipient_id == submission.author_id
    assert message.ref == f"agency-reply:{answer.id}"
    assert message.subject == f"{consultation.agency.name} har svart på innspillet ditt"


def test_closing_soon_reminds_each_commenter_once_and_is_idempotent(runner):
    soon = make_consultation(deadline=utcnow() + timedelta(days=2))
    later = make_consultation(deadline=utcnow() + timedelta(days=20))
    first, second, quiet = make_user(), make_user(), make_user()
    quiet.wants_email = False
    make_submission(soon, author=first)
    make_submission(soon, author=first, anchor="p-1-2")
    make_submission(soon, author=second, general=True)
    make_submission(soon, author=quiet)
    make_submission(later, author=first)
    db.session.commit()

    result = runner.invoke(args=["notices", "closing-soon", "--days", "3"])
    assert result.exit_code == 0, result.output
    assert "2 reminder(s) queued." in result.output
    again = runner.invoke(args=["notices", "closing-soon", "--days", "3"])
    assert "0 reminder(s) queued." in again.output

    messages = outbox()
    assert sorted(m.recipient_id for m in messages) == sorted([first.id, second.id])
    assert {m.kind for m in messages} == {KIND_CLOSING_SOON}
    assert {m.consultation_id for m in messages} == {soon.id}
    assert messages[0].subject.startswith(f"Fristen for «{soon.title}» går ut om ")


def test_the_unique_key_refuses_a_second_identical_notice():
    consultation = make_consultation(deadline=utcnow() + timedelta(days=1))
    make_submission(consultation)
    now = utcnow()
    assert services.closing_soon([consultation], now) == 1
    assert services.closing_soon([consultation], now) == 0
    assert len(outbox()) == 1


# --- sending ---------------------------------------------------------------------------------


def test_without_smtp_the_messages_go_to_the_log(runner, caplog):
    consultation = make_consultation()
    make_submission(consultation, parent=make_submission(consultation))
    db.session.commit()
    receipts_already_sent()

    with caplog.at_level(logging.INFO, logger="hoering.notices.services"):
        result = runner.invoke(args=["notices", "send"])
    assert result.exit_code == 0, result.output
    assert "1 notice(s) sent, 0 failed." in result.output
    assert "Nytt svar på innspillet ditt" in caplog.text
    [message] = outbox()
    db.session.refresh(message)
    assert message.sent_at is not None
    assert message.attempts == 1
    assert "0 notice(s) sent" in runner.invoke(args=["notices", "send"]).output


class Inbox:
    def __init__(self, reject: bool = False):
        self.messages = []
        self.reject = reject

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        if self.reject:
            return "554 Transaction failed: no thanks"
        self.messages.append(
            (envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default))
        )
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server(app):
    """A real SMTP server on localhost, and the app pointed at it for one test."""

    def start(reject: bool = False) -> Inbox:
        inbox = Inbox(reject)
        controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
        controller.start()
        started.append(controller)
        app.config.update(MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=controller.port)
        return inbox

    started: list[Controller] = []
    yield start
    for controller in started:
        controller.stop()
    app.config.update(MAIL_SMTP_HOST=None, MAIL_SMTP_PORT=25)


def test_smtp_delivers_with_clean_headers(runner, smtp_server):
    inbox = smtp_server()
    consultation = make_consultation(title="Lov om\r\nBcc: angriper@example.com vann")
    author = make_user(email="kari@example.no")
    make_submission(consultation, parent=make_submission(consultation, author=author))
    db.session.commit()
    receipts_already_sent()

    result = runner.invoke(args=["notices", "send"])
    assert result.exit_code == 0, result.output
    [(recipients, email)] = inbox.messages
    assert recipients == ["kari@example.no"]
    assert email["To"] == "kari@example.no"
    assert email["From"] == "ikke-svar@hoering.invalid"
    assert email["Auto-Submitted"] == "auto-generated"
    assert email["Subject"] == (
        "Nytt svar på innspillet ditt i «Lov om Bcc: angriper@example.com vann»"
    )
    assert email["Bcc"] is None
    assert "har svart på innspillet ditt" in email.get_content()
    [message] = outbox()
    db.session.refresh(message)
    assert message.sent_at is not None
    assert message.error is None


def test_a_refused_message_keeps_its_error_and_waits_for_a_later_run(runner, smtp_server):
    smtp_server(reject=True)
    consultation = make_consultation()
    make_submission(consultation, parent=make_submission(consultation))
    db.session.commit()
    receipts_already_sent()

    result = runner.invoke(args=["notices", "send"])
    assert "0 notice(s) sent, 1 failed." in result.output
    [message] = outbox()
    db.session.refresh(message)
    assert message.sent_at is None
    assert "no thanks" in message.error
    # Still claimed, so neither this run nor another host retries at once; later it may.
    assert services.claim_pending("other-host") == []
    later = utcnow() + services.CLAIM_TIMEOUT + timedelta(minutes=1)
    assert services.claim_pending("other-host", now=later) == [message.id]


def test_two_senders_never_claim_the_same_message():
    consultation = make_consultation()
    parent = make_submission(consultation)
    make_submission(consultation, parent=parent)
    make_submission(consultation, parent=parent)
    db.session.commit()
    receipts_already_sent()

    first = services.claim_pending("host-a")
    second = services.claim_pending("host-b")
    assert len(first) == 2
    assert second == []
