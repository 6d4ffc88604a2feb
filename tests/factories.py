"""Factory fixtures with overridable defaults; everything goes through the real services."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest

from hoering.accounts import services as accounts
from hoering.accounts.models import Agency, Organisation
from hoering.consultations import services as consultations
from hoering.consultations.models import MODE_REACTIVE, Paragraph
from hoering.db import utcnow
from hoering.extensions import db
from hoering.submissions import services as submissions
from tests.conftest import PASSWORD

_seq = itertools.count(1)

DRAFT = """# Kapittel 1 Innledning

## § 1 Formål

Loven skal sikre deltakelse.

Loven skal sikre god dokumentasjon.

## § 2 Virkeområde

Loven gjelder for alle organer.

- første punkt
- andre punkt
"""


def make_agency(**kw) -> Agency:
    n = next(_seq)
    agency = Agency(
        slug=kw.pop("slug", f"etat-{n}"),
        name=kw.pop("name", f"Etat {n}"),
        org_number=kw.pop("org_number", "974760673"),
        **kw,
    )
    db.session.add(agency)
    db.session.flush()
    return agency


def make_user(*, roles=(), agency=None, organisations=(), **kw):
    n = next(_seq)
    user = accounts.create_user(
        kw.pop("email", f"person{n}@example.no"),
        kw.pop("name", f"Person {n}"),
        kw.pop("password", PASSWORD),
    )
    for role in roles:
        accounts.grant_role(user, role, agency)
    for organisation in organisations:
        accounts.add_representative(user, organisation)
    db.session.flush()
    return user


def make_organisation(**kw) -> Organisation:
    organisation = Organisation(
        name=kw.pop("name", "Norsk Testforening"),
        org_number=kw.pop("org_number", "921000006"),
        kind=kw.pop("kind", "organisation"),
    )
    db.session.add(organisation)
    db.session.flush()
    return organisation


def make_consultation(*, agency=None, officer=None, draft=DRAFT, publish=True, **kw):
    from hoering.accounts.models import ROLE_CASE_OFFICER

    agency = agency or make_agency()
    officer = officer or make_user(roles=[ROLE_CASE_OFFICER], agency=agency)
    now = utcnow()
    consultation = consultations.create_consultation(
        agency,
        consultations.ConsultationData(
            title=kw.pop("title", f"Høring om testlov {next(_seq)}"),
            summary=kw.pop("summary", "Et forslag."),
            case_number=kw.pop("case_number", "2026/1234"),
            opens_at=kw.pop("opens_at", now - timedelta(days=1)),
            deadline=kw.pop("deadline", now + timedelta(days=30)),
            moderation_mode=kw.pop("moderation_mode", MODE_REACTIVE),
            expectations=kw.pop("expectations", ""),
        ),
        by=officer,
        # The case exists before it opens, so a test may journal innspill dated since then.
        now=kw.pop("created_at", now - timedelta(days=2)),
    )
    if draft:
        consultations.publish_draft_version(consultation, draft, by=officer)
    if publish:
        # Opened now (unless a test backdates it): the høringsbrev is journaled after whatever
        # the journal holds already.
        consultations.publish_consultation(consultation, now=kw.pop("published_at", utcnow()))
    db.session.flush()
    return consultation


def paragraph(consultation, anchor: str = "p-1-1") -> Paragraph:
    return db.session.scalar(
        db.select(Paragraph).where(
            Paragraph.version_id == consultation.current_version_id, Paragraph.anchor == anchor
        )
    )


def make_submission(
    consultation, *, author=None, anchor="p-1-1", parent=None, general=False, **data
):
    author = author or make_user()
    data.setdefault("body", f"Et innspill nummer {next(_seq)}.")
    return submissions.submit(
        consultation,
        submissions.SubmissionData(**data),
        author=author,
        paragraph=None if (general or parent) else paragraph(consultation, anchor),
        parent=parent,
    )


@pytest.fixture
def factories():
    """The factory functions, for tests that prefer a fixture."""
    import tests.factories as module

    return module


def make_closed_consultation(*, agency=None, officer=None, consultees=()):
    """A closed consultation holding innspill of every kind, ready to export.

    The høringsbrev to the given høringsinstanser; two draft versions (the second a revised
    draft journaled on its own); published innspill on both; a statement on the whole from an
    organisation; a reply; an innspill with a hidden name; one redacted and one hidden by a
    moderator (logged in the journal); one held for moderation; one withdrawn; and the agency's
    reply to the first innspill.
    """
    from hoering.accounts.models import ROLE_CASE_OFFICER, ROLE_MODERATOR
    from hoering.journal.services import record_moderation
    from hoering.submissions.models import STATUS_HIDDEN, STATUS_PUBLISHED, STATUS_WITHDRAWN

    agency = agency or make_agency()
    officer = officer or make_user(
        roles=[ROLE_CASE_OFFICER], agency=agency, name="Siri Saksbehandler"
    )
    moderator = make_user(roles=[ROLE_MODERATOR], agency=agency, name="Mona Moderator")
    consultation = make_consultation(
        agency=agency, officer=officer, title="Høring om arkivloven", publish=False
    )
    # The invited høringsinstanser (name, organisation number): the høringsbrev journaled at
    # opening is sent to each.
    for name, org_number in consultees:
        consultations.add_consultee(consultation, name, org_number)
    consultations.publish_consultation(consultation, now=utcnow())
    citizen = make_user(name="Ola Nordmann")
    secret = make_user(name="Hemmelig Hansen")
    organisation = make_organisation(name="Foreningen for åpenhet")
    spokesperson = make_user(name="Ingrid Berg", organisations=[organisation])

    first = make_submission(
        consultation, author=citizen, body="Fristen er for kort.", position="oppose"
    )
    statement = make_submission(
        consultation,
        author=spokesperson,
        general=True,
        organisation_id=organisation.id,
        position="support",
        body="Foreningen støtter forslaget.",
    )
    reply = make_submission(consultation, author=spokesperson, parent=first, body="Enig i det.")
    screened = make_submission(
        consultation, author=secret, hide_name=True, body="Jeg vil ikke stå med navn."
    )
    redacted = make_submission(
        consultation, author=citizen, anchor="p-1-2", body="Naboen min Per Hansen er uenig."
    )
    redacted.public_body = "Naboen min [sladdet] er uenig."
    record_moderation(redacted, STATUS_PUBLISHED, reason="Navn på tredjeperson", by=moderator)
    hidden = make_submission(consultation, author=citizen, body="Dette er bare tull og spam.")
    submissions.set_status(hidden, STATUS_HIDDEN, reason="Spam")
    record_moderation(hidden, STATUS_PUBLISHED, reason="Spam", by=moderator)
    pending = make_submission(
        consultation,
        author=citizen,
        body="Mitt fødselsnummer er 13097248022.",
        confirm_personal_data=True,
    )
    withdrawn = make_submission(consultation, author=citizen, body="Jeg trekker dette.")
    submissions.set_status(withdrawn, STATUS_WITHDRAWN)

    consultations.publish_draft_version(
        consultation, DRAFT + "\nEn ny setning i versjon 2.\n", by=officer
    )
    on_v2 = make_submission(consultation, author=spokesperson, body="Bedre i versjon 2.")
    answer = submissions.reply_as_agency(first, "Takk, vi ser på fristen.", by=officer)
    consultations.close_consultation(consultation, by=officer)
    db.session.flush()
    return {
        "consultation": consultation,
        "officer": officer,
        "moderator": moderator,
        "first": first,
        "statement": statement,
        "reply": reply,
        "screened": screened,
        "redacted": redacted,
        "hidden": hidden,
        "pending": pending,
        "withdrawn": withdrawn,
        "on_v2": on_v2,
        "answer": answer,
    }
