"""Helpers for the moderation tests: signed-in clients and the moderator's forms."""

from __future__ import annotations

import pytest

from hoering.accounts.models import ROLE_MODERATOR
from hoering.extensions import db
from tests.conftest import post_form
from tests.factories import make_agency, make_consultation, make_user


@pytest.fixture
def setting():
    """A consultation of one agency, its moderator, and a moderator of another agency."""
    agency = make_agency()
    consultation = make_consultation(agency=agency)
    moderator = make_user(roles=[ROLE_MODERATOR], agency=agency, name="Mona Moderator")
    other_agency = make_agency()
    outsider = make_user(roles=[ROLE_MODERATOR], agency=other_agency, name="Otto Utenfra")
    db.session.commit()
    return consultation, moderator, outsider


def act(client, submission, handling: str, **fields):
    """Post one of the moderator's forms from the item page, with the version the page shows."""
    page = f"/admin/moderering/innspill/{submission.id}"
    data = {f"{handling}-version": str(fields.pop("version", submission.moderation_version))}
    for name, value in fields.items():
        data[f"{handling}-{name}"] = value
    return post_form(client, page, data, url=f"{page}/{handling}")
