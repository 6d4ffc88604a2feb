"""The public journal per agency, as a page and as CSV."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from hoering.errors import BadInputError
from hoering.journal import public
from hoering.journal.forms import JournalFilterForm
from hoering.paging import after_param
from hoering.tabular import csv_response, delimiter_param

bp = Blueprint("journal", __name__)


@bp.route("/virksomheter/<agency_slug>/offentlig-journal")
def public_journal(agency_slug: str):
    agency = public.get_agency(agency_slug)
    consultations = public.journal_consultations(agency)
    form = JournalFilterForm(request.args)
    form.hoering.choices = [("", _("Alle høringer")), *((c.slug, c.title) for c in consultations)]
    entries, next_after, status = [], None, 200
    try:
        flt = public.parse_filter(agency, request.args)
        entries, next_after = public.public_page(
            agency,
            flt,
            after=after_param(request.args),
            size=current_app.config["PAGE_SIZE"],
        )
    except BadInputError as error:
        field = getattr(form, error.field or "", None)
        if field is None:
            raise
        field.errors = [*field.errors, str(error.message)]
        status = error.status
    filters = {k: v for k, v in request.args.items() if k in ("fra", "til", "hoering") and v}
    return render_template(
        "journal/public.html",
        agency=agency,
        form=form,
        entries=entries,
        next_after=next_after,
        filters=filters,
        heads=public.daily_heads(agency),
    ), status


CSV_HEADER = (
    _l("Journalnummer"),
    _l("Journaldato"),
    _l("Dokumenttype"),
    _l("Tittel"),
    _l("Avsender/mottaker"),
    _l("Saksnummer"),
    _l("Høring"),
    _l("Skjermingshjemmel"),
    _l("Avskrivningsmåte"),
    _l("Avskrivningsdato"),
)


@bp.route("/virksomheter/<agency_slug>/offentlig-journal.csv")
def public_journal_csv(agency_slug: str):
    agency = public.get_agency(agency_slug)
    flt = public.parse_filter(agency, request.args)
    delimiter = delimiter_param(request.args)
    kinds = {"I": _("Inngående"), "U": _("Utgående")}
    rows = (
        (
            e.journal_number,
            e.journal_date.isoformat(),
            kinds[e.document_type],
            e.title,
            e.correspondent,
            e.case_number,
            e.consultation_title,
            e.legal_basis,
            e.avskrivning_method,
            e.avskrivning_date.isoformat() if e.avskrivning_date else None,
        )
        for e in public.iter_public(agency, flt)
    )
    return csv_response(f"offentlig-journal-{agency.slug}.csv", CSV_HEADER, rows, delimiter)
