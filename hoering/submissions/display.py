"""What every innspill in a list shares, worked out once per list instead of once per innspill.

A page of 20 innspill used to translate the same dozen labels, build four links with url_for and
ask whether the consultation was open, for each innspill. The list macros take this instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from hoering.consultations.models import Consultation


@dataclass(frozen=True)
class ListContext:
    accepting: bool
    viewer_id: int | None
    csrf: str | None
    here: str
    # "/hoeringer/<slug>/innspill/": an innspill's page is this plus its id, and its actions
    # (enig, svar, rapporter) are paths below that.
    prefix: str
    labels: dict[str, str]
    respondents: dict[str, str]
    positions: dict[str, str]

    def url(self, submission_id: int, action: str = "") -> str:
        return f"{self.prefix}{submission_id}{'/' + action if action else ''}"


def list_context(consultation: Consultation, now: datetime) -> ListContext:
    signed_in = current_user.is_authenticated
    page = url_for("submissions.show", slug=consultation.slug, submission_id=0)
    return ListContext(
        accepting=consultation.accepts_submissions(now),
        viewer_id=current_user.id if signed_in else None,
        csrf=generate_csrf() if signed_in else None,
        here=request.path,
        prefix=page[: -len("0")],
        labels={
            "private": _("Privatperson"),
            "own_account": _("Står for egen regning"),
            "withdrawn": _("Trukket tilbake av forfatteren."),
            "awaiting_review": _(
                "Innspillet er skjult i påvente av vurdering fordi flere har rapportert det."
            ),
            "breach": _("brudd på retningslinjene"),
            "position": _("Standpunkt:"),
            "pending": _("Venter på moderator – bare du ser dette"),
            "off_topic": _("Markert som utenfor tema"),
            "redacted": _(
                "Deler av innspillet er sladdet av moderator fordi de inneholdt "
                "personopplysninger eller annet som ikke kan vises offentlig."
            ),
            "agree": _("Enig"),
            "withdraw_agree": _("(trykk for å trekke tilbake)"),
            "link": _("Lenke"),
            "to_innspill": _("til innspillet"),
            "reply": _("Svar"),
            "report": _("Rapporter"),
            "the_innspill": _("innspillet"),
        },
        respondents={
            "private": _("Privatperson"),
            "organisation": _("Organisasjon"),
            "public_agency": _("Offentlig virksomhet"),
            "business": _("Næringsliv"),
        },
        positions={
            "support": _("Støtter"),
            "oppose": _("Går imot"),
            "neutral": _("Nøytral"),
        },
    )
