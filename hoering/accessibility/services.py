"""Each agency links its declaration in uustatus; anyone may report a barrier to its staff.

A report goes to the agency's case officers (to the administrators if it has none) through the
e-mail outbox, in the same transaction, so a report is never acknowledged and then dropped.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from hoering import text
from hoering.accounts.models import ROLE_ADMIN, ROLE_CASE_OFFICER, Agency, User, UserRole
from hoering.db import new_system_id
from hoering.errors import BadInputError, ForbiddenError
from hoering.extensions import db
from hoering.notices.models import KIND_BARRIER
from hoering.notices.services import absolute_url, enqueue
from hoering.privacy.services import can_edit_privacy

UUSTATUS_HOSTS = ("uustatus.no", "www.uustatus.no")
URL_MAX = 500
DESCRIPTION_MAX = 3000
PAGE_MAX = 500
CONTACT_MAX = 300


def clean_declaration_url(value: str) -> str | None:
    """An https address of the declaration in uustatus (the national register); empty is none."""
    value = (value or "").strip()
    if not value:
        return None
    parts = urlsplit(value) if len(value) <= URL_MAX and not text.has_nul(value) else None
    if (
        parts is None
        or parts.scheme != "https"
        or parts.hostname not in UUSTATUS_HOSTS
        or parts.username
        or any(c.isspace() for c in value)
    ):
        raise BadInputError(
            _l("Lenken må gå til erklæringen i uustatus og begynne med https://uustatus.no/."),
            field="declaration_url",
        )
    return value


def update_declaration_url(agency: Agency, value: str, *, by: User) -> None:
    """The agency's case officers (and admins) link the declaration they published in uustatus."""
    if not can_edit_privacy(by, agency):
        raise ForbiddenError()
    agency.accessibility_url = clean_declaration_url(value)


def _clean(value: str, *, field: str, limit: int, required: bool = False) -> str:
    value = text.normalize_line_endings(value or "").strip()
    if text.has_nul(value):
        raise BadInputError(_l("Teksten inneholder et ugyldig tegn (NUL)."), field=field)
    if required and not value:
        raise BadInputError(_l("Beskriv hva som ikke virket."), field=field)
    if len(value) > limit:
        raise BadInputError(_("Feltet kan ha høyst %(n)s tegn.", n=limit), field=field)
    return value


def staff_for(agency: Agency) -> list[User]:
    """Who hears about barriers: the agency's case officers, or the administrators if none."""
    for role, agency_id in ((ROLE_CASE_OFFICER, agency.id), (ROLE_ADMIN, None)):
        query = select(User).join(UserRole, UserRole.user_id == User.id)
        query = query.where(UserRole.role == role)
        if agency_id is not None:
            query = query.where(UserRole.agency_id == agency_id)
        people = [user for user in db.session.scalars(query.order_by(User.id)) if user.is_enabled]
        if people:
            return people
    return []


def report_barrier(
    agency: Agency, *, description: str, page: str, contact: str, reporter: User | None
) -> int:
    """Queue the report to the agency's staff; the number of people it went to (at least 1)."""
    description = _clean(description, field="description", limit=DESCRIPTION_MAX, required=True)
    page = _clean(page, field="page", limit=PAGE_MAX)
    contact = _clean(contact, field="contact", limit=CONTACT_MAX)
    if not contact and reporter is not None:
        contact = reporter.email
    ref = f"barrier:{new_system_id()}"

    def compose() -> tuple[str, str]:
        subject = _("Melding om tilgjengelighet: %(agency)s", agency=agency.name)
        body = "\n\n".join(
            (
                _(
                    "Noen har meldt fra om et hinder på høringssidene til %(agency)s.",
                    agency=agency.name,
                ),
                _("Hva som ikke virket:") + "\n" + description,
                _("Side: %(page)s", page=page or "-"),
                _("Svar til: %(contact)s", contact=contact or _("(ingen kontaktinformasjon)")),
                _(
                    "Etter likestillings- og diskrimineringsloven skal virksomheten svare innen "
                    "rimelig tid. Tilgjengelighetserklæringen: %(url)s",
                    url=absolute_url("accessibility.statement", slug=agency.slug),
                ),
            )
        )
        return subject, body

    staff = staff_for(agency)
    if not staff:
        raise BadInputError(
            _l("Meldingen kunne ikke sendes: virksomheten har ingen mottaker. Prøv igjen senere.")
        )
    for person in staff:
        enqueue(person, KIND_BARRIER, ref, compose, essential=True, new_cause=True)
    return len(staff)
