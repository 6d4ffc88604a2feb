"""Public consultation pages and the case officer's management pages (/admin/...)."""

from __future__ import annotations

from datetime import datetime, time
from functools import wraps
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import or_, select

from hoering import cache
from hoering.accounts.models import ROLE_CASE_OFFICER, Agency
from hoering.analysis import public as campaigns_public
from hoering.consultations import services
from hoering.consultations.draft import join_wrapped_lines, looks_hard_wrapped
from hoering.consultations.forms import ConsultationForm, ConsulteeForm, DraftForm
from hoering.consultations.models import (
    STATUS_ARCHIVED,
    STATUS_CLOSED,
    STATUS_DRAFT,
    STATUS_OPEN,
    Consultation,
)
from hoering.db import escape_like, utcnow
from hoering.documents.services import KIND_LABELS, agency_documents, draft_source
from hoering.documents.uploads import accepts_files
from hoering.errors import BadInputError, DomainError, ForbiddenError, NotFoundError
from hoering.extensions import db
from hoering.moderation import queries as moderation_queries
from hoering.paging import after_param, whole_number
from hoering.submissions import queries

bp = Blueprint("consultations", __name__)
manage_bp = Blueprint("manage", __name__, url_prefix="/admin")

OSLO = ZoneInfo("Europe/Oslo")
PUBLIC_FILTERS = ("open", "closed", "upcoming")


@bp.route("/")
def index():
    return list_consultations()


@bp.route("/hoeringer/")
def list_consultations():
    query_text = request.args.get("q", "").strip()[:200]
    agency_slug = request.args.get("virksomhet", "")
    status = request.args.get("status", "")
    if status and status not in PUBLIC_FILTERS:
        raise BadInputError(_("Ukjent statusfilter."))
    now = utcnow()
    query = select(Consultation).where(Consultation.status != STATUS_DRAFT)
    if query_text:
        query = query.where(Consultation.title.ilike(f"%{escape_like(query_text)}%", escape="\\"))
    if agency_slug:
        query = query.join(Agency).where(Agency.slug == agency_slug)
    if status == "open":
        query = query.where(
            Consultation.status == STATUS_OPEN,
            Consultation.deadline > now,
            Consultation.opens_at <= now,
        )
    elif status == "upcoming":
        query = query.where(Consultation.status == STATUS_OPEN, Consultation.opens_at > now)
    elif status == "closed":
        query = query.where(
            or_(
                Consultation.status.in_((STATUS_CLOSED, STATUS_ARCHIVED)),
                Consultation.deadline <= now,
            )
        )
    consultations = db.session.scalars(query.order_by(Consultation.deadline.desc()).limit(100))
    agencies = db.session.scalars(select(Agency).order_by(Agency.name))
    return render_template(
        "consultations/index.html",
        consultations=list(consultations),
        agencies=list(agencies),
        query_text=query_text,
        agency_slug=agency_slug,
        status=status,
        now=now,
    )


@bp.route("/hoeringer/<slug>/")
def show(slug: str):
    consultation = services.get_consultation(slug, viewer=current_user)
    now = utcnow()
    counts, removed = queries.anchor_tallies(consultation)
    accepting = consultation.accepts_submissions(now)

    def render_draft() -> str:
        sections, paragraphs = queries.current_draft(consultation)
        return render_template(
            "consultations/_draft.html",
            consultation=consultation,
            sections=sections,
            paragraphs=paragraphs,
            counts=counts,
            removed=removed,
            accepting=accepting,
        )

    draft_key = cache.key(
        "draft",
        consultation.id,
        consultation.slug,
        consultation.current_version_id,
        sorted(counts.items()),
        sorted(removed.items()),
        accepting,
        str(get_locale()),
    )
    page = queries.general_page(
        consultation,
        after=after_param(request.args),
        size=current_app.config["PAGE_SIZE"],
        viewer=current_user,
        fold=campaigns_public.folding(consultation),
    )
    consultees = services.invited(consultation)
    return render_template(
        "consultations/show.html",
        consultation=consultation,
        draft_html=cache.fragment(draft_key, render_draft),
        page=page,
        consultees=consultees,
        now=now,
        can_manage=services.can_manage(current_user, consultation),
        removals=moderation_queries.removal_counts(consultation),
        agency_documents=agency_documents(consultation.id),
        document_kinds=KIND_LABELS,
    )


@bp.route("/hoeringer/<slug>/<anchor>")
def paragraph(slug: str, anchor: str):
    consultation = services.get_consultation(slug, viewer=current_user)
    version_id = request.args.get("versjon", type=whole_number)
    if version_id is None and request.args.get("versjon"):
        raise NotFoundError()
    anchored = queries.anchor_paragraphs(consultation, anchor)
    found = anchored.in_version(version_id or consultation.current_version_id)
    if found is None:
        raise NotFoundError()
    page = queries.paragraph_page(
        anchored.ids,
        after=after_param(request.args),
        size=current_app.config["PAGE_SIZE"],
        viewer=current_user,
        fold=campaigns_public.folding(consultation),
    )
    return render_template(
        "consultations/paragraph.html",
        consultation=consultation,
        paragraph=found,
        page=page,
        total=anchored.total,
        versions=anchored.versions,
        # Only a paragraph without public innspill needs to say that some were removed (and
        # then the count is cheap); elsewhere the tombstones show in place.
        removed=0 if anchored.total else queries.removed_count(anchored.ids),
        now=utcnow(),
    )


# --- management (/admin) -------------------------------------------------------------------


def case_officer_required(view):
    """Load the consultation by slug; only its agency's case officers (and admins) get through."""

    @wraps(view)
    @login_required
    def wrapper(slug: str, **kwargs):
        consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
        if consultation is None:
            raise NotFoundError()
        if not services.can_manage(current_user, consultation):
            raise ForbiddenError()
        return view(consultation, **kwargs)

    return wrapper


def _officer_agencies() -> list[Agency]:
    if current_user.is_admin:
        return list(db.session.scalars(select(Agency).order_by(Agency.name)))
    ids = current_user.agency_ids(ROLE_CASE_OFFICER)
    return list(db.session.scalars(select(Agency).where(Agency.id.in_(ids)).order_by(Agency.name)))


@manage_bp.route("/")
@login_required
def dashboard():
    agencies = _officer_agencies()
    if not agencies and not current_user.is_staff:
        raise ForbiddenError()
    consultations = db.session.scalars(
        select(Consultation)
        .where(Consultation.agency_id.in_([a.id for a in agencies]))
        .order_by(Consultation.created_at.desc())
    ).all()
    return render_template(
        "consultations/manage_dashboard.html",
        consultations=consultations,
        agencies=agencies,
        now=utcnow(),
    )


def _form_data(form: ConsultationForm) -> services.ConsultationData:
    deadline_time = form.deadline_time.data or time(23, 59)
    return services.ConsultationData(
        title=form.title.data,
        summary=form.summary.data or "",
        case_number=form.case_number.data,
        opens_at=datetime.combine(form.opens_on.data, time(0, 0), OSLO),
        deadline=datetime.combine(form.deadline_on.data, deadline_time, OSLO),
        moderation_mode=form.moderation_mode.data,
        expectations=form.expectations.data or "",
    )


def _field_error(form, error: DomainError) -> None:
    field = getattr(form, error.field or "", None)
    if field is None:
        flash(str(error.message), "error")
    else:
        field.errors = [*field.errors, str(error.message)]


@manage_bp.route("/hoeringer/ny", methods=["GET", "POST"])
@login_required
def create():
    agencies = _officer_agencies()
    if not agencies:
        raise ForbiddenError()
    form = ConsultationForm()
    agency_id = request.form.get("agency_id", type=whole_number) or agencies[0].id
    agency = next((a for a in agencies if a.id == agency_id), None)
    if request.method == "GET":
        form.expectations.data = services.default_expectations()
    if form.validate_on_submit():
        if agency is None:
            raise ForbiddenError()
        try:
            consultation = services.create_consultation(agency, _form_data(form), by=current_user)
        except DomainError as error:
            _field_error(form, error)
        else:
            db.session.commit()
            flash(_("Høringen er opprettet som utkast. Last opp høringsutkastet."), "success")
            return redirect(url_for("manage.draft", slug=consultation.slug))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "consultations/manage_form.html", form=form, agencies=agencies, consultation=None
    ), status


@manage_bp.route("/hoeringer/<slug>/rediger", methods=["GET", "POST"])
@case_officer_required
def edit(consultation: Consultation):
    form = ConsultationForm(obj=consultation)
    if request.method == "GET":
        opens = consultation.opens_at.astimezone(OSLO)
        deadline = consultation.deadline.astimezone(OSLO)
        form.opens_on.data = opens.date()
        form.deadline_on.data = deadline.date()
        form.deadline_time.data = deadline.time()
    if form.validate_on_submit():
        try:
            services.update_consultation(consultation, _form_data(form))
        except DomainError as error:
            _field_error(form, error)
        else:
            db.session.commit()
            flash(_("Endringene er lagret."), "success")
            return redirect(url_for("manage.edit", slug=consultation.slug))
    status = 400 if request.method == "POST" else 200
    return render_template(
        "consultations/manage_form.html",
        form=form,
        agencies=None,
        consultation=consultation,
        consultee_form=ConsulteeForm(prefix="c"),
        now=utcnow(),
    ), status


@manage_bp.route("/hoeringer/<slug>/hoeringsinstanser", methods=["POST"])
@case_officer_required
def add_consultee(consultation: Consultation):
    form = ConsulteeForm(prefix="c")
    if form.validate_on_submit():
        now = utcnow()
        try:
            services.add_consultee(
                consultation, form.name.data, form.org_number.data, form.contact.data, now=now
            )
        except DomainError as error:
            _field_error(form, error)
        else:
            db.session.commit()
            if services.letter_goes_out(consultation, now):
                flash(
                    _(
                        "Høringsinstansen er lagt til. Høringsbrevet med dokumentene og "
                        "utkastet er journalført som sendt til den."
                    ),
                    "success",
                )
            elif consultation.status == STATUS_DRAFT:
                flash(_("Høringsinstansen er lagt til."), "success")
            else:
                flash(
                    _(
                        "Høringsinstansen er lagt til, men høringsbrevet er ikke journalført: "
                        "fristen har gått ut, og ingenting kan legges til i en avsluttet sak."
                    ),
                    "warning",
                )
            return redirect(url_for("manage.edit", slug=consultation.slug) + "#instanser")
    return render_template(
        "consultations/manage_form.html",
        form=ConsultationForm(obj=consultation, formdata=None),
        agencies=None,
        consultation=consultation,
        consultee_form=form,
        now=utcnow(),
    ), 400


@manage_bp.route("/hoeringer/<slug>/utkast", methods=["GET", "POST"])
@accepts_files
@case_officer_required
def draft(consultation: Consultation):
    form = DraftForm()
    preview = None
    status = 200
    if request.method == "GET" and consultation.current_version is not None:
        form.source.data = consultation.current_version.source_markdown
    if form.validate_on_submit():
        source = form.source.data or ""
        if form.upload.data:
            raw = form.upload.data.read(current_app.config["ATTACHMENT_MAX_BYTES"] + 1)
            try:
                source = draft_source(raw)
            except DomainError as error:
                source = ""
                form.upload.errors = [str(error.message)]
            form.source.data = source
        if request.form.get("action") == "join":
            source = form.source.data = join_wrapped_lines(source)
        if not form.upload.errors:
            try:
                if request.form.get("action") == "publish":
                    version = services.publish_draft_version(
                        consultation, source, by=current_user, note=form.note.data or ""
                    )
                    db.session.commit()
                    flash(_("Versjon %(n)s av utkastet er publisert.", n=version.number), "success")
                    return redirect(url_for("manage.edit", slug=consultation.slug))
                preview = services.preview_draft(source)
            except DomainError as error:
                _field_error(form, error)
    if form.errors:
        status = 400
    return render_template(
        "consultations/manage_draft.html",
        form=form,
        consultation=consultation,
        preview=preview,
        hard_wrapped=bool(preview) and looks_hard_wrapped(form.source.data or ""),
    ), status


@manage_bp.route("/hoeringer/<slug>/lukk")
@case_officer_required
def confirm_close(consultation: Consultation):
    """Closing early cannot be undone: say what it means and ask first."""
    return render_template(
        "consultations/manage_close.html", consultation=consultation, now=utcnow()
    )


@manage_bp.route("/hoeringer/<slug>/status", methods=["POST"])
@case_officer_required
def change_status(consultation: Consultation):
    action = request.form.get("action")
    transitions = {
        "publish": lambda: services.publish_consultation(consultation),
        "close": lambda: services.close_consultation(consultation, by=current_user),
        "archive": lambda: services.archive_consultation(consultation),
    }
    if action not in transitions:
        abort(400)
    if action == "close" and request.form.get("confirm") != "ja":
        return redirect(url_for("manage.confirm_close", slug=consultation.slug), 303)
    transitions[action]()
    db.session.commit()
    messages = {
        "publish": _("Høringen er publisert."),
        "close": _("Høringen er lukket."),
        "archive": _("Høringen er arkivert."),
    }
    flash(messages[action], "success")
    return redirect(url_for("manage.edit", slug=consultation.slug))
