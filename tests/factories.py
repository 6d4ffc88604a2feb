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
    )
    if draft:
        consultations.publish_draft_version(consultation, draft, by=officer)
    if publish:
        consultations.publish_consultation(consultation, now=now - timedelta(hours=1))
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
