"""Speaking for an organisation: a person asks by organisation number, checked against
Enhetsregisteret; the organisation's representatives (or, if it has none, the administrators)
approve or refuse with a reason, and the person is told by e-mail either way."""

from __future__ import annotations

import logging

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from hoering.accounts import registry
from hoering.accounts.models import (
    REQUEST_APPROVED,
    REQUEST_PENDING,
    REQUEST_REFUSED,
    ROLE_ADMIN,
    Organisation,
    Representation,
    RepresentationRequest,
    User,
    UserRole,
)
from hoering.accounts.services import add_representative, valid_org_number
from hoering.db import utcnow
from hoering.errors import BadInputError, ConflictError, ForbiddenError, NotFoundError
from hoering.extensions import db

log = logging.getLogger(__name__)

NOTE_MAX = 1000


def is_verified_representative(user: User, organisation: Organisation | None) -> bool:
    """The organisation's name came from the register, it still exists there, and the person's
    right to speak for it was approved through a checked request."""
    if organisation is None or organisation.registry_checked_at is None:
        return False
    if not any(
        rep.organisation_id == organisation.id and rep.verified_at for rep in user.representations
    ):
        return False
    entity = registry.lookup(organisation.org_number or "")
    return entity is not None and not entity.is_deleted


def _registered_organisation(org_number: str) -> Organisation:
    """The organisation with this number, its name and form from Enhetsregisteret."""
    number = valid_org_number(org_number)
    entity = registry.lookup(number)
    if entity is None:
        raise BadInputError(
            _l("Fant ikke organisasjonsnummeret i Enhetsregisteret. Sjekk nummeret."),
            field="org_number",
        )
    if entity.is_deleted:
        raise BadInputError(
            _("%(name)s er slettet i Enhetsregisteret.", name=entity.name), field="org_number"
        )
    organisation = db.session.scalar(select(Organisation).where(Organisation.org_number == number))
    if organisation is None:
        organisation = Organisation(org_number=number)
        db.session.add(organisation)
    organisation.name = entity.name
    organisation.kind = registry.kind_for_form(entity.form_code)
    organisation.registry_checked_at = utcnow()
    db.session.flush()
    return organisation


def request_representation(user: User, org_number: str, note: str = "") -> RepresentationRequest:
    """Ask to speak for an organisation; refused for a malformed, unknown or deleted number."""
    organisation = _registered_organisation(org_number)
    if any(
        rep.organisation_id == organisation.id and rep.verified_at for rep in user.representations
    ):
        raise ConflictError(
            _("Du kan allerede skrive på vegne av %(name)s.", name=organisation.name),
            field="org_number",
        )
    pending = db.session.scalar(
        select(RepresentationRequest.id).where(
            RepresentationRequest.user_id == user.id,
            RepresentationRequest.organisation_id == organisation.id,
            RepresentationRequest.status == REQUEST_PENDING,
        )
    )
    if pending is not None:
        raise ConflictError(
            _("Du har allerede en forespørsel om %(name)s som venter.", name=organisation.name),
            field="org_number",
        )
    request = RepresentationRequest(
        user=user, organisation=organisation, note=note.strip()[:NOTE_MAX] or None
    )
    db.session.add(request)
    db.session.flush()
    # Notices sit above accounts; imported here as request_password_reset does.
    from hoering.notices.services import notify_representation_requested

    notify_representation_requested(request, deciders(organisation))
    log.info("user %s asked to speak for organisation %s", user.id, organisation.id)
    return request


def deciders(organisation: Organisation) -> list[User]:
    """Its verified representatives; if it has none, the administrators."""
    representatives = list(
        db.session.scalars(
            select(User)
            .join(Representation, Representation.user_id == User.id)
            .where(
                Representation.organisation_id == organisation.id,
                Representation.verified_at.is_not(None),
                User.is_enabled.is_(True),
            )
        )
    )
    if representatives:
        return representatives
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == ROLE_ADMIN)
        ).unique()
    )


def may_decide(user: User, request: RepresentationRequest) -> bool:
    return user.id != request.user_id and any(
        u.id == user.id for u in deciders(request.organisation)
    )


def requests_to_decide(user: User) -> list[RepresentationRequest]:
    pending = db.session.scalars(
        select(RepresentationRequest)
        .where(RepresentationRequest.status == REQUEST_PENDING)
        .order_by(RepresentationRequest.created_at)
    )
    return [request for request in pending if may_decide(user, request)]


def get_request(request_id: int) -> RepresentationRequest:
    request = db.session.get(RepresentationRequest, request_id)
    if request is None:
        raise NotFoundError()
    return request


def decide(request: RepresentationRequest, *, approve: bool, reason: str, by: User) -> None:
    """Approve (the person may then speak for it, verified) or refuse, with a reason; the
    person is told by e-mail either way."""
    if not may_decide(by, request):
        raise ForbiddenError()
    if request.status != REQUEST_PENDING:
        raise ConflictError(_l("Forespørselen er allerede avgjort."))
    reason = reason.strip()
    if not approve and not reason:
        raise BadInputError(_l("Skriv en begrunnelse for avslaget."), field="reason")
    request.status = REQUEST_APPROVED if approve else REQUEST_REFUSED
    request.reason = reason[:NOTE_MAX] or None
    request.decided_by = by
    request.decided_at = utcnow()
    if approve:
        representation = add_representative(request.user, request.organisation)
        representation.verified_at = utcnow()
    db.session.flush()
    from hoering.notices.services import notify_representation_decided

    notify_representation_decided(request)
    log.info("representation request %s %s by user %s", request.id, request.status, by.id)
