"""The agency's privacy statement (personvernerklæring), and the live personal-data check."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from hoering import text
from hoering.accounts.models import ROLE_CASE_OFFICER, Agency, User
from hoering.errors import BadInputError, ForbiddenError, NotFoundError
from hoering.extensions import db
from hoering.privacy.detect import Finding, find_personal_data

STATEMENT_MAX = 20_000
CONTACT_MAX = 300


def get_agency(slug: str) -> Agency:
    """The agency with this slug, or a 404."""
    agency = db.session.scalar(select(Agency).where(Agency.slug == slug))
    if agency is None:
        raise NotFoundError()
    return agency


def default_privacy_statement(agency: Agency) -> str:
    """The statement an agency starts from: what, why, how long, rights, who to ask."""
    return _(
        "## Hva vi lagrer\n\n"
        "Når du sender et innspill, lagrer vi navnet ditt, e-postadressen til kontoen din, "
        "organisasjonen du eventuelt skriver for, teksten og tidspunktet. Innspillet blir "
        "journalført som et inngående dokument i saken og arkivert. Vi lagrer ikke "
        "IP-adressen din; når noen rapporterer et innspill uten å være logget inn, lagrer vi "
        "bare en enveiskode av adressen, for å telle rapportene riktig.\n\n"
        "## Rettslig grunnlag\n\n"
        "Behandlingen er nødvendig for å utføre en oppgave i allmennhetens interesse og for å "
        "utøve offentlig myndighet (personvernforordningen artikkel 6 nr. 1 bokstav e), jf. "
        "utredningsinstruksen og forvaltningsloven § 37 om høringer, arkivlova om journalføring "
        "og arkivering og offentleglova om innsyn.\n\n"
        "## Hvor lenge vi lagrer\n\n"
        "Innspill og journalposter blir arkivert etter arkivlova og blir ikke slettet. Den "
        "offentlige visningen på nettsiden kan begrenses, se nedenfor. Kontoen din lagrer vi "
        "til du ber oss slette den; innspillene blir da stående i journalen.\n\n"
        "## Innsyn, retting og fjerning fra offentlig visning\n\n"
        "Du kan be om innsyn i hva vi har lagret om deg, be om retting, og be om at et innspill "
        "eller navnet ditt blir fjernet fra den offentlige visningen. Du kan selv trekke "
        "tilbake et innspill under «Mine innspill». Journalen og arkivet beholder originalen, "
        "skjermet der loven krever det. Skriv til %(contact)s.\n\n"
        "## Personvernombud\n\n"
        "Personvernombudet i %(agency)s nås på %(contact)s. Mener du at vi behandler "
        "personopplysninger i strid med reglene, kan du klage til Datatilsynet.",
        agency=agency.name,
        contact=agency.privacy_contact or _("virksomhetens postmottak"),
    )


def privacy_statement(agency: Agency) -> str:
    """What the public page shows: the agency's own text, or the default."""
    return agency.privacy_statement or default_privacy_statement(agency)


def can_edit_privacy(user, agency: Agency) -> bool:
    """The agency's case officers, and admins."""
    return bool(user.is_authenticated and user.has_role(ROLE_CASE_OFFICER, agency.id))


def update_privacy_statement(agency: Agency, *, statement: str, contact: str, by: User) -> None:
    """The agency's case officers (and admins) edit it; an empty text goes back to the default."""
    if not can_edit_privacy(by, agency):
        raise ForbiddenError()
    if text.has_nul(statement) or text.has_nul(contact):
        raise BadInputError(_l("Teksten inneholder et ugyldig tegn (NUL)."), field="statement")
    statement = text.normalize_line_endings(statement).strip()
    if len(statement) > STATEMENT_MAX:
        raise BadInputError(
            _l("Erklæringen kan ha høyst %(n)s tegn.", n=STATEMENT_MAX), field="statement"
        )
    agency.privacy_statement = statement or None
    agency.privacy_contact = contact.strip()[:CONTACT_MAX] or None
    db.session.flush()


def check_text(value) -> list[Finding]:
    """The live hint: the same find_personal_data() that submit() runs, on text being typed."""
    if not isinstance(value, str):
        raise BadInputError(_l("Send teksten som «text» i et JSON-objekt."))
    if text.has_nul(value):
        raise BadInputError(_l("Teksten inneholder et ugyldig tegn (NUL)."))
    if text.plain_length(value) > current_app.config["SUBMISSION_MAX_LENGTH"]:
        raise BadInputError(_l("Teksten er lengre enn et innspill kan være."))
    return find_personal_data(value)
