"""The case officer's pages after the deadline (/admin/hoeringer/<slug>/behandling, .../kampanjer)
and the public pages that collapse campaigns (/hoeringer/<slug>/svar, .../like/<id>)."""

from __future__ import annotations

from functools import wraps

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from hoering import prepared
from hoering.accounts.models import User
from hoering.accounts.views import safe_next
from hoering.analysis import campaigns, overview, public, queries, services
from hoering.analysis.models import PROCESSING_STATUSES, CampaignMember, Note, ThemeTag
from hoering.consultations.models import Consultation
from hoering.consultations.services import can_manage, get_consultation
from hoering.db import utcnow
from hoering.errors import BadInputError, DomainError, ForbiddenError, NotFoundError
from hoering.extensions import db
from hoering.paging import after_param
from hoering.submissions.models import RESPONDENT_TYPES, Submission
from hoering.tabular import csv_response, delimiter_param

bp = Blueprint("analysis", __name__)


@bp.route("/hoeringer/<slug>/like/<int:campaign_id>")
def alike(slug: str, campaign_id: int):
    """The published innspill of one campaign: what "N like innspill" links to."""
    consultation = get_consultation(slug, viewer=current_user)
    members, next_after = public.members_page(
        consultation,
        campaign_id,
        after=after_param(request.args),
        size=current_app.config["PAGE_SIZE"],
    )
    if not members and request.args.get("etter") is None:
        raise NotFoundError()
    return render_template(
        "analysis/alike.html",
        consultation=consultation,
        campaign_id=campaign_id,
        members=members,
        next_after=next_after,
        now=utcnow(),
    )


@bp.route("/hoeringer/<slug>/svar")
def answers(slug: str):
    """Every answer, listed by respondent: invited høringsinstanser, organisations, persons."""
    consultation = get_consultation(slug, viewer=current_user)
    respondent = request.args.get("type", "")
    if respondent and respondent not in RESPONDENT_TYPES:
        raise BadInputError(_("Ukjent avsendertype."))
    group = request.args.get("gruppe", "")
    if group and group not in public.ANSWER_GROUPS:
        raise BadInputError(_("Ukjent gruppe."))
    after = after_param(request.args)
    pages = {
        name: public.answers_page(
            consultation,
            name,
            respondent=respondent,
            after=after if group == name else None,
            size=current_app.config["PAGE_SIZE"],
        )
        for name in public.ANSWER_GROUPS
        if not group or group == name
    }
    return render_template(
        "analysis/answers.html",
        consultation=consultation,
        pages=pages,
        respondent=respondent,
        group=group,
        now=utcnow(),
    )


def officer_only(view):
    """The consultation by slug, for its agency's case officers and admins: 404 for others where
    it is not public, 403 where it is."""

    @wraps(view)
    @login_required
    def wrapper(slug: str, **kwargs):
        consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
        if consultation is None:
            raise NotFoundError()
        if not can_manage(current_user, consultation):
            if not consultation.is_public:
                raise NotFoundError()
            raise ForbiddenError()
        return view(consultation, **kwargs)

    return wrapper


def _ids(name: str = "innspill") -> list[int]:
    values = request.form.getlist(name)
    if not all(v.isascii() and v.isdigit() and len(v) < 12 for v in values):
        raise BadInputError(_("Ugyldig valg av innspill."))
    return [int(v) for v in values]


def _render_page(consultation: Consultation, *, status: int = 200, theme_error=None):
    themes = services.themes(consultation)
    wanted = queries.parse_filter(request.args, {t.id for t in themes})
    listing = queries.listing(consultation, wanted, size=current_app.config["PAGE_SIZE"])
    return render_template(
        "analysis/behandling.html",
        consultation=consultation,
        themes=themes,
        wanted=wanted,
        listing=listing,
        officers=services.case_officers(consultation),
        sections=queries.sections(consultation),
        statuses=PROCESSING_STATUSES,
        theme_error=theme_error,
    ), status


@bp.route("/admin/hoeringer/<slug>/behandling")
@officer_only
def page(consultation: Consultation):
    return _render_page(consultation)


@bp.route("/admin/hoeringer/<slug>/behandling/temaer", methods=["POST"])
@officer_only
def create_theme(consultation: Consultation):
    try:
        theme = services.create_theme(
            consultation,
            request.form.get("name", ""),
            request.form.get("description", ""),
            by=current_user,
        )
    except DomainError as error:
        db.session.rollback()
        return _render_page(consultation, status=error.status, theme_error=str(error.message))
    db.session.commit()
    flash(_("Temaet «%(name)s» er opprettet.", name=theme.name), "success")
    return redirect(url_for("analysis.page", slug=consultation.slug, **request.args))


@bp.route("/admin/hoeringer/<slug>/behandling/handling", methods=["POST"])
@officer_only
def bulk(consultation: Consultation):
    """One action on the chosen innspill, on a whole campaign, or on all the filter matches."""
    themes = services.themes(consultation)
    wanted = queries.parse_filter(request.args, {t.id for t in themes})
    scope = request.form.get("scope", "valgte")
    if scope == "alle":
        ids = queries.matching_ids(consultation, wanted)
    elif scope == "kampanje":
        campaign_id = request.form.get("campaign", "")
        views = {str(v.campaign.id): v for v in campaigns.listing(consultation)}
        if campaign_id not in views:
            raise BadInputError(_("Ukjent kampanje."))
        ids = [member for member, _similarity in views[campaign_id].members]
    elif scope == "valgte":
        ids = _ids()
    else:
        raise BadInputError(_("Ukjent valg."))
    if not ids:
        raise BadInputError(_("Velg minst ett innspill."))
    action = request.form.get("action")
    if action == "tag":
        theme = services.get_theme(consultation, request.form.get("theme", ""))
        count = services.tag(consultation, theme, ids, by=current_user)
        message = _("%(n)s innspill merket med «%(theme)s».", n=count, theme=theme.name)
    elif action == "status":
        count = services.set_processing(
            consultation, ids, by=current_user, status=request.form.get("status", "")
        )
        message = _("Status endret for %(n)s innspill.", n=count)
    elif action == "assign":
        officer = request.form.get("officer", "")
        chosen = db.session.get(User, int(officer)) if officer.isdigit() else None
        if officer != "ingen" and chosen is None:
            raise BadInputError(_("Ukjent saksbehandler."))
        count = services.set_processing(
            consultation, ids, by=current_user, assigned_to=chosen, unassign=chosen is None
        )
        message = _("Saksbehandler endret for %(n)s innspill.", n=count)
    else:
        raise BadInputError(_("Ukjent handling."))
    db.session.commit()
    flash(message, "success")
    return redirect(
        safe_next(request.form.get("back"), url_for("analysis.page", slug=consultation.slug))
    )


def _submission(consultation: Consultation, submission_id: int) -> Submission:
    submission = db.session.get(Submission, submission_id)
    if submission is None or submission.consultation_id != consultation.id:
        raise NotFoundError()
    return submission


# One rule for both methods: with a GET and a POST rule on one path, a number too large for an
# id would answer 405 instead of 404.
@bp.route(
    "/admin/hoeringer/<slug>/behandling/innspill/<int:submission_id>", methods=["GET", "POST"]
)
@officer_only
def item(consultation: Consultation, submission_id: int):
    submission = _submission(consultation, submission_id)
    if request.method == "POST":
        return _change_item(consultation, submission)
    return _render_item(consultation, submission)


def _render_item(consultation: Consultation, submission: Submission, *, status=200, error=None):
    tags = db.session.scalars(
        select(ThemeTag).where(ThemeTag.submission_id == submission.id).order_by(ThemeTag.id)
    ).all()
    notes = db.session.scalars(
        select(Note).where(Note.submission_id == submission.id).order_by(Note.id)
    ).all()
    member = db.session.get(CampaignMember, submission.id)
    return render_template(
        "analysis/item.html",
        consultation=consultation,
        submission=submission,
        tags=tags,
        notes=notes,
        member=member,
        events=services.history(submission.id),
        themes=services.themes(consultation),
        statuses=PROCESSING_STATUSES,
        error=error,
    ), status


def _change_item(consultation: Consultation, submission: Submission):
    action = request.form.get("action")
    try:
        if action == "note":
            services.add_note(
                consultation, submission.id, request.form.get("note", ""), by=current_user
            )
            message = _("Notatet er lagret.")
        elif action == "tag":
            theme = services.get_theme(consultation, request.form.get("theme", ""))
            services.tag(
                consultation,
                theme,
                [submission.id],
                by=current_user,
                quote=request.form.get("quote", ""),
            )
            message = _("Temaet er lagt til.")
        elif action == "untag":
            tag_id = request.form.get("tag", "")
            services.untag(consultation, int(tag_id) if tag_id.isdigit() else 0)
            message = _("Temaet er fjernet.")
        elif action == "status":
            services.set_processing(
                consultation, [submission.id], by=current_user, status=request.form.get("status")
            )
            message = _("Statusen er endret.")
        elif action == "alone":
            campaigns.move_out(consultation, [submission.id], by=current_user)
            message = _("Innspillet står nå alene, også når kampanjer finnes på nytt.")
        else:
            raise BadInputError(_("Ukjent handling."))
    except DomainError as error:
        db.session.rollback()
        return _render_item(consultation, submission, status=error.status, error=error)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("analysis.item", slug=consultation.slug, submission_id=submission.id))


@bp.route("/admin/hoeringer/<slug>/kampanjer")
@officer_only
def campaign_list(consultation: Consultation):
    views = campaigns.listing(consultation)
    bodies = dict(
        db.session.execute(
            select(Submission.id, Submission.body).where(
                Submission.id.in_([v.campaign.template_id for v in views])
            )
        ).all()
    )
    detection = campaigns.latest_detection(consultation)
    return render_template(
        "analysis/campaigns.html",
        consultation=consultation,
        detection=detection,
        underway=detection is not None and detection.status in prepared.UNDERWAY,
        views=views,
        bodies=bodies,
        themes=services.themes(consultation),
        statuses=PROCESSING_STATUSES,
    )


@bp.route("/admin/hoeringer/<slug>/kampanjer", methods=["POST"])
@officer_only
def change_campaigns(consultation: Consultation):
    action = request.form.get("action")
    campaign = request.form.get("campaign", "")
    campaign_id = int(campaign) if campaign.isdigit() else 0
    if action == "detect":
        campaigns.request_detection(consultation, by=current_user)
        message = _("Kampanjene finnes på nytt i bakgrunnen. Last siden på nytt om litt.")
    elif action == "split":
        campaigns.split(consultation, campaign_id, _ids(), by=current_user)
        message = _("Kampanjen er delt.")
    elif action == "alone":
        campaigns.move_out(consultation, _ids(), by=current_user)
        message = _("Innspillene står nå alene.")
    elif action == "join":
        other = request.form.get("other", "")
        campaigns.join(
            consultation, campaign_id, int(other) if other.isdigit() else 0, by=current_user
        )
        message = _("Kampanjene er slått sammen.")
    else:
        raise BadInputError(_("Ukjent handling."))
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("analysis.campaign_list", slug=consultation.slug))


@bp.route("/admin/hoeringer/<slug>/oversikt")
@officer_only
def overview_page(consultation: Consultation):
    figures = overview.compute(consultation)
    return render_template(
        "analysis/overview.html",
        consultation=consultation,
        figures=figures,
        chart=overview.day_chart(figures.days),
    )


@bp.route("/admin/hoeringer/<slug>/oversikt.json")
@officer_only
def overview_json(consultation: Consultation):
    return jsonify(overview.compute(consultation).as_dict())


@bp.route("/admin/hoeringer/<slug>/oversikt.csv")
@officer_only
def overview_csv(consultation: Consultation):
    delimiter = delimiter_param(request.args)
    return csv_response(
        f"oversikt-{consultation.slug}.csv",
        [_("Tabell"), _("Element"), _("Mål"), _("Verdi")],
        overview.compute(consultation).rows(),
        delimiter,
    )
