"""Atom feeds: new consultations (overall and per agency) and new public innspill of one."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, Response, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select

from hoering import text
from hoering.accounts.models import Agency
from hoering.consultations.models import Consultation
from hoering.consultations.services import get_consultation
from hoering.documents.services import PublicFile, public_files
from hoering.errors import NotFoundError
from hoering.extensions import db
from hoering.feeds import queries
from hoering.feeds.atom import MEDIA_TYPE, Enclosure, Entry, Feed, render_feed
from hoering.formats import format_moment
from hoering.submissions.models import KIND_GENERAL, KIND_REPLY, Submission

bp = Blueprint("feeds", __name__, url_prefix="/atom")

# The updated time of a feed that has never had an entry.
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
FEED_MAX_AGE = 300


def _consultation_entry(consultation: Consultation) -> Entry:
    deadline = Markup("<p>{}</p>").format(
        _("Frist %(date)s", date=format_moment(consultation.deadline))
    )
    return Entry(
        id=f"urn:uuid:{consultation.system_id}",
        title=consultation.title,
        link=url_for("consultations.show", slug=consultation.slug, _external=True),
        published=consultation.published_at,
        updated=consultation.published_at,
        author=consultation.agency.name,
        content_html=str(text.render_markdown(consultation.summary) + deadline),
    )


def _submission_title(submission: Submission, name: str) -> str:
    if submission.kind == KIND_REPLY:
        return _("Svar fra %(name)s", name=name)
    if submission.kind == KIND_GENERAL or submission.paragraph is None:
        return _("Uttalelse fra %(name)s til hele utkastet", name=name)
    section = submission.paragraph.section
    return _(
        "Innspill fra %(name)s til %(section)s, avsnitt %(n)s",
        name=name,
        section=section.number or section.title,
        n=submission.paragraph.ordinal,
    )


def _files_html(files: list[dict]) -> Markup:
    """The files of an innspill under its text: name, size and SHA-256 of the public PDF."""
    if not files:
        return Markup("")
    items = Markup("").join(
        Markup('<li><a href="{}">{}</a> ({}, SHA-256 {})</li>').format(
            f["url"], f["name"], _("PDF, %(size)s byte", size=f["size"]), f["sha256"]
        )
        for f in files
    )
    return Markup("<p>{}</p><ul>{}</ul>").format(_("Vedlegg:"), items)


def _submission_entry(
    consultation: Consultation, submission: Submission, files: list[PublicFile]
) -> Entry:
    name = submission.public_name or _("Privatperson")
    author = name
    if submission.organisation_name:
        author = f"{name} ({submission.organisation_name})"
    published = submission.published_at or submission.created_at
    shown = [f.as_dict(consultation.slug) for f in files]
    return Entry(
        id=f"urn:uuid:{submission.system_id}",
        title=_submission_title(submission, name),
        link=url_for(
            "submissions.show",
            slug=consultation.slug,
            submission_id=submission.id,
            _external=True,
        ),
        published=published,
        updated=max(published, submission.moderated_at or published),
        author=author,
        # The public text: a moderator's redaction replaces the original here too.
        content_html=str(submission.shown_html + _files_html(shown)),
        enclosures=[Enclosure(f["url"], f["media_type"], f["size"], f["name"]) for f in shown],
    )


def _respond(feed: Feed) -> Response:
    """The feed with validators, so readers polling it get 304 Not Modified when nothing changed."""
    response = Response(render_feed(feed), mimetype=MEDIA_TYPE)
    response.add_etag()
    response.last_modified = feed.updated
    response.cache_control.public = True
    response.cache_control.max_age = FEED_MAX_AGE
    return response.make_conditional(request)


def _consultations_feed(
    consultations: list[Consultation], *, title: str, author: str, **page_args
) -> Feed:
    entries = [_consultation_entry(c) for c in consultations]
    return Feed(
        id=request.base_url,
        title=title,
        self_url=request.base_url,
        page_url=url_for("consultations.list_consultations", _external=True, **page_args),
        author=author,
        updated=max((e.updated for e in entries), default=EPOCH),
        language=str(get_locale()),
        entries=entries,
    )


@bp.route("/hoeringer")
def consultations():
    feed = _consultations_feed(
        queries.recent_consultations(), title=_("Nye høringer"), author=_("Høring")
    )
    return _respond(feed)


@bp.route("/virksomheter/<slug>")
def agency_consultations(slug: str):
    agency = db.session.scalar(select(Agency).where(Agency.slug == slug))
    if agency is None:
        raise NotFoundError()
    feed = _consultations_feed(
        queries.recent_consultations(agency),
        title=_("Nye høringer fra %(agency)s", agency=agency.name),
        author=agency.name,
        virksomhet=agency.slug,
    )
    return _respond(feed)


@bp.route("/hoeringer/<slug>/innspill")
def submissions(slug: str):
    consultation = get_consultation(slug)
    recent = queries.recent_submissions(consultation)
    files = public_files([s.id for s in recent])
    entries = [_submission_entry(consultation, s, files.get(s.id, [])) for s in recent]
    moments = [consultation.published_at or EPOCH, *(e.updated for e in entries)]
    if moderated := queries.last_moderation(consultation):
        moments.append(moderated)
    return _respond(
        Feed(
            id=request.base_url,
            title=_("Innspill til %(title)s", title=consultation.title),
            self_url=request.base_url,
            page_url=url_for("consultations.show", slug=consultation.slug, _external=True),
            author=consultation.agency.name,
            updated=max(moments),
            language=str(get_locale()),
            entries=entries,
        )
    )
